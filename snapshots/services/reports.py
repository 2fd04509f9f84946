"""Writes to snapshot reports: report, route, accept, reassign, close, dismiss, escalate.

Each is one transaction. State changes are conditional updates on the status, so two grid
workers tapping "accept" at once, or the escalation job running twice, change a report once.
Photos are checked and cleaned (snapshots/images.py) before anything is written, so a refused
photo leaves neither a row nor a file behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode, RoleGrant
from orgs.roles import Cap, Role
from orgs.scope import Scope
from snapshots import images
from snapshots.models import (
    OPEN_STATUSES,
    Category,
    Event,
    EventKind,
    Photo,
    PhotoKind,
    Report,
    Status,
    Zone,
)

MAX_PHOTOS = 4
MAX_AFTER_PHOTOS = 4


def _text(value: str | None, *, max_length: int, field: str, required: bool = False) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ValidationFailed(_("%(field)s is required.") % {"field": field}, code="required")
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long (%(n)s characters at most).") % {"field": field, "n": max_length}, code="too_long"
        )
    return text


def _user(actor: Scope | None):
    return actor.user if actor is not None and actor.is_authenticated else None


# --- Who handles what -------------------------------------------------------------------------


def grid_worker_of(grid: OrgNode | None):
    """The grid worker of ``grid``: the longest-serving active grant at that grid, or None."""
    if grid is None:
        return None
    grant = (
        RoleGrant.objects.filter(node=grid, role=Role.GRID_WORKER, revoked_at__isnull=True)
        .select_related("user")
        .order_by("granted_at", "id")
        .first()
    )
    return grant.user if grant is not None and grant.user.is_active else None


def handler_q(scope: Scope) -> Q:
    """Reports ``scope`` may act on: the whole community for staff with snapshot.handle there, the
    grid for a grid worker (their grant sits at the grid node), and anything assigned to them in a
    community where they still handle reports (a report reassigned to them from another grid)."""
    if scope.is_platform_admin:
        return Q()
    q = Q(community_id__in=scope.whole_community_ids(Cap.SNAPSHOT_HANDLE))
    for grant in scope.grants_with(Cap.SNAPSHOT_HANDLE):
        if grant.node_kind in (NodeKind.GRID, NodeKind.BUILDING):
            q |= Q(grid__path__startswith=grant.node_path)
    if scope.is_authenticated:
        q |= Q(assignee=scope.user, community_id__in=scope.community_ids(Cap.SNAPSHOT_HANDLE))
    return q


def viewer_q(scope: Scope) -> Q:
    """Reports ``scope`` may see as staff: snapshot.view over the community, or handle them."""
    if scope.is_platform_admin:
        return Q()
    return Q(community_id__in=scope.whole_community_ids(Cap.SNAPSHOT_VIEW)) | handler_q(scope)


def may_handle(scope: Scope | None, report: Report) -> bool:
    return scope is not None and Report.objects.filter(handler_q(scope), pk=report.pk).exists()


def _require_handle(actor: Scope | None, report: Report) -> None:
    """``actor`` None is a trusted caller (the demo). Otherwise: outside what they may see, the
    report does not exist (404); visible but not theirs to handle (an officer), 403."""
    if actor is None:
        return
    if may_handle(actor, report):
        return
    if Report.objects.filter(viewer_q(actor), pk=report.pk).exists():
        raise Forbidden(_("You may look at this report but not handle it."))
    raise NotFound()


def _lock(report: Report) -> Report:
    # Lock the row so a close and a reassign (or two accepts) don't interleave; every service
    # locks only this one row, so there is no lock-order to get wrong.
    return Report.objects.select_for_update().get(pk=report.pk)


# --- Reporting --------------------------------------------------------------------------------


def _place(*, community: OrgNode, building: OrgNode | None, zone: Zone | None) -> tuple[OrgNode | None, OrgNode | None, Zone | None]:
    if building is None and zone is None:
        raise ValidationFailed(_("Choose the building or the place on the plan."), code="no_place")
    if building is not None and zone is not None:
        raise ValidationFailed(_("Choose either a building or a place on the plan, not both."), code="two_places")
    if building is not None:
        if building.kind != NodeKind.BUILDING or building.community_id != community.pk:
            raise ValidationFailed(_("That building is not in %(c)s.") % {"c": community.name}, code="bad_building")
        grid = building.parent if building.parent and building.parent.kind == NodeKind.GRID else None
        return grid, building, None
    if zone.community_id != community.pk:
        raise ValidationFailed(_("That place is not on the plan of %(c)s.") % {"c": community.name}, code="bad_zone")
    return zone.grid, None, zone


def _clean_photos(photos: Sequence, *, limit: int) -> list[images.CleanImage]:
    if len(photos) > limit:
        raise ValidationFailed(_("At most %(n)s photos.") % {"n": limit}, code="too_many_photos")
    return [images.clean_image(p) for p in photos]


def _store_photo(*, report: Report, kind: str, clean: images.CleanImage, user, now: dt.datetime, files: _Files) -> Photo:
    photo = Photo(community_id=report.community_id, report=report, kind=kind, size=clean.size, uploaded_by=user, created_at=now)
    photo.image.save("photo.jpg", clean.content, save=False)
    files.written.append((photo.image.storage, photo.image.name))
    photo.save()
    return photo


class _Files:
    """The files written inside a block; deleted again when the block's transaction fails."""

    def __init__(self) -> None:
        self.written: list = []

    def __enter__(self) -> _Files:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            for storage, name in self.written:
                storage.delete(name)
        return False


def report_create(
    *,
    actor: Scope,
    community: OrgNode,
    category: Category,
    photos: Sequence,
    building: OrgNode | None = None,
    zone: Zone | None = None,
    note: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Anyone logged in may report a problem in any community: the people who see most (delivery
    riders, couriers) live elsewhere. A repeated ``idempotency_key`` returns the first report."""
    user = _user(actor)
    if user is None:
        raise Forbidden(_("Please log in to report a problem."))
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip()
        if not 1 <= len(idempotency_key) <= 100:
            raise ValidationFailed(_("An idempotency key has 1 to 100 characters."), code="bad_idempotency_key")
        existing = Report.objects.filter(reporter=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Choose a community."), code="bad_community")
    if not category.is_active:
        raise ValidationFailed(_("Choose a category."), code="bad_category")
    grid, building, zone = _place(community=community, building=building, zone=zone)
    note = _text(note, max_length=500, field=_("The note"))
    if not photos:
        raise ValidationFailed(_("Add at least one photo of the problem."), code="no_photo")
    cleaned = _clean_photos(photos, limit=MAX_PHOTOS)
    now = now or timezone.now()
    try:
        with _Files() as files, transaction.atomic():
            return _report_insert(
                user=user, community=community, category=category, grid=grid, building=building, zone=zone,
                note=note, cleaned=cleaned, idempotency_key=idempotency_key, now=now, files=files,
            )
    except IntegrityError:
        # The same key, sent twice at once: the other request won; answer with its report.
        if idempotency_key is not None:
            existing = Report.objects.filter(reporter=user, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise


def _report_insert(*, user, community, category, grid, building, zone, note, cleaned, idempotency_key, now, files) -> Report:
    assignee = grid_worker_of(grid)
    report = Report.objects.create(
        community=community,
        category=category,
        building=building,
        zone=zone,
        grid=grid,
        note=note,
        reporter=user,
        assignee=assignee,
        due_at=now + dt.timedelta(hours=category.deadline_hours),
        idempotency_key=idempotency_key,
        created_at=now,
    )
    for clean in cleaned:
        _store_photo(report=report, kind=PhotoKind.BEFORE, clean=clean, user=user, now=now, files=files)
    Event.objects.create(community=community, report=report, kind=EventKind.REPORTED, actor=user, created_at=now)
    Event.objects.create(
        community=community,
        report=report,
        kind=EventKind.ROUTED,
        to_user=assignee,
        note=(grid.name if grid else "") if assignee else _("No grid worker for this place: community staff"),
        created_at=now,
    )
    return report


# --- Handling ---------------------------------------------------------------------------------


@transaction.atomic
def report_accept(*, actor: Scope | None, report: Report, now: dt.datetime | None = None) -> Report:
    """"I'm on it": the report is being handled, by whoever accepted it."""
    _require_handle(actor, report)
    now = now or timezone.now()
    user = _user(actor)
    changes = {"status": Status.ACCEPTED, "accepted_at": now}
    if user is not None:
        changes["assignee"] = user
    if not Report.objects.filter(pk=report.pk, status=Status.NEW).update(**changes, updated_at=now):
        raise Conflict(_("This report was already accepted or closed."), code="not_new")
    Event.objects.create(community_id=report.community_id, report=report, kind=EventKind.ACCEPTED, actor=user, created_at=now)
    return Report.objects.get(pk=report.pk)


@transaction.atomic
def report_reassign(*, actor: Scope | None, report: Report, to_user=None, note: str = "", now: dt.datetime | None = None) -> Report:
    """Staff who see the whole community hand a report to another handler, or back to themselves
    (``to_user`` None: the community staff)."""
    if actor is not None and not actor.is_platform_admin:
        if report.community_id not in actor.whole_community_ids(Cap.SNAPSHOT_VIEW):
            _require_handle(actor, report)  # 404 when they can't see it at all
            raise Forbidden(_("Only community staff may reassign a report."))
    note = _text(note, max_length=500, field=_("The note"))
    if to_user is not None and not Scope(to_user).has(Cap.SNAPSHOT_HANDLE, report.community_id):
        raise ValidationFailed(_("That person does not handle reports in this community."), code="bad_assignee")
    report = _lock(report)
    if not report.is_open:
        raise Conflict(_("This report is already closed."), code="closed")
    now = now or timezone.now()
    report.assignee = to_user
    report.save(update_fields=["assignee", "updated_at"])
    Event.objects.create(
        community_id=report.community_id, report=report, kind=EventKind.REASSIGNED, actor=_user(actor), to_user=to_user,
        note=note, created_at=now,
    )
    return report


def after_photo_add(*, actor: Scope | None, report: Report, photos: Sequence, now: dt.datetime | None = None) -> list[Photo]:
    _require_handle(actor, report)
    if not photos:
        raise ValidationFailed(_("Choose a photo."), code="no_photo")
    cleaned = _clean_photos(photos, limit=MAX_AFTER_PHOTOS)
    now = now or timezone.now()
    with _Files() as files, transaction.atomic():
        report = _lock(report)
        if not report.is_open:
            raise Conflict(_("This report is already closed."), code="closed")
        if report.photos.filter(kind=PhotoKind.AFTER).count() + len(cleaned) > MAX_AFTER_PHOTOS:
            raise ValidationFailed(_("At most %(n)s photos.") % {"n": MAX_AFTER_PHOTOS}, code="too_many_photos")
        added = [_store_photo(report=report, kind=PhotoKind.AFTER, clean=c, user=_user(actor), now=now, files=files) for c in cleaned]
        Event.objects.create(
            community_id=report.community_id, report=report, kind=EventKind.PHOTO, actor=_user(actor), created_at=now
        )
        return added


def report_close(
    *,
    actor: Scope | None,
    report: Report,
    resolution: str = "",
    after_photos: Sequence = (),
    now: dt.datetime | None = None,
) -> Report:
    """Solved. Needs a photo of the place after handling: the reporter and the public figures
    should be able to trust that "solved" means someone went and fixed it."""
    _require_handle(actor, report)
    resolution = _text(resolution, max_length=500, field=_("What was done"))
    cleaned = _clean_photos(after_photos, limit=MAX_AFTER_PHOTOS)
    now = now or timezone.now()
    with _Files() as files, transaction.atomic():
        report = _lock(report)
        if not report.is_open:
            raise Conflict(_("This report is already closed."), code="closed")
        existing = report.photos.filter(kind=PhotoKind.AFTER).count()
        if existing + len(cleaned) == 0:
            raise ValidationFailed(
                _("Add a photo of the place after handling before closing the report."), code="after_photo_required"
            )
        if existing + len(cleaned) > MAX_AFTER_PHOTOS:
            raise ValidationFailed(_("At most %(n)s photos.") % {"n": MAX_AFTER_PHOTOS}, code="too_many_photos")
        user = _user(actor)
        for clean in cleaned:
            _store_photo(report=report, kind=PhotoKind.AFTER, clean=clean, user=user, now=now, files=files)
        changes = {"status": Status.CLOSED, "closed_at": now, "accepted_at": Coalesce("accepted_at", now), "resolution": resolution}
        if report.assignee_id is None and user is not None:
            changes["assignee"] = user
        Report.objects.filter(pk=report.pk, status__in=OPEN_STATUSES).update(**changes, updated_at=now)
        Event.objects.create(
            community_id=report.community_id, report=report, kind=EventKind.CLOSED, actor=user, note=resolution, created_at=now
        )
        return Report.objects.get(pk=report.pk)


@transaction.atomic
def report_dismiss(*, actor: Scope | None, report: Report, reason: str, now: dt.datetime | None = None) -> Report:
    """Not a problem to solve here (a duplicate, private property, not in this community): says why."""
    _require_handle(actor, report)
    reason = _text(reason, max_length=500, field=_("The reason"), required=True)
    now = now or timezone.now()
    user = _user(actor)
    if not Report.objects.filter(pk=report.pk, status__in=OPEN_STATUSES).update(
        status=Status.DISMISSED, resolution=reason, updated_at=now
    ):
        raise Conflict(_("This report is already closed."), code="closed")
    Event.objects.create(
        community_id=report.community_id, report=report, kind=EventKind.DISMISSED, actor=user, note=reason, created_at=now
    )
    return Report.objects.get(pk=report.pk)


# --- Escalation -------------------------------------------------------------------------------


def reports_escalate_overdue(*, now: dt.datetime | None = None, community: OrgNode | None = None) -> int:
    """Record the escalation of every open report past its category's deadline; returns how many
    were escalated by this run. Safe to run again, and twice at once: the conditional update lets
    one run through per report, and the database allows one escalation event per report."""
    now = now or timezone.now()
    overdue = Report.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now, escalated_at__isnull=True)
    if community is not None:
        overdue = overdue.filter(community=community)
    escalated = 0
    for report_id, community_id in overdue.values_list("id", "community_id").iterator():
        with transaction.atomic():
            if not Report.objects.filter(
                pk=report_id, status__in=OPEN_STATUSES, escalated_at__isnull=True
            ).update(escalated_at=now, updated_at=now):
                continue
            Event.objects.create(
                community_id=community_id,
                report_id=report_id,
                kind=EventKind.ESCALATED,
                note=_("Past the deadline: community staff are asked to follow it up."),
                created_at=now,
            )
            escalated += 1
    return escalated
