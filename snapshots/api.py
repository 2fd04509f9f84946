"""The snapshots JSON API: the same selectors and services as the pages, thin.

Anyone logged in reports a problem (multipart: the photos travel with the report) and follows
their own reports under ``/reports/mine``. Handlers and staff list, accept, close (with an
after-photo), dismiss and reassign. ``/public/…`` answers without logging in: figures per
community, the buildings and zones one can report at, and the community plan; never a report,
a photo or a reporter.
"""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from linli.errors import NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from snapshots import selectors, services
from snapshots.models import Category, Report, Zone

router = Router(tags=["snapshots"])


# --- Schemas -----------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    deadline_hours: int


class PhotoOut(Schema):
    id: int
    kind: str
    width: int
    height: int
    url: str


class EventOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    note: str
    by: str | None
    to: str | None


class SnapshotReportOut(Schema):
    """``reporter`` is filled only for staff and handlers; a reporter knows who they are."""

    id: int
    community_id: int
    community: str
    category: CategoryOut
    building_id: int | None
    zone_id: int | None
    place: str
    grid: str | None
    note: str
    status: str
    status_label: str
    reported_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    escalated_at: dt.datetime | None
    accepted_at: dt.datetime | None
    closed_at: dt.datetime | None
    resolution: str
    handled_by: str | None
    reporter: str | None = None
    photos: list[PhotoOut]
    events: list[EventOut] = []


class BuildingOut(Schema):
    id: int
    name: str
    grid: str


class ZoneOut(Schema):
    id: int
    name: str
    grid: str
    x: int
    y: int
    w: int
    h: int


class PlacesOut(Schema):
    community_id: int
    community: str
    buildings: list[BuildingOut]
    zones: list[ZoneOut]
    plan_url: str | None
    plan_width: int | None
    plan_height: int | None


class CategoryFigureOut(Schema):
    name: str
    reported: int
    solved: int


class MonthFigureOut(Schema):
    month: str
    reported: int
    solved: int


class StatsOut(Schema):
    community_id: int
    community: str
    reported: int
    solved: int
    open: int
    avg_hours_to_solve: float | None
    solved_on_time: int
    by_category: list[CategoryFigureOut]
    by_month: list[MonthFigureOut]


class CommunityLineOut(Schema):
    community_id: int
    community: str
    reported: int
    solved: int


class OverviewOut(Schema):
    subdistrict: str | None
    reported: int
    solved: int
    communities: list[CommunityLineOut]


class DismissIn(Schema):
    reason: str


class ReassignIn(Schema):
    user_id: int | None = None
    note: str = ""


class ZoneIn(Schema):
    name: str
    grid_id: int
    x: int = 0
    y: int = 0
    w: int = 0
    h: int = 0


class ReportFilter(Schema):
    community_id: int | None = None
    status: str = ""
    category_id: int | None = None
    overdue: bool = False
    limit: int = 50
    offset: int = 0


class ReportPage(Schema):
    count: int
    items: list[SnapshotReportOut]


# --- Helpers -----------------------------------------------------------------------------------


def _photo_url(photo) -> str:
    return reverse("api:snapshot_photo", kwargs={"snapshot_photo_id": photo.pk})


def _report_out(report: Report, *, as_staff: bool, with_events: bool = False) -> dict:
    now = timezone.now()
    data = {
        "id": report.pk,
        "community_id": report.community_id,
        "community": report.community.name,
        "category": report.category,
        "building_id": report.building_id,
        "zone_id": report.zone_id,
        "place": report.place_label,
        "grid": report.grid.name if report.grid_id else None,
        "note": report.note,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "reported_at": report.created_at,
        "due_at": report.due_at,
        "overdue": report.is_overdue(now),
        "escalated_at": report.escalated_at,
        "accepted_at": report.accepted_at,
        "closed_at": report.closed_at,
        "resolution": report.resolution,
        "handled_by": str(report.assignee) if report.assignee_id else None,
        "reporter": str(report.reporter) if as_staff else None,
        "photos": [
            {"id": p.pk, "kind": p.kind, "width": p.width, "height": p.height, "url": _photo_url(p)}
            for p in report.photos.all()
        ],
    }
    if with_events:
        data["events"] = [
            {
                "kind": e.kind,
                "label": str(e.get_kind_display()),
                "at": e.created_at,
                "note": e.note,
                "by": str(e.actor) if e.actor_id else None,
                "to": str(e.to_user) if e.to_user_id else None,
            }
            for e in selectors.report_events(report)
        ]
    return data


def _community(community_id: int) -> OrgNode:
    return selectors.public_community_get(community_id=community_id)


def _category(category_id: int) -> Category:
    category = selectors.categories_active().filter(pk=category_id).first()
    if category is None:
        raise ValidationFailed(_("Choose a category."), code="bad_category")
    return category


def _report_for(request, snapshot_id: int) -> tuple[Report, bool]:
    """The report for its reporter, or for staff and handlers who may see it; 404 otherwise."""
    try:
        return selectors.report_get_for_user(scope=request.scope, report_id=snapshot_id), True
    except NotFound:
        return selectors.my_report_get(user=request.user, report_id=snapshot_id), False


def _handled(request, snapshot_id: int) -> Report:
    return selectors.report_get_for_user(scope=request.scope, report_id=snapshot_id)


def _photo_response(photo) -> HttpResponse:
    with photo.image.open("rb") as f:
        response = HttpResponse(f.read(), content_type="image/jpeg")
    # Private: browsers may keep it, shared caches (a proxy) must not.
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Public ------------------------------------------------------------------------------------


@router.get("/public/overview", auth=None, response=list[OverviewOut], summary="Solved reports per community (public)")
def public_overview(request):
    return [
        {
            "subdistrict": block.subdistrict.name if block.subdistrict else None,
            "reported": block.reported,
            "solved": block.solved,
            "communities": [
                {"community_id": c.community.pk, "community": c.community.name, "reported": c.reported, "solved": c.solved}
                for c in block.communities
            ],
        }
        for block in selectors.public_overview()
    ]


@router.get(
    "/public/communities/{community_id}/stats", auth=None, response=StatsOut, summary="A community's figures (public)"
)
def public_stats(request, community_id: int):
    stats = selectors.public_stats(community=_community(community_id))
    return {
        "community_id": community_id,
        "community": stats.community.name,
        "reported": stats.reported,
        "solved": stats.solved,
        "open": stats.open,
        "avg_hours_to_solve": stats.avg_hours_to_solve,
        "solved_on_time": stats.solved_on_time,
        "by_category": stats.by_category,
        "by_month": stats.by_month,
    }


@router.get(
    "/public/communities/{community_id}/places",
    auth=None,
    response=PlacesOut,
    summary="Buildings and plan zones one can report at (public)",
)
def public_places(request, community_id: int):
    community = _community(community_id)
    plan = selectors.plan_of(community=community)
    return {
        "community_id": community.pk,
        "community": community.name,
        "buildings": [
            {"id": b.pk, "name": b.name, "grid": g.grid.name} for g in selectors.places_of(community=community) for b in g.buildings
        ],
        "zones": [
            {"id": z.pk, "name": z.name, "grid": z.grid.name, "x": z.x, "y": z.y, "w": z.w, "h": z.h}
            for z in selectors.zones_of(community=community)
        ],
        "plan_url": reverse("snapshots_public:plan_image", kwargs={"community_id": community.pk}) if plan else None,
        "plan_width": plan.width if plan else None,
        "plan_height": plan.height if plan else None,
    }


# --- Reporters ---------------------------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut], summary="What one can report")
def categories(request):
    return list(selectors.categories_active())


@router.post("/reports", response={201: SnapshotReportOut}, summary="Report a problem (multipart, 1–4 photos)")
def report_create(
    request,
    community_id: Form[int],
    category_id: Form[int],
    photos: File[list[UploadedFile]],
    building_id: Form[int | None] = None,
    zone_id: Form[int | None] = None,
    note: Form[str] = "",
):
    """Send ``Idempotency-Key`` so a double tap on a slow connection files one report."""
    community = _community(community_id)
    building = zone = None
    if building_id:
        building = OrgNode.objects.filter(pk=building_id, kind=NodeKind.BUILDING, community=community).first()
        if building is None:
            raise ValidationFailed(_("That building is not in %(c)s.") % {"c": community.name}, code="bad_building")
    if zone_id:
        zone = Zone.objects.filter(pk=zone_id, community=community).first()
        if zone is None:
            raise ValidationFailed(_("That place is not on the plan of %(c)s.") % {"c": community.name}, code="bad_zone")
    report = services.report_create(
        actor=request.scope,
        community=community,
        category=_category(category_id),
        building=building,
        zone=zone,
        note=note,
        photos=photos,
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return Status(201, _report_out(report, as_staff=False))


@router.get("/reports/mine", response=list[SnapshotReportOut], summary="My reports and where they stand")
def my_reports(request):
    return [_report_out(r, as_staff=False) for r in selectors.my_reports(user=request.user).prefetch_related("photos")[:200]]


# --- Handlers and staff ------------------------------------------------------------------------


@router.get("/reports", response=ReportPage, summary="Reports of a community (staff, handlers), newest first")
def report_list(request, filters: Query[ReportFilter]):
    community = None
    if filters.community_id is not None:
        scope = request.scope
        if not (scope.has(Cap.SNAPSHOT_VIEW, filters.community_id) or scope.has(Cap.SNAPSHOT_HANDLE, filters.community_id)):
            raise NotFound()
        community = _community(filters.community_id)
    qs = selectors.report_list_for_user(
        scope=request.scope,
        community=community,
        status=filters.status,
        category_id=filters.category_id,
        overdue=filters.overdue,
    ).select_related("reporter").prefetch_related("photos")
    limit, offset = max(1, min(filters.limit, 200)), max(0, filters.offset)
    return {"count": qs.count(), "items": [_report_out(r, as_staff=True) for r in qs[offset : offset + limit]]}


@router.get("/queue", response=list[SnapshotReportOut], summary="My queue: open reports for me to handle")
def queue(request):
    qs = selectors.queue_for_user(scope=request.scope).select_related("reporter").prefetch_related("photos")
    return [_report_out(r, as_staff=True) for r in qs[:200]]


@router.get("/reports/{snapshot_id}", response=SnapshotReportOut, summary="One report, with its steps")
def report_detail(request, snapshot_id: int):
    report, as_staff = _report_for(request, snapshot_id)
    return _report_out(report, as_staff=as_staff, with_events=True)


@router.post("/reports/{snapshot_id}/accept", response=SnapshotReportOut, summary="Accept: I am handling it")
def report_accept(request, snapshot_id: int):
    report = services.report_accept(actor=request.scope, report=_handled(request, snapshot_id))
    return _report_out(_handled(request, report.pk), as_staff=True, with_events=True)


@router.post("/reports/{snapshot_id}/after-photos", response={201: SnapshotReportOut}, summary="Add after-photos (multipart)")
def after_photos(request, snapshot_id: int, photos: File[list[UploadedFile]]):
    report = _handled(request, snapshot_id)
    services.after_photo_add(actor=request.scope, report=report, photos=photos)
    return Status(201, _report_out(_handled(request, snapshot_id), as_staff=True, with_events=True))


@router.post("/reports/{snapshot_id}/close", response=SnapshotReportOut, summary="Close as solved; needs an after-photo")
def report_close(
    request,
    snapshot_id: int,
    resolution: Form[str] = "",
    photos: File[list[UploadedFile] | None] = None,
):
    report = services.report_close(
        actor=request.scope, report=_handled(request, snapshot_id), resolution=resolution, after_photos=photos or []
    )
    return _report_out(_handled(request, report.pk), as_staff=True, with_events=True)


@router.post("/reports/{snapshot_id}/dismiss", response=SnapshotReportOut, summary="Dismiss, saying why")
def report_dismiss(request, snapshot_id: int, payload: DismissIn):
    report = services.report_dismiss(actor=request.scope, report=_handled(request, snapshot_id), reason=payload.reason)
    return _report_out(_handled(request, report.pk), as_staff=True, with_events=True)


@router.post("/reports/{snapshot_id}/reassign", response=SnapshotReportOut, summary="Give to another handler (staff)")
def report_reassign(request, snapshot_id: int, payload: ReassignIn):
    report = _handled(request, snapshot_id)
    to_user = None
    if payload.user_id is not None:
        to_user = next((u for u in selectors.handlers_of(community=report.community) if u.pk == payload.user_id), None)
        if to_user is None:
            raise ValidationFailed(_("That person does not handle reports in this community."), code="bad_assignee")
    services.report_reassign(actor=request.scope, report=report, to_user=to_user, note=payload.note)
    return _report_out(_handled(request, snapshot_id), as_staff=True, with_events=True)


@router.get("/photos/{snapshot_photo_id}", url_name="snapshot_photo", summary="A photo (JPEG) of a report one may see")
def photo(request, snapshot_photo_id: int):
    return _photo_response(selectors.photo_get_for_anyone(scope=request.scope, photo_id=snapshot_photo_id))


# --- The plan ----------------------------------------------------------------------------------


def _plan_community(request, community_id: int) -> OrgNode:
    community = _community(community_id)
    services.require_plan_manage(request.scope, community.pk)
    return community


@router.post("/communities/{community_id}/plan", response={201: PlacesOut}, summary="Upload the community plan image")
def plan_upload(request, community_id: int, image: File[UploadedFile]):
    community = _plan_community(request, community_id)
    services.plan_set(actor=request.scope, community=community, image=image)
    return Status(201, public_places(request, community_id))


@router.post("/communities/{community_id}/zones", response={201: ZoneOut}, summary="Name a zone on the plan")
def zone_create(request, community_id: int, payload: ZoneIn):
    community = _plan_community(request, community_id)
    grid = OrgNode.objects.filter(pk=payload.grid_id, kind=NodeKind.GRID, community=community).first()
    if grid is None:
        raise ValidationFailed(_("Choose a grid of %(c)s.") % {"c": community.name}, code="bad_grid")
    zone = services.zone_create(
        actor=request.scope, community=community, name=payload.name, grid=grid, x=payload.x, y=payload.y, w=payload.w, h=payload.h
    )
    return Status(201, {"id": zone.pk, "name": zone.name, "grid": grid.name, "x": zone.x, "y": zone.y, "w": zone.w, "h": zone.h})


@router.delete("/zones/{snapshot_zone_id}", response={204: None}, summary="Remove a zone no report names")
def zone_delete(request, snapshot_zone_id: int):
    zone = Zone.objects.filter(pk=snapshot_zone_id).first()
    if zone is None:
        raise NotFound()
    services.zone_delete(actor=request.scope, zone=zone)
    return Status(204, None)
