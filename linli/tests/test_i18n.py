"""The zh_Hans catalogue is complete, and the committed .mo says what the .po says.

A fresh machine has no gettext tools, so Linli runs on the committed .mo; a .po edited without
recompiling would silently show stale Chinese. These tests read both files and compare them.
"""

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries() -> list[dict[str, str]]:
    """Parse the .po into entries (enough of the format for what makemessages writes)."""
    entries, current, key = [], {}, None
    for line in PO.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, rest = line.partition(" ")
            current[key] = ast.literal_eval(rest)
    return [e for e in entries if e.get("msgid")]


def test_every_message_is_translated():
    entries = _entries()
    assert len(entries) > 1000
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    assert fuzzy == [] and untranslated == []


def test_placeholders_survive_translation():
    pattern = re.compile(r"%\(\w+\)[sd]|%[sd]")
    broken = [
        e["msgid"]
        for e in entries_with_text()
        if sorted(pattern.findall(e["msgid"])) != sorted(pattern.findall(e["text"]))
        and "msgid_plural" not in e
    ]
    assert broken == []


def entries_with_text() -> list[dict[str, str]]:
    return [{**e, "text": e.get("msgstr") or e.get("msgstr[0]", "")} for e in _entries()]


def test_the_compiled_catalogue_matches_the_source():
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in entries_with_text():
        if "msgid_plural" in e:
            got = compiled.npgettext(e["msgctxt"], e["msgid"], e["msgid_plural"], 1) if "msgctxt" in e else compiled.ngettext(e["msgid"], e["msgid_plural"], 1)
        else:
            got = compiled.pgettext(e["msgctxt"], e["msgid"]) if "msgctxt" in e else compiled.gettext(e["msgid"])
        if got != e["text"]:
            stale.append(e["msgid"])
    assert stale == [], "run `make messages` (msgfmt) and commit the .mo"


def test_pages_are_chinese_by_default(client):
    body = client.get("/accounts/login/").content.decode()
    assert "用户名或手机号" in body
    with translation.override("en"):
        assert translation.gettext("Username or mobile number") == "Username or mobile number"
