"""What a journey uses: phones and desks, screenshots, the checks on every page, logging in.

A journey is a test that takes the ``journey`` fixture (browser/conftest.py)::

    def test_something(journey, world):
        phone = journey.phone()                 # a resident's phone in WeChat
        phone.goto("/c/partners/")
        journey.step(phone, "public-calls")      # screenshot 01-public-calls.png + checks
        ...
        journey.done()                           # fails with every problem the checks found

``step`` is the one call to make on each page the person sees: it saves the screenshot and runs
the accessibility checks (browser/audit.py) and collects the console errors of the page.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

from browser.audit import Violation, audit, known_issue, view_name
from linli.testkit import PASSWORD

# WeChat's built-in browser on an Android phone (X5/XWeb on Chromium), as residents use Linli.
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300333 "
    "MMWEBSDK/20240404 MMWEBID/1234 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin "
    "NetType/WIFI Language/zh_CN ABI/arm64"
)
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": WECHAT_UA,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "device_scale_factor": 1}
WALL = {"viewport": {"width": 1920, "height": 1080}, "device_scale_factor": 1}  # a hall's big screen
COMMON = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@dataclass
class Tab:
    """One browser context (a person's phone or desk) and its page, with its console log."""

    name: str
    context: BrowserContext
    page: Page
    phone: bool
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # console errors not yet reported by a step


class Journey:
    def __init__(self, browser: Browser, base_url: str, folder: Path) -> None:
        self.browser = browser
        self.base_url = base_url
        self.folder = folder
        self.tabs: list[Tab] = []
        self.violations: list[Violation] = []
        self.known: list[Violation] = []
        self.steps = 0
        self.finished = False

    # --- people's devices ---------------------------------------------------------------

    def phone(self, name: str = "phone", *, javascript: bool = True) -> Page:
        return self._open(name, PHONE, phone=True, javascript=javascript)

    def desktop(self, name: str = "desk") -> Page:
        return self._open(name, DESKTOP, phone=False, javascript=True)

    def wall(self, name: str = "wall") -> Page:
        return self._open(name, WALL, phone=False, javascript=True)

    def _open(self, name: str, device: dict, *, phone: bool, javascript: bool) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, java_script_enabled=javascript, accept_downloads=True, **device, **COMMON
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        tab = Tab(name, context, page, phone)

        def on_console(msg: ConsoleMessage) -> None:
            source = (msg.location or {}).get("url") or ""
            tab.console.append(f"[{msg.type}] page {page.url}: {msg.text} (from {source or 'the page'})")
            if msg.type == "error":
                tab.errors.append(f"{msg.text} (from {source})" if source and source != page.url else msg.text)

        def on_error(exc) -> None:
            tab.console.append(f"[pageerror] {page.url} {exc}")
            tab.errors.append(f"uncaught exception: {exc}")

        page.on("console", on_console)
        page.on("pageerror", on_error)
        self.tabs.append(tab)
        return page

    def tab(self, page: Page) -> Tab:
        return next(t for t in self.tabs if t.page is page)

    # --- each page the person sees ------------------------------------------------------------

    def step(self, page: Page, name: str, *, doc: str = "") -> Path:
        """Screenshot the page as NN-name.png and run the checks on it.

        ``doc`` names a screenshot worth showing in the documentation: with LINLI_SCREENS_DIR set
        (e.g. ``LINLI_SCREENS_DIR=docs/screens make test-browser``) it is also saved there as
        ``<doc>.png``, the screen as the person sees it (not the whole page).
        """
        page.wait_for_load_state("load")
        self.steps += 1
        slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.steps:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        if doc and os.environ.get("LINLI_SCREENS_DIR"):
            screens = Path(os.environ["LINLI_SCREENS_DIR"])
            screens.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screens / f"{doc}.png"))
        self.check(page)
        return path

    def check(self, page: Page) -> None:
        tab = self.tab(page)
        found = audit(page, phone=tab.phone)
        for text in tab.errors:
            found.append(Violation(view_name(page.url), urlsplit(page.url).path, "console", text, "console error"))
        tab.errors.clear()
        for v in found:
            bucket = self.known if known_issue(v) else self.violations
            if v not in bucket:
                bucket.append(v)

    def done(self) -> None:
        """Fail with every problem the checks found on the journey's pages (all at once)."""
        self.finished = True
        for tab in self.tabs:
            if tab.errors:  # errors after the last step
                self.check(tab.page)
        assert not self.violations, "Accessibility/usability problems:\n" + "\n".join(map(str, self.violations))

    # --- after a failure ---------------------------------------------------------------

    def save_failure(self) -> list[Path]:
        saved = []
        for tab in self.tabs:
            base = self.folder / f"failure-{tab.name}"
            try:
                tab.page.screenshot(path=f"{base}.png", full_page=True)
                saved.append(Path(f"{base}.png"))
                Path(f"{base}.html").write_text(tab.page.content(), encoding="utf-8")
                saved.append(Path(f"{base}.html"))
            except Exception as exc:  # the page may be gone; the console log still helps
                tab.console.append(f"[artefacts] could not save the page: {exc}")
            Path(f"{base}-console.log").write_text("\n".join(tab.console) + "\n", encoding="utf-8")
            saved.append(Path(f"{base}-console.log"))
        return saved

    def close(self) -> None:
        for tab in self.tabs:
            tab.context.close()


# --- common moves ------------------------------------------------------------------------------


def log_in(page: Page, username: str, password: str = PASSWORD, *, next_url: str = "") -> None:
    """Log in through the login page, as a person would (residents type their mobile number)."""
    page.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "/accounts/login/" not in page.url, f"login as {username} failed: still on {page.url}"


def submit(page: Page, form: str) -> None:
    """Submit the form (a CSS selector) with its submit button and wait for the next page."""
    with page.expect_navigation():
        page.click(f"{form} [type=submit]")


def message(page: Page) -> str:
    """The text of the flash messages on the page."""
    return page.locator("ul.messages").inner_text() if page.locator("ul.messages").count() else ""


def download(page: Page, selector: str) -> bytes:
    """Click a download link and return the file's content."""
    with page.expect_download() as info:
        page.click(selector)
    return info.value.path().read_bytes()


def photo(text: str = "随手拍", size: tuple[int, int] = (800, 600)) -> dict:
    """A JPEG as a phone camera would send it, for set_input_files (snapshots, evidence photos)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (176, 196, 222))
    ImageDraw.Draw(image).text((20, 20), text.encode("ascii", "replace").decode(), fill=(0, 0, 0))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80)
    return {"name": "IMG_20261124_101500.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def workbook(rows: list[list], name: str = "导入.xlsx") -> dict:
    """An .xlsx (first row: the column titles) for set_input_files, as staff upload from Excel."""
    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return {
        "name": name,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": buf.getvalue(),
    }
