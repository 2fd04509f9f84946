"""Writes to a community's plan and its zones: community staff who handle reports there."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from snapshots import images
from snapshots.models import Plan, Zone

PLAN_LONG_SIDE = 2000


def require_plan_manage(actor: Scope | None, community_id: int) -> None:
    """Staff with snapshot.handle over the whole community draw its plan; a grid worker or an
    officer who can see the reports may look at it but not change it."""
    if actor is None or actor.is_platform_admin:
        return
    if community_id in actor.whole_community_ids(Cap.SNAPSHOT_HANDLE):
        return
    if actor.has(Cap.SNAPSHOT_VIEW, community_id) or actor.has(Cap.SNAPSHOT_HANDLE, community_id):
        raise Forbidden(_("Only community staff may change the plan."))
    raise NotFound()


def plan_set(*, actor: Scope | None, community: OrgNode, image) -> Plan:
    require_plan_manage(actor, community.pk)
    clean = images.clean_image(image, max_long_side=PLAN_LONG_SIDE, quality=85)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(community=community).first()
        old = (plan.image.storage, plan.image.name) if plan is not None and plan.image else None
        if plan is None:
            plan = Plan(community=community)
        plan.width, plan.height = clean.width, clean.height
        plan.image.save("plan.jpg", clean.content, save=False)
        plan.save()
        if old is not None:
            storage, name = old
            transaction.on_commit(lambda: storage.delete(name))
    return plan


def _check_rect(x: int, y: int, w: int, h: int) -> tuple[int, int, int, int]:
    values = (x, y, w, h)
    if any(v < 0 or v > 1000 for v in values) or x + w > 1000 or y + h > 1000:
        raise ValidationFailed(_("The zone must lie within the plan (0–1000 ‰)."), code="bad_rect")
    return values


@transaction.atomic
def zone_create(
    *, actor: Scope | None, community: OrgNode, name: str, grid: OrgNode, x: int = 0, y: int = 0, w: int = 0, h: int = 0
) -> Zone:
    require_plan_manage(actor, community.pk)
    name = " ".join((name or "").split())
    if not name or len(name) > 40:
        raise ValidationFailed(_("A zone needs a name of at most 40 characters."), code="bad_name")
    if grid.kind != NodeKind.GRID or grid.community_id != community.pk:
        raise ValidationFailed(_("Choose a grid of %(c)s.") % {"c": community.name}, code="bad_grid")
    if Zone.objects.filter(community=community, name=name).exists():
        raise Conflict(_("There is already a zone called %(name)s.") % {"name": name}, code="duplicate")
    x, y, w, h = _check_rect(x, y, w, h)
    order = Zone.objects.filter(community=community).count()
    return Zone.objects.create(community=community, name=name, grid=grid, x=x, y=y, w=w, h=h, sort_order=order)


@transaction.atomic
def zone_delete(*, actor: Scope | None, zone: Zone) -> None:
    require_plan_manage(actor, zone.community_id)
    if zone.reports.exists():
        raise Conflict(_("Reports name this zone, so it stays; rename it instead."), code="zone_in_use")
    zone.delete()
