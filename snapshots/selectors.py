"""Reads of snapshot reports, always for someone: the reporter, a handler, staff, or the public.

- A reporter sees their own reports (any community) and nothing else.
- A handler (snapshot.handle) sees the reports of their grid, and the ones assigned to them.
- Staff with snapshot.view see every report of the community.
- The public sees figures per community, never a report, a photo or a reporter.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from linli.errors import NotFound
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from residents.models import Resident
from snapshots.models import OPEN_STATUSES, Category, Event, Photo, Plan, Report, Status, Zone
from snapshots.services.reports import handler_q, viewer_q


def _with_related(qs: QuerySet[Report]) -> QuerySet[Report]:
    return qs.select_related("category", "building", "zone", "grid", "assignee", "community")


# --- Reference data and places ----------------------------------------------------------------


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def public_community_get(*, community_id: int) -> OrgNode:
    """Communities and their buildings are public facts: anyone may report a problem in any."""
    node = OrgNode.objects.filter(pk=community_id, kind=NodeKind.COMMUNITY).select_related("parent").first()
    if node is None:
        raise NotFound()
    return node


@dataclass
class GridPlaces:
    grid: OrgNode
    buildings: list[OrgNode] = field(default_factory=list)


def places_of(*, community: OrgNode) -> list[GridPlaces]:
    """Buildings grouped by grid, in the order the community keeps them."""
    grids = {g.pk: GridPlaces(g) for g in OrgNode.objects.filter(community=community, kind=NodeKind.GRID).order_by("sort_order", "name")}
    for building in OrgNode.objects.filter(community=community, kind=NodeKind.BUILDING).order_by("sort_order", "name"):
        if building.parent_id in grids:
            grids[building.parent_id].buildings.append(building)
    return [g for g in grids.values() if g.buildings]


def buildings_of(*, community: OrgNode) -> QuerySet[OrgNode]:
    return OrgNode.objects.filter(community=community, kind=NodeKind.BUILDING)


def zones_of(*, community: OrgNode) -> QuerySet[Zone]:
    return Zone.objects.filter(community=community).select_related("grid")


def plan_of(*, community: OrgNode) -> Plan | None:
    return Plan.objects.filter(community=community).first()


def reporter_communities(*, user) -> list[OrgNode]:
    """Where someone most likely reports: where they live (their resident record) and where they
    hold a role below the subdistrict. Others reach a community through its public page."""
    if not user or not user.is_authenticated:
        return []
    ids = set(Resident.objects.filter(user=user).values_list("community_id", flat=True))
    ids |= {g.community_id for g in Scope(user).grants if g.community_id}
    return list(OrgNode.objects.filter(pk__in=ids, kind=NodeKind.COMMUNITY).order_by("path"))


# --- Reporters --------------------------------------------------------------------------------


def my_reports(*, user) -> QuerySet[Report]:
    if not user or not user.is_authenticated:
        return Report.objects.none()
    return _with_related(Report.objects.filter(reporter=user))


def my_report_get(*, user, report_id: int) -> Report:
    report = my_reports(user=user).filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


# --- Handlers and staff -----------------------------------------------------------------------


def report_list_for_user(
    *,
    scope: Scope,
    community: OrgNode | None = None,
    status: str = "",
    category_id: int | None = None,
    grid_id: int | None = None,
    overdue: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[Report]:
    qs = Report.objects.filter(viewer_q(scope))
    if community is not None:
        qs = qs.filter(community=community)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if grid_id:
        qs = qs.filter(grid_id=grid_id)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())
    return _with_related(qs)


def queue_for_user(*, scope: Scope, community: OrgNode | None = None) -> QuerySet[Report]:
    """My queue, on a phone: open reports assigned to me; for staff also the ones no grid worker
    holds and the escalated ones. Oldest deadline first."""
    if not scope.is_authenticated:
        return Report.objects.none()
    mine = Q(assignee=scope.user)
    whole = scope.whole_community_ids(Cap.SNAPSHOT_HANDLE)
    staff = Q(community_id__in=whole) & (Q(assignee__isnull=True) | Q(escalated_at__isnull=False))
    qs = Report.objects.filter(handler_q(scope)).filter(mine | staff).filter(status__in=OPEN_STATUSES)
    if community is not None:
        qs = qs.filter(community=community)
    return _with_related(qs).order_by("due_at", "id")


def report_get_for_user(*, scope: Scope, report_id: int) -> Report:
    report = _with_related(Report.objects.filter(viewer_q(scope), pk=report_id)).select_related("reporter").first()
    if report is None:
        raise NotFound()
    return report


def report_photos(report: Report) -> list[Photo]:
    return list(report.photos.all())


def report_events(report: Report) -> list[Event]:
    return list(report.events.select_related("actor", "to_user"))


def photo_get_for_reporter(*, user, photo_id: int) -> Photo:
    photo = Photo.objects.filter(pk=photo_id, report__reporter=user).first() if user and user.is_authenticated else None
    if photo is None:
        raise NotFound()
    return photo


def photo_get_for_user(*, scope: Scope, photo_id: int) -> Photo:
    """A photo for staff or a handler: through the report they may see."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or not Report.objects.filter(viewer_q(scope), pk=photo.report_id).exists():
        raise NotFound()
    return photo


def photo_get_for_anyone(*, scope: Scope, photo_id: int) -> Photo:
    """The API's one photo endpoint: the reporter of the report, or staff who may see it."""
    if scope.is_authenticated and Photo.objects.filter(pk=photo_id, report__reporter=scope.user).exists():
        return Photo.objects.get(pk=photo_id)
    return photo_get_for_user(scope=scope, photo_id=photo_id)


def handlers_of(*, community: OrgNode) -> list:
    """Who may be given a report: everyone holding snapshot.handle in the community."""
    from accounts.models import User
    from orgs.models import RoleGrant
    from orgs.roles import roles_with

    grants = RoleGrant.objects.filter(
        Q(node=community) | Q(node__community=community, node__kind__in=[NodeKind.GRID, NodeKind.BUILDING]),
        role__in=roles_with(Cap.SNAPSHOT_HANDLE),
        revoked_at__isnull=True,
    )
    return list(User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by("display_name", "username"))


def staff_summary(*, scope: Scope, community: OrgNode, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    qs = Report.objects.filter(viewer_q(scope), community=community)
    return qs.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
        escalated=Count("id", filter=Q(status__in=OPEN_STATUSES, escalated_at__isnull=False)),
        unassigned=Count("id", filter=Q(status__in=OPEN_STATUSES, assignee__isnull=True)),
        closed=Count("id", filter=Q(status=Status.CLOSED)),
    )


# --- Public figures ---------------------------------------------------------------------------


@dataclass
class CategoryFigure:
    name: str
    reported: int
    solved: int


@dataclass
class MonthFigure:
    month: str  # "2026-05"
    reported: int
    solved: int


@dataclass
class PublicStats:
    """What anyone may know: counts and times, never who reported what or where exactly."""

    community: OrgNode
    reported: int
    solved: int
    open: int
    avg_hours_to_solve: float | None
    solved_on_time: int
    by_category: list[CategoryFigure]
    by_month: list[MonthFigure]

    @property
    def avg_days_to_solve(self) -> float | None:
        return None if self.avg_hours_to_solve is None else round(self.avg_hours_to_solve / 24, 1)


def _month_keys(now: dt.datetime, months: int) -> list[str]:
    local = timezone.localtime(now)
    year, month = local.year, local.month
    keys = []
    for _i in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(keys))


def public_stats(*, community: OrgNode, months: int = 12, now: dt.datetime | None = None) -> PublicStats:
    now = now or timezone.now()
    # Dismissed reports are not problems solved, nor problems waiting: they count as neither.
    rows = list(
        Report.objects.filter(community=community)
        .exclude(status=Status.DISMISSED)
        .values_list("category__name", "category__sort_order", "status", "created_at", "closed_at", "due_at")
    )
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    keys = _month_keys(now, months)
    reported_m: Counter[str] = Counter()
    solved_m: Counter[str] = Counter()
    durations: list[float] = []
    solved = on_time = 0
    for name, order, status, created, closed, due in rows:
        entry = by_cat[name]
        entry[0], entry[1] = order, entry[1] + 1
        reported_m[f"{timezone.localtime(created):%Y-%m}"] += 1
        if status == Status.CLOSED and closed is not None:
            solved += 1
            entry[2] += 1
            durations.append((closed - created).total_seconds() / 3600)
            solved_m[f"{timezone.localtime(closed):%Y-%m}"] += 1
            on_time += closed <= due
    return PublicStats(
        community=community,
        reported=len(rows),
        solved=solved,
        open=sum(1 for r in rows if r[2] in OPEN_STATUSES),
        avg_hours_to_solve=round(sum(durations) / len(durations), 1) if durations else None,
        solved_on_time=on_time,
        by_category=[
            CategoryFigure(name, v[1], v[2]) for name, v in sorted(by_cat.items(), key=lambda kv: (kv[1][0], kv[0]))
        ],
        by_month=[MonthFigure(k, reported_m[k], solved_m[k]) for k in keys],
    )


@dataclass
class CommunityLine:
    community: OrgNode
    reported: int
    solved: int


@dataclass
class SubdistrictBlock:
    subdistrict: OrgNode | None
    communities: list[CommunityLine]

    @property
    def solved(self) -> int:
        return sum(c.solved for c in self.communities)

    @property
    def reported(self) -> int:
        return sum(c.reported for c in self.communities)


def public_overview() -> list[SubdistrictBlock]:
    """Every community with reports, grouped by subdistrict (156 solved in 礼乐街道)."""
    counts = {
        row["community_id"]: row
        for row in Report.objects.exclude(status=Status.DISMISSED)
        .values("community_id")
        .annotate(reported=Count("id"), solved=Count("id", filter=Q(status=Status.CLOSED)))
    }
    blocks: dict[int | None, SubdistrictBlock] = {}
    for community in OrgNode.objects.filter(pk__in=counts, kind=NodeKind.COMMUNITY).select_related("parent").order_by("path"):
        row = counts[community.pk]
        block = blocks.setdefault(community.parent_id, SubdistrictBlock(community.parent, []))
        block.communities.append(CommunityLine(community, row["reported"], row["solved"]))
    return list(blocks.values())

