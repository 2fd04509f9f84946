"""The agreement renders as a printable PDF with Chinese text (ReportLab's built-in CID font)."""

import base64
import re
import zlib

from partners.pdf import agreement_pdf
from partners.tests.conftest import TODAY

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        ch = literal[i : i + 1]
        if ch != b"\\":
            out += ch
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(literal[i + 1 : i + 2], b"")
            i += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text drawn in the CID font: ReportLab writes it as UTF-16BE string literals inside
    ASCII85 + Flate streams."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        stream = stream.strip()
        content = zlib.decompress(base64.a85decode(stream[:-2] if stream.endswith(b"~>") else stream))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            raw = _unescape(literal)
            if len(raw) % 2 == 0:
                text.append(raw.decode("utf-16-be", errors="replace"))
    return "".join(text)


def test_the_agreement_pdf_has_parties_terms_commitments_and_signatures(pw):
    data = agreement_pdf(pw.agreement_y)
    assert data.startswith(b"%PDF")
    assert b"STSong-Light" in data, "the built-in Chinese font, no font file"
    text = pdf_text(data)
    assert "共享自习室" in text and "康平社区" in text and "辛店街道" in text
    assert pw.agreement_y.number in text
    assert "免费辅导困境儿童" in text and "受助儿童" in text
    assert "邵书记" in text and "合伙人代表" in text
    assert f"{TODAY:%Y}" in text


def test_the_revenue_share_clause_follows_the_agreement(pw):
    # The layout strings are gettext'ed and rendered with zh-hans; whatever the catalogue holds
    # now, the data itself is always printed as entered.
    text = pdf_text(agreement_pdf(pw.agreement_x, language="en"))
    assert "Community partner cooperation agreement" in text and "康小鲜社区私房" in text
    assert "30%" not in text, "agreement X has no revenue share"
    assert "30%" in pdf_text(agreement_pdf(pw.agreement_y, language="en"))


def test_a_draft_prints_blank_signature_lines_and_its_status(pw):
    from partners import services

    draft = services.agreement_create(actor=pw.staff(), partner=pw.x, starts_on=TODAY, ends_on=TODAY)
    text = pdf_text(agreement_pdf(draft, language="en"))
    assert "________" in text and "Draft" in text


def test_names_with_markup_characters_print_as_written(pw):
    from partners import services

    pw.x.services = "A&B <托管> 服务"
    pw.x.save()
    draft = services.agreement_create(actor=pw.staff(), partner=pw.x, starts_on=TODAY, ends_on=TODAY)
    assert "A&B <托管> 服务" in pdf_text(agreement_pdf(draft))
