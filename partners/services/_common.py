"""What every partners service shares: capability checks, the conditional status update that
writes the lifecycle log, and small validators."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from partners.models import Partner, StatusChange
from partners.selectors import partner_ids_for_user


def require(actor: Scope | None, cap: str, community_id: int) -> None:
    """``actor`` None is a trusted caller (demo data, another app's service); anyone else needs
    ``cap`` in the community. Outside it the record does not exist for them: NotFound."""
    if actor is not None and not actor.has(cap, community_id):
        raise NotFound()


def require_manager_or_member(actor: Scope | None, partner: Partner) -> str:
    """Community staff who manage partners, or the partner's own staff. Returns which."""
    if actor is None or actor.has(Cap.PARTNER_MANAGE, partner.community_id):
        return "staff"
    if partner.pk in partner_ids_for_user(actor):
        return "partner"
    raise NotFound()


def user_of(actor: Scope | None):
    return actor.user if actor is not None and actor.is_authenticated else None


def log(
    *,
    community_id: int,
    entity: str,
    object_id: int,
    action: str,
    actor: Scope | None,
    partner_id: int | None = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
) -> StatusChange:
    return StatusChange.objects.create(
        community_id=community_id,
        entity=entity,
        object_id=object_id,
        partner_id=partner_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:300],
        actor=user_of(actor),
        created_at=timezone.now(),
    )


def transition(
    obj: models.Model,
    *,
    entity: str,
    action: str,
    allowed_from: Collection[str],
    to: str,
    actor: Scope | None,
    partner_id: int | None,
    reason: str = "",
    fields: dict[str, Any] | None = None,
) -> None:
    """Move ``obj`` from the status its caller saw to ``to``, or refuse.

    The write is one conditional UPDATE (``WHERE id = … AND status = <the status seen>``), so two
    people acting at once cannot both succeed: the second finds no row and gets a Conflict, not
    a silently overwritten decision. ``update()`` bypasses model signals, so the history row and
    the log row are written here, in the caller's transaction.
    """
    model = type(obj)
    current = obj.status
    if current not in allowed_from:
        raise Conflict(
            _("This cannot be done while the record is “%(status)s”.") % {"status": obj.get_status_display()},
            code="illegal_transition",
        )
    changes = {"status": to, **(fields or {})}
    if not model.objects.filter(pk=obj.pk, status=current).update(**changes):
        raise Conflict(
            _("Someone changed this record a moment ago. Reload the page and try again."), code="changed_meanwhile"
        )
    obj.refresh_from_db()
    model.history.bulk_history_create([obj], update=True, default_user=user_of(actor), default_change_reason=action)
    log(
        community_id=obj.community_id,
        entity=entity,
        object_id=obj.pk,
        action=action,
        actor=actor,
        partner_id=partner_id,
        from_status=current,
        to_status=to,
        reason=reason,
    )


def stamp(obj: models.Model, actor: Scope | None) -> models.Model:
    """Name the actor on the history row that the next save() writes."""
    user = user_of(actor)
    if user is not None:
        obj._history_user = user
    return obj


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


def require_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) < 2:
        raise ValidationFailed(_("Give a reason: it is kept in the partner's file."), code="no_reason")
    return text[:300]
