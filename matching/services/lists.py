"""Writes to the three lists: needs, resources and projects. One transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from linli.errors import Conflict, NotFound, ValidationFailed
from matching.models import (
    AffectedGroup,
    Category,
    Need,
    NeedSource,
    NeedStatus,
    OfferedBy,
    Project,
    ProjectStatus,
    ProjectUpdate,
    Resource,
    ResourceStatus,
    Urgency,
)
from matching.services._common import check_dates, clean, covers, once_per_key, place_in, require_covers, user_of
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope

LIVE_PROJECT = (ProjectStatus.PLANNED, ProjectStatus.ACTIVE)


def _choice(value, choices, *, field: str):
    if value not in choices.values:
        raise ValidationFailed(_("Unknown %(field)s.") % {"field": field}, code="bad_choice")
    return value


def _need_fields(
    community: OrgNode,
    *,
    title: str,
    category: str,
    description: str,
    affected_count: int,
    affected_groups: Iterable[str],
    urgency: int,
    needed_from: dt.date | None,
    needed_until: dt.date | None,
) -> dict:
    groups = list(dict.fromkeys(affected_groups or []))
    for g in groups:
        _choice(g, AffectedGroup, field=_("group"))
    if not isinstance(affected_count, int) or affected_count < 1 or affected_count > 100000:
        raise ValidationFailed(_("Say how many people are affected (1 or more)."), code="bad_count")
    check_dates(needed_from, needed_until, what=_("When it is needed"))
    return {
        "title": clean(title, max_length=100, field=_("The need"), required=True),
        "category": _choice(category, Category, field=_("category")),
        "description": clean(description, max_length=2000, field=_("The description"), multiline=True),
        "affected_count": affected_count,
        "affected_groups": groups,
        "urgency": _choice(int(urgency), Urgency, field=_("urgency")),
        "needed_from": needed_from,
        "needed_until": needed_until,
    }


@transaction.atomic
def need_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    title: str,
    category: str,
    source: str = NeedSource.STAFF,
    description: str = "",
    affected_count: int = 1,
    affected_groups: Iterable[str] = (),
    urgency: int = Urgency.NORMAL,
    grid: OrgNode | None = None,
    building: OrgNode | None = None,
    needed_from: dt.date | None = None,
    needed_until: dt.date | None = None,
    idempotency_key: str | None = None,
) -> Need:
    """Staff record a need (also from a survey); a grid worker records one in their own grid."""
    grid, building = place_in(community, grid, building)
    _choice(source, NeedSource, field=_("source"))
    if source == NeedSource.RESIDENT:
        raise ValidationFailed(_("Residents raise their needs themselves."), code="bad_source")
    if not covers(actor, Cap.MATCHING_MANAGE, community):
        # A grid worker may record the needs of their own grid.
        if grid is None or not covers(actor, Cap.WISH_POST, grid):
            raise NotFound()
        source = NeedSource.GRID_WORKER
    fields = _need_fields(
        community,
        title=title,
        category=category,
        description=description,
        affected_count=affected_count,
        affected_groups=affected_groups,
        urgency=urgency,
        needed_from=needed_from,
        needed_until=needed_until,
    )
    need, _created = once_per_key(
        Need,
        by=user_of(actor),
        key=idempotency_key,
        create=lambda key: Need.objects.create(
            community=community,
            grid=grid,
            building=building,
            source=source,
            raised_by=user_of(actor),
            idempotency_key=key,
            **fields,
        ),
    )
    return need


@transaction.atomic
def need_raise(
    *,
    user,
    title: str,
    category: str,
    description: str = "",
    urgency: int = Urgency.NORMAL,
    needed_until=None,
    idempotency_key: str | None = None,
) -> Need:
    """A resident raises a need from their phone; the place is where they live."""
    from residents.selectors import resident_for_self

    resident = resident_for_self(user=user)
    fields = _need_fields(
        resident.community,
        title=title,
        category=category,
        description=description,
        affected_count=1,
        affected_groups=(),
        urgency=urgency,
        needed_from=None,
        needed_until=needed_until,
    )
    need, _created = once_per_key(
        Need,
        by=user,
        key=idempotency_key,
        create=lambda key: Need.objects.create(
            community=resident.community,
            grid=resident.grid,
            building=resident.building,
            source=NeedSource.RESIDENT,
            resident=resident,
            raised_by=user,
            idempotency_key=key,
            **fields,
        ),
    )
    return need


@transaction.atomic
def need_update(
    *,
    actor: Scope | None,
    need: Need,
    title: str,
    category: str,
    description: str = "",
    affected_count: int = 1,
    affected_groups: Iterable[str] = (),
    urgency: int = Urgency.NORMAL,
    grid: OrgNode | None = None,
    building: OrgNode | None = None,
    needed_from: dt.date | None = None,
    needed_until: dt.date | None = None,
) -> Need:
    require_covers(actor, Cap.MATCHING_MANAGE, need.community)
    grid, building = place_in(need.community, grid, building)
    fields = _need_fields(
        need.community,
        title=title,
        category=category,
        description=description,
        affected_count=affected_count,
        affected_groups=affected_groups,
        urgency=urgency,
        needed_from=needed_from,
        needed_until=needed_until,
    )
    for key, value in {**fields, "grid": grid, "building": building}.items():
        setattr(need, key, value)
    need.save()
    return need


@transaction.atomic
def need_set_status(*, actor: Scope | None, need: Need, status: str) -> Need:
    """Mark a need met, close it, or reopen it."""
    require_covers(actor, Cap.MATCHING_MANAGE, need.community)
    _choice(status, NeedStatus, field=_("status"))
    if status == NeedStatus.IN_PROJECT:
        raise ValidationFailed(_("A need is in a project when a project takes it up."), code="bad_status")
    need.status = status
    need.save(update_fields=["status", "updated_at"])
    return need


# --- Resources -------------------------------------------------------------------------------


def _resource_fields(
    community: OrgNode,
    *,
    title: str,
    category: str,
    offered_by: str,
    provider_name: str,
    partner,
    description: str,
    quantity: int | None,
    unit: str,
    available_from: dt.date | None,
    available_until: dt.date | None,
) -> dict:
    if partner is not None:
        if partner.community_id != community.pk:
            raise ValidationFailed(_("That partner is not in this community."), code="cross_community")
        offered_by = OfferedBy.PARTNER
        provider_name = provider_name or partner.name
    if quantity is not None and (not isinstance(quantity, int) or quantity < 0):
        raise ValidationFailed(_("How much is a whole number, 0 or more."), code="bad_quantity")
    check_dates(available_from, available_until, what=_("When it is available"))
    return {
        "title": clean(title, max_length=100, field=_("What is offered"), required=True),
        "category": _choice(category, Category, field=_("category")),
        "offered_by": _choice(offered_by, OfferedBy, field=_("kind of provider")),
        "provider_name": clean(provider_name, max_length=100, field=_("The provider"), required=True),
        "partner": partner,
        "description": clean(description, max_length=2000, field=_("The description"), multiline=True),
        "quantity": quantity,
        "unit": clean(unit, max_length=20, field=_("The unit")),
        "available_from": available_from,
        "available_until": available_until,
    }


@transaction.atomic
def resource_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    title: str,
    category: str,
    offered_by: str,
    provider_name: str = "",
    partner=None,
    description: str = "",
    quantity: int | None = None,
    unit: str = "",
    available_from: dt.date | None = None,
    available_until: dt.date | None = None,
    grid: OrgNode | None = None,
    building: OrgNode | None = None,
) -> Resource:
    require_covers(actor, Cap.MATCHING_MANAGE, community)
    grid, building = place_in(community, grid, building)
    fields = _resource_fields(
        community,
        title=title,
        category=category,
        offered_by=offered_by,
        provider_name=provider_name,
        partner=partner,
        description=description,
        quantity=quantity,
        unit=unit,
        available_from=available_from,
        available_until=available_until,
    )
    return Resource.objects.create(community=community, grid=grid, building=building, created_by=user_of(actor), **fields)


@transaction.atomic
def resource_update(
    *,
    actor: Scope | None,
    resource: Resource,
    title: str,
    category: str,
    offered_by: str,
    provider_name: str = "",
    partner=None,
    description: str = "",
    quantity: int | None = None,
    unit: str = "",
    available_from: dt.date | None = None,
    available_until: dt.date | None = None,
    grid: OrgNode | None = None,
    building: OrgNode | None = None,
) -> Resource:
    require_covers(actor, Cap.MATCHING_MANAGE, resource.community)
    grid, building = place_in(resource.community, grid, building)
    fields = _resource_fields(
        resource.community,
        title=title,
        category=category,
        offered_by=offered_by,
        provider_name=provider_name,
        partner=partner,
        description=description,
        quantity=quantity,
        unit=unit,
        available_from=available_from,
        available_until=available_until,
    )
    for key, value in {**fields, "grid": grid, "building": building}.items():
        setattr(resource, key, value)
    resource.save()
    return resource


@transaction.atomic
def resource_set_status(*, actor: Scope | None, resource: Resource, status: str) -> Resource:
    require_covers(actor, Cap.MATCHING_MANAGE, resource.community)
    resource.status = _choice(status, ResourceStatus, field=_("status"))
    resource.save(update_fields=["status", "updated_at"])
    return resource


# --- Projects --------------------------------------------------------------------------------


def _in_community(model, ids: Iterable[int], community: OrgNode, what: str) -> list:
    ids = list(dict.fromkeys(int(i) for i in ids or []))
    found = list(model.objects.filter(pk__in=ids, community=community))
    if len(found) != len(ids):
        raise ValidationFailed(_("Some %(what)s are not in this community.") % {"what": what}, code="cross_community")
    return found


def _refresh_need_status(needs: Iterable[Need]) -> None:
    """A need with a live project is "in project"; one whose projects all ended returns to open
    (unless staff marked it met or closed)."""
    for need in needs:
        live = need.projects.filter(status__in=LIVE_PROJECT).exists()
        if live and need.status == NeedStatus.OPEN:
            Need.objects.filter(pk=need.pk).update(status=NeedStatus.IN_PROJECT)
        elif not live and need.status == NeedStatus.IN_PROJECT:
            Need.objects.filter(pk=need.pk).update(status=NeedStatus.OPEN)


@transaction.atomic
def project_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    title: str,
    owner_name: str,
    plan: str,
    need_ids: Iterable[int] = (),
    resource_ids: Iterable[int] = (),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    owner=None,
) -> Project:
    require_covers(actor, Cap.MATCHING_MANAGE, community)
    check_dates(starts_on, ends_on, what=_("The project"))
    needs = _in_community(Need, need_ids, community, _("needs"))
    resources = _in_community(Resource, resource_ids, community, _("resources"))
    project = Project.objects.create(
        community=community,
        title=clean(title, max_length=100, field=_("The project"), required=True),
        owner_name=clean(owner_name, max_length=100, field=_("The owner"), required=True),
        owner=owner,
        plan=clean(plan, max_length=5000, field=_("The plan"), required=True, multiline=True),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=user_of(actor),
    )
    project.needs.set(needs)
    project.resources.set(resources)
    _refresh_need_status(needs)
    return project


def _live(project: Project) -> None:
    if project.status not in LIVE_PROJECT:
        raise Conflict(_("This project has ended."), code="project_ended")


@transaction.atomic
def project_link(
    *, actor: Scope | None, project: Project, need_ids: Iterable[int] = (), resource_ids: Iterable[int] = ()
) -> Project:
    """Bring more needs or resources into a project (e.g. from a matching suggestion)."""
    require_covers(actor, Cap.MATCHING_MANAGE, project.community)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _live(project)
    needs = _in_community(Need, need_ids, project.community, _("needs"))
    project.needs.add(*needs)
    project.resources.add(*_in_community(Resource, resource_ids, project.community, _("resources")))
    _refresh_need_status(needs)
    return project


@transaction.atomic
def project_progress(*, actor: Scope | None, project: Project, note: str, progress: int) -> ProjectUpdate:
    require_covers(actor, Cap.MATCHING_MANAGE, project.community)
    # Locked so that two updates at once cannot leave the percentage of the older one.
    project = Project.objects.select_for_update().get(pk=project.pk)
    _live(project)
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValidationFailed(_("Progress is a percentage from 0 to 100."), code="bad_progress")
    update = ProjectUpdate.objects.create(
        community_id=project.community_id,
        project=project,
        note=clean(note, max_length=2000, field=_("The note"), required=True, multiline=True),
        progress=progress,
        author=user_of(actor),
    )
    project.progress = progress
    if project.status == ProjectStatus.PLANNED:
        project.status = ProjectStatus.ACTIVE
    project.save(update_fields=["progress", "status", "updated_at"])
    return update


@transaction.atomic
def project_finish(*, actor: Scope | None, project: Project, result: str) -> Project:
    """Done, with its result; the needs it served are met."""
    require_covers(actor, Cap.MATCHING_MANAGE, project.community)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _live(project)
    project.result = clean(result, max_length=5000, field=_("The result"), required=True, multiline=True)
    project.status = ProjectStatus.DONE
    project.progress = 100
    project.save(update_fields=["result", "status", "progress", "updated_at"])
    project.needs.filter(status__in=[NeedStatus.OPEN, NeedStatus.IN_PROJECT]).update(status=NeedStatus.MET)
    return project


@transaction.atomic
def project_cancel(*, actor: Scope | None, project: Project, reason: str) -> Project:
    require_covers(actor, Cap.MATCHING_MANAGE, project.community)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _live(project)
    project.result = clean(reason, max_length=2000, field=_("The reason"), required=True, multiline=True)
    project.status = ProjectStatus.CANCELLED
    project.save(update_fields=["result", "status", "updated_at"])
    _refresh_need_status(list(project.needs.all()))
    return project
