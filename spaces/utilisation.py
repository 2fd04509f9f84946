"""Utilisation (使用率) of rooms: how much of the time a room is open it is booked.

Definition (also in docs/spaces.md, with a worked example):

* A **period** is a run of whole local days (a week is Monday–Sunday, a month the calendar month).
* **Open time** of a room in a period: for every day of the period, the length of the room's
  opening periods on that weekday, added up.
* **Booked time**: the part of the room's bookings that lies inside its opening periods, on the
  days of the period, added up. Cancelled bookings do not count. Time booked outside the opening
  hours does not count either (the services refuse such bookings, but hours can change later).
  Bookings of a room never overlap, so no minute is counted twice (overlaps, should a row ever
  get in by hand, are merged first).
* **Utilisation** = booked time ÷ open time. A room with no open time in the period has no
  utilisation (shown as "—"), not 0 %.
* For a **community or a subdistrict**: the booked time of all its rooms in use ÷ the open time
  of all of them — weighted by hours, not the average of the rooms' percentages, so a room open
  70 hours a week weighs more than one open 4 hours.

The opening hours used are the room's current hours. Everything here is pure computation on rows
the caller has already fetched (and scoped); ``bookings_by_room`` does the one query it needs.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaces import hours
from spaces.models import Booking, BookingStatus, Room

Interval = tuple[int, int]  # minutes after local midnight

# --- Periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # "week" or "month"
    first: dt.date
    last: dt.date

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m-%d} – {self.last:%m-%d}"

    @property
    def previous(self) -> Period:
        return period_of(self.kind, self.first - dt.timedelta(days=1))

    @property
    def next(self) -> Period:
        return period_of(self.kind, self.last + dt.timedelta(days=1))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The aware [start, end) of the period in local time."""
        start = timezone.make_aware(dt.datetime.combine(self.first, dt.time()))
        end = timezone.make_aware(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time()))
        return start, end


PERIOD_KINDS = {"week": _("Week"), "month": _("Month")}


def period_of(kind: str, day: dt.date) -> Period:
    """The week (Monday–Sunday) or calendar month that contains ``day``."""
    if kind == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period("month", day.replace(day=1), day.replace(day=last))
    monday = day - dt.timedelta(days=day.weekday())
    return Period("week", monday, monday + dt.timedelta(days=6))


def recent_periods(kind: str, day: dt.date, count: int) -> list[Period]:
    """The ``count`` periods up to and including the one containing ``day``, oldest first."""
    periods = [period_of(kind, day)]
    while len(periods) < count:
        periods.insert(0, periods[0].previous)
    return periods


# --- Usage ---------------------------------------------------------------------------------------


@dataclass
class Usage:
    open_minutes: int = 0
    booked_minutes: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.open_minutes + other.open_minutes, self.booked_minutes + other.booked_minutes)

    @property
    def ratio(self) -> float | None:
        return self.booked_minutes / self.open_minutes if self.open_minutes else None

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded half up (so 12.5 % shows as 13 %)."""
        if not self.open_minutes:
            return None
        return (self.booked_minutes * 200 + self.open_minutes) // (self.open_minutes * 2)

    @property
    def open_hours(self) -> float:
        return round(self.open_minutes / 60, 1)

    @property
    def booked_hours(self) -> float:
        return round(self.booked_minutes / 60, 1)

    @property
    def idle_hours(self) -> float:
        return round((self.open_minutes - self.booked_minutes) / 60, 1)

    @property
    def level(self) -> int | None:
        """0–5 for colours: 0 = nothing booked, 1 = up to 20 %, … 5 = over 80 %."""
        if not self.open_minutes:
            return None
        if not self.booked_minutes:
            return 0
        return min(5, 1 + (self.booked_minutes * 5 - 1) // self.open_minutes)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def overlap(a: Interval, b: Interval) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def booked_by_day(bookings: Iterable[Booking]) -> dict[dt.date, list[Interval]]:
    """Each booking as minute intervals of the local days it touches, merged per day."""
    days: dict[dt.date, list[Interval]] = defaultdict(list)
    for booking in bookings:
        if booking.status != BookingStatus.BOOKED:
            continue
        start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
        day = start.date()
        while True:
            day_start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
            day_end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
            lo, hi = max(start, day_start), min(end, day_end)
            if lo < hi:
                a = int((lo - day_start).total_seconds() // 60)
                b = int(-(-(hi - day_start).total_seconds() // 60))
                days[day].append((a, min(b, hours.MINUTES_PER_DAY)))
            if day_end >= end:
                break
            day += dt.timedelta(days=1)
    return {day: merge(intervals) for day, intervals in days.items()}


def room_usage(week: hours.Week, booked: dict[dt.date, list[Interval]], days: Sequence[dt.date]) -> Usage:
    usage = Usage()
    for day in days:
        periods = week[day.weekday()]
        usage.open_minutes += sum(end - start for start, end in periods)
        for interval in booked.get(day, ()):
            usage.booked_minutes += sum(overlap(interval, period) for period in periods)
    return usage


def bookings_by_room(rooms: Sequence[Room], start: dt.datetime, end: dt.datetime) -> dict[int, list[Booking]]:
    """Booked (not cancelled) bookings of ``rooms`` overlapping [start, end): one query."""
    found: dict[int, list[Booking]] = {room.pk: [] for room in rooms}
    if not rooms:
        return found
    rows = (
        Booking.objects.filter(
            room_id__in=list(found), status=BookingStatus.BOOKED, starts_at__lt=end, ends_at__gt=start
        )
        .only("id", "room_id", "starts_at", "ends_at", "status", "holder_kind", "holder_name", "title")
        .order_by("starts_at")
    )
    for booking in rows:
        found[booking.room_id].append(booking)
    return found


@dataclass
class RoomUsage:
    room: Room
    usage: Usage


@dataclass
class UsageTable:
    period: Period
    rooms: list[RoomUsage]
    total: Usage

    @property
    def area_m2(self) -> int:
        return sum(r.room.area_m2 for r in self.rooms)


def usage_table(rooms: Sequence[Room], period: Period, bookings: dict[int, list[Booking]] | None = None) -> UsageTable:
    """Utilisation of each room and of all of them together in ``period``."""
    if bookings is None:
        bookings = bookings_by_room(rooms, *period.bounds())
    days = period.days
    rows = [RoomUsage(room, room_usage(room.week, booked_by_day(bookings.get(room.pk, ())), days)) for room in rooms]
    total = sum((r.usage for r in rows), Usage())
    return UsageTable(period=period, rooms=rows, total=total)


def trend(rooms: Sequence[Room], periods: Sequence[Period]) -> list[tuple[Period, Usage]]:
    """Utilisation of the rooms together in each period: one query for the whole span."""
    if not periods:
        return []
    start, end = periods[0].bounds()[0], periods[-1].bounds()[1]
    bookings = bookings_by_room(rooms, start, end)
    by_day = {room.pk: booked_by_day(bookings[room.pk]) for room in rooms}
    result = []
    for period in periods:
        days = period.days
        total = sum((room_usage(room.week, by_day[room.pk], days) for room in rooms), Usage())
        result.append((period, total))
    return result


# --- Heatmap: hour of the week × room --------------------------------------------------------------


@dataclass
class HeatCell:
    weekday: int
    hour: int
    usage: Usage

    @property
    def label(self) -> str:
        percent = self.usage.percent
        state = _("closed") if percent is None else f"{percent}%"
        return f"{hours.WEEKDAY_NAMES[self.weekday]} {self.hour:02d}:00–{self.hour + 1:02d}:00 {state}"

    @property
    def css(self) -> str:
        level = self.usage.level
        return "closed" if level is None else f"h{level}"


@dataclass
class HeatRow:
    room: Room
    cells: list[list[HeatCell]]  # [weekday][hour index]
    usage: Usage


@dataclass
class Heatmap:
    period: Period
    hours: list[int]  # the clock hours shown, e.g. 8 … 20 (the hour starting then)
    rows: list[HeatRow]
    weekdays: list[str] = field(default_factory=lambda: [str(d) for d in hours.WEEKDAY_NAMES])


def heatmap(rooms: Sequence[Room], period: Period, bookings: dict[int, list[Booking]] | None = None) -> Heatmap:
    """For each room, weekday and clock hour: booked ÷ open minutes of that hour, over every day
    of that weekday in the period. Columns cover the earliest opening to the latest closing."""
    if bookings is None:
        bookings = bookings_by_room(rooms, *period.bounds())
    earliest, latest = 24, 0
    for room in rooms:
        for day in room.week:
            for start, end in day:
                earliest = min(earliest, start // 60)
                latest = max(latest, -(-end // 60))
    if earliest >= latest:
        earliest, latest = 8, 21
    clock_hours = list(range(earliest, latest))
    days = period.days
    rows = []
    for room in rooms:
        week = room.week
        booked = booked_by_day(bookings.get(room.pk, ()))
        cells = [[HeatCell(weekday, hour, Usage()) for hour in clock_hours] for weekday in range(7)]
        for day in days:
            periods = week[day.weekday()]
            intervals = booked.get(day, ())
            for index, hour in enumerate(clock_hours):
                slot = (hour * 60, hour * 60 + 60)
                open_parts = [(max(slot[0], a), min(slot[1], b)) for a, b in periods if overlap(slot, (a, b))]
                cell = cells[day.weekday()][index].usage
                cell.open_minutes += sum(b - a for a, b in open_parts)
                cell.booked_minutes += sum(overlap(i, part) for i in intervals for part in open_parts)
        usage = room_usage(week, booked, days)
        rows.append(HeatRow(room=room, cells=cells, usage=usage))
    return Heatmap(period=period, hours=clock_hours, rows=rows)


# --- Idle slots ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    room: Room
    day: dt.date
    start: int
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def start_text(self) -> str:
        return hours.hhmm(self.start)

    @property
    def end_text(self) -> str:
        return hours.hhmm(self.end)

    @property
    def weekday(self) -> str:
        return str(hours.WEEKDAY_NAMES[self.day.weekday()])


IDLE_DAYS = 14
IDLE_MIN_MINUTES = 60


def free_intervals(periods: Sequence[Interval], booked: Sequence[Interval]) -> list[Interval]:
    """Opening periods minus booked intervals."""
    free: list[Interval] = []
    for start, end in periods:
        cursor = start
        for b_start, b_end in booked:
            if b_end <= cursor or b_start >= end:
                continue
            if b_start > cursor:
                free.append((cursor, b_start))
            cursor = max(cursor, b_end)
        if cursor < end:
            free.append((cursor, end))
    return free


def idle_slots(
    rooms: Sequence[Room],
    *,
    now: dt.datetime | None = None,
    days: int = IDLE_DAYS,
    min_minutes: int = IDLE_MIN_MINUTES,
    bookings: dict[int, list[Booking]] | None = None,
) -> list[Slot]:
    """Contiguous free opening-hours blocks of at least ``min_minutes``, from ``now`` (rounded up to
    the quarter hour) through the next ``days`` days (today counts as the first), sorted by time."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    cut = now.hour * 60 + now.minute
    cut = -(-cut // 15) * 15
    start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    end = start + dt.timedelta(days=days)
    if bookings is None:
        bookings = bookings_by_room(rooms, start, end)
    slots = []
    for room in rooms:
        if not room.is_active:
            continue
        week = room.week
        booked = booked_by_day(bookings.get(room.pk, ()))
        for offset in range(days):
            day = today + dt.timedelta(days=offset)
            periods = week[day.weekday()]
            if offset == 0:
                periods = [(max(a, cut), b) for a, b in periods if b > cut]
            for a, b in free_intervals(periods, booked.get(day, [])):
                if b - a >= min_minutes:
                    slots.append(Slot(room=room, day=day, start=a, end=b))
    slots.sort(key=lambda s: (s.day, s.start, s.room.name))
    return slots
