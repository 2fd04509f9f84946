"""Accessibility and usability checks, run on every page a journey visits.

``audit(page, phone=...)`` runs browser/audit.js in the page and returns its violations, each
tagged with the Django view the page belongs to. Journeys collect them over all their pages and
fail at the end with the whole list (``Journey.done``), so one run shows every problem.

Problems already found in other apps' pages are listed in ``KNOWN`` (and in
docs/browser-tests.md): they are reported in the test summary, not failed on, until the page is
fixed. Remove the entry when it is: the summary says so ("fixed: remove from KNOWN").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

AUDIT_JS = (Path(__file__).with_name("audit.js")).read_text(encoding="utf-8")

MIN_TARGET_PHONE = 44  # CSS px: WCAG 2.5.5 (AAA), the size for older residents' fingers
MIN_TARGET_DESKTOP = 24  # CSS px: WCAG 2.5.8 (AA), for staff with a mouse
MIN_FONT_PHONE = 16  # CSS px


@dataclass(frozen=True)
class Violation:
    view: str  # the URL name of the page, e.g. "partners:application_detail"
    path: str
    check: str  # label | tap-target | font-size | overflow | console
    element: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.view} ({self.path}): {self.element} — {self.detail}"


@dataclass(frozen=True)
class Known:
    """A problem found in an existing page, waiting for its app to fix it."""

    view: str  # a URL name, or "*" for every page
    check: str
    element: str  # a substring of the violation's element description (or console message)
    note: str

    def matches(self, v: Violation) -> bool:
        return self.view in ("*", v.view) and v.check == self.check and self.element in v.element


KNOWN: tuple[Known, ...] = (
    Known(
        "*",
        "console",
        "/favicon.ico",
        "templates/base.html links no icon, so every browser asks for /favicon.ico and gets a 404 "
        "(a console error on every page). Add <link rel=\"icon\" href=\"{% static 'linli/favicon.ico' %}\">.",
    ),
    Known(
        "partners:application_detail",
        "label",
        'input[name="decision"][type="radio"]',
        "The review's approve/reject radio buttons are rendered with {{ choice.tag }} and bare text: "
        "no <label>. Use {{ choice }} (Django wraps each in a label) or label each tag.",
    ),
    Known(
        "partners:application_detail",
        "tap-target",
        'input[name="decision"][type="radio"]',
        "The same bare radio buttons are 13×13 px with nothing else to click (a label would make the "
        "text clickable too).",
    ),
    Known(
        "partners_public:call_apply",
        "tap-target",
        'input[name="party_type"][type="radio"]',
        "The “I apply as” choices are 27 px high with their labels, under 44 px for a finger on a phone. "
        "E.g. give labels wrapping a radio/checkbox a min-height of 44px (display:flex; align-items:center) "
        "in linli.css, which fixes every RadioSelect/CheckboxSelectMultiple at once.",
    ),
    Known(
        "partners_public:call_apply",
        "label",
        'label[for=""]',
        "The label of “I apply as” (a RadioSelect) has for=\"\": it labels nothing. Use a <fieldset> with a "
        "<legend> for radio groups (field.use_fieldset / {{ field.legend_tag }}).",
    ),
    Known(
        "partners:agreement_detail",
        "label",
        'label[for=""]',
        "The label of “Days” (CheckboxSelectMultiple) in the room slot form has for=\"\": it labels nothing. "
        "Use a <fieldset> with a <legend>.",
    ),
)


def view_name(url: str) -> str:
    path = urlsplit(url).path
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def audit(page, *, phone: bool) -> list[Violation]:
    url = page.url
    found = page.evaluate(
        AUDIT_JS,
        {
            "phone": phone,
            "minTarget": MIN_TARGET_PHONE if phone else MIN_TARGET_DESKTOP,
            "minFont": MIN_FONT_PHONE,
        },
    )
    name, path = view_name(url), urlsplit(url).path
    return [Violation(name, path, v["check"], v["element"], v["detail"]) for v in found]


def known_issue(v: Violation) -> Known | None:
    return next((k for k in KNOWN if k.matches(v)), None)
