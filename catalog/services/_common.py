"""Who may do what, asked by the services (the pages and API ask the same functions)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from linli.errors import NotFound, ValidationFailed
from linli.prepared import OneRow
from orgs.roles import Cap
from orgs.scope import Scope
from residents.models import Resident

MAX_KEY = 100


def require(scope: Scope, cap: str, community_id: int) -> None:
    """Outside the user's scope the object does not exist for them."""
    if not scope.has(cap, community_id):
        raise NotFound()


def own_partner_ids(scope: Scope) -> frozenset[int]:
    from partners.selectors import partner_ids_for_user

    return partner_ids_for_user(scope)


def may_serve(scope: Scope, *, community_id: int, partner_id: int | None) -> bool:
    """The provider's side: community staff at the desk, or the partner's own staff."""
    if scope.has(Cap.CATALOG_MANAGE, community_id):
        return True
    return partner_id is not None and partner_id in own_partner_ids(scope)


def require_serve(scope: Scope, *, community_id: int, partner_id: int | None) -> None:
    if not may_serve(scope, community_id=community_id, partner_id=partner_id):
        raise NotFound()


# Asked on every order: compiled once (linli/prepared.py); at most one (one-to-one).
_RESIDENT_OF_USER = OneRow(lambda user_id: Resident.objects.filter(user_id=user_id).order_by())


def own_resident(scope: Scope) -> Resident | None:
    if not scope.is_authenticated:
        return None
    cached = scope.__dict__.get("_catalog_resident", False)
    if cached is False:
        cached = _RESIDENT_OF_USER.get(scope.user.pk)
        scope.__dict__["_catalog_resident"] = cached
    return cached


def may_act_for(scope: Scope, resident: Resident) -> bool:
    """A resident orders for themself or a member of their household (family ordering for an
    elderly parent); a grid worker or staff with ``order.proxy`` for residents in their part of
    the community; the desk (``catalog.manage``) for anyone of the community."""
    me = own_resident(scope)
    if me is not None:
        if me.pk == resident.pk:
            return True
        if me.household_id and me.household_id == resident.household_id:
            return True
    if scope.has(Cap.CATALOG_MANAGE, resident.community_id):
        return True
    if scope.has(Cap.ORDER_PROXY, resident.community_id):
        return scope.filter(
            Resident.objects.filter(pk=resident.pk), Cap.ORDER_PROXY, path_field="grid__path"
        ).exists()
    return False


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = str(key).strip()
    if not key:
        return None
    if len(key) > MAX_KEY:
        raise ValidationFailed(_("An Idempotency-Key has at most 100 characters."), code="bad_idempotency_key")
    return key
