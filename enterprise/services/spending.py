"""收支两条线 and 分级审批: income by source; spending only through approved expense requests.

Income and spending never meet: income credits an income account of its source; a payment debits
the expense account of its budget line. Neither takes a negative amount, so an income can never be
booked as negative spending (or a cost hidden as negative income).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprise import chart
from enterprise.models import (
    OPEN_STATUSES,
    Approval,
    Approver,
    BudgetLine,
    Decision,
    Enterprise,
    ExpenseRequest,
    Income,
    IncomeSource,
    RequestStatus,
    SpendingCategory,
)
from enterprise.services._common import (
    ABOVE_COMMUNITY,
    check_amount,
    check_text,
    entry_time,
    require,
    subdistrict_of,
    user_of,
)
from enterprise.services.setup import chain_for, policy_for
from ledger.money import format_fen
from ledger.services import transaction_post
from linli.errors import Conflict, Forbidden, ValidationFailed
from orgs.models import NodeKind
from orgs.roles import Cap
from orgs.scope import Scope

# --- Income -------------------------------------------------------------------------------------


@transaction.atomic
def income_record(
    *,
    actor: Scope | None,
    enterprise: Enterprise,
    source: str,
    amount_fen: int,
    received_on: dt.date,
    payer: str,
    memo: str,
    idempotency_key: str | None = None,
) -> Income:
    """Record income received, by source. Rent comes in through rent invoices instead."""
    require(actor, Cap.ENTERPRISE_MANAGE, enterprise.community_id)
    if source not in IncomeSource.values:
        raise ValidationFailed(_("Unknown source of income."), code="bad_source")
    if source == IncomeSource.RENT:
        raise ValidationFailed(
            _("Rent is recorded as payments against the partners' rent invoices."), code="rent_through_invoices"
        )
    check_amount(amount_fen)
    key = (idempotency_key or "").strip()[:100] or None
    if key:
        existing = Income.objects.filter(enterprise=enterprise, idempotency_key=key).first()
        if existing is not None:
            return existing
    payer = check_text(payer, _("Paid by"), 100)
    memo = check_text(memo, _("Memo"), 150)
    income = Income(
        community_id=enterprise.community_id,
        enterprise=enterprise,
        source=source,
        amount_fen=amount_fen,
        received_on=received_on,
        payer=payer,
        memo=memo,
        idempotency_key=key,
        created_by=user_of(actor),
    )
    income.transaction = transaction_post(
        book=enterprise.book,
        kind=chart.KIND_INCOME,
        memo=f"{IncomeSource(source).label}：{memo}"[:200],
        postings=[(chart.cash(enterprise), amount_fen), (chart.income(enterprise, source), -amount_fen)],
        occurred_at=entry_time(received_on),
        source=("enterprise.income", key) if key else None,
        recorded_by=user_of(actor),
        idempotency_key=f"enterprise-income-{key}" if key else None,
    )
    income.save()
    return income


# --- Budget use ---------------------------------------------------------------------------------


def committed_fen(*, line: BudgetLine, exclude_pk: int | None = None) -> int:
    """What the line has committed: requests waiting, approved or paid."""
    qs = ExpenseRequest.objects.filter(budget_line=line, status__in=OPEN_STATUSES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return int(qs.aggregate(total=Sum("amount_fen"))["total"] or 0)


def _normal_payee(payee: str) -> str:
    return "".join(payee.split()).lower()


def _split_check(
    *, enterprise: Enterprise, line: BudgetLine, payee: str, amount_fen: int, window_days: int, policy
) -> tuple[bool, str]:
    """Several requests to the same payee on the same line within the window, each needing fewer
    approvals than their sum would: possibly one purchase split to stay under a threshold."""
    since = timezone.now() - dt.timedelta(days=window_days)
    recent = [
        r
        for r in ExpenseRequest.objects.filter(
            enterprise=enterprise, budget_line=line, status__in=OPEN_STATUSES, created_at__gte=since
        ).order_by("created_at")
        if _normal_payee(r.payee) == _normal_payee(payee)
    ]
    if not recent:
        return False, ""
    total = amount_fen + sum(r.amount_fen for r in recent)
    alone = len(chain_for(policy=policy, amount_fen=amount_fen))
    together = len(chain_for(policy=policy, amount_fen=total))
    if together <= alone:
        return False, ""
    numbers = "、".join(r.number for r in recent)
    note = _(
        "Within %(days)s days the same payee on the same line also has %(numbers)s; together %(total)s, "
        "which would need more approvals."
    ) % {"days": window_days, "numbers": numbers, "total": format_fen(total)}
    return True, note[:300]


# --- Expense requests ---------------------------------------------------------------------------


def expense_request_create(
    *,
    actor: Scope | None,
    enterprise: Enterprise,
    category: str,
    purpose: str,
    payee: str,
    amount_fen: int,
    year: int | None = None,
    over_budget_reason: str = "",
    idempotency_key: str | None = None,
) -> ExpenseRequest:
    """Raise a request to spend against the year's budget line.

    The chain of approvers is fixed now, from the amount and the subdistrict's levels. A request
    that would take the line over its budget is refused unless ``over_budget_reason`` explains
    why (the approvers see it). Requests to the same payee on the same line within the
    subdistrict's window that together would need more approvals are flagged as a possible
    split purchase.
    """
    require(actor, Cap.ENTERPRISE_MANAGE, enterprise.community_id)
    if category not in SpendingCategory.values:
        raise ValidationFailed(_("Unknown budget line."), code="bad_category")
    check_amount(amount_fen)
    purpose = check_text(purpose, _("Purpose"), 200)
    payee = check_text(payee, _("Payee"), 100)
    reason = check_text(over_budget_reason, _("Reason for exceeding the budget"), 300, required=False)
    key = (idempotency_key or "").strip()[:100] or None
    year = year or timezone.localdate().year
    try:
        with transaction.atomic():
            return _create(
                actor=actor, enterprise=enterprise, category=category, purpose=purpose, payee=payee,
                amount_fen=amount_fen, year=year, reason=reason, key=key,
            )
    except IntegrityError:
        if key:
            existing = ExpenseRequest.objects.filter(enterprise=enterprise, idempotency_key=key).first()
            if existing is not None:
                return existing
        raise


def _create(*, actor, enterprise, category, purpose, payee, amount_fen, year, reason, key) -> ExpenseRequest:
    if key:
        existing = ExpenseRequest.objects.filter(enterprise=enterprise, idempotency_key=key).first()
        if existing is not None:
            return existing
    # The line's row lock serialises requests on one line, so two requests cannot both fit into
    # the last of its budget (or both escape the split check).
    line = (
        BudgetLine.objects.select_for_update()
        .filter(enterprise=enterprise, year=year, category=category)
        .first()
    )
    if line is None:
        raise ValidationFailed(
            _("There is no %(year)s budget for “%(line)s”. Set the budget first.")
            % {"year": year, "line": SpendingCategory(category).label},
            code="no_budget_line",
        )
    policy = policy_for(subdistrict=subdistrict_of(enterprise.community))
    used = committed_fen(line=line)
    after = used + amount_fen
    if after > line.amount_fen and not reason:
        raise Conflict(
            _(
                "This would take “%(line)s” over its budget: %(budget)s budgeted, %(used)s already committed. "
                "Give a reason to go over it, or lower the amount."
            )
            % {"line": line.get_category_display(), "budget": format_fen(line.amount_fen), "used": format_fen(used)},
            code="over_budget",
        )
    split, note = _split_check(
        enterprise=enterprise, line=line, payee=payee, amount_fen=amount_fen,
        window_days=policy.split_window_days, policy=policy,
    )
    return ExpenseRequest.objects.create(
        community_id=enterprise.community_id,
        enterprise=enterprise,
        budget_line=line,
        purpose=purpose,
        payee=payee,
        amount_fen=amount_fen,
        chain=chain_for(policy=policy, amount_fen=amount_fen),
        split_suspected=split,
        split_note=note,
        budget_alert=after * 100 >= line.amount_fen * policy.budget_alert_percent,
        over_budget_reason=reason if after > line.amount_fen else "",
        idempotency_key=key,
        created_by=user_of(actor),
    )


def approves_as(actor: Scope | None, approver: str, community) -> bool:
    """Whether ``actor`` may decide at a level of ``approver``: the party secretary holds
    ``enterprise.approve`` at the community itself; the officer and the collective decision at
    the subdistrict (or above) that the community is under."""
    if actor is None:
        return True
    grants = actor.grants_with(Cap.ENTERPRISE_APPROVE)
    if approver == Approver.PARTY_SECRETARY:
        return any(g.node_kind == NodeKind.COMMUNITY and g.node_id == community.pk for g in grants)
    return any(g.node_kind in ABOVE_COMMUNITY and community.path.startswith(g.node_path) for g in grants)


@transaction.atomic
def expense_request_decide(
    *,
    actor: Scope | None,
    request: ExpenseRequest,
    decision: str,
    note: str = "",
    meeting_date: dt.date | None = None,
    minutes_ref: str = "",
) -> ExpenseRequest:
    """The next level's decision. Levels decide in order; a rejection ends the request."""
    require(actor, Cap.ENTERPRISE_VIEW, request.community_id)
    if decision not in Decision.values:
        raise ValidationFailed(_("Approve or reject."), code="bad_decision")
    # Lock the request: two approvers deciding at once are serialised, and the second sees the
    # level already decided.
    req = ExpenseRequest.objects.select_for_update().select_related("community").get(pk=request.pk)
    if req.status != RequestStatus.PENDING:
        raise Conflict(_("This request is no longer waiting for approval."), code="not_pending")
    level = req.approved_levels + 1
    approver = req.chain[req.approved_levels]
    if not approves_as(actor, approver, req.community):
        raise Forbidden(
            _("This level is for the %(approver)s.") % {"approver": Approver(approver).label}, code="wrong_approver"
        )
    note = check_text(note, _("Note"), 300, required=decision == Decision.REJECT)
    minutes_ref = check_text(minutes_ref, _("Minutes reference"), 100, required=False)
    if approver == Approver.COLLECTIVE and decision == Decision.APPROVE:
        if meeting_date is None or not minutes_ref:
            raise ValidationFailed(
                _("A collective decision is recorded with the meeting's date and the minutes reference."),
                code="minutes_required",
            )
        if meeting_date > timezone.localdate():
            raise ValidationFailed(_("The meeting date cannot be in the future."), code="future_date")
    user = user_of(actor)
    # One person, one level: the officer who approved cannot also stand for the secretary. A
    # collective decision is the meeting's, recorded by whoever keeps the minutes.
    if (
        user is not None
        and approver != Approver.COLLECTIVE
        and req.approvals.filter(decided_by=user).exclude(approver=Approver.COLLECTIVE).exists()
    ):
        raise Conflict(_("You have already approved this request at another level."), code="same_approver")
    Approval.objects.create(
        community_id=req.community_id,
        request=req,
        level=level,
        approver=approver,
        decision=decision,
        note=note,
        meeting_date=meeting_date if approver == Approver.COLLECTIVE else None,
        minutes_ref=minutes_ref if approver == Approver.COLLECTIVE else "",
        decided_by=user,
    )
    if decision == Decision.REJECT:
        req.status = RequestStatus.REJECTED
        req.decided_at = timezone.now()
    else:
        req.approved_levels = level
        if level >= len(req.chain):
            req.status = RequestStatus.APPROVED
            req.decided_at = timezone.now()
    req.save(update_fields=["status", "approved_levels", "decided_at"])
    return req


@transaction.atomic
def expense_request_pay(
    *, actor: Scope | None, request: ExpenseRequest, paid_on: dt.date | None = None
) -> ExpenseRequest:
    """Pay an approved request: the expense account of its line up, the cash down.

    Not before the last required approval; not twice (the request's row lock and the ledger's
    idempotency key); not more than the cash the enterprise holds (the cash account is
    non-negative in the ledger)."""
    require(actor, Cap.ENTERPRISE_MANAGE, request.community_id)
    req = (
        ExpenseRequest.objects.select_for_update()
        .select_related("enterprise__book", "budget_line")
        .get(pk=request.pk)
    )
    if req.status == RequestStatus.PAID:
        return req
    if req.status != RequestStatus.APPROVED:
        waiting = req.next_approver_label
        raise Conflict(
            _("This request cannot be paid yet: it waits for the %(approver)s.") % {"approver": waiting}
            if waiting
            else _("This request cannot be paid: it is %(status)s.") % {"status": req.get_status_display()},
            code="not_approved",
        )
    enterprise = req.enterprise
    paid_on = paid_on or timezone.localdate()
    req.transaction = transaction_post(
        book=enterprise.book,
        kind=chart.KIND_EXPENSE,
        memo=f"{req.number} {req.purpose}（{req.payee}）"[:200],
        postings=[
            (chart.expense(enterprise, req.budget_line.category), req.amount_fen),
            (chart.cash(enterprise), -req.amount_fen),
        ],
        occurred_at=entry_time(paid_on),
        source=req,
        recorded_by=user_of(actor),
        idempotency_key=f"enterprise-expense-request-{req.pk}",
    )
    req.status = RequestStatus.PAID
    req.paid_at = timezone.now()
    req.paid_by = user_of(actor)
    req.save(update_fields=["transaction", "status", "paid_at", "paid_by"])
    return req


@transaction.atomic
def expense_request_cancel(*, actor: Scope | None, request: ExpenseRequest) -> ExpenseRequest:
    require(actor, Cap.ENTERPRISE_MANAGE, request.community_id)
    moved = ExpenseRequest.objects.filter(
        pk=request.pk, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]
    ).update(status=RequestStatus.CANCELLED, decided_at=timezone.now())
    if not moved:
        raise Conflict(_("Only a request not yet paid can be withdrawn."), code="not_cancellable")
    request.refresh_from_db()
    return request
