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

try:
    import playwright  # noqa: F401
except ImportError:  # a venv made before playwright joined requirements.lock: `make venv`
    collect_ignore_glob = ["test_*.py"]
    _no_playwright = "browser tests not collected: the playwright package is not installed (make venv)"
else:
    _no_playwright = ""

_report_key = pytest.StashKey[dict]()
_summary: dict[str, list[str]] = {"deselected": [], "artefacts": []}
_met: dict = {}  # browser.audit.Known → the pages where this run met it
_run: dict[str, bool] = {"journeys": False, "all_modules": False}


def chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def _why_not_run() -> str:
    if not chromium_available():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    vendor = settings.DATABASES["default"]["ENGINE"]
    if vendor.endswith("postgresql") and os.environ.get("LINLI_BROWSER_ON_POSTGRES") != "1":
        return "they run in the SQLite pass (LINLI_BROWSER_ON_POSTGRES=1 runs them here too)"
    return ""


@pytest.hookimpl(tryfirst=True)  # before -m selects on the marker
def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in Path(item.fspath).parents]
    for item in mine:
        item.add_marker(pytest.mark.browser)
    modules = {Path(item.fspath).name for item in mine}
    _run["all_modules"] = not config.option.keyword and modules == {p.name for p in HERE.glob("test_*.py")}
    reason = _why_not_run()
    if mine and reason:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]
        _summary["deselected"].append(f"{len(mine)} browser tests not run: {reason}")


def pytest_terminal_summary(terminalreporter):
    known = [
        f"known problem, not failed on (browser/audit.py KNOWN) [{k.check}] {k.element} on {', '.join(sorted(pages))}"
        for k, pages in _met.items()
    ]
    lines = [_no_playwright] if _no_playwright else []
    lines += _summary["deselected"] + known + _stale_known() + _summary["artefacts"]
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


@pytest.fixture
def chromium():
    """A headless Chromium for one test (about half a second to start).

    Not one for the whole session: while Playwright's sync API is started it keeps an asyncio
    loop running in this thread. Django then treats the thread as async: it refuses ORM calls
    (hence DJANGO_ALLOW_ASYNC_UNSAFE, set only while a browser is up) and hands out different
    connection objects, so a browser kept open across tests would break pytest-django's set-up
    of the next test (serialized_rollback would restore nothing). Started after the database is
    set up and stopped before it is flushed, the browser stays out of that.
    """
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()
    finally:
        # The connections the test's own code opened while the loop ran are kept apart from
        # pytest-django's (see above): close them, or PostgreSQL could not drop the test database.
        from django.db import connections

        connections.close_all()
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
            _met.setdefault(known_issue(v), set()).add(v.view)
        _run["journeys"] = True
        if not failed and not j.finished:
            pytest.fail("a journey must end with journey.done() (it reports the checks' findings)")
    finally:
        j.close()


def _stale_known() -> list[str]:
    """After a run of every journey: the known problems none of them met are probably fixed."""
    from browser.audit import KNOWN

    if not (_run["journeys"] and _run["all_modules"]):
        return []
    return [
        f"known problem not met any more (fixed? then remove it from browser/audit.py KNOWN): {k.view} {k.element}"
        for k in KNOWN
        if k not in _met
    ]
