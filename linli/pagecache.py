"""Parts of pages drawn once and shared: public pages at most once a minute, a dashboard's
figures once per rollup write.

A community's catalogue and its fund page are the same for everyone who opens them and are
opened far more often than they change: a QR code on a noticeboard, a link shared in a WeChat
group. Their content is drawn once per ``LINLI_PUBLIC_PAGE_SECONDS`` (60) and language, and
shared by every server process through the cache (Redis in production); the page says when it
was drawn. What belongs to the visitor (the login link, the question form and its CSRF token)
is drawn on every view, around the shared part, and the shared part is drawn without the
request, so nothing of one visitor can end up in another's page. A dashboard's figures are
drawn the same way under the time its rollups were written (``shared_part``); the viewer's way up
the tree is drawn per view (docs/decisions/0007-shared-drawings-of-public-pages-and-dashboards.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Drawn:
    html: SafeString
    drawn_at: dt.datetime


def public_part(key: str, template: str, context: Callable[[], dict]) -> Drawn:
    """``template`` drawn with ``context()`` (called only when it must be drawn), shared under
    ``key`` for ``LINLI_PUBLIC_PAGE_SECONDS``."""
    return shared_part(f"public:{key}", template, context, seconds=settings.LINLI_PUBLIC_PAGE_SECONDS)


def shared_part(key: str, template: str, context: Callable[[], dict], *, seconds: int) -> Drawn:
    """The same for any part whose ``key`` names everything it is drawn from (a dashboard's key
    holds the time its figures were written): kept ``seconds``, per language; 0 draws it now."""
    full_key = f"{key}:{translation.get_language()}"
    found = cache.get(full_key) if seconds > 0 else None
    if found is None:
        found = (render_to_string(template, context()), timezone.now())
        if seconds > 0:
            cache.set(full_key, found, seconds)
    html, drawn_at = found
    return Drawn(mark_safe(html), drawn_at)  # nosec B308 B703: our own template's output


def forget(key: str) -> None:
    """Draw ``key``'s page afresh at its next view (after an edit its author expects to see): now,
    and again when the edit commits, so that a view drawn meanwhile from the old rows does not
    stay for a minute."""
    keys = [f"public:{key}:{code}" for code, _name in settings.LANGUAGES]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
