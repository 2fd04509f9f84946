"""Setting an enterprise up: the enterprise and its book, its rules, its budget, and the
subdistrict's approval policy."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from enterprise.models import (
    ApprovalLevel,
    ApprovalPolicy,
    Approver,
    BudgetLine,
    DocumentKind,
    Enterprise,
    EnterpriseDocument,
    SpendingCategory,
)
from enterprise.services._common import ABOVE_COMMUNITY, check_text, require, subdistrict_of, user_of
from ledger.services import book_for_enterprise
from linli.errors import Conflict, Forbidden, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope

# 沙坪街道's financial management rule: under ¥1,000 the community party secretary; from
# ¥1,000 to ¥10,000 also the subdistrict officer; above ¥10,000 also the subdistrict's
# collective decision (a meeting, recorded with its date and minutes).
DEFAULT_LEVELS = (
    (Approver.PARTY_SECRETARY, 0),
    (Approver.SUBDISTRICT_OFFICER, 100_000),
    (Approver.COLLECTIVE, 1_000_001),
)


def policy_for(*, subdistrict: OrgNode) -> ApprovalPolicy:
    """The subdistrict's policy, created with the default levels on first use."""
    if subdistrict.kind != NodeKind.SUBDISTRICT:
        raise ValidationFailed(_("Approval levels are set per subdistrict."), code="not_a_subdistrict")
    policy = ApprovalPolicy.objects.filter(subdistrict=subdistrict).first()
    if policy is not None:
        return policy
    try:
        with transaction.atomic():
            policy = ApprovalPolicy.objects.create(subdistrict=subdistrict)
            ApprovalLevel.objects.bulk_create(
                ApprovalLevel(policy=policy, position=i, approver=a, from_fen=f)
                for i, (a, f) in enumerate(DEFAULT_LEVELS, start=1)
            )
    except IntegrityError:  # created by a concurrent first use
        policy = ApprovalPolicy.objects.get(subdistrict=subdistrict)
    return policy


def can_edit_policy(actor: Scope | None, subdistrict: OrgNode) -> bool:
    """Staff of the subdistrict (org managers holding a grant at or above it) edit its levels."""
    if actor is None or actor.is_platform_admin:
        return True
    return any(
        g.node_kind in ABOVE_COMMUNITY and subdistrict.path.startswith(g.node_path)
        for g in actor.grants_with(Cap.ORG_MANAGE)
    )


@transaction.atomic
def policy_update(
    *,
    actor: Scope | None,
    subdistrict: OrgNode,
    split_window_days: int,
    answer_days: int,
    budget_alert_percent: int,
    levels: list[tuple[str, int]],
) -> ApprovalPolicy:
    """Replace the subdistrict's thresholds. ``levels``: (approver, from fen) in approval order.

    Requests already raised keep the chain they were raised with."""
    if not can_edit_policy(actor, subdistrict):
        raise Forbidden()
    if not 1 <= split_window_days <= 366:
        raise ValidationFailed(_("The split purchase window is 1 to 366 days."), code="bad_window")
    if not 1 <= answer_days <= 90:
        raise ValidationFailed(_("The time to answer is 1 to 90 days."), code="bad_answer_days")
    if not 1 <= budget_alert_percent <= 100:
        raise ValidationFailed(_("The budget alert is a percentage from 1 to 100."), code="bad_alert")
    if not levels:
        raise ValidationFailed(_("At least one approval level is needed."), code="no_levels")
    if levels[0][1] != 0:
        raise ValidationFailed(_("The first level must apply from ¥0, so every request is approved."), code="bad_levels")
    previous = -1
    for approver, from_fen in levels:
        if approver not in Approver.values:
            raise ValidationFailed(_("Unknown approver."), code="bad_levels")
        if from_fen <= previous:
            raise ValidationFailed(_("Each level must start above the one before it."), code="bad_levels")
        previous = from_fen
    policy = policy_for(subdistrict=subdistrict)
    policy = ApprovalPolicy.objects.select_for_update().get(pk=policy.pk)
    policy.split_window_days = split_window_days
    policy.answer_days = answer_days
    policy.budget_alert_percent = budget_alert_percent
    policy.updated_by = user_of(actor)
    policy.save()
    policy.levels.all().delete()
    ApprovalLevel.objects.bulk_create(
        ApprovalLevel(policy=policy, position=i, approver=a, from_fen=f) for i, (a, f) in enumerate(levels, start=1)
    )
    return policy


def chain_for(*, policy: ApprovalPolicy, amount_fen: int) -> list[str]:
    """The approvers an amount needs, in order: every level whose threshold it reaches."""
    return [lv.approver for lv in policy.levels.order_by("position") if amount_fen >= lv.from_fen]


@transaction.atomic
def enterprise_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    name: str,
    credit_code: str = "",
    legal_representative: str = "",
    bookkeeping_agency: str = "",
) -> Enterprise:
    """Register the community's enterprise and open its book. One per community."""
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("An enterprise belongs to a community."), code="not_a_community")
    require(actor, Cap.ENTERPRISE_MANAGE, community.pk)
    name = check_text(name, _("Name"), 100)
    if Enterprise.objects.filter(community=community).exists():
        raise Conflict(_("%(community)s already has a community enterprise.") % {"community": community.name})
    policy_for(subdistrict=subdistrict_of(community))
    book = book_for_enterprise(community=community, name=name)
    return Enterprise.objects.create(
        community=community,
        name=name,
        credit_code=check_text(credit_code, _("Credit code"), 18, required=False),
        legal_representative=check_text(legal_representative, _("Legal representative"), 50, required=False),
        bookkeeping_agency=check_text(bookkeeping_agency, _("Bookkeeping agency"), 100, required=False),
        book=book,
        created_by=user_of(actor),
    )


@transaction.atomic
def enterprise_update(
    *, actor: Scope | None, enterprise: Enterprise, name: str, credit_code: str, legal_representative: str,
    bookkeeping_agency: str,
) -> Enterprise:
    require(actor, Cap.ENTERPRISE_MANAGE, enterprise.community_id)
    enterprise.name = check_text(name, _("Name"), 100)
    enterprise.credit_code = check_text(credit_code, _("Credit code"), 18, required=False)
    enterprise.legal_representative = check_text(legal_representative, _("Legal representative"), 50, required=False)
    enterprise.bookkeeping_agency = check_text(bookkeeping_agency, _("Bookkeeping agency"), 100, required=False)
    enterprise.save()
    return enterprise


@transaction.atomic
def document_add(
    *, actor: Scope | None, enterprise: Enterprise, kind: str, title: str, body: str = "", file=None, adopted_on=None
) -> EnterpriseDocument:
    require(actor, Cap.ENTERPRISE_MANAGE, enterprise.community_id)
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Unknown kind of document."), code="bad_kind")
    if not (body or "").strip() and file is None:
        raise ValidationFailed(_("Give the text of the document or attach the file."), code="empty_document")
    if file is not None and getattr(file, "size", 0) > 10 * 1024 * 1024:
        raise ValidationFailed(_("The file is larger than 10 MB."), code="file_too_large")
    return EnterpriseDocument.objects.create(
        community_id=enterprise.community_id,
        enterprise=enterprise,
        kind=kind,
        title=check_text(title, _("Title"), 120),
        body=(body or "").strip(),
        file=file or "",
        adopted_on=adopted_on,
        created_by=user_of(actor),
    )


@transaction.atomic
def budget_set(
    *, actor: Scope | None, enterprise: Enterprise, year: int, category: str, amount_fen: int, note: str = ""
) -> BudgetLine:
    """Set the year's budget for a line (create or change it). The budget may not be set below
    what the line has already committed."""
    require(actor, Cap.ENTERPRISE_MANAGE, enterprise.community_id)
    if category not in SpendingCategory.values:
        raise ValidationFailed(_("Unknown budget line."), code="bad_category")
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("Give the year, e.g. 2026."), code="bad_year")
    if not isinstance(amount_fen, int) or amount_fen < 0:
        raise ValidationFailed(_("The budget cannot be negative."), code="bad_amount")
    line = (
        BudgetLine.objects.select_for_update()
        .filter(enterprise=enterprise, year=year, category=category)
        .first()
    )
    if line is None:
        return BudgetLine.objects.create(
            community_id=enterprise.community_id,
            enterprise=enterprise,
            year=year,
            category=category,
            amount_fen=amount_fen,
            note=check_text(note, _("Note"), 200, required=False),
        )
    from enterprise.services.spending import committed_fen

    used = committed_fen(line=line)
    if amount_fen < used:
        raise Conflict(
            _("The line has already committed %(used)s; the budget cannot be lower.") % {"used": _yuan(used)},
            code="budget_below_committed",
        )
    line.amount_fen = amount_fen
    line.note = check_text(note, _("Note"), 200, required=False)
    line.save()
    return line


def _yuan(fen: int) -> str:
    from ledger.money import format_fen

    return format_fen(fen)
