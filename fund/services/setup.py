"""Setting a fund up under the charity's agreement, its committee, and its documents."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fund.models import CommitteeMember, Document, DocumentKind, Fund, SpendingRequest
from fund.services._common import as_scope, clean_text, name_of, require, stamp, user_of
from ledger import chart
from linli.errors import Conflict, ValidationFailed
from orgs.models import NodeKind, OrgNode, RoleGrant
from orgs.roles import Cap, Role
from orgs.scope import Scope
from orgs.services import role_grant, role_revoke

MIN_COMMITTEE = 3


@dataclass(frozen=True)
class MemberIn:
    """A person joining the committee: their login, how they are named, and their term."""

    user: object
    term_start: dt.date
    term_end: dt.date
    name: str = ""
    title: str = ""
    is_chair: bool = False


def check_committee_size(n: int) -> None:
    """At least three members and an odd number, so a vote of the whole committee cannot tie."""
    if n < MIN_COMMITTEE or n % 2 == 0:
        raise ValidationFailed(
            _(
                "The fund committee must have at least 3 members and an odd number of them; "
                "this change would leave %(n)s."
            )
            % {"n": n},
            code="committee_size",
            details={"members": n},
        )


def _check_member(m: MemberIn) -> None:
    if m.user is None:
        raise ValidationFailed(_("Each committee member needs a login."), code="member_login")
    if m.term_end < m.term_start:
        raise ValidationFailed(_("A member's term cannot end before it starts."), code="bad_term")


def _grant_vote(fund: Fund, user) -> None:
    # The committee is what gives a person the vote: membership grants the committee role in
    # the community (and leaving revokes it), so the fund's staff do not also need the org
    # administrator to do it.
    role_grant(user=user, node=fund.community, role=Role.FUND_COMMITTEE, title=str(_("Fund committee member")))


def _revoke_vote(fund: Fund, user) -> None:
    for grant in RoleGrant.objects.filter(
        user=user, node=fund.community, role=Role.FUND_COMMITTEE, revoked_at__isnull=True
    ).select_related("node"):
        role_revoke(grant=grant)


def _add(fund: Fund, m: MemberIn, actor: Scope | None) -> CommitteeMember:
    _check_member(m)
    member = CommitteeMember(
        fund=fund,
        community_id=fund.community_id,
        user=m.user,
        name=clean_text(m.name or name_of(m.user), max_length=50, field=_("Name"), required=True),
        title=clean_text(m.title, max_length=100, field=_("Title")),
        is_chair=m.is_chair,
        term_start=m.term_start,
        term_end=m.term_end,
    )
    try:
        with transaction.atomic():
            stamp(member, actor).save()
    except IntegrityError:
        raise Conflict(
            _("%(name)s is already on the committee.") % {"name": member.name}, code="already_member"
        ) from None
    _grant_vote(fund, m.user)
    return member


@transaction.atomic
def fund_create(
    *,
    actor,
    community: OrgNode,
    name: str = "",
    charity_name: str,
    charity_registration_no: str,
    charity_public_fundraising: bool,
    agreement_date: dt.date,
    agreement_no: str = "",
    purpose: str = "",
    members: list[MemberIn],
) -> Fund:
    """Set up the community's fund with its first committee, in one step: a fund never exists
    without a committee that satisfies the rule."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_MANAGE, community.pk)
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("A development fund belongs to a community."), code="not_community")
    if Fund.objects.filter(community=community).exists():
        raise Conflict(_("This community already has a development fund."), code="fund_exists")
    if not charity_public_fundraising:
        raise ValidationFailed(
            _("The hosting charity must hold public-fundraising status: only such a charity may hold the fund."),
            code="charity_status",
        )
    if agreement_date > timezone.localdate():
        raise ValidationFailed(_("The agreement date cannot be in the future."), code="future")
    check_committee_size(len(members))
    if sum(1 for m in members if m.is_chair) != 1:
        raise ValidationFailed(_("Name exactly one chair of the committee."), code="chair")
    fund = Fund(
        community=community,
        name=clean_text(name, max_length=100, field=_("Name")) or f"{community.name}发展基金",
        charity_name=clean_text(charity_name, max_length=100, field=_("Hosting charity"), required=True),
        charity_registration_no=clean_text(
            charity_registration_no, max_length=40, field=_("Charity's registration number"), required=True
        ),
        charity_public_fundraising=True,
        agreement_no=clean_text(agreement_no, max_length=60, field=_("Agreement number")),
        agreement_date=agreement_date,
        purpose=clean_text(purpose, max_length=4000, field=_("Purpose")),
        created_by=user_of(actor),
    )
    try:
        with transaction.atomic():
            stamp(fund, actor).save()
    except IntegrityError:
        raise Conflict(_("This community already has a development fund."), code="fund_exists") from None
    for m in members:
        _add(fund, m, actor)
    # Open the fund's accounts now, so the public page shows zeros rather than nothing.
    chart.fund_cash(community)
    return fund


def active_members(fund: Fund):
    return fund.members.filter(left_on__isnull=True)


@transaction.atomic
def committee_change(
    *,
    actor,
    fund: Fund,
    add: list[MemberIn] | tuple = (),
    remove: list[CommitteeMember] | tuple = (),
    chair: CommitteeMember | None = None,
    reason: str = "",
) -> list[CommitteeMember]:
    """Members join and leave in one step, so a leave that would break the rule can be paired
    with a replacement. The resulting committee must have at least 3 members, an odd number,
    and one chair; otherwise nothing changes."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_MANAGE, fund.community_id)
    # Lock the fund: two changes at once must not each see a valid committee and together
    # leave an invalid one.
    Fund.objects.select_for_update().get(pk=fund.pk)
    current = {m.pk: m for m in active_members(fund)}
    for m in remove:
        if m.pk not in current:
            raise ValidationFailed(_("%(name)s is not on the committee.") % {"name": m.name}, code="not_member")
    remaining = [m for pk, m in current.items() if pk not in {r.pk for r in remove}]
    check_committee_size(len(remaining) + len(add))
    chairs = [m for m in remaining if m.is_chair] + [m for m in add if m.is_chair]
    if chair is not None:
        if chair.pk not in {m.pk for m in remaining}:
            raise ValidationFailed(_("The new chair must be a serving member."), code="chair")
        chairs = [chair] + [m for m in add if m.is_chair]
    if len(chairs) != 1:
        raise ValidationFailed(_("The committee needs exactly one chair."), code="chair")
    if (remove or chair is not None) and not (reason or "").strip():
        raise ValidationFailed(_("Give a reason: it is kept in the committee's record."), code="no_reason")
    today = timezone.localdate()
    for m in remove:
        m.left_on = today
        m.left_reason = (reason or "").strip()[:300]
        m.is_chair = False
        stamp(m, actor).save(update_fields=["left_on", "left_reason", "is_chair"])
        if not active_members(fund).filter(user=m.user).exists():
            _revoke_vote(fund, m.user)
    if chair is not None:
        for m in remaining:
            if m.is_chair and m.pk != chair.pk:
                m.is_chair = False
                stamp(m, actor).save(update_fields=["is_chair"])
        chair.is_chair = True
        stamp(chair, actor).save(update_fields=["is_chair"])
    added = [_add(fund, m, actor) for m in add]
    return added


def committee_member_leave(*, actor, member: CommitteeMember, reason: str, replacement: MemberIn | None = None):
    """A member leaves (optionally replaced in the same step). Refused if the committee would
    fall below 3 or to an even number."""
    return committee_change(
        actor=actor, fund=member.fund, remove=[member], add=[replacement] if replacement else [], reason=reason
    )


# --- Documents --------------------------------------------------------------------------------


def _check_upload(upload: UploadedFile):
    from partners.services.recruitment import check_documents

    return check_documents([upload])[0]


@transaction.atomic
def document_add(
    *,
    actor,
    fund: Fund,
    upload: UploadedFile,
    kind: str,
    title: str = "",
    spending_request: SpendingRequest | None = None,
    public: bool | None = None,
    cap: str = Cap.FUND_MANAGE,
) -> Document:
    """Keep a file with the fund (PDF, JPEG or PNG; checked by its first bytes)."""
    actor = as_scope(actor)
    require(actor, cap, fund.community_id)
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Choose what kind of document this is."), code="bad_kind")
    checked = _check_upload(upload)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    if public is None:
        # Invoices behind payments and completion photos are disclosed; agreements are not.
        public = kind in (DocumentKind.INVOICE, DocumentKind.PHOTO, DocumentKind.REPORT)
    doc = Document(
        fund=fund,
        community_id=fund.community_id,
        spending_request=spending_request,
        kind=kind,
        title=clean_text(title, max_length=200, field=_("Title")),
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
        public=public,
        uploaded_by=user_of(actor),
    )
    doc.file.save(checked.name, upload, save=False)
    doc.save()
    return doc
