"""Keeping the rollups equal to the records, cheaply.

* ``compute`` counts a base figure from the records (per community, per day, month or year).
* ``rebuild`` recounts a range from scratch (the demo, the command, repairs).
* ``refresh`` folds in what changed: the days marked dirty when records were saved or deleted
  (``insights.signals``, in the same transaction as the change), and the days of ledger postings
  added since the last refresh (postings are append-only: a watermark is enough). Days are
  counted from the records; months and years of additive figures are the sums of their days and
  months, distinct counts (residents served, partners active) are counted from the records.
* ``check`` recounts everything from the records and lists every rollup that differs;
  ``sweep`` does that for recent days and marks what differs dirty, which catches changes made
  by conditional UPDATEs that send no signal.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, Max, Sum
from django.db.models.functions import Trunc
from django.utils import timezone

from insights.figures import BASE, DAY, GRAINS, MONTH, YEAR, Figure
from insights.models import DirtyDay, RefreshState, Rollup
from orgs.models import NodeKind, OrgNode

logger = logging.getLogger(__name__)

_KIND = {DAY: "day", MONTH: "month", YEAR: "year"}
EPOCH = dt.date(2000, 1, 1)

Key = tuple[str, int, dt.date]  # (figure, community id, period start)


def _tz():
    return ZoneInfo(settings.TIME_ZONE)


def local_day(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def period_start(day: dt.date, grain: str) -> dt.date:
    if grain == YEAR:
        return day.replace(month=1, day=1)
    if grain == MONTH:
        return day.replace(day=1)
    return day


def period_end(start: dt.date, grain: str) -> dt.date:
    """The day after the period that starts on ``start``."""
    if grain == YEAR:
        return start.replace(year=start.year + 1)
    if grain == MONTH:
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=1)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_tz())


def records_in(figure: Figure, start: dt.date | None, end: dt.date | None, community_ids: Iterable[int] | None):
    qs = figure.records().filter(**{f"{figure.day_field}__isnull": False})
    lo, hi = (_midnight(start) if start else None, _midnight(end) if end else None)
    if not figure.day_is_datetime:
        lo, hi = start, end
    if lo is not None:
        qs = qs.filter(**{f"{figure.day_field}__gte": lo})
    if hi is not None:
        qs = qs.filter(**{f"{figure.day_field}__lt": hi})
    if community_ids is not None:
        qs = qs.filter(**{f"{figure.community_field}__in": list(community_ids)})
    else:
        qs = qs.filter(**{f"{figure.community_field}__isnull": False})
    return qs


def compute(
    figure: Figure, grain: str, start: dt.date | None = None, end: dt.date | None = None, community_ids=None
) -> dict[Key, int]:
    """The figure counted from the records, per community and period, for records whose day is
    in [start, end) (None: no bound). Zeros are left out."""
    trunc = Trunc(
        figure.day_field,
        _KIND[grain],
        output_field=DateField(),
        tzinfo=_tz() if figure.day_is_datetime else None,
    )
    rows = (
        records_in(figure, start, end, community_ids)
        .annotate(_p=trunc)
        .values(figure.community_field, "_p")
        .annotate(_v=figure.value())
        .order_by()
    )
    out: dict[Key, int] = {}
    for row in rows:
        value = figure.convert(row["_v"])
        if value:
            out[(figure.key, row[figure.community_field], local_day(row["_p"]))] = value
    return out


def _community_rows(community_ids):
    """Communities' rollups: of the given communities by the (node, …) index, or all by kind."""
    if community_ids is None:
        return Rollup.objects.filter(kind=NodeKind.COMMUNITY)
    return Rollup.objects.filter(node_id__in=list(community_ids))


def _sum_up(figures: list[Figure], grain: str, starts: set[dt.date], community_ids) -> dict[Key, int]:
    """Months from their days, years from their months (additive figures only)."""
    finer = DAY if grain == MONTH else MONTH
    out: dict[Key, int] = {}
    keys = [f.key for f in figures]
    for start in starts:
        rows = (
            _community_rows(community_ids)
            .filter(
                grain=finer,
                period_start__gte=start,
                period_start__lt=period_end(start, grain),
                figure__in=keys,
            )
            .values("figure", "node_id")
            .annotate(v=Sum("value"))
            .order_by()
        )
        for row in rows:
            if row["v"]:
                out[(row["figure"], row["node_id"], start)] = int(row["v"])
    return out


def _replace(grain: str, starts: set[dt.date], community_ids, values: dict[Key, int], figures: list[Figure]) -> None:
    if not starts:
        return
    _community_rows(community_ids).filter(
        grain=grain, period_start__in=sorted(starts), figure__in=[f.key for f in figures]
    ).delete()
    Rollup.objects.bulk_create(
        [
            Rollup(figure=f, grain=grain, period_start=p, node_id=c, kind=NodeKind.COMMUNITY, value=v)
            for (f, c, p), v in values.items()
        ],
        batch_size=2000,
    )


def _recount(days: set[dt.date], community_ids, figures: tuple[Figure, ...] = BASE) -> None:
    """Recount the given days of the given communities (None: all), then their months and years."""
    if not days:
        return
    figures = list(figures)
    # Days, from the records: one query per figure and run of consecutive days.
    for lo, hi in _runs(days):
        values: dict[Key, int] = {}
        for figure in figures:
            values.update(compute(figure, DAY, lo, hi, community_ids))
        _replace(DAY, {lo + dt.timedelta(days=i) for i in range((hi - lo).days)}, community_ids, values, figures)
    additive = [f for f in figures if f.additive]
    distinct = [f for f in figures if not f.additive]
    touched = {DAY: set(days)}
    for grain in (MONTH, YEAR):
        starts = {period_start(d, grain) for d in days}
        touched[grain] = starts
        values = _sum_up(additive, grain, starts, community_ids)
        for start in starts:
            for figure in distinct:
                values.update(compute(figure, grain, start, period_end(start, grain), community_ids))
        _replace(grain, starts, community_ids, values, figures)
    _roll_up_nodes(touched, community_ids)
    # Whatever recounted (a refresh, a rebuild, the nightly sweep), the figures are new as of now:
    # the dashboards' drawn figures are kept under this time (insights.selectors.dashboard).
    RefreshState.objects.update_or_create(name="refresh", defaults={"at": timezone.now()})


def ancestors_of(community_ids) -> dict[int, tuple[str, list[int]]]:
    """The subdistricts, districts and cities above the communities (None: all of them), each
    with its kind and every community under it. Read from the database, not a cache: nodes are
    added in bulk by imports and the city generator."""
    above = OrgNode.objects.filter(kind__in=(NodeKind.CITY, NodeKind.DISTRICT, NodeKind.SUBDISTRICT))
    if community_ids is not None:
        ids = set()
        for path in OrgNode.objects.filter(pk__in=list(community_ids)).values_list("path", flat=True):
            ids |= {int(p) for p in path.strip("/").split("/")[:-1]}
        above = above.filter(pk__in=ids)
    nodes = list(above.values_list("id", "kind", "path"))
    communities = list(OrgNode.objects.filter(kind=NodeKind.COMMUNITY).values_list("id", "path"))
    return {n: (kind, [c for c, cpath in communities if cpath.startswith(path)]) for n, kind, path in nodes}


# Each level is the sum of the level below (the tree is strictly city → district → subdistrict →
# community: orgs.models.PARENT_KIND), one GROUP BY per level and grain.
LEVELS = (
    (NodeKind.COMMUNITY, NodeKind.SUBDISTRICT),
    (NodeKind.SUBDISTRICT, NodeKind.DISTRICT),
    (NodeKind.DISTRICT, NodeKind.CITY),
)


def _parents(community_ids) -> dict[str, list[int] | None]:
    """The subdistricts, districts and cities above the communities (None: all)."""
    if community_ids is None:
        return {kind: None for _child, kind in LEVELS}
    out: dict[str, list[int] | None] = {}
    ids = list(community_ids)
    for child, kind in LEVELS:
        ids = sorted(set(OrgNode.objects.filter(pk__in=ids, kind=child).values_list("parent_id", flat=True)) - {None})
        out[kind] = ids
    return out


def _roll_up_nodes(touched: dict[str, set[dt.date]], community_ids) -> None:
    parents = _parents(community_ids)
    for grain, starts in touched.items():
        if not starts:
            continue
        lo, hi = min(starts), max(starts)
        for child, kind in LEVELS:
            ids = parents[kind]
            if ids is not None and not ids:
                continue
            below = Rollup.objects.filter(kind=child, grain=grain, period_start__gte=lo, period_start__lte=hi)
            mine = Rollup.objects.filter(kind=kind, grain=grain, period_start__gte=lo, period_start__lte=hi)
            if ids is not None:
                below = below.filter(node__parent_id__in=ids)
                mine = mine.filter(node_id__in=ids)
            rows = below.values("node__parent_id", "figure", "period_start").annotate(v=Sum("value")).order_by()
            new = [
                Rollup(
                    figure=r["figure"],
                    grain=grain,
                    period_start=r["period_start"],
                    node_id=r["node__parent_id"],
                    kind=kind,
                    value=r["v"],
                )
                for r in rows
                if r["v"]
            ]
            mine.delete()
            Rollup.objects.bulk_create(new, batch_size=5000)


def _runs(days: set[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as [start, end) runs of consecutive days."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day:
            runs[-1][1] = day + dt.timedelta(days=1)
        else:
            runs.append([day, day + dt.timedelta(days=1)])
    return [(a, b) for a, b in runs]


def _lock(name: str = "refresh", *, wait: bool = True) -> RefreshState | None:
    """One refresh or rebuild at a time (a row lock on PostgreSQL; SQLite has one writer anyway).
    ``wait=False``: None at once if another holds it."""
    RefreshState.objects.get_or_create(name=name)
    return RefreshState.objects.select_for_update(skip_locked=not wait).filter(name=name).first()


def _range_days(start: dt.date, end: dt.date) -> set[dt.date]:
    return {start + dt.timedelta(days=i) for i in range((end - start).days)}


def _activity_bounds(community_ids=None) -> tuple[dt.date, dt.date] | None:
    """The first and the last day any figure has a record on."""
    lo = hi = None
    for figure in BASE:
        qs = records_in(figure, None, None, community_ids)
        first = qs.order_by(figure.day_field).values_list(figure.day_field, flat=True).first()
        last = qs.order_by(f"-{figure.day_field}").values_list(figure.day_field, flat=True).first()
        for v in (local_day(first), local_day(last)):
            if v is not None:
                lo = v if lo is None or v < lo else lo
                hi = v if hi is None or v > hi else hi
    return (lo, hi) if lo else None


@transaction.atomic
def rebuild(community_ids=None, start: dt.date | None = None, end: dt.date | None = None) -> int:
    """Recount [start, end) (default: every day with records) for the communities (default: all).
    Returns the number of rollup rows afterwards."""
    _lock()
    if start is None and end is None:
        # Everything: rows left from records that no longer exist go too, and the marks made
        # so far are answered by this recount.
        marks = DirtyDay.objects.filter(id__lte=DirtyDay.objects.aggregate(m=Max("id"))["m"] or 0)
        (marks if community_ids is None else marks.filter(community_id__in=community_ids)).delete()
        (Rollup.objects.all() if community_ids is None else Rollup.objects.filter(node_id__in=community_ids)).delete()
    if start is None or end is None:
        bounds = _activity_bounds(community_ids)
        if bounds is None:
            return Rollup.objects.count()
        start = start or bounds[0]
        end = end or bounds[1] + dt.timedelta(days=1)
    days = _range_days(start, end)
    _recount(days, community_ids)
    _mark_postings_seen()
    return Rollup.objects.count()


def _mark_postings_seen() -> None:
    from ledger.models import Posting

    last = Posting.objects.aggregate(m=Max("id"))["m"] or 0
    RefreshState.objects.update_or_create(name="ledger", defaults={"last_id": last, "at": timezone.now()})


def mark(pairs: Iterable[tuple[int | None, dt.date | dt.datetime | None]]) -> None:
    """Say that these (community id, day) need recounting: inside the caller's transaction."""
    rows = {(c, local_day(d)) for c, d in pairs if c and d}
    if rows:
        DirtyDay.objects.bulk_create([DirtyDay(community_id=c, day=d) for c, d in rows])


def _posting_days(limit: int = 100_000) -> tuple[set[tuple[int, dt.date]], int | None]:
    from ledger.models import Posting

    state, _ = RefreshState.objects.get_or_create(name="ledger")
    ids = Posting.objects.filter(id__gt=state.last_id).order_by("id").values_list("id", flat=True)[:limit]
    top = max(ids, default=None)
    if top is None:
        return set(), None
    rows = (
        Posting.objects.filter(id__gt=state.last_id, id__lte=top, community__isnull=False)
        .annotate(_d=Trunc("occurred_at", "day", output_field=DateField(), tzinfo=_tz()))
        .values_list("community_id", "_d")
        .distinct()
    )
    return {(c, local_day(d)) for c, d in rows}, top


@transaction.atomic
def refresh(limit: int = 5000, *, wait: bool = True) -> int:
    """Fold in the marked days and the new ledger postings. Returns how many (community, day)
    pairs were recounted. ``wait=False``: if another refresh is running, leave it to that one."""
    if _lock(wait=wait) is None:
        return 0
    marks = list(DirtyDay.objects.order_by("id").values_list("id", "community_id", "day")[:limit])
    pairs = {(c, d) for _, c, d in marks}
    posted, top = _posting_days()
    pairs |= posted
    by_days: dict[frozenset, set[int]] = defaultdict(set)
    days_of: dict[int, set[dt.date]] = defaultdict(set)
    for c, d in pairs:
        days_of[c].add(d)
    # Communities with the same days are recounted together (usually: today, city-wide).
    for c, days in days_of.items():
        by_days[frozenset(days)].add(c)
    total = OrgNode.objects.filter(kind=NodeKind.COMMUNITY).count() if by_days else 0
    for days, communities in by_days.items():
        # A busy minute city-wide: recounting every community's day is cheaper than naming
        # hundreds of them (the same result for the others: their records did not change).
        _recount(set(days), None if len(communities) * 4 >= total else communities)
    if marks:
        DirtyDay.objects.filter(id__in=[i for i, _, _ in marks]).delete()
    if top is not None:
        RefreshState.objects.filter(name="ledger").update(last_id=top)
    RefreshState.objects.filter(name="refresh").update(at=timezone.now())
    return len(pairs)


def pending() -> bool:
    from ledger.models import Posting

    if DirtyDay.objects.exists():
        return True
    last = RefreshState.objects.filter(name="ledger").values_list("last_id", flat=True).first() or 0
    return Posting.objects.filter(id__gt=last).exists()


def refreshed_at() -> dt.datetime | None:
    return RefreshState.objects.filter(name="refresh").values_list("at", flat=True).first()


# --- Checking -------------------------------------------------------------------------------


def stored(
    grain: str, start: dt.date | None, end: dt.date | None, community_ids=None, kind=NodeKind.COMMUNITY
) -> dict[Key, int]:
    qs = Rollup.objects.filter(grain=grain)
    qs = qs.filter(kind=kind) if kind else qs.exclude(kind=NodeKind.COMMUNITY)
    if start is not None:
        qs = qs.filter(period_start__gte=period_start(start, grain))
    if end is not None:
        qs = qs.filter(period_start__lt=end)
    if community_ids is not None:
        qs = qs.filter(node_id__in=list(community_ids))
    return {(f, c, p): v for f, c, p, v in qs.values_list("figure", "node_id", "period_start", "value")}


def check(start: dt.date | None = None, end: dt.date | None = None, community_ids=None, grains=GRAINS):
    """Every rollup that differs from a recount from the records: [(grain, key, stored, counted)].

    Periods are compared whole: a month is checked when ``start`` is inside it."""
    differences = []
    for grain in grains:
        lo = period_start(start, grain) if start else None
        hi = period_end(period_start(end - dt.timedelta(days=1), grain), grain) if end else None
        counted: dict[Key, int] = {}
        for figure in BASE:
            counted.update(compute(figure, grain, lo, hi, community_ids))
        have = stored(grain, lo, hi, community_ids)
        for key in sorted(set(counted) | set(have), key=str):
            if counted.get(key, 0) != have.get(key, 0):
                differences.append((grain, key, have.get(key, 0), counted.get(key, 0)))
        # Above communities: each node's rollups are its communities' recounted figures summed.
        ancestors = ancestors_of(community_ids)
        every = {c for _k, members in ancestors.values() for c in members}
        base = counted if community_ids is None else stored(grain, lo, hi, every)
        expected: dict[Key, int] = defaultdict(int)
        for node_id, (_kind, communities) in ancestors.items():
            members = set(communities)
            for (f, c, p), v in base.items():
                if c in members:
                    expected[(f, node_id, p)] += v
        have = stored(grain, lo, hi, list(ancestors), kind=None)
        for key in sorted(set(expected) | set(have), key=str):
            if expected.get(key, 0) != have.get(key, 0):
                differences.append((grain, key, have.get(key, 0), expected.get(key, 0)))
    return differences


@transaction.atomic
def sweep(days: int = 7, today: dt.date | None = None) -> int:
    """Recount the last ``days`` days (and the next ``days``, for bookings) by day from the
    records, and mark every (community, day) whose rollup differs. Returns how many."""
    today = today or timezone.localdate()
    start, end = today - dt.timedelta(days=days - 1), today + dt.timedelta(days=days + 1)
    counted: dict[Key, int] = {}
    for figure in BASE:
        counted.update(compute(figure, DAY, start, end))
    have = stored(DAY, start, end)
    differing = {
        (c, p) for (f, c, p) in set(counted) | set(have) if counted.get((f, c, p), 0) != have.get((f, c, p), 0)
    }
    if differing:
        logger.warning("insights sweep: %s community-days differed from their records", len(differing))
        mark(differing)
    return len(differing)
