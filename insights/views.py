"""Dashboards, the records behind a number, the big screen, Excel and the case summary PDF."""

from __future__ import annotations

import io

import openpyxl
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from insights import formatting, pdf, selectors
from insights.figures import BY_KEY
from insights.services import rollups
from linli import pagecache
from linli.errors import NotFound
from orgs.models import NodeKind
from orgs.roles import Cap

# A derived figure's records are those of the base figure it is made from.
RECORDS_OF = {
    "services_total": "person_times",
    "free_share": "services_free",
    "person_times_per_1000": "person_times",
    "fund_net": "fund_in",
    "fund_balance": "fund_in",
    "fund_in_per_resident": "fund_in",
    "utilisation": "booked_minutes",
    "average_solve_minutes": "reports_solved",
    "volunteer_hours": "volunteer_minutes",
}

# Pending changes folded in before a page is drawn (the rest by the per-minute task).
REFRESH_ON_VIEW = 500


def _fresh() -> None:
    """Fold in what is pending before a dashboard is drawn — unless the rollups were refreshed
    less than ``LINLI_INSIGHTS_VIEW_REFRESH_SECONDS`` ago, or another request is refreshing them
    now. Under a city's traffic something is always pending (every order posts to the ledger):
    refreshing on every view made each dashboard wait behind the last one's refresh (measured in
    docs/benchmarks.md). The page says when its figures were updated."""
    interval = settings.LINLI_INSIGHTS_VIEW_REFRESH_SECONDS
    if interval > 0:
        at = rollups.refreshed_at()
        if at is not None and (timezone.now() - at).total_seconds() < interval:
            return
    if rollups.pending():
        rollups.refresh(limit=REFRESH_ON_VIEW, wait=False)


def _period(request) -> selectors.Period:
    return selectors.Period.parse(request.GET.get("year"), request.GET.get("month"))


def _require(request) -> None:
    if not request.scope.has_anywhere(Cap.INSIGHTS_VIEW):
        raise NotFound()


@login_required
def home(request):
    _require(request)
    nodes = selectors.home_nodes(request.scope)
    if len(nodes) == 1:
        return redirect("insights:dashboard", insights_node_id=nodes[0].id)
    return render(request, "insights/home.html", {"nodes": nodes})


def _years():
    this = timezone.localdate().year
    return list(range(this, this - 6, -1))


@login_required
def dashboard(request, insights_node_id: int):
    _require(request)
    _fresh()
    period = _period(request)
    board = selectors.dashboard(
        scope=request.scope, node_id=insights_node_id, period=period, rank_by=request.GET.get("rank", "person_times")
    )
    if request.GET.get("format") == "xlsx":
        return _xlsx(board)
    # The figures' part of the page is the same for every viewer of the node until the rollups
    # are written again (the board's key holds their time); the way up the tree is the viewer's.
    body = pagecache.shared_part(
        f"insights:page:{board.key}", "insights/_dashboard_body.html", lambda: _dashboard_context(board), seconds=selectors.BOARD_CACHE_SECONDS
    )
    return render(request, "insights/dashboard.html", {"board": board, "body": body})


def _dashboard_context(board: selectors.Dashboard) -> dict:
    headline = [
        {
            "key": k,
            "value": formatting.show(k, board.figures),
            "change": board.change(k),
            "records": RECORDS_OF.get(k, k) if board.node.kind == NodeKind.COMMUNITY else None,
        }
        for k in selectors.HEADLINE
    ]
    rows = [{"row": r, "cells": [formatting.show(k, r.figures) for k in selectors.COMPARE]} for r in board.rows]
    chart = {
        "labels": [p["label"] for p in board.trend],
        "series": [
            {
                "name": str(BY_KEY[k].label) if k in BY_KEY else _("Volunteer hours"),
                "key": k,
                "data": [p[k] / 100 if formatting.unit_of(k) == "fen" else p[k] for p in board.trend],
            }
            for k in selectors.TREND
        ],
    }
    return {
        "board": board,
        "headline": headline,
        "compare": selectors.COMPARE,
        "rows": rows,
        "chart": chart,
        "trend_rows": [
            (p["label"], [formatting.format_value(p[k], formatting.unit_of(k)) for k in selectors.TREND])
            for p in board.trend
        ],
        "years": _years(),
        "months": range(1, 13),
        "is_community": board.node.kind == NodeKind.COMMUNITY,
    }


def _xlsx(board: selectors.Dashboard) -> HttpResponse:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _("Figures")[:31]
    ws.append([board.node.name, board.period.label])
    ws.append([_("Figure"), _("This period"), _("Previous period")])
    keys = list(selectors.HEADLINE) + [k for k in selectors.COMPARE if k not in selectors.HEADLINE]
    for k in keys:
        unit = formatting.unit_of(k)
        ws.append(
            [
                formatting.excel_title(k),
                formatting.excel_value(board.figures.get(k), unit),
                formatting.excel_value(board.previous.get(k), unit),
            ]
        )
    if board.rows:
        ws2 = wb.create_sheet(_("Comparison")[:31])
        ws2.append([_("Rank"), _("Name")] + [formatting.excel_title(k) for k in selectors.COMPARE])
        for r in board.rows:
            ws2.append(
                [r.rank, r.node.name]
                + [formatting.excel_value(r.figures.get(k), formatting.unit_of(k)) for k in selectors.COMPARE]
            )
    if board.trend:
        ws3 = wb.create_sheet(_("Trend")[:31])
        ws3.append([_("Period")] + [formatting.excel_title(k) for k in selectors.TREND])
        for p in board.trend:
            ws3.append(
                [p["start"].isoformat()]
                + [formatting.excel_value(p[k], formatting.unit_of(k)) for k in selectors.TREND]
            )
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"insights-{board.node.id}-{board.period.year}{board.period.month or ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def records(request, insights_node_id: int):
    _require(request)
    period = _period(request)
    key = request.GET.get("figure") or "person_times"
    key = RECORDS_OF.get(key, key)
    node, figure, qs = selectors.records(scope=request.scope, node_id=insights_node_id, figure_key=key, period=period)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [[_cell(obj, attr) for _title, attr in figure.columns] for obj in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/records.html",
        {
            "node": node,
            "figure": figure,
            "period": period,
            "titles": [str(t) for t, _a in figure.columns],
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "value": formatting.show(
                key,
                selectors.derive(
                    selectors.totals([node.id], period).get(node.id, {}), population=0, rooms=0, days=0, balance=0
                ),
            ),
        },
    )


def _cell(obj, attr: str):
    value = obj
    for part in attr.split("."):
        value = getattr(value, part, None)
        if callable(value):
            value = value()
    if hasattr(value, "tzinfo") and value is not None and hasattr(value, "hour"):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if attr in ("amount", "amount_fen") and value is not None:
        value = formatting.format_value(abs(value), "fen")  # a credit to income is a negative posting
    return "—" if value in (None, "") else value


@login_required
def screen(request, insights_node_id: int):
    _require(request)
    node = selectors.node_for_user(scope=request.scope, node_id=insights_node_id)
    return render(
        request,
        "insights/screen.html",
        {"node": node, "data_url": reverse("insights:screen_data", kwargs={"insights_node_id": node.id})},
    )


def screen_payload(board: selectors.Dashboard) -> dict:
    fig = board.figures
    return {
        "node": {"id": board.node.id, "name": board.node.name, "kind": board.node.kind},
        "period": board.period.label,
        "refreshed_at": timezone.localtime(board.refreshed_at).strftime("%Y-%m-%d %H:%M")
        if board.refreshed_at
        else None,
        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "cards": [
            {"key": k, "label": str(selectors.describe(k)["label"]), "value": formatting.show(k, fig)}
            for k in selectors.HEADLINE[:12]
        ],
        "tiers": [
            {"name": str(BY_KEY[k].label), "value": fig.get(k, 0)}
            for k in ("services_free", "services_low_cost", "services_market")
        ],
        "trend": {
            "labels": [p["label"] for p in board.trend],
            "person_times": [p["person_times"] for p in board.trend],
            "fund_in": [p["fund_in"] / 100 for p in board.trend],
            "fund_out": [p["fund_out"] / 100 for p in board.trend],
        },
        "ranking": [
            {"name": r.node.name, "value": r.figures.get("person_times_per_1000") or 0} for r in board.rows[:15]
        ],
        "labels": {
            "tiers": _("Services by price tier"),
            "trend": _("Person-times served"),
            "fund": _("Fund income and spending (yuan)"),
            "fund_in": str(BY_KEY["fund_in"].label),
            "fund_out": str(BY_KEY["fund_out"].label),
            "ranking": _("Person-times per 1,000 residents"),
        },
    }


@login_required
def screen_data(request, insights_node_id: int):
    _require(request)
    _fresh()
    board = selectors.dashboard(
        scope=request.scope, node_id=insights_node_id, period=_period(request), rank_by="person_times_per_1000"
    )
    return JsonResponse(screen_payload(board))


@login_required
def case_pdf(request, insights_node_id: int):
    _require(request)
    _fresh()
    period = _period(request)
    board = selectors.dashboard(scope=request.scope, node_id=insights_node_id, period=period, with_trend=False)
    data = pdf.case_summary(board)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="case-{board.node.id}-{period.year}{period.month or ""}.pdf"'
    return response
