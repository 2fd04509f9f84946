"""Partners after approval: their details, staff, suspension and exit, evaluations and ratings."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phone import normalize_phone
from accounts.selectors import user_for_login_name
from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode, RoleGrant
from orgs.roles import Cap, Role
from orgs.scope import Scope
from orgs.services import role_grant, role_revoke
from partners.models import (
    AgreementStatus,
    Evaluation,
    LogEntity,
    MemberRole,
    Partner,
    PartnerKind,
    PartnerMember,
    PartnerStatus,
    Recommendation,
    ServiceRating,
)
from partners.selectors import rating_summary
from partners.services._common import (
    check_identity,
    check_partner_unique,
    clean_text,
    insert_partner,
    log,
    require,
    require_reason,
    stamp,
    transition,
    user_of,
)


@transaction.atomic
def partner_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    kind: str,
    party_type: str,
    name: str,
    services: str,
    credit_code: str = "",
    licence_no: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    description: str = "",
) -> Partner:
    """Register a partner directly (one that worked with the community before Linli, or the demo).
    It starts as approved and becomes active when its first agreement is signed."""
    require(actor, Cap.PARTNER_MANAGE, community.pk)
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Partners belong to a community."))
    if kind not in PartnerKind.values:
        raise ValidationFailed(_("Choose what kind of partner this is."), code="bad_kind")
    code, licence = check_identity(party_type=party_type, credit_code=credit_code, licence_no=licence_no)
    name = clean_text(name, max_length=100, field=_("Name"), required=True)
    check_partner_unique(community_id=community.pk, name=name, credit_code=code)
    return insert_partner(
        Partner(
            community=community,
            kind=kind,
            party_type=party_type,
            name=name,
            credit_code=code,
            licence_no=licence,
            contact_name=clean_text(contact_name, max_length=50, field=_("Contact person")),
            contact_phone=normalize_phone(contact_phone) if (contact_phone or "").strip() else "",
            services=clean_text(services, max_length=4000, field=_("Services offered"), required=True),
            description=clean_text(description, max_length=4000, field=_("Introduction")),
            status=PartnerStatus.APPROVED,
            created_by=user_of(actor),
        ),
        actor=actor,
    )


@transaction.atomic
def partner_update(
    *,
    actor: Scope | None,
    partner: Partner,
    services: str | None = None,
    description: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    kind: str | None = None,
) -> Partner:
    """Staff correct a partner's public description and contact. Name and credit code stay as
    reviewed; a change of legal identity is a new application."""
    require(actor, Cap.PARTNER_MANAGE, partner.community_id)
    if services is not None:
        partner.services = clean_text(services, max_length=4000, field=_("Services offered"), required=True)
    if description is not None:
        partner.description = clean_text(description, max_length=4000, field=_("Introduction"))
    if contact_name is not None:
        partner.contact_name = clean_text(contact_name, max_length=50, field=_("Contact person"))
    if contact_phone is not None:
        partner.contact_phone = normalize_phone(contact_phone) if contact_phone.strip() else ""
    if kind is not None:
        if kind not in PartnerKind.values:
            raise ValidationFailed(_("Choose what kind of partner this is."), code="bad_kind")
        partner.kind = kind
    stamp(partner, actor).save()
    return partner


@transaction.atomic
def partner_activate(*, actor: Scope | None, partner: Partner) -> Partner:
    """Approved → active; called when the partner's first agreement is signed."""
    transition(
        partner,
        entity=LogEntity.PARTNER,
        action="activate",
        allowed_from={PartnerStatus.APPROVED},
        to=PartnerStatus.ACTIVE,
        actor=actor,
        partner_id=partner.pk,
        fields={"status_changed_at": timezone.now()},
    )
    return partner


@transaction.atomic
def partner_suspend(*, actor: Scope | None, partner: Partner, reason: str) -> Partner:
    """Active → suspended: off the public pages, portal read-only in effect; bookings stay so
    that a reinstated partner keeps its rooms (an exit releases them)."""
    require(actor, Cap.PARTNER_MANAGE, partner.community_id)
    reason = require_reason(reason)
    transition(
        partner,
        entity=LogEntity.PARTNER,
        action="suspend",
        allowed_from={PartnerStatus.ACTIVE},
        to=PartnerStatus.SUSPENDED,
        actor=actor,
        partner_id=partner.pk,
        reason=reason,
        fields={"status_changed_at": timezone.now()},
    )
    return partner


@transaction.atomic
def partner_reinstate(*, actor: Scope | None, partner: Partner, reason: str = "") -> Partner:
    require(actor, Cap.PARTNER_MANAGE, partner.community_id)
    transition(
        partner,
        entity=LogEntity.PARTNER,
        action="reinstate",
        allowed_from={PartnerStatus.SUSPENDED},
        to=PartnerStatus.ACTIVE,
        actor=actor,
        partner_id=partner.pk,
        reason=(reason or "").strip(),
        fields={"status_changed_at": timezone.now()},
    )
    return partner


@transaction.atomic
def partner_exit(*, actor: Scope | None, partner: Partner, reason: str) -> Partner:
    """End the partnership: agreements in force are terminated (their future bookings released),
    drafts are cancelled, and the partner leaves the public pages. Final."""
    from partners.services.agreements import agreement_cancel, agreement_terminate, lock_partner

    require(actor, Cap.PARTNER_MANAGE, partner.community_id)
    reason = require_reason(reason)
    # The partner row first (as signing does), so that no agreement is signed while it exits.
    lock_partner(partner)
    transition(
        partner,
        entity=LogEntity.PARTNER,
        action="exit",
        allowed_from={PartnerStatus.APPROVED, PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED},
        to=PartnerStatus.EXITED,
        actor=actor,
        partner_id=partner.pk,
        reason=reason,
        fields={"status_changed_at": timezone.now()},
    )
    for agreement in partner.agreements.filter(status=AgreementStatus.SIGNED, ends_on__gte=timezone.localdate()):
        agreement_terminate(actor=actor, agreement=agreement, reason=reason)
    for agreement in partner.agreements.filter(status=AgreementStatus.DRAFT):
        agreement_cancel(actor=actor, agreement=agreement, reason=reason)
    return partner


# --- Partner staff ------------------------------------------------------------------------------


def _find_user(login: str) -> User:
    login = (login or "").strip()
    if not login:
        raise ValidationFailed(_("Give the person's username or mobile number."), code="no_login")
    user = user_for_login_name(login, active_only=True)
    if user is None:
        raise ValidationFailed(
            _("No account with the username or mobile number “%(login)s”. The person needs a login first.")
            % {"login": login},
            code="unknown_user",
        )
    return user


@transaction.atomic
def partner_member_add(
    *, actor: Scope | None, partner: Partner, login: str, role: str = MemberRole.STAFF
) -> PartnerMember:
    """Let an existing account work for the partner. The account gets the partner-staff role in
    the community (console + portal); the portal then shows this partner only."""
    require(actor, Cap.PARTNER_MANAGE, partner.community_id)
    if role not in MemberRole.values:
        raise ValidationFailed(_("Unknown role."), code="bad_role")
    if partner.status == PartnerStatus.EXITED:
        raise Conflict(_("This partner has exited."), code="partner_exited")
    user = _find_user(login)
    if user.is_superuser:
        raise Forbidden(_("A platform administrator cannot be a partner's staff member."))
    if PartnerMember.objects.filter(partner=partner, user=user).exists():
        raise Conflict(_("%(user)s already works for this partner.") % {"user": user}, code="already_member")
    member = stamp(
        PartnerMember(
            community_id=partner.community_id, partner=partner, user=user, role=role, added_by=user_of(actor)
        ),
        actor,
    )
    member.save()
    # The partners app grants the one role whose reach it narrows itself (see selectors).
    role_grant(user=user, node=partner.community, role=Role.PARTNER_STAFF, title=partner.name[:50])
    log(
        community_id=partner.community_id,
        entity=LogEntity.PARTNER,
        object_id=partner.pk,
        action="member_add",
        actor=actor,
        partner_id=partner.pk,
        reason=str(user),
    )
    return member


@transaction.atomic
def partner_member_remove(*, actor: Scope | None, member: PartnerMember) -> None:
    require(actor, Cap.PARTNER_MANAGE, member.community_id)
    partner, user = member.partner, member.user
    stamp(member, actor).delete()
    if not PartnerMember.objects.filter(user=user, community_id=partner.community_id).exists():
        for grant in RoleGrant.objects.filter(
            user=user, node_id=partner.community_id, role=Role.PARTNER_STAFF, revoked_at__isnull=True
        ):
            role_revoke(grant=grant)
    log(
        community_id=partner.community_id,
        entity=LogEntity.PARTNER,
        object_id=partner.pk,
        action="member_remove",
        actor=actor,
        partner_id=partner.pk,
        reason=str(user),
    )


# --- Evaluation and residents' ratings ---------------------------------------------------------


@transaction.atomic
def evaluation_create(
    *,
    actor: Scope | None,
    partner: Partner,
    period_start: dt.date,
    period_end: dt.date,
    staff_score: int,
    recommendation: str,
    comment: str = "",
) -> Evaluation:
    """Staff score the partner for a period; residents' ratings of the period are stored beside
    it as they stand now, so the evaluation reads the same later."""
    require(actor, Cap.PARTNER_MANAGE, partner.community_id)
    if partner.status not in (PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED):
        raise Conflict(_("Only active or suspended partners are evaluated."), code="illegal_transition")
    if not isinstance(staff_score, int) or not 1 <= staff_score <= 5:
        raise ValidationFailed(_("The score is a whole number from 1 to 5."), code="bad_score")
    if period_end < period_start:
        raise ValidationFailed(_("The period cannot end before it starts."), code="bad_dates")
    if period_end > timezone.localdate():
        raise ValidationFailed(_("Evaluate a period that has ended (or ends today)."), code="bad_dates")
    if recommendation not in Recommendation.values:
        raise ValidationFailed(_("Choose a recommendation."), code="bad_recommendation")
    ratings = rating_summary(partner=partner, start=period_start, end=period_end)
    agreement = (
        partner.agreements.filter(
            status__in=(AgreementStatus.SIGNED, AgreementStatus.TERMINATED),
            starts_on__lte=period_end,
            ends_on__gte=period_start,
        )
        .order_by("-starts_on")
        .first()
    )
    evaluation = stamp(
        Evaluation(
            community_id=partner.community_id,
            partner=partner,
            agreement=agreement,
            period_start=period_start,
            period_end=period_end,
            staff_score=staff_score,
            resident_score_x100=ratings.average_x100,
            resident_ratings=ratings.count,
            comment=clean_text(comment, max_length=4000, field=_("Comment")),
            recommendation=recommendation,
            evaluated_by=user_of(actor),
        ),
        actor,
    )
    evaluation.save()
    log(
        community_id=partner.community_id,
        entity=LogEntity.PARTNER,
        object_id=partner.pk,
        action="evaluate",
        actor=actor,
        partner_id=partner.pk,
        from_status=partner.status,
        to_status=partner.status,
        reason=f"{staff_score}/5 · {Recommendation(recommendation).label}",
    )
    return evaluation


@transaction.atomic
def rating_submit(
    *, user: User, partner: Partner, score: int, comment: str = "", today: dt.date | None = None
) -> ServiceRating:
    """A resident of the partner's community rates its services, once a month (a second rating
    in the same month replaces the first)."""
    from residents.models import Resident

    if partner.status != PartnerStatus.ACTIVE:
        raise NotFound()
    # A 403, not a 404: which partners a community has is public (its public page lists them).
    if not Resident.objects.filter(user=user, community_id=partner.community_id).exists():
        raise Forbidden(_("Only residents of this community can rate its partners."))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed(_("The rating is a whole number from 1 to 5."), code="bad_score")
    month = (today or timezone.localdate()).replace(day=1)
    rating, _created = ServiceRating.objects.update_or_create(
        partner=partner,
        rated_by=user,
        month=month,
        defaults={
            "community_id": partner.community_id,
            "score": score,
            "comment": clean_text(comment, max_length=200, field=_("Comment")),
        },
    )
    return rating
