"""Writes to the organisation tree and role grants. One transaction each."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Conflict, Forbidden, ValidationFailed
from orgs.models import PARENT_KIND, NodeKind, OrgNode, RoleGrant
from orgs.roles import Cap, Role
from orgs.scope import Scope


def _check_parent(kind: str, parent: OrgNode | None) -> None:
    expected = PARENT_KIND[kind]
    if expected is None and parent is not None:
        raise ValidationFailed(_("A city is the top of the tree and has no parent."))
    if expected is not None and (parent is None or parent.kind != expected):
        raise ValidationFailed(
            _("A %(kind)s must sit under a %(parent)s.")
            % {"kind": NodeKind(kind).label, "parent": NodeKind(expected).label}
        )


@transaction.atomic
def node_create(
    *,
    kind: str,
    name: str,
    parent: OrgNode | None,
    code: str = "",
    population: int | None = None,
    sort_order: int = 0,
    actor: Scope | None = None,
) -> OrgNode:
    """Create a node; ``actor`` None means a trusted caller (demo data, import command)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A name is required."))
    _check_parent(kind, parent)
    if actor is not None:
        target = parent.community_id if parent else None
        if kind in (NodeKind.GRID, NodeKind.BUILDING):
            if not actor.has(Cap.ORG_MANAGE, target):
                raise Forbidden()
        elif not actor.is_platform_admin:
            raise Forbidden(_("Only platform administrators change the tree above communities."))
    if OrgNode.objects.filter(parent=parent, name=name).exists():
        raise Conflict(_("“%(name)s” already exists here.") % {"name": name})
    node = OrgNode.objects.create(
        kind=kind, name=name, parent=parent, code=code, population=population, sort_order=sort_order, path=""
    )
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    node.depth = parent.depth + 1 if parent else 0
    if kind == NodeKind.COMMUNITY:
        node.community = node
    elif parent is not None and parent.community_id:
        node.community_id = parent.community_id
    node.save(update_fields=["path", "depth", "community"])
    return node


@transaction.atomic
def role_grant(*, user, node: OrgNode, role: str, title: str = "", actor: Scope | None = None) -> RoleGrant:
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."))
    if actor is not None:
        allowed = actor.is_platform_admin or (
            node.community_id is not None and actor.has(Cap.ORG_MANAGE, node.community_id)
        )
        if not allowed:
            raise Forbidden()
    active = RoleGrant.objects.filter(user=user, node=node, role=role, revoked_at__isnull=True)
    existing = active.first()
    if existing:
        return existing
    try:
        # A savepoint: if a concurrent request granted the same role since the check above, the
        # unique constraint refuses this insert and we answer with that grant instead.
        with transaction.atomic():
            return RoleGrant.objects.create(
                user=user, node=node, role=role, title=title, granted_by=actor.user if actor else None
            )
    except IntegrityError:
        return active.get()


# Sent after a grant is revoked (the audit log listens).
role_revoked = Signal()


@transaction.atomic
def role_revoke(*, grant: RoleGrant, actor: Scope | None = None) -> None:
    if actor is not None and not (
        actor.is_platform_admin
        or (grant.node.community_id is not None and actor.has(Cap.ORG_MANAGE, grant.node.community_id))
    ):
        raise Forbidden()
    # Conditional update: revoking twice at once is harmless (and is recorded once).
    if RoleGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        grant.refresh_from_db(fields=["revoked_at"])
        grant._audit_was_active = True
        role_revoked.send(sender=RoleGrant, instance=grant)
