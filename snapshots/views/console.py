"""Staff and grid workers, in the console: my queue (a phone in the street), all reports of the
community, one report with its actions, and the community plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.errors import DomainError, NotFound
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.views import console_community
from snapshots import selectors, services
from snapshots.forms import CloseForm, DismissForm, PlanForm, ReassignForm, ZoneForm
from snapshots.models import Status, Zone
from snapshots.views._common import photo_response, plan_context


def _community_for_reports(request) -> OrgNode:
    community = console_community(request)
    scope = request.scope
    if not (scope.has(Cap.SNAPSHOT_VIEW, community.pk) or scope.has(Cap.SNAPSHOT_HANDLE, community.pk)):
        raise NotFound()
    return community


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def queue(request):
    community = _community_for_reports(request)
    reports = list(selectors.queue_for_user(scope=request.scope, community=community).prefetch_related("photos")[:100])
    return render(request, "snapshots/queue.html", {"community": community, "reports": reports})


@login_required
def report_list(request):
    community = _community_for_reports(request)
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.report_list_for_user(
        scope=request.scope,
        community=community,
        status=status,
        category_id=_int(request.GET.get("category")),
        grid_id=_int(request.GET.get("grid")),
        overdue=overdue,
    ).select_related("reporter")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "snapshots/report_list.html",
        {
            "community": community,
            "page": page,
            "summary": selectors.staff_summary(scope=request.scope, community=community),
            "statuses": Status.choices,
            "status": status,
            "overdue": overdue,
            "categories": selectors.categories_active(),
            "category": _int(request.GET.get("category")),
            "grids": OrgNode.objects.filter(community=community, kind=NodeKind.GRID).order_by("sort_order", "name"),
            "grid": _int(request.GET.get("grid")),
        },
    )


@login_required
def report_detail(request, snapshot_id: int):
    report = selectors.report_get_for_user(scope=request.scope, report_id=snapshot_id)
    can_handle = services.may_handle(request.scope, report)
    can_reassign = request.scope.is_platform_admin or report.community_id in request.scope.whole_community_ids(
        Cap.SNAPSHOT_VIEW
    )
    return render(
        request,
        "snapshots/report_detail.html",
        {
            "report": report,
            "photos": selectors.report_photos(report),
            "events": selectors.report_events(report),
            "overdue": report.is_overdue(),
            "can_handle": can_handle and report.is_open,
            "can_reassign": can_reassign and report.is_open,
            "close_form": CloseForm(),
            "dismiss_form": DismissForm(),
            "reassign_form": ReassignForm(handlers=selectors.handlers_of(community=report.community)),
        },
    )


def _act(request, snapshot_id: int, do) -> object:
    report = selectors.report_get_for_user(scope=request.scope, report_id=snapshot_id)
    try:
        do(report)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    return redirect("snapshots:detail", snapshot_id=report.pk)


@login_required
@require_POST
def report_accept(request, snapshot_id: int):
    def do(report):
        services.report_accept(actor=request.scope, report=report)
        messages.success(request, _("Accepted: the reporter sees that you are on it."))

    return _act(request, snapshot_id, do)


@login_required
@require_POST
def report_close(request, snapshot_id: int):
    def do(report):
        form = CloseForm(request.POST)
        resolution = form.cleaned_data["resolution"] if form.is_valid() else ""
        services.report_close(
            actor=request.scope, report=report, resolution=resolution, after_photos=request.FILES.getlist("photos")
        )
        messages.success(request, _("Closed as solved. Thank you."))

    return _act(request, snapshot_id, do)


@login_required
@require_POST
def report_dismiss(request, snapshot_id: int):
    def do(report):
        form = DismissForm(request.POST)
        services.report_dismiss(
            actor=request.scope, report=report, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
        messages.success(request, _("Dismissed."))

    return _act(request, snapshot_id, do)


@login_required
@require_POST
def report_reassign(request, snapshot_id: int):
    def do(report):
        form = ReassignForm(request.POST, handlers=selectors.handlers_of(community=report.community))
        if not form.is_valid():
            messages.error(request, _("Choose who handles it."))
            return
        services.report_reassign(actor=request.scope, report=report, to_user=form.chosen(), note=form.cleaned_data["note"])
        messages.success(request, _("Reassigned."))

    return _act(request, snapshot_id, do)


@login_required
def photo(request, snapshot_photo_id: int):
    return photo_response(selectors.photo_get_for_user(scope=request.scope, photo_id=snapshot_photo_id))


# --- The community plan ---------------------------------------------------------------------


@login_required
def plan(request):
    community = _community_for_reports(request)
    can_manage = request.scope.is_platform_admin or community.pk in request.scope.whole_community_ids(Cap.SNAPSHOT_HANDLE)
    grids = list(OrgNode.objects.filter(community=community, kind=NodeKind.GRID).order_by("sort_order", "name"))
    plan_form = PlanForm()
    zone_form = ZoneForm(grids=grids)
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        action = request.POST.get("action")
        try:
            if action == "plan":
                plan_form = PlanForm(request.POST, request.FILES)
                if plan_form.is_valid():
                    services.plan_set(actor=request.scope, community=community, image=plan_form.cleaned_data["image"])
                    messages.success(request, _("The plan has been saved."))
                    return redirect("snapshots:plan")
            elif action == "zone":
                zone_form = ZoneForm(request.POST, grids=grids)
                if zone_form.is_valid():
                    d = zone_form.cleaned_data
                    services.zone_create(
                        actor=request.scope,
                        community=community,
                        name=d["name"],
                        grid=zone_form.grids[d["grid"]],
                        x=d["left"] * 10,
                        y=d["top"] * 10,
                        w=d["width"] * 10,
                        h=d["height"] * 10,
                    )
                    messages.success(request, _("Zone %(name)s added.") % {"name": d["name"]})
                    return redirect("snapshots:plan")
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return render(
        request,
        "snapshots/plan.html",
        {
            "community": community,
            "can_manage": can_manage,
            "zones": selectors.zones_of(community=community),
            "plan_form": plan_form,
            "zone_form": zone_form,
            **plan_context(community),
        },
    )


@login_required
@require_POST
def zone_delete(request, snapshot_zone_id: int):
    zone = Zone.objects.filter(pk=snapshot_zone_id).first()
    if zone is None:
        raise NotFound()
    try:
        services.zone_delete(actor=request.scope, zone=zone)
        messages.success(request, _("Zone removed."))
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    return redirect("snapshots:plan")
