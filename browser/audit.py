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


KNOWN: tuple[Known, ...] = ()


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
