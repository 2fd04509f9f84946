"""The reporter's pages, on a phone: report a problem, follow my reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from linli.errors import NotFound
from snapshots import selectors
from snapshots.views._common import photo_response, report_for, report_form_page


@login_required
def index(request):
    reports = list(selectors.my_reports(user=request.user).prefetch_related("photos")[:100])
    return render(
        request,
        "snapshots/me_list.html",
        {"reports": reports, "communities": selectors.reporter_communities(user=request.user)},
    )


@login_required
def new(request):
    """Report in a community of one's own (where one lives or works). Anyone else — a rider or a
    courier — comes in through the community's public page or the QR code at its gate."""
    communities = selectors.reporter_communities(user=request.user)
    raw = request.POST.get("community_id") or request.GET.get("community_id") or ""
    chosen = next((c for c in communities if str(c.pk) == raw), None)
    if chosen is None and raw and request.method == "POST":
        raise NotFound()
    if chosen is None and len(communities) == 1:
        chosen = communities[0]
    if chosen is None:
        return render(request, "snapshots/me_choose.html", {"communities": communities})
    return report_form_page(request, chosen, extra={"post_community_id": chosen.pk})


@login_required
def detail(request, snapshot_id: int):
    report, as_staff = report_for(request, snapshot_id)
    return render(
        request,
        "snapshots/me_detail.html",
        {
            "report": report,
            "photos": selectors.report_photos(report),
            "events": selectors.report_events(report),
            "overdue": report.is_overdue(),
            "as_staff": as_staff,
        },
    )


@login_required
def photo(request, snapshot_photo_id: int):
    return photo_response(selectors.photo_get_for_anyone(scope=request.scope, photo_id=snapshot_photo_id))
