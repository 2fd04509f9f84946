"""The insights JSON API: figure definitions, and any dashboard the user may see (rollups only)."""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from ninja import Query, Router, Schema

from insights import selectors
from insights.figures import BASE, DERIVED
from insights.services import rollups
from linli.errors import NotFound
from orgs.roles import Cap

router = Router(tags=["insights"])


class InsightsFigureOut(Schema):
    key: str
    label: str
    unit: str
    definition: str
    derived: bool


class InsightsNodeOut(Schema):
    id: int
    kind: str
    name: str


class InsightsPeriodIn(Schema):
    year: int | None = None
    month: int | None = None
    rank: str = "person_times"


class InsightsRowOut(Schema):
    rank: int
    node: InsightsNodeOut
    figures: dict[str, float | int | None]


class InsightsPointOut(Schema):
    start: dt.date
    figures: dict[str, float | int | None]


class InsightsDashboardOut(Schema):
    node: InsightsNodeOut
    period: str
    start: dt.date
    end: dt.date
    figures: dict[str, float | int | None]
    previous: dict[str, float | int | None]
    rows: list[InsightsRowOut]
    trend: list[InsightsPointOut]
    refreshed_at: dt.datetime | None


def _node(n) -> dict:
    return {"id": n.id, "kind": n.kind, "name": n.name}


@router.get("/figures", response=list[InsightsFigureOut], summary="What every figure means")
def figure_list(request):
    out = [
        {"key": f.key, "label": str(f.label), "unit": f.unit, "definition": str(f.definition), "derived": False}
        for f in BASE
    ]
    out += [
        {"key": d.key, "label": str(d.label), "unit": d.unit, "definition": str(d.definition), "derived": True}
        for d in DERIVED
    ]
    return out


@router.get("/nodes", response=list[InsightsNodeOut], summary="The dashboards I may open (highest first)")
def node_list(request):
    if not request.scope.has_anywhere(Cap.INSIGHTS_VIEW):
        return []
    return [_node(n) for n in selectors.home_nodes(request.scope)]


@router.get(
    "/nodes/{insights_node_id}", response=InsightsDashboardOut, summary="A dashboard: figures, comparison, trend"
)
def node_dashboard(request, insights_node_id: int, q: Query[InsightsPeriodIn]):
    if not request.scope.has_anywhere(Cap.INSIGHTS_VIEW):
        raise NotFound()
    if rollups.pending():
        rollups.refresh(limit=500)
    period = selectors.Period.parse(q.year, q.month)
    board = selectors.dashboard(scope=request.scope, node_id=insights_node_id, period=period, rank_by=q.rank)
    return {
        "node": _node(board.node),
        "period": board.period.label,
        "start": period.start,
        "end": period.end,
        "figures": board.figures,
        "previous": board.previous,
        "rows": [{"rank": r.rank, "node": _node(r.node), "figures": r.figures} for r in board.rows],
        "trend": [
            {"start": p["start"], "figures": {k: v for k, v in p.items() if k not in ("start", "label")}}
            for p in board.trend
        ],
        "refreshed_at": board.refreshed_at,
    }
