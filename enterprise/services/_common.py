"""What the enterprise services share: who may act, and dates as the ledger wants them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from enterprise.periods import local_midnight, month_start, next_month  # noqa: F401 (re-exported)
from linli.errors import NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.scope import Scope

ABOVE_COMMUNITY = (NodeKind.SUBDISTRICT, NodeKind.DISTRICT, NodeKind.CITY)


def require(actor: Scope | None, cap: str, community_id: int) -> None:
    """``actor`` None is a trusted caller (the demo loader, another app's service); anyone else
    needs ``cap`` in the community. Outside it the record does not exist for them: NotFound."""
    if actor is not None and not actor.has(cap, community_id):
        raise NotFound()


def user_of(actor: Scope | None):
    return actor.user if actor is not None and actor.is_authenticated else None


def entry_time(day: dt.date) -> dt.datetime:
    """When an entry dated ``day`` happened, for the ledger: noon of that day, or now for today
    (the ledger refuses entries dated in the future)."""
    if day > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), code="future_date")
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    return min(moment, timezone.now())


def subdistrict_of(community: OrgNode) -> OrgNode:
    node = community.parent
    while node is not None and node.kind != NodeKind.SUBDISTRICT:
        node = node.parent
    if node is None:
        raise ValidationFailed(_("The community is not under a subdistrict."), code="no_subdistrict")
    return node


def check_text(value: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": label}, code="required")
    if len(value) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long (%(max)s characters at most).") % {"field": label, "max": max_length},
            code="too_long",
        )
    return value


def check_amount(amount_fen: int) -> int:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise ValidationFailed(_("The amount must be a whole number of fen."), code="bad_amount")
    if amount_fen <= 0:
        raise ValidationFailed(_("The amount must be more than zero."), code="bad_amount")
    if amount_fen > 10**12:
        raise ValidationFailed(_("The amount is too large."), code="bad_amount")
    return amount_fen
