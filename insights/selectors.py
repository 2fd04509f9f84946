"""What the dashboards read: rollups only, scoped to the nodes the user may see.

A user sees a node's figures when the node's every community is in their ``insights.view``
scope: community staff their community, a subdistrict officer their subdistrict and its
communities, the city everything. The org tree above buildings is read once and cached.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from insights.figures import BASE, BY_KEY, DAY, DERIVED_BY_KEY, MONTH, ROOM_OPEN_HOURS, YEAR
from insights.models import Rollup
from insights.services.rollups import period_end
from linli.errors import NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope

_TREE_KINDS = (NodeKind.CITY, NodeKind.DISTRICT, NodeKind.SUBDISTRICT, NodeKind.COMMUNITY)
TREE_CACHE_SECONDS = 300
# A dashboard's figures are kept per rollup write (see ``dashboard``); this only bounds how long
# an unused one stays in the cache.
BOARD_CACHE_SECONDS = 600

# The figures of the headline cards, in order.
HEADLINE = (
    "person_times",
    "residents_served",
    "services_total",
    "free_share",
    "partners_active",
    "partner_income",
    "revenue_shares",
    "fund_in",
    "fund_out",
    "fund_balance",
    "utilisation",
    "bookings",
    "volunteer_hours",
    "volunteer_points",
    "placements",
    "jobs_posted",
    "workshop_wages",
    "wishes_fulfilled",
    "reports_solved",
    "average_solve_minutes",
    "commitment_progress",
    "enterprise_income",
    "enterprise_spending",
)

# Columns of the comparison table (and what it can be ranked by).
COMPARE = (
    "person_times",
    "person_times_per_1000",
    "residents_served",
    "free_share",
    "utilisation",
    "fund_in",
    "fund_in_per_resident",
    "fund_balance",
    "volunteer_hours",
    "reports_solved",
)

TREND = ("person_times", "fund_in", "fund_out", "volunteer_hours", "reports_solved")


# --- The tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: int
    kind: str
    name: str
    path: str
    parent_id: int | None
    population: int | None


@dataclass
class Tree:
    nodes: dict[int, Node]
    children: dict[int, list[int]]
    communities: dict[int, list[int]]  # node id → community ids under it (itself for a community)

    def ancestors(self, node_id: int) -> list[Node]:
        out, node = [], self.nodes.get(node_id)
        while node and node.parent_id in self.nodes:
            node = self.nodes[node.parent_id]
            out.append(node)
        return list(reversed(out))


def tree() -> Tree:
    cached = cache.get("insights:tree")
    if cached is not None:
        return cached
    rows = (
        OrgNode.objects.filter(kind__in=_TREE_KINDS)
        .order_by("path", "sort_order")
        .values_list("id", "kind", "name", "path", "parent_id", "population")
    )
    nodes = {r[0]: Node(*r) for r in rows}
    children: dict[int, list[int]] = defaultdict(list)
    communities: dict[int, list[int]] = defaultdict(list)
    for node in nodes.values():
        if node.parent_id in nodes:
            children[node.parent_id].append(node.id)
        if node.kind == NodeKind.COMMUNITY:
            for part in node.path.strip("/").split("/"):
                if int(part) in nodes:
                    communities[int(part)].append(node.id)
    result = Tree(nodes=nodes, children=dict(children), communities=dict(communities))
    cache.set("insights:tree", result, TREE_CACHE_SECONDS)
    return result


def forget_tree() -> None:
    cache.delete("insights:tree")


def may_view(scope: Scope, node_id: int, t: Tree | None = None) -> bool:
    """``t``: the tree already read by the caller (reading it means unpickling it from the cache:
    about a millisecond for a city; a page asks for several nodes)."""
    t = t or tree()
    if node_id not in t.nodes:
        return False
    allowed = scope.community_ids(Cap.INSIGHTS_VIEW)
    under = t.communities.get(node_id, [])
    if not under:
        # A node with no communities yet: whoever holds the capability at or above it.
        path = t.nodes[node_id].path
        return scope.is_platform_admin or any(
            path.startswith(g.node_path) for g in scope.grants_with(Cap.INSIGHTS_VIEW)
        )
    return all(c in allowed for c in under)


def node_for_user(*, scope: Scope, node_id: int, t: Tree | None = None) -> Node:
    t = t or tree()
    if not may_view(scope, node_id, t):
        raise NotFound(_("There is no such dashboard, or it is not yours to see."))
    return t.nodes[node_id]


def home_nodes(scope: Scope) -> list[Node]:
    """The highest nodes the user may see: where their dashboards start."""
    t = tree()
    visible = [n for n in t.nodes.values() if may_view(scope, n.id, t)]
    ids = {n.id for n in visible}
    return [n for n in visible if n.parent_id not in ids]


# --- Periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None

    @classmethod
    def parse(cls, year, month=None, *, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        try:
            y = int(year) if year not in (None, "") else today.year
            m = int(month) if month not in (None, "") else None
        except (TypeError, ValueError):
            raise ValidationFailed(_("Choose a year (and a month) from the list."), code="bad_period") from None
        if not 2000 <= y <= today.year + 1 or (m is not None and not 1 <= m <= 12):
            raise ValidationFailed(_("Choose a year (and a month) from the list."), code="bad_period")
        return cls(y, m)

    @property
    def grain(self) -> str:
        return YEAR if self.month is None else MONTH

    @property
    def trend_grain(self) -> str:
        return MONTH if self.month is None else DAY

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, 1)

    @property
    def end(self) -> dt.date:
        return period_end(self.start, self.grain)

    @property
    def label(self) -> str:
        if self.month is None:
            return _("%(year)s") % {"year": self.year}
        return _("%(year)s-%(month)02d") % {"year": self.year, "month": self.month}

    def previous(self) -> Period:
        if self.month is None:
            return Period(self.year - 1)
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def days(self, today: dt.date | None = None) -> int:
        """Days of the period so far (all of it once it is over)."""
        today = today or timezone.localdate()
        last = min(self.end, today + dt.timedelta(days=1))
        return max((last - self.start).days, 0)

    def query(self) -> str:
        return f"year={self.year}" + (f"&month={self.month}" if self.month else "")


# --- Reading rollups --------------------------------------------------------------------------


def totals(node_ids: list[int], period: Period) -> dict[int, dict[str, int]]:
    """Base figures per node for the period (a community's counted, a larger node's summed)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    rows = Rollup.objects.filter(node_id__in=node_ids, grain=period.grain, period_start=period.start)
    for n, f, v in rows.values_list("node_id", "figure", "value"):
        out[n][f] = v
    return out


def balances(node_ids: list[int], end: dt.date) -> dict[int, int]:
    """The fund's balance per node at the end of the period: all income less all spending."""
    rows = Rollup.objects.filter(
        node_id__in=node_ids, grain=YEAR, period_start__lt=end, figure__in=("fund_in", "fund_out")
    ).values("node_id", "period_start", "figure", "value")
    out: dict[int, int] = defaultdict(int)
    partial = []
    for r in rows:
        if period_end(r["period_start"], YEAR) <= end:
            out[r["node_id"]] += r["value"] if r["figure"] == "fund_in" else -r["value"]
        else:
            partial.append(r["period_start"])
    if partial:
        # The period ends inside a year: that year's months up to the end.
        months = Rollup.objects.filter(
            node_id__in=node_ids,
            grain=MONTH,
            period_start__gte=min(partial),
            period_start__lt=end,
            figure__in=("fund_in", "fund_out"),
        ).values_list("node_id", "figure", "value")
        for n, f, v in months:
            out[n] += v if f == "fund_in" else -v
    return dict(out)


def series(node_id: int, period: Period, keys=TREND) -> list[dict]:
    """The period's months (a year) or days (a month), each with the trend figures."""
    grain = period.trend_grain
    wanted = {k for k in keys if k in BY_KEY} | ({"volunteer_minutes"} if "volunteer_hours" in keys else set())
    rows = Rollup.objects.filter(
        node_id=node_id, grain=grain, period_start__gte=period.start, period_start__lt=period.end, figure__in=wanted
    ).values_list("period_start", "figure", "value")
    by_start: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for start, f, v in rows:
        by_start[start][f] = v
    points, start = [], period.start
    while start < period.end:
        values = by_start.get(start, {})
        point = {"start": start, "label": start.strftime("%m") if grain == MONTH else start.strftime("%d")}
        for k in keys:
            point[k] = round(values.get("volunteer_minutes", 0) / 60, 1) if k == "volunteer_hours" else values.get(k, 0)
        points.append(point)
        start = period_end(start, grain)
    return points


def populations(community_ids: list[int], t: Tree | None = None) -> dict[int, int]:
    """Residents per community: the registered population where set, else the register's count."""
    t = t or tree()
    out = {c: t.nodes[c].population for c in community_ids if c in t.nodes and t.nodes[c].population}
    missing = [c for c in community_ids if c not in out]
    if missing:
        key = "insights:residents"
        counts = cache.get(key)
        if counts is None:
            from residents.models import Resident

            counts = dict(
                Resident.objects.values("community_id").annotate(n=Count("id")).values_list("community_id", "n")
            )
            cache.set(key, counts, TREE_CACHE_SECONDS)
        for c in missing:
            out[c] = counts.get(c, 0)
    return out


def rooms(community_ids: list[int]) -> dict[int, int]:
    key = "insights:rooms"
    counts = cache.get(key)
    if counts is None:
        from spaces.models import Room

        counts = dict(
            Room.objects.filter(is_active=True)
            .values("community_id")
            .annotate(n=Count("id"))
            .values_list("community_id", "n")
        )
        cache.set(key, counts, TREE_CACHE_SECONDS)
    return {c: counts.get(c, 0) for c in community_ids}


# --- Derived figures --------------------------------------------------------------------------


def derive(
    base: dict[str, int], *, population: int, rooms: int, days: int, balance: int
) -> dict[str, float | int | None]:
    """Base figures plus the derived ones (None where a ratio has no denominator)."""
    out: dict[str, float | int | None] = {f.key: base.get(f.key, 0) for f in BASE}
    services = out["services_free"] + out["services_low_cost"] + out["services_market"]
    out["services_total"] = services
    out["free_share"] = round(100 * out["services_free"] / services, 1) if services else None
    out["person_times_per_1000"] = round(1000 * out["person_times"] / population, 1) if population else None
    out["fund_net"] = out["fund_in"] - out["fund_out"]
    out["fund_balance"] = balance
    out["fund_in_per_resident"] = round(out["fund_in"] / population) if population else None
    available = rooms * ROOM_OPEN_HOURS * 60 * days
    out["utilisation"] = round(100 * out["booked_minutes"] / available, 1) if available else None
    solved = out["reports_solved"]
    out["average_solve_minutes"] = round(out["report_solve_minutes"] / solved) if solved else None
    out["volunteer_hours"] = round(out["volunteer_minutes"] / 60, 1)
    out["population"] = population
    out["rooms"] = rooms
    return out


@dataclass
class Row:
    node: Node
    figures: dict
    rank: int = 0


@dataclass
class Dashboard:
    node: Node
    period: Period
    figures: dict
    previous: dict
    rows: list[Row] = field(default_factory=list)  # the children (or communities), ranked
    trend: list[dict] = field(default_factory=list)
    ancestors: list[Node] = field(default_factory=list)
    rank_by: str = "person_times"
    refreshed_at: dt.datetime | None = None
    key: str = ""  # names everything the figures are drawn from (see ``dashboard``)

    def change(self, key: str) -> float | None:
        now, before = self.figures.get(key), self.previous.get(key)
        if now is None or not before:
            return None
        return round(100 * (now - before) / abs(before), 1)


def _figures_of(t: Tree, node_id: int, base: dict, pops, room_counts, balance: int, days: int) -> dict:
    under = t.communities.get(node_id, [])
    return derive(
        base,
        population=sum(pops.get(c, 0) for c in under),
        rooms=sum(room_counts.get(c, 0) for c in under),
        days=days,
        balance=balance,
    )


def dashboard(
    *, scope: Scope, node_id: int, period: Period, rank_by: str = "person_times", with_trend: bool = True
) -> Dashboard:
    t = tree()
    node = node_for_user(scope=scope, node_id=node_id, t=t)
    if rank_by not in COMPARE:
        rank_by = "person_times"
    from insights.services.rollups import refreshed_at

    # The figures change only when the rollups are written, and every write stamps the time:
    # drawn once per stamp and shared by every viewer of the node (what each may see of the
    # tree above it, the ancestors, is still worked out per viewer).
    at = refreshed_at()
    stamp = at.isoformat() if at else "-"
    # Today's date too: a period still running is averaged over the days gone so far.
    key = f"insights:board:{node.id}:{period.year}:{period.month}:{rank_by}:{int(with_trend)}:{stamp}:{timezone.localdate()}"
    numbers = cache.get(key)
    if numbers is None:
        numbers = _numbers(t, node, period, rank_by, with_trend)
        cache.set(key, numbers, BOARD_CACHE_SECONDS)
    return Dashboard(
        node=node,
        period=period,
        ancestors=[a for a in t.ancestors(node.id) if may_view(scope, a.id, t)],
        rank_by=rank_by,
        refreshed_at=at,
        key=key,
        **numbers,
    )


def _numbers(t: Tree, node: Node, period: Period, rank_by: str, with_trend: bool) -> dict:
    communities = t.communities.get(node.id, [])
    pops, room_counts = populations(communities, t), rooms(communities)
    # The comparison: the node's children; where a node has a single child, the level below it.
    child_ids = t.children.get(node.id, [])
    while len(child_ids) == 1 and t.nodes[child_ids[0]].kind != NodeKind.COMMUNITY:
        child_ids = t.children.get(child_ids[0], [])
    child_ids = [c for c in child_ids if c in t.nodes]
    ids = [node.id, *child_ids]
    previous_period = period.previous()
    now = totals(ids, period)
    before = totals([node.id], previous_period)
    bal = balances(ids, period.end)
    bal_before = balances([node.id], previous_period.end)
    days = period.days()
    figures = _figures_of(t, node.id, now.get(node.id, {}), pops, room_counts, bal.get(node.id, 0), days)
    previous = _figures_of(
        t, node.id, before.get(node.id, {}), pops, room_counts, bal_before.get(node.id, 0), previous_period.days()
    )
    rows = [
        Row(t.nodes[c], _figures_of(t, c, now.get(c, {}), pops, room_counts, bal.get(c, 0), days)) for c in child_ids
    ]
    rows.sort(key=lambda r: (r.figures.get(rank_by) is None, -(r.figures.get(rank_by) or 0), r.node.name))
    for i, row in enumerate(rows, 1):
        row.rank = i
    return {
        "figures": figures,
        "previous": previous,
        "rows": rows,
        "trend": series(node.id, period) if with_trend else [],
    }


def records(*, scope: Scope, node_id: int, figure_key: str, period: Period):
    """The records behind a base figure for a community (what a number is made of)."""
    node = node_for_user(scope=scope, node_id=node_id)
    figure = BY_KEY.get(figure_key)
    if figure is None:
        raise NotFound(_("There is no such figure."))
    if node.kind != NodeKind.COMMUNITY:
        raise NotFound(_("Records are listed per community: choose a community first."))
    from insights.services.rollups import records_in

    qs = records_in(figure, period.start, period.end, [node.id])
    return node, figure, qs.order_by(f"-{figure.day_field}", "-pk")


def describe(key: str) -> dict:
    item = BY_KEY.get(key) or DERIVED_BY_KEY.get(key)
    return {"key": key, "label": str(item.label), "unit": item.unit, "definition": str(item.definition)}
