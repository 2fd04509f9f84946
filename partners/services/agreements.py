"""Cooperation agreements (合作协议): drafting, signing, renewal, termination; their
public-welfare commitments and the progress recorded against them."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Conflict, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from partners.models import (
    Agreement,
    AgreementStatus,
    Commitment,
    CommitmentEntry,
    CommitmentPeriod,
    CostBearer,
    EntrySource,
    LogEntity,
    Partner,
    PartnerStatus,
    SettlementPeriod,
    ShareBasis,
    ShareRecipient,
)
from partners.selectors import add_months
from partners.services._common import (
    clean_text,
    log,
    require,
    require_manager_or_member,
    require_reason,
    stamp,
    transition,
    user_of,
)

# The longest term one agreement may run (the spaces app books at most two years ahead): a
# longer partnership is renewed, and a renewal is a new agreement, reviewed again.
MAX_TERM_YEARS = 2
TERM_FIELDS = (
    "starts_on",
    "ends_on",
    "space_terms",
    "monthly_rent_fen",
    "utilities_paid_by",
    "running_costs_paid_by",
    "cost_notes",
    "service_terms",
    "share_basis",
    "share_bp",
    "share_recipient",
    "share_recipient_name",
    "settlement_period",
)


def lock_partner(partner: Partner) -> Partner:
    """Lock the partner row and re-read its status. Signing and exit both start here, so they
    take their locks in the same order (the partner, then its rooms inside the spaces app) and
    cannot deadlock; an exit waits for a signing in progress, and the other way round."""
    locked = Partner.objects.select_for_update().get(pk=partner.pk)
    partner.status = locked.status
    return partner


def check_terms(
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    space_terms: str = "",
    monthly_rent_fen: int = 0,
    utilities_paid_by: str = CostBearer.PARTNER,
    running_costs_paid_by: str = CostBearer.PARTNER,
    cost_notes: str = "",
    service_terms: str = "",
    share_basis: str = ShareBasis.NONE,
    share_bp: int = 0,
    share_recipient: str = ShareRecipient.COMMUNITY_FUND,
    share_recipient_name: str = "",
    settlement_period: str = SettlementPeriod.QUARTERLY,
) -> dict:
    """Validate an agreement's terms; return them cleaned, ready for the model."""
    if not starts_on or not ends_on:
        raise ValidationFailed(_("An agreement needs a start and an end date."), code="bad_dates")
    if ends_on < starts_on:
        raise ValidationFailed(_("The agreement cannot end before it starts."), code="bad_dates")
    if ends_on >= add_months(starts_on, 12 * MAX_TERM_YEARS):
        raise ValidationFailed(
            _("An agreement runs %(n)s years at most; renew it for longer.") % {"n": MAX_TERM_YEARS}, code="bad_dates"
        )
    if not isinstance(monthly_rent_fen, int) or monthly_rent_fen < 0:
        raise ValidationFailed(_("The rent cannot be negative."), code="bad_amount")
    for value in (utilities_paid_by, running_costs_paid_by):
        if value not in CostBearer.values:
            raise ValidationFailed(_("Say who pays: the partner, the community or both."), code="bad_cost_bearer")
    if share_basis not in ShareBasis.values:
        raise ValidationFailed(_("Unknown revenue-share basis."), code="bad_share")
    if share_basis == ShareBasis.NONE:
        share_bp = 0
    elif not isinstance(share_bp, int) or not 1 <= share_bp <= 10_000:
        raise ValidationFailed(_("A revenue share is more than 0% and at most 100%."), code="bad_share")
    if share_recipient not in ShareRecipient.values:
        raise ValidationFailed(_("Unknown recipient of the revenue share."), code="bad_share")
    recipient_name = clean_text(share_recipient_name, max_length=100, field=_("Recipient name"))
    if share_basis != ShareBasis.NONE and share_recipient == ShareRecipient.CHARITY and not recipient_name:
        raise ValidationFailed(
            _("Name the charity that receives the share for the community (e.g. 鹤山市慈善会)."), code="bad_share"
        )
    if settlement_period not in SettlementPeriod.values:
        raise ValidationFailed(_("Settle monthly or quarterly."), code="bad_share")
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "space_terms": clean_text(space_terms, max_length=4000, field=_("What the community provides")),
        "monthly_rent_fen": monthly_rent_fen,
        "utilities_paid_by": utilities_paid_by,
        "running_costs_paid_by": running_costs_paid_by,
        "cost_notes": clean_text(cost_notes, max_length=4000, field=_("Notes on costs")),
        "service_terms": clean_text(service_terms, max_length=4000, field=_("Services and prices")),
        "share_basis": share_basis,
        "share_bp": share_bp,
        "share_recipient": share_recipient,
        "share_recipient_name": recipient_name,
        "settlement_period": settlement_period,
    }


@transaction.atomic
def agreement_create(*, actor: Scope | None, partner: Partner, renews: Agreement | None = None, **terms) -> Agreement:
    """A draft agreement. Rooms, slots and commitments are added to the draft, then it is signed."""
    require(actor, Cap.PARTNER_MANAGE, partner.community_id)
    if partner.status not in (PartnerStatus.APPROVED, PartnerStatus.ACTIVE):
        raise Conflict(
            _("Agreements are made with approved or active partners; this one is “%(status)s”.")
            % {"status": partner.get_status_display()},
            code="illegal_transition",
        )
    agreement = stamp(
        Agreement(
            community_id=partner.community_id,
            partner=partner,
            renews=renews,
            created_by=user_of(actor),
            **check_terms(**terms),
        ),
        actor,
    )
    agreement.save()
    log(
        community_id=partner.community_id,
        entity=LogEntity.AGREEMENT,
        object_id=agreement.pk,
        action="renew" if renews else "create",
        actor=actor,
        partner_id=partner.pk,
        to_status=agreement.status,
    )
    return agreement


@transaction.atomic
def agreement_update(*, actor: Scope | None, agreement: Agreement, **terms) -> Agreement:
    """Change a draft's terms. Conditional on it still being a draft: a signed text never changes."""
    require(actor, Cap.PARTNER_MANAGE, agreement.community_id)
    current = {name: getattr(agreement, name) for name in TERM_FIELDS}
    cleaned = check_terms(**{**current, **terms})
    if not Agreement.objects.filter(pk=agreement.pk, status=AgreementStatus.DRAFT).update(
        updated_at=timezone.now(), **cleaned
    ):
        raise Conflict(_("Only a draft agreement can be changed."), code="illegal_transition")
    agreement.refresh_from_db()
    Agreement.history.bulk_history_create(
        [agreement], update=True, default_user=user_of(actor), default_change_reason="edit"
    )
    return agreement


@transaction.atomic
def agreement_cancel(*, actor: Scope | None, agreement: Agreement, reason: str = "") -> Agreement:
    require(actor, Cap.PARTNER_MANAGE, agreement.community_id)
    transition(
        agreement,
        entity=LogEntity.AGREEMENT,
        action="cancel",
        allowed_from={AgreementStatus.DRAFT},
        to=AgreementStatus.CANCELLED,
        actor=actor,
        partner_id=agreement.partner_id,
        reason=(reason or "").strip(),
    )
    return agreement


@transaction.atomic
def agreement_sign(
    *,
    actor: Scope | None,
    agreement: Agreement,
    community_signatory: str,
    partner_signatory: str,
    today: dt.date | None = None,
) -> Agreement:
    """Record the signing. In the same transaction: the rooms' weekly slots are booked for the
    term (a clash with another booking refuses the signing, with the spaces app's message) and
    a newly approved partner becomes active."""
    require(actor, Cap.PARTNER_MANAGE, agreement.community_id)
    today = today or timezone.localdate()
    partner = lock_partner(agreement.partner)
    if partner.status not in (PartnerStatus.APPROVED, PartnerStatus.ACTIVE):
        raise Conflict(
            _("The partner is “%(status)s”: it cannot sign an agreement now.")
            % {"status": partner.get_status_display()},
            code="illegal_transition",
        )
    if agreement.ends_on < today:
        raise ValidationFailed(_("This agreement's term is over; change the dates before signing."), code="bad_dates")
    community_signatory = clean_text(
        community_signatory, max_length=50, field=_("Signs for the community"), required=True
    )
    partner_signatory = clean_text(partner_signatory, max_length=50, field=_("Signs for the partner"), required=True)
    transition(
        agreement,
        entity=LogEntity.AGREEMENT,
        action="sign",
        allowed_from={AgreementStatus.DRAFT},
        to=AgreementStatus.SIGNED,
        actor=actor,
        partner_id=partner.pk,
        fields={
            "signed_at": timezone.now(),
            "signed_by": user_of(actor),
            "community_signatory": community_signatory,
            "partner_signatory": partner_signatory,
        },
    )
    book_slots(actor=actor, agreement=agreement, today=today)
    if partner.status == PartnerStatus.APPROVED:
        from partners.services.lifecycle import partner_activate

        partner_activate(actor=actor, partner=partner)
    return agreement


@transaction.atomic
def agreement_terminate(*, actor: Scope | None, agreement: Agreement, reason: str) -> Agreement:
    """End a signed agreement early; its bookings from tomorrow on are released."""
    require(actor, Cap.PARTNER_MANAGE, agreement.community_id)
    reason = require_reason(reason)
    transition(
        agreement,
        entity=LogEntity.AGREEMENT,
        action="terminate",
        allowed_from={AgreementStatus.SIGNED},
        to=AgreementStatus.TERMINATED,
        actor=actor,
        partner_id=agreement.partner_id,
        reason=reason,
        fields={"terminated_at": timezone.now(), "termination_reason": reason},
    )
    release_slots(actor=actor, agreement=agreement, reason=reason)
    return agreement


@transaction.atomic
def agreement_renew(*, actor: Scope | None, agreement: Agreement, ends_on: dt.date) -> Agreement:
    """A draft that continues a signed agreement from the day after it ends, with the same terms,
    rooms, slots and commitments, to be reviewed and signed like the first."""
    require(actor, Cap.PARTNER_MANAGE, agreement.community_id)
    if agreement.status != AgreementStatus.SIGNED:
        raise Conflict(_("Only a signed agreement can be renewed."), code="illegal_transition")
    if agreement.renewals.filter(status__in=(AgreementStatus.DRAFT, AgreementStatus.SIGNED)).exists():
        raise Conflict(_("This agreement has already been renewed."), code="already_renewed")
    terms = {name: getattr(agreement, name) for name in TERM_FIELDS}
    terms["starts_on"] = agreement.ends_on + dt.timedelta(days=1)
    terms["ends_on"] = ends_on
    renewal = agreement_create(actor=actor, partner=agreement.partner, renews=agreement, **terms)
    copy_slots(source=agreement, target=renewal)
    Commitment.objects.bulk_create(
        [
            Commitment(
                community_id=c.community_id,
                agreement=renewal,
                partner_id=c.partner_id,
                title=c.title,
                metric=c.metric,
                unit=c.unit,
                target=c.target,
                period=c.period,
                sort_order=c.sort_order,
            )
            for c in agreement.commitments.all()
        ]
    )
    return renewal


# --- Rooms and weekly slots ---------------------------------------------------------------------


def book_slots(*, actor: Scope | None, agreement: Agreement, today: dt.date) -> None:
    """Book the agreement's weekly slots in its rooms (see partners.services.slots)."""
    from partners.services import slots

    slots.book_slots(actor=actor, agreement=agreement, today=today)


def release_slots(*, actor: Scope | None, agreement: Agreement, reason: str) -> None:
    from partners.services import slots

    slots.release_slots(actor=actor, agreement=agreement, reason=reason)


def copy_slots(*, source: Agreement, target: Agreement) -> None:
    from partners.services import slots

    slots.copy_slots(source=source, target=target)


# --- Commitments and their progress ---------------------------------------------------------


@transaction.atomic
def commitment_add(
    *,
    actor: Scope | None,
    agreement: Agreement,
    title: str,
    metric: str,
    target: int,
    period: str = CommitmentPeriod.TERM,
    unit: str = "",
) -> Commitment:
    require(actor, Cap.PARTNER_MANAGE, agreement.community_id)
    if agreement.status != AgreementStatus.DRAFT:
        raise Conflict(
            _("Commitments are part of the agreement: add them before it is signed."), code="illegal_transition"
        )
    if not isinstance(target, int) or target < 1:
        raise ValidationFailed(_("The target is a whole number of at least 1."), code="bad_target")
    if period not in CommitmentPeriod.values:
        raise ValidationFailed(_("Unknown period."), code="bad_period")
    commitment = stamp(
        Commitment(
            community_id=agreement.community_id,
            agreement=agreement,
            partner_id=agreement.partner_id,
            title=clean_text(title, max_length=200, field=_("Commitment"), required=True),
            metric=clean_text(metric, max_length=50, field=_("What is counted"), required=True),
            unit=clean_text(unit, max_length=10, field=_("Unit")),
            target=target,
            period=period,
            sort_order=agreement.commitments.count(),
        ),
        actor,
    )
    commitment.save()
    return commitment


@transaction.atomic
def commitment_remove(*, actor: Scope | None, commitment: Commitment) -> None:
    require(actor, Cap.PARTNER_MANAGE, commitment.community_id)
    if commitment.agreement.status != AgreementStatus.DRAFT:
        raise Conflict(_("A signed agreement's commitments cannot be removed."), code="illegal_transition")
    stamp(commitment, actor).delete()


@transaction.atomic
def commitment_entry_record(
    *,
    actor: Scope | None,
    commitment: Commitment,
    occurred_on: dt.date,
    quantity: int,
    note: str = "",
    source_type: str = "",
    source_id: int | None = None,
    today: dt.date | None = None,
) -> CommitmentEntry:
    """Record progress on a commitment: community staff, the partner's own staff, or (``actor``
    None) another app feeding service records. With a source, recording twice is harmless: the
    existing entry is returned."""
    recorded_as = EntrySource.SYSTEM if actor is None else require_manager_or_member(actor, commitment.partner)
    if source_id is not None:
        existing = CommitmentEntry.objects.filter(source_type=source_type, source_id=source_id).first()
        if existing is not None:
            return existing
    agreement = commitment.agreement
    if agreement.status not in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED):
        raise Conflict(_("Progress is recorded once the agreement is signed."), code="illegal_transition")
    today = today or timezone.localdate()
    if occurred_on > today:
        raise ValidationFailed(_("Progress cannot be recorded for a future date."), code="bad_dates")
    last_day = timezone.localtime(agreement.terminated_at).date() if agreement.terminated_at else agreement.ends_on
    if not agreement.starts_on <= occurred_on <= min(agreement.ends_on, last_day):
        raise ValidationFailed(_("The date is outside the agreement's term."), code="bad_dates")
    if not isinstance(quantity, int) or quantity < 1:
        raise ValidationFailed(_("The quantity is a whole number of at least 1."), code="bad_quantity")
    entry = stamp(
        CommitmentEntry(
            community_id=commitment.community_id,
            commitment=commitment,
            partner_id=commitment.partner_id,
            occurred_on=occurred_on,
            quantity=quantity,
            note=clean_text(note, max_length=200, field=_("Note")),
            recorded_as=recorded_as,
            recorded_by=user_of(actor),
            source_type=(source_type or "")[:50],
            source_id=source_id,
        ),
        actor,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same service record fed twice at once: the other writer won; return its entry.
        return CommitmentEntry.objects.get(source_type=source_type, source_id=source_id)
    return entry
