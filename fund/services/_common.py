"""What every fund service shares: who the actor is, capability checks, validators, the step log
and the conditional status update."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fund.models import Fund, SpendingRequest, StepLog
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.scope import Scope

# Beneficiaries are described, never identified: an 11-digit mobile number or an 18-character
# ID number in a request's text is refused, because the request is published.
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def as_scope(actor: Any) -> Scope | None:
    """``actor`` is a Scope, a User (another app's service may pass one) or None (a trusted
    caller: the demo, a scheduled command)."""
    if actor is None or isinstance(actor, Scope):
        return actor
    return Scope(actor)


def require(actor: Scope | None, cap: str, community_id: int) -> None:
    """Anyone but a trusted caller needs ``cap`` in the community; outside it the record does
    not exist for them (NotFound)."""
    if actor is not None and not actor.has(cap, community_id):
        raise NotFound()


def require_any(actor: Scope | None, caps: Collection[str], community_id: int) -> None:
    if actor is not None and not any(actor.has(cap, community_id) for cap in caps):
        raise NotFound()


def user_of(actor: Scope | None):
    return actor.user if actor is not None and actor.is_authenticated else None


def name_of(user) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.get_username()


def clean_text(value: str | None, *, max_length: int, field: str, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(
            _("“%(field)s” is required.") % {"field": field}, code="required", details={"field": field}
        )
    if len(text) > max_length:
        raise ValidationFailed(
            _("“%(field)s” is too long (%(n)s characters at most).") % {"field": field, "n": max_length},
            code="too_long",
            details={"field": field},
        )
    return text


def no_personal_data(text: str, *, field: str) -> str:
    if _PHONE.search(text) or _ID_NUMBER.search(text):
        raise ValidationFailed(
            _("“%(field)s” is published: describe people without phone or ID numbers.") % {"field": field},
            code="personal_data",
            details={"field": field},
        )
    return text


def require_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) < 2:
        raise ValidationFailed(_("Give a reason: it is published with the request."), code="no_reason")
    return text[:2000]


def positive_fen(value: Any, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationFailed(
            _("“%(field)s” must be an amount above zero.") % {"field": field},
            code="bad_amount",
            details={"field": field},
        )
    if value > 10**13:
        raise ValidationFailed(_("“%(field)s” is implausibly large.") % {"field": field}, code="bad_amount")
    return value


def check_past(moment, *, field: str):
    if moment is None:
        return timezone.now()
    if timezone.is_naive(moment):
        raise ValidationFailed(_("Give a date and time with a time zone."), code="naive_time")
    if moment > timezone.now():
        raise ValidationFailed(
            _("“%(field)s” cannot be in the future.") % {"field": field}, code="future", details={"field": field}
        )
    return moment


def check_key(key: str | None) -> str | None:
    """A client's Idempotency-Key: 1 to 60 characters (the ledger key built from it has room)."""
    if key is None or key == "":
        return None
    key = str(key).strip()
    if not key or len(key) > 60:
        raise ValidationFailed(_("An idempotency key has 1 to 60 characters."), code="bad_idempotency_key")
    return key


def fund_of(community_id: int) -> Fund:
    fund = Fund.objects.filter(community_id=community_id).first()
    if fund is None:
        raise ValidationFailed(_("This community has no development fund yet."), code="no_fund")
    return fund


def log_step(
    request: SpendingRequest,
    *,
    action: str,
    actor: Scope | None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
) -> StepLog:
    user = user_of(actor)
    return StepLog.objects.create(
        spending_request=request,
        community_id=request.community_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=user,
        actor_name=name_of(user),
        reason=reason,
        created_at=timezone.now(),
    )


def transition(
    request: SpendingRequest,
    *,
    action: str,
    allowed_from: Collection[str],
    to: str,
    actor: Scope | None,
    reason: str = "",
    fields: dict[str, Any] | None = None,
) -> SpendingRequest:
    """Move the request from the status its caller saw to ``to``, or refuse.

    One conditional UPDATE (``WHERE id = … AND status = <seen>``): two people acting at once
    cannot both succeed, and no step can be skipped because the allowed previous statuses are
    named here, by each service. ``update()`` bypasses signals, so the history row and the step
    log are written here, in the caller's transaction.
    """
    current = request.status
    if current not in allowed_from:
        raise Conflict(
            _("This cannot be done while the request is “%(status)s”.") % {"status": request.get_status_display()},
            code="illegal_transition",
        )
    changes = {"status": to, **(fields or {})}
    if not SpendingRequest.objects.filter(pk=request.pk, status=current).update(**changes):
        raise Conflict(
            _("Someone changed this request a moment ago. Reload the page and try again."), code="changed_meanwhile"
        )
    request.refresh_from_db()
    SpendingRequest.history.bulk_history_create(
        [request], update=True, default_user=user_of(actor), default_change_reason=action
    )
    log_step(request, action=action, actor=actor, from_status=current, to_status=to, reason=reason)
    return request


def stamp(obj, actor: Scope | None):
    user = user_of(actor)
    if user is not None:
        obj._history_user = user
    return obj
