"""Checks the jobs services share."""

from __future__ import annotations

from django.utils.translation import gettext as _

from linli.errors import NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope


def user_of(actor: Scope | None):
    return actor.user if actor is not None else None


def need(actor: Scope | None, cap: str, community_id: int) -> None:
    """Staff capability in the community; outside it the object does not exist for them."""
    if actor is not None and not actor.has(cap, community_id):
        raise NotFound()


def is_merchant_login(actor: Scope | None, merchant_id: int | None) -> bool:
    from markets.selectors import merchant_ids_for_user

    return actor is not None and merchant_id is not None and merchant_id in merchant_ids_for_user(actor)


def can_run_workshop(actor: Scope | None, workshop) -> bool:
    """Staff who manage jobs here, the workshop's lead, or a login of its merchant."""
    if actor is None or actor.has(Cap.JOB_MANAGE, workshop.community_id):
        return True
    if actor.is_authenticated and workshop.lead_id == actor.user.pk:
        return True
    return is_merchant_login(actor, workshop.merchant_id)


def as_community(node: OrgNode) -> OrgNode:
    if node is None or node.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Choose a community."), code="not_a_community")
    return node


def text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": field})
    if len(value) > max_length:
        raise ValidationFailed(_("%(field)s is too long (%(n)s characters at most).") % {"field": field, "n": max_length})
    return value


def positive(value: int, *, field: str, maximum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= maximum:
        raise ValidationFailed(_("%(field)s is a whole number from 1 to %(max)s.") % {"field": field, "max": maximum})
    return value
