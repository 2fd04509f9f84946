"""Browser tests: Playwright (sync API) driving Debian's Chromium against Django's live server.

* Every test here is marked ``browser`` (select with ``-m browser``, leave out with
  ``-m "not browser"``).
* They run on SQLite only: on a PostgreSQL run they are deselected (the pages and journeys are
  the same on both databases; the PostgreSQL pass is for database guarantees), unless
  LINLI_BROWSER_ON_POSTGRES=1.
* Without Chromium (/usr/bin/chromium, or LINLI_CHROMIUM) they are deselected with one line in
  the summary, never skipped one by one. Playwright never downloads a browser here.
* Screenshots of each step go to var/browser-artifacts/<test>/NN-step.png (or
  $LINLI_BROWSER_ARTIFACTS); a failing test also leaves failure-<tab>.png, .html and
  -console.log there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("LINLI_CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).parent
ARTIFACTS = Path(os.environ.get("LINLI_BROWSER_ARTIFACTS", settings.BASE_DIR / "var" / "browser-artifacts"))

_report_key = pytest.StashKey[dict]()
_summary: dict[str, list[str]] = {"deselected": [], "known": [], "artefacts": []}
_met: set = set()  # the browser.audit.KNOWN entries the journeys of this run met
_journeys: list[str] = []


def chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def _why_not_run() -> str:
    if not chromium_available():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    vendor = settings.DATABASES["default"]["ENGINE"]
    if vendor.endswith("postgresql") and os.environ.get("LINLI_BROWSER_ON_POSTGRES") != "1":
        return "they run in the SQLite pass (LINLI_BROWSER_ON_POSTGRES=1 runs them here too)"
    return ""


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in Path(item.fspath).parents]
    for item in mine:
        item.add_marker(pytest.mark.browser)
    reason = _why_not_run()
    if mine and reason:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]
        _summary["deselected"].append(f"{len(mine)} browser tests not run: {reason}")


def pytest_terminal_summary(terminalreporter):
    lines = _summary["deselected"] + _summary["known"] + (_stale_known() if _journeys else []) + _summary["artefacts"]
    if not lines:
        return
    terminalreporter.section("browser tests")
    for line in dict.fromkeys(lines):
        terminalreporter.write_line(line)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_report_key, {})[report.when] = report
    return report


@pytest.fixture(scope="package")
def chromium():
    """One headless Chromium for the package. Playwright's sync API keeps an asyncio loop running
    in this thread, which Django takes for async code: the ORM is allowed here, and only while
    the browser tests run (the loop stops when the package is done)."""
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def journey(request, chromium, live_server):
    from browser.audit import known_issue
    from browser.pages import Journey

    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    j = Journey(chromium, live_server.url, folder)
    yield j
    reports = request.node.stash.get(_report_key, {})
    failed = any(r.failed for r in reports.values())
    try:
        if failed:
            saved = j.save_failure()
            _summary["artefacts"].append(f"{request.node.nodeid}: failed; page, screenshot and console log in {folder}")
            request.node.add_report_section("call", "browser artefacts", "\n".join(map(str, saved)))
        for v in j.known:
            _met.add(known_issue(v))
            _summary["known"].append(f"known problem (not failed on): {v}")
        _journeys.append(request.node.nodeid)
        if not failed and not j.finished:
            pytest.fail("a journey must end with journey.done() (it reports the checks' findings)")
    finally:
        j.close()


def _stale_known() -> list[str]:
    from browser.audit import KNOWN

    return [
        f"known problem not met in this run (fixed? then remove it from browser/audit.py KNOWN): {k.view} {k.element}"
        for k in KNOWN
        if k not in _met
    ]
