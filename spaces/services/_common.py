"""What every spaces service shares: who may act, who acted, tidy text, local times."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Forbidden, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from spaces import hours


def require_manage(actor: Scope | None, community_id: int) -> None:
    """``actor`` None is a trusted caller (demo data, another app's service that already checked).

    Anyone else needs ``space.manage`` in the community. Someone who cannot even see the
    community's rooms gets NotFound (the room does not exist for them); someone who can see them
    but not change them (a subdistrict officer, an auditor) gets Forbidden.
    """
    if actor is None:
        return
    if not actor.has(Cap.SPACE_VIEW, community_id) and not actor.has(Cap.SPACE_MANAGE, community_id):
        raise NotFound()
    if not actor.has(Cap.SPACE_MANAGE, community_id):
        raise Forbidden(_("Your role may look at rooms and bookings here but not change them."))


def user_of(actor: Scope | None):
    return actor.user if actor is not None and actor.is_authenticated else None


def clean_text(value: str | None, *, max_length: int, field: str, required: bool = False, code: str = "invalid") -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ValidationFailed(_("%(field)s is required.") % {"field": field}, code=code)
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long (%(n)s characters at most).") % {"field": field, "n": max_length}, code=code
        )
    return text


def local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValidationFailed(_("Times must carry a time zone."), code="naive_time")
    return timezone.localtime(moment)


def aware(day: dt.date, minutes: int) -> dt.datetime:
    """The moment ``minutes`` after local midnight of ``day`` (1440 = the next midnight)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes))


def day_minutes(starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[dt.date, int, int] | None:
    """(local date, start minute, end minute) when the range lies within one local day (ending at
    the next midnight counts as 24:00); None when it spans days."""
    start, end = local(starts_at), local(ends_at)
    day = start.date()
    start_min = start.hour * 60 + start.minute
    if end.date() == day:
        end_min = end.hour * 60 + end.minute
    elif end.date() == day + dt.timedelta(days=1) and (end.hour, end.minute, end.second) == (0, 0, 0):
        end_min = hours.MINUTES_PER_DAY
    else:
        return None
    return day, start_min, end_min


def when_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """'2030-03-04 Mon 16:30–18:30' in local time: how a clash or a refusal names a time."""
    span = day_minutes(starts_at, ends_at)
    if span is None:
        return f"{local(starts_at):%Y-%m-%d %H:%M} – {local(ends_at):%Y-%m-%d %H:%M}"
    day, start, end = span
    return f"{day:%Y-%m-%d} {hours.WEEKDAY_NAMES[day.weekday()]} {hours.hhmm(start)}–{hours.hhmm(end)}"

