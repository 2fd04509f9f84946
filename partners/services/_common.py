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
from partners.models import LogEntity, Partner, PartyType, StatusChange
from partners.selectors import partner_ids_for_user
from partners.uscc import parse_uscc


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


def check_identity(*, party_type: str, credit_code: str, licence_no: str) -> tuple[str, str]:
    """Organisations need a valid unified social credit code; a person may give one (个体工商户).
    Returns the normalised code and licence number."""
    if party_type not in PartyType.values:
        raise ValidationFailed(_("Say whether you apply as an organisation or as a person."), code="bad_party_type")
    code = (credit_code or "").strip()
    if party_type == PartyType.ORGANISATION and not code:
        raise ValidationFailed(
            _("An organisation must give its 18-character unified social credit code."), code="no_credit_code"
        )
    code = parse_uscc(code) if code else ""
    licence = "".join((licence_no or "").split()).upper()
    if licence and (len(licence) < 6 or len(licence) > 40 or not licence.replace("-", "").isalnum()):
        raise ValidationFailed(
            _("A licence or certificate number has 6 to 40 letters and digits."), code="bad_licence_no"
        )
    return code, licence


def check_partner_unique(*, community_id: int, name: str, credit_code: str) -> None:
    """One partner per name and per credit code in a community (the database holds it too; this
    says it in words before anything is written)."""
    if Partner.objects.filter(community_id=community_id, name=name).exists():
        raise Conflict(
            _("A partner named “%(name)s” already exists in this community.") % {"name": name}, code="duplicate_partner"
        )
    if credit_code and Partner.objects.filter(community_id=community_id, credit_code=credit_code).exists():
        raise Conflict(_("A partner with this credit code already exists in this community."), code="duplicate_partner")


def insert_partner(partner: Partner, *, actor: Scope | None, reason: str = "") -> Partner:
    """Save a new partner (from an approved application or registered directly) and log it."""
    stamp(partner, actor).save()
    log(
        community_id=partner.community_id,
        entity=LogEntity.PARTNER,
        object_id=partner.pk,
        action="create",
        actor=actor,
        partner_id=partner.pk,
        to_status=partner.status,
        reason=reason,
    )
    return partner
