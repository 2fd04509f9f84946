"""What the reporter, console and public pages share: the report form, photo answers, the plan."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.errors import DomainError, NotFound
from orgs.models import OrgNode
from snapshots import selectors, services
from snapshots.forms import ReportForm
from snapshots.models import Photo, Report


def photo_response(photo: Photo) -> HttpResponse:
    with photo.image.open("rb") as f:
        response = HttpResponse(f.read(), content_type="image/jpeg")
    # Private: the phone may keep it; a shared cache on the way must not.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def report_for(request, snapshot_id: int) -> tuple[Report, bool]:
    """A report for its reporter, or for staff and handlers who may see it (then ``True``)."""
    try:
        return selectors.report_get_for_user(scope=request.scope, report_id=snapshot_id), True
    except NotFound:
        return selectors.my_report_get(user=request.user, report_id=snapshot_id), False


def plan_context(community: OrgNode, chosen: str = "") -> dict:
    """The plan as SVG coordinates: zones are links that choose the place, so tapping a zone works
    without JavaScript, and nothing needs an inline style."""
    plan = selectors.plan_of(community=community)
    if plan is None:
        return {"plan": None, "plan_zones": []}
    zones = []
    for z in selectors.zones_of(community=community):
        if not z.on_plan:
            continue
        x, y = z.x * plan.width // 1000, z.y * plan.height // 1000
        w, h = z.w * plan.width // 1000, z.h * plan.height // 1000
        zones.append(
            {
                "zone": z,
                "value": f"z:{z.pk}",
                "x": x,
                "y": y,
                "w": w,
                "h": h,
                "tx": x + w // 2,
                "ty": y + h // 2,
                "chosen": chosen == f"z:{z.pk}",
            }
        )
    return {"plan": plan, "plan_zones": zones, "plan_font": max(14, plan.width // 40)}


def report_form_page(request, community: OrgNode, *, template: str = "snapshots/report_form.html", extra=None):
    """The report form of one community, for GET and POST. Photos come from the file input
    (``photos``, up to four); the service checks and cleans them."""
    initial = {"place": request.GET.get("place", "")}
    form = ReportForm(request.POST or None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        building, zone = form.place_objects()
        try:
            report = services.report_create(
                actor=request.scope,
                community=community,
                category=form.cleaned_data["category"],
                building=building,
                zone=zone,
                note=form.cleaned_data["note"],
                photos=request.FILES.getlist("photos"),
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("Thank you. Report #%(n)s has been sent to %(who)s; you can follow it here.")
                % {"n": report.pk, "who": str(report.assignee) if report.assignee_id else _("the community staff")},
            )
            return redirect("snapshots_me:detail", snapshot_id=report.pk)
    chosen = form["place"].value() or ""
    context = {
        "community": community,
        "form": form,
        "idempotency_key": request.POST.get("idempotency_key") or _fresh_key(),
        **plan_context(community, chosen),
        **(extra or {}),
    }
    return render(request, template, context, status=422 if form.errors else 200)


def _fresh_key() -> str:
    import uuid

    return uuid.uuid4().hex
