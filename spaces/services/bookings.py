"""Bookings of rooms: one-off, weekly series, cancel, move.

The rule that matters: two bookings of one room never overlap. Three layers keep it:

1. Each service locks the room row first (``_lock_room``), so bookings of one room are written
   one after the other, and a booking never races a change of the room's opening hours.
2. Inside that transaction the service looks for overlapping bookings and refuses with a message
   that names the clash (room, time, holder) — the message people read.
3. The database refuses an overlapping row whatever wrote it. On PostgreSQL that is the
   ``booking_no_overlap`` exclusion constraint (spaces/constraints.py); the insert runs in a
   savepoint, so when the constraint fires the service can still look up what it clashed with and
   raise the same Conflict. On SQLite the project runs transactions in IMMEDIATE mode: a
   transaction takes the database's single write lock when it begins, so no other writer can run
   between the overlap check of step 2 and the insert — the check is race-free there.

Times are aware datetimes, cut to the whole minute; opening hours are local wall-clock times
(settings.TIME_ZONE). ``now`` may be given (tests, demo history) and defaults to the real time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from insights import signals as insights_signals
from linli.errors import Conflict, ValidationFailed
from orgs.scope import Scope
from spaces import hours
from spaces.models import Booking, BookingSeries, BookingStatus, HolderKind, Room
from spaces.services._common import aware, clean_text, day_minutes, local, require_manage, user_of, when_text
from spaces.text import aside, join_groups, join_list

MAX_SERIES_DAYS = 731  # two years: long enough for a renewed partner agreement
OVERLAP_CONSTRAINT = "booking_no_overlap"

Range = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Holder:
    kind: str
    id: int | None
    name: str


def check_holder(*, holder_kind: str, holder_id: int | None, holder_name: str) -> Holder:
    if holder_kind not in HolderKind.values:
        raise ValidationFailed(
            _("Unknown holder kind “%(kind)s”; use one of: %(kinds)s.")
            % {"kind": holder_kind, "kinds": ", ".join(HolderKind.values)},
            code="bad_holder",
        )
    if holder_id is not None and (not isinstance(holder_id, int) or isinstance(holder_id, bool) or holder_id <= 0):
        raise ValidationFailed(_("The holder's id must be a positive whole number."), code="bad_holder")
    name = clean_text(holder_name, max_length=100, field=_("The holder's name"), required=True, code="bad_holder")
    return Holder(holder_kind, holder_id, name)


def _check_title(title: str) -> str:
    return clean_text(title, max_length=100, field=_("The title"), required=True, code="bad_title")


def _check_source(source_type: str, source_id: int | None) -> tuple[str, int | None]:
    return clean_text(source_type, max_length=40, field=_("The source")), source_id


def _whole_minute(moment: dt.datetime) -> dt.datetime:
    return local(moment).replace(second=0, microsecond=0)


def _lock_room(room: Room) -> Room:
    """Re-read the room under a row lock (PostgreSQL; a no-op on SQLite, where the transaction
    already holds the write lock). Bookings of a room, and changes to its hours, queue here.
    ``of=("self",)``: the joined community row is read, not locked — other rooms of the community
    and other apps' writes to it do not wait."""
    return Room.objects.select_for_update(of=("self",)).select_related("community").get(pk=room.pk)


def _require_open(room: Room) -> None:
    if not room.is_active:
        raise ValidationFailed(_("%(room)s is no longer in use and takes no bookings.") % {"room": room.name}, code="room_not_in_use")


def hours_sentence(room: Room) -> str:
    """'Mon–Fri 08:30–12:00, 14:00–21:00; Sat, Sun 09:00–17:00'."""
    return join_groups(f"{days} {periods}" for days, periods in room.hours_display)


def hours_refusal(room: Room, starts_at: dt.datetime, ends_at: dt.datetime) -> str | None:
    """Why [starts_at, ends_at) is not inside the room's opening hours, or None if it is."""
    span = day_minutes(starts_at, ends_at)
    if span is None:
        return _("A booking must start and end on the same day; book each day separately or as a weekly series.")
    day, start, end = span
    week = room.week
    if hours.is_within(week, day, start, end):
        return None
    weekday = hours.WEEKDAY_NAMES[day.weekday()]
    if not week[day.weekday()]:
        return _("%(room)s is closed on %(day)s. Its opening hours: %(hours)s.") % {
            "room": room.name,
            "day": weekday,
            "hours": hours_sentence(room) if any(week) else _("none set"),
        }
    return _(
        "%(room)s is open on %(day)s only %(periods)s, and %(when)s is not inside one of those periods. "
        "Its opening hours: %(hours)s."
    ) % {
        "room": room.name,
        "day": weekday,
        "periods": ", ".join(hours.period_text(p) for p in week[day.weekday()]),
        "when": when_text(starts_at, ends_at),
        "hours": hours_sentence(room),
    }


def overlapping(room: Room, ranges: Sequence[Range], *, exclude_ids: Sequence[int] = ()) -> list[tuple[int, Booking]]:
    """(index into ``ranges``, booking) for every booked booking of ``room`` that overlaps one
    of the ranges. One query for the whole span, then matched here: a series has a few hundred
    dates at most."""
    if not ranges:
        return []
    low = min(start for start, _end in ranges)
    high = max(end for _start, end in ranges)
    existing = list(
        Booking.objects.filter(room=room, status=BookingStatus.BOOKED, starts_at__lt=high, ends_at__gt=low)
        .exclude(pk__in=list(exclude_ids))
        .order_by("starts_at")
    )
    found = []
    for index, (start, end) in enumerate(ranges):
        for booking in existing:
            if booking.starts_at < end and start < booking.ends_at:
                found.append((index, booking))
    return found


def clash_text(booking: Booking) -> str:
    return aside(f"{when_text(booking.starts_at, booking.ends_at)} {booking.holder_name}", booking.title)


def _clash_details(clashes: list[tuple[int, Booking]], ranges: Sequence[Range]) -> list[dict]:
    return [
        {
            "date": local(ranges[index][0]).date().isoformat(),
            "wanted": when_text(*ranges[index]),
            "booking_id": booking.pk,
            "booked": when_text(booking.starts_at, booking.ends_at),
            "holder_kind": booking.holder_kind,
            "holder_name": booking.holder_name,
            "title": booking.title,
        }
        for index, booking in clashes
    ]


def _one_clash(room: Room, clashes: list[tuple[int, Booking]], ranges: Sequence[Range]) -> Conflict:
    booking = clashes[0][1]
    return Conflict(
        _("%(room)s is already booked %(when)s by %(holder)s (%(title)s).")
        % {
            "room": room.name,
            "when": when_text(booking.starts_at, booking.ends_at),
            "holder": booking.holder_name,
            "title": booking.title,
        },
        code="booking_clash",
        details=_clash_details(clashes, ranges),
    )


def _series_clash(room: Room, clashes: list[tuple[int, Booking]], ranges: Sequence[Range]) -> Conflict:
    dates = sorted({index for index, _booking in clashes})
    listed = join_groups(
        f"{local(ranges[index][0]).date():%Y-%m-%d}: "
        + join_list(clash_text(b) for i, b in clashes if i == index)
        for index in dates
    )
    return Conflict(
        _("%(n)s of the %(total)s dates clash with bookings of %(room)s, so none was booked — %(list)s")
        % {"n": len(dates), "total": len(ranges), "room": room.name, "list": listed},
        code="series_clash",
        details=_clash_details(clashes, ranges),
    )


def _raced(room: Room, ranges: Sequence[Range], exclude_ids: Sequence[int], series: bool) -> Conflict:
    """The constraint refused a row another transaction committed after our check: name it."""
    clashes = overlapping(room, ranges, exclude_ids=exclude_ids)
    if clashes:
        return _series_clash(room, clashes, ranges) if series else _one_clash(room, clashes, ranges)
    return Conflict(
        _("%(room)s was booked by someone else at the same moment; look at its calendar and try again.")
        % {"room": room.name},
        code="booking_clash",
    )


def _is_overlap(exc: IntegrityError) -> bool:
    return OVERLAP_CONSTRAINT in str(exc)


def _insert(bookings: list[Booking], *, user) -> list[Booking] | None:
    """Insert in a savepoint; None when the database refused an overlap (PostgreSQL)."""
    try:
        with transaction.atomic():
            created = bulk_create_with_history(bookings, Booking, default_user=user)
            insights_signals.mark_instances(created)
            return created
    except IntegrityError as exc:
        if not _is_overlap(exc):
            raise
        return None


def _record_change(bookings: list[Booking], *, user, reason: str) -> None:
    """History rows for changes written by conditional UPDATEs (which send no signals)."""
    get_history_manager_for_model(Booking).bulk_history_create(
        bookings, update=True, default_user=user, default_change_reason=reason[:100]
    )
    insights_signals.mark_instances(bookings)  # nor do the dashboards' rollups hear of them


@transaction.atomic
def booking_create(
    *,
    actor: Scope | None,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    holder_kind: str,
    holder_id: int | None,
    holder_name: str,
    title: str,
    source_type: str = "",
    source_id: int | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book ``room`` from ``starts_at`` to ``ends_at`` for a holder, or refuse: in the past,
    outside opening hours (the reason names them), or overlapping another booking (Conflict naming
    the room, the time and who holds it)."""
    require_manage(actor, room.community_id)
    holder = check_holder(holder_kind=holder_kind, holder_id=holder_id, holder_name=holder_name)
    title = _check_title(title)
    source_type, source_id = _check_source(source_type, source_id)
    starts_at, ends_at = _whole_minute(starts_at), _whole_minute(ends_at)
    if ends_at <= starts_at:
        raise ValidationFailed(_("A booking must end after it starts."), code="bad_times")
    now = now or timezone.now()
    if starts_at < now:
        raise ValidationFailed(
            _("%(when)s has already begun or passed: bookings are for the future.")
            % {"when": when_text(starts_at, ends_at)},
            code="in_the_past",
        )
    room = _lock_room(room)
    _require_open(room)
    refusal = hours_refusal(room, starts_at, ends_at)
    if refusal:
        raise ValidationFailed(refusal, code="outside_hours")
    ranges = [(starts_at, ends_at)]
    clashes = overlapping(room, ranges)
    if clashes:
        raise _one_clash(room, clashes, ranges)
    booking = Booking(
        community_id=room.community_id,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        holder_kind=holder.kind,
        holder_id=holder.id,
        holder_name=holder.name,
        title=title,
        source_type=source_type,
        source_id=source_id,
        created_by=user_of(actor),
    )
    created = _insert([booking], user=user_of(actor))
    if created is None:
        raise _raced(room, ranges, (), series=False)
    return created[0]


def series_dates(*, weekdays: Sequence[int], first_date: dt.date, last_date: dt.date) -> list[dt.date]:
    days = (last_date - first_date).days
    return [
        first_date + dt.timedelta(days=offset)
        for offset in range(days + 1)
        if (first_date + dt.timedelta(days=offset)).weekday() in weekdays
    ]


def _check_weekdays(weekdays: Sequence[int]) -> list[int]:
    try:
        values = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError):
        values = []
    if not values or any(not 0 <= d <= 6 for d in values):
        raise ValidationFailed(_("Choose at least one weekday (0 = Monday … 6 = Sunday)."), code="bad_weekdays")
    return values


def _time_minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _dates_text(dates: Sequence[dt.date]) -> str:
    return join_list(f"{d:%Y-%m-%d}" for d in dates)


@transaction.atomic
def booking_series_create(
    *,
    actor: Scope | None,
    room: Room,
    weekdays: list[int],
    start_time: dt.time,
    end_time: dt.time,
    first_date: dt.date,
    last_date: dt.date,
    holder_kind: str,
    holder_id: int | None,
    holder_name: str,
    title: str,
    source_type: str = "",
    source_id: int | None = None,
    now: dt.datetime | None = None,
) -> BookingSeries:
    """Book ``room`` every chosen weekday from ``start_time`` to ``end_time``, from ``first_date``
    to ``last_date`` inclusive — every date or none. A refusal lists every date that is in the
    past, outside opening hours, or clashing (with who holds it)."""
    require_manage(actor, room.community_id)
    holder = check_holder(holder_kind=holder_kind, holder_id=holder_id, holder_name=holder_name)
    title = _check_title(title)
    source_type, source_id = _check_source(source_type, source_id)
    weekdays = _check_weekdays(weekdays)
    start_min, end_min = _time_minutes(start_time), _time_minutes(end_time)
    if end_min <= start_min:
        raise ValidationFailed(_("A booking must end after it starts."), code="bad_times")
    if last_date < first_date:
        raise ValidationFailed(_("The last date is before the first date."), code="bad_dates")
    if (last_date - first_date).days > MAX_SERIES_DAYS:
        raise ValidationFailed(
            _("A recurring booking may run two years at most; book a new one after that."), code="bad_dates"
        )
    dates = series_dates(weekdays=weekdays, first_date=first_date, last_date=last_date)
    if not dates:
        raise ValidationFailed(_("None of the chosen weekdays falls between the first and the last date."), code="bad_dates")
    ranges = [(aware(day, start_min), aware(day, end_min)) for day in dates]

    now = now or timezone.now()
    past = [day for day, (start, _end) in zip(dates, ranges, strict=True) if start < now]
    if past:
        raise ValidationFailed(
            _("These dates have already begun or passed: %(dates)s. Start the series later.") % {"dates": _dates_text(past)},
            code="in_the_past",
            details=[{"date": d.isoformat()} for d in past],
        )
    room = _lock_room(room)
    _require_open(room)
    week = room.week
    closed = [day for day in dates if not hours.is_within(week, day, start_min, end_min)]
    if closed:
        raise ValidationFailed(
            _("%(room)s is not open %(time)s on %(n)s of the dates: %(dates)s. Its opening hours: %(hours)s.")
            % {
                "room": room.name,
                "time": f"{hours.hhmm(start_min)}–{hours.hhmm(end_min)}",
                "n": len(closed),
                "dates": _dates_text(closed),
                "hours": hours_sentence(room) if any(week) else _("none set"),
            },
            code="outside_hours",
            details=[{"date": d.isoformat()} for d in closed],
        )
    clashes = overlapping(room, ranges)
    if clashes:
        raise _series_clash(room, clashes, ranges)

    user = user_of(actor)
    series = BookingSeries.objects.create(
        community_id=room.community_id,
        room=room,
        weekdays=weekdays,
        start_time=hours.to_time(start_min),
        end_time=hours.to_time(end_min),
        first_date=first_date,
        last_date=last_date,
        holder_kind=holder.kind,
        holder_id=holder.id,
        holder_name=holder.name,
        title=title,
        source_type=source_type,
        source_id=source_id,
        created_by=user,
    )
    bookings = [
        Booking(
            community_id=room.community_id,
            room=room,
            series=series,
            starts_at=start,
            ends_at=end,
            holder_kind=holder.kind,
            holder_id=holder.id,
            holder_name=holder.name,
            title=title,
            source_type=source_type,
            source_id=source_id,
            created_by=user,
        )
        for start, end in ranges
    ]
    if _insert(bookings, user=user) is None:
        raise _raced(room, ranges, (), series=True)
    return series


def _check_reason(reason: str) -> str:
    return clean_text(reason, max_length=200, field=_("The reason"), required=True, code="no_reason")


@transaction.atomic
def booking_cancel(*, actor: Scope | None, booking: Booking, reason: str, now: dt.datetime | None = None) -> Booking:
    """Cancel a booking that is not over yet. The row stays (status cancelled), as history; its
    time is free again at once."""
    require_manage(actor, booking.community_id)
    reason = _check_reason(reason)
    now = now or timezone.now()
    if booking.ends_at <= now:
        raise Conflict(_("This booking is over; it stays on record as it was."), code="already_over")
    user = user_of(actor)
    # Conditional update: of two cancels at once, exactly one changes the row.
    changed = Booking.objects.filter(pk=booking.pk, status=BookingStatus.BOOKED).update(
        status=BookingStatus.CANCELLED, cancelled_at=now, cancelled_by=user, cancel_reason=reason
    )
    if not changed:
        raise Conflict(_("This booking has already been cancelled."), code="already_cancelled")
    booking.refresh_from_db()
    _record_change([booking], user=user, reason=reason)
    return booking


@transaction.atomic
def booking_series_cancel(
    *,
    actor: Scope | None,
    series: BookingSeries,
    reason: str,
    from_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> BookingSeries:
    """Cancel the series' bookings that start from ``from_date`` on (default: from now). Bookings
    already begun stay. The number cancelled is on the returned series as ``cancelled_count``."""
    require_manage(actor, series.community_id)
    reason = _check_reason(reason)
    now = now or timezone.now()
    cut = now if from_date is None else max(now, aware(from_date, 0))
    user = user_of(actor)
    ids = list(
        Booking.objects.filter(series=series, status=BookingStatus.BOOKED, starts_at__gte=cut).values_list("pk", flat=True)
    )
    Booking.objects.filter(pk__in=ids, status=BookingStatus.BOOKED).update(
        status=BookingStatus.CANCELLED, cancelled_at=now, cancelled_by=user, cancel_reason=reason
    )
    # Only the rows this call changed (a single occurrence cancelled meanwhile keeps its own reason).
    cancelled = list(Booking.objects.filter(pk__in=ids, status=BookingStatus.CANCELLED, cancelled_at=now))
    if cancelled:
        _record_change(cancelled, user=user, reason=reason)
    series = BookingSeries.objects.select_for_update().get(pk=series.pk)
    cut_date = local(cut).date()
    if series.cancelled_from is None or cut_date < series.cancelled_from:
        series.cancelled_from = cut_date
    series.cancel_reason = reason
    series.save(update_fields=["cancelled_from", "cancel_reason"])
    series.cancelled_count = len(cancelled)
    return series


@transaction.atomic
def booking_move(
    *,
    actor: Scope | None,
    booking: Booking,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room: Room | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Move a booking that has not begun to another time (and room of the same community), with
    the same checks as a new booking. The move is refused if someone changed the booking meanwhile."""
    require_manage(actor, booking.community_id)
    target = room or booking.room
    if target.community_id != booking.community_id:
        raise ValidationFailed(_("A booking can move only to a room of the same community."), code="other_community")
    starts_at, ends_at = _whole_minute(starts_at), _whole_minute(ends_at)
    if ends_at <= starts_at:
        raise ValidationFailed(_("A booking must end after it starts."), code="bad_times")
    now = now or timezone.now()
    if booking.status != BookingStatus.BOOKED:
        raise Conflict(_("This booking has been cancelled; make a new one instead."), code="already_cancelled")
    if booking.starts_at <= now:
        raise Conflict(_("This booking has already begun; it can no longer be moved."), code="already_started")
    if starts_at < now:
        raise ValidationFailed(
            _("%(when)s has already begun or passed: bookings are for the future.")
            % {"when": when_text(starts_at, ends_at)},
            code="in_the_past",
        )
    target = _lock_room(target)
    _require_open(target)
    refusal = hours_refusal(target, starts_at, ends_at)
    if refusal:
        raise ValidationFailed(refusal, code="outside_hours")
    ranges = [(starts_at, ends_at)]
    clashes = overlapping(target, ranges, exclude_ids=[booking.pk])
    if clashes:
        raise _one_clash(target, clashes, ranges)
    before = when_text(booking.starts_at, booking.ends_at)
    insights_signals.mark_instances([booking])  # the day it leaves
    try:
        with transaction.atomic():
            # Conditional on what the caller saw: a booking moved or cancelled meanwhile is not
            # moved again from a stale picture.
            changed = Booking.objects.filter(
                pk=booking.pk,
                status=BookingStatus.BOOKED,
                room_id=booking.room_id,
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
            ).update(room=target, starts_at=starts_at, ends_at=ends_at)
    except IntegrityError as exc:
        if not _is_overlap(exc):
            raise
        raise _raced(target, ranges, [booking.pk], series=False) from None
    if not changed:
        raise Conflict(_("This booking was changed by someone else meanwhile; reload it and try again."), code="changed_meanwhile")
    booking.refresh_from_db()
    _record_change([booking], user=user_of(actor), reason=_("moved from %(when)s") % {"when": before})
    return booking
