"""Public pages, no login: figures per community (never a reporter, a report or a photo), the
community plan, and the way in for anyone who wants to report there (a QR code at the gate)."""

from __future__ import annotations

import io

import segno
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from linli.errors import NotFound
from snapshots import selectors
from snapshots.views._common import report_form_page


def index(request):
    return render(request, "snapshots/public_index.html", {"blocks": selectors.public_overview()})


def community(request, community_id: int):
    node = selectors.public_community_get(community_id=community_id)
    stats = selectors.public_stats(community=node)
    peak = max([m.reported for m in stats.by_month] + [1])
    return render(request, "snapshots/public_community.html", {"community": node, "stats": stats, "peak": peak})


def report(request, community_id: int):
    """Logged in: the report form. Not logged in: what this is and a button to log in first."""
    node = selectors.public_community_get(community_id=community_id)
    if not request.user.is_authenticated:
        return render(request, "snapshots/public_report_login.html", {"community": node})
    return report_form_page(request, node)


def plan_image(request, community_id: int):
    node = selectors.public_community_get(community_id=community_id)
    plan = selectors.plan_of(community=node)
    if plan is None or not plan.image:
        raise NotFound()
    with plan.image.open("rb") as f:
        response = HttpResponse(f.read(), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=300"
    return response


def qr(request, community_id: int):
    """The QR code to print at the community's gates: it opens the report page."""
    node = selectors.public_community_get(community_id=community_id)
    url = request.build_absolute_uri(reverse("snapshots_public:report", kwargs={"community_id": node.pk}))
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2)
    return HttpResponse(buf.getvalue(), content_type="image/svg+xml")
