"""The checks themselves: each finds what it is meant to find, and all are reported at once.

Made-up pages served by Playwright's router (no live server), so these run in a second each.
"""

from __future__ import annotations

import pytest

from browser.audit import audit
from browser.pages import Journey

ORIGIN = "http://linli.test"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'"


def serve(page, body: str, *, head: str = "", csp: bool = False) -> None:
    html = f'<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">{head}</head><body><main>{body}</main></body></html>'
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if csp:
        headers["Content-Security-Policy"] = CSP
    page.route(f"{ORIGIN}/**", lambda route: route.fulfill(status=200, headers=headers, body=html))
    page.goto(f"{ORIGIN}/page/")


@pytest.fixture
def j(chromium, tmp_path):
    journey = Journey(chromium, ORIGIN, tmp_path)
    yield journey
    journey.close()


def checks(violations) -> list[tuple[str, str]]:
    return sorted((v.check, v.element) for v in violations)


def test_unlabelled_fields_and_labels_of_nothing_are_found(j):
    page = j.phone()
    serve(
        page,
        """<form action="/x/">
          <label for="a">Name</label><input id="a" name="a">
          <label>Phone <input name="b"></label>
          <input name="c" aria-label="Search">
          <span id="lbl">Grid</span><select name="d" aria-labelledby="lbl"><option>1</option></select>
          <input type="hidden" name="e"><input type="submit" value="Go">
          <input name="bare"><textarea name="notes"></textarea>
          <label for="">Choose</label><label><input type="radio" name="r" value="1"> One</label>
          <input type="radio" name="r" value="2"> Two
        </form>""",
    )
    found = [v for v in audit(page, phone=True) if v.check == "label"]
    assert [v.element.split(" in ")[0] for v in found] == [
        'input[name="bare"]',
        'textarea[name="notes"]',
        'input[name="r"][type="radio"][value="2"]',
        'label[for=""] "Choose"',
    ]


def test_tap_targets_are_44_px_on_a_phone_and_24_on_a_desk(j):
    body = """<style>.t{display:inline-block;width:30px;height:30px;padding:0;min-height:0}.s{width:20px;height:20px;padding:0}</style>
      <button class="t">A</button><button class="small t">B</button><a class="btn t" href="#">C</a>
      <p>Read <a href="#">inline links</a> are exempt.</p><button class="s">D</button>
      <button style="width:50px;height:50px">OK</button>"""
    phone = j.phone()
    serve(phone, body)
    assert checks(v for v in audit(phone, phone=True) if v.check == "tap-target") == [
        ("tap-target", 'a.btn.t "C"'),
        ("tap-target", 'button.s "D"'),
        ("tap-target", 'button.t "A"'),
    ]
    desk = j.desktop()
    serve(desk, body)
    assert checks(audit(desk, phone=False)) == [("tap-target", 'button.s "D"')]


def test_radio_buttons_count_with_their_label(j):
    page = j.phone()
    serve(
        page,
        """<style>label.big { display: flex; align-items: center; min-height: 44px }</style>
        <label><input type="radio" name="small" value="1"> One line</label>
        <label class="big"><input type="radio" name="big" value="1"> Tall enough</label>
        <input type="checkbox" name="bare" aria-label="Bare">""",
    )
    assert checks(audit(page, phone=True)) == [
        ("tap-target", 'input[name="bare"][type="checkbox"]'),
        ("tap-target", 'input[name="small"][type="radio"][value="1"]'),
    ]


def test_small_type_and_sideways_scrolling_are_found_on_a_phone(j):
    page = j.phone()
    serve(
        page,
        """<style>body{font-size:14px} .wide{width:600px} .table-wrap{overflow-x:auto}</style>
        <label for="q">Q</label><input id="q" name="q" style="font-size:13px">
        <div class="wide">too wide</div>
        <div class="table-wrap"><table><tr><td class="wide">fine: it scrolls in its box</td></tr></table></div>""",
    )
    found = audit(page, phone=True)
    assert checks(found) == [
        ("font-size", "body"),
        ("font-size", 'input[name="q"]'),
        ("overflow", "div.wide"),
    ]
    assert next(v.detail for v in found if v.check == "overflow").startswith("page is 6")


def test_console_errors_and_csp_violations_are_found_and_everything_is_reported_at_once(j):
    page = j.phone()
    serve(page, '<p style="color:red">inline style</p><input name="bare">', csp=True)
    j.step(page, "bad page")
    with pytest.raises(AssertionError) as failure:
        j.done()
    text = str(failure.value)
    assert "[label]" in text and 'input[name="bare"]' in text
    assert "[console]" in text and "Content Security Policy" in text
    assert (j.folder / "01-bad-page.png").exists()


def test_a_clean_page_passes(j):
    page = j.phone()
    serve(
        page,
        '<form><label for="n">Name</label><input id="n" name="n"><button>Save</button></form>',
        head="<style>body, input { font-size: 17px } button { min-height: 44px }</style>",
    )
    j.step(page, "clean")
    j.done()
    assert not j.violations
