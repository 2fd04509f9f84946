"""Spending requests (用款申请): the only way money leaves the fund.

draft → voting (committee) → comment (residents) → review (charity) → approved (payments) →
reported (completion) → closed; returned to the proposer at the vote, the comment period, the
charity's review or the completion report, and resubmitted as a new voting round. Nothing is
posted to the ledger before the charity's approval; each payment posts one entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fund.models import (
    BudgetLine,
    CommitteeMember,
    DocumentKind,
    Fund,
    Payment,
    RequestStatus,
    SpendingLine,
    SpendingRequest,
    Vote,
    VoteChoice,
)
from fund.services._common import (
    as_scope,
    check_key,
    check_past,
    clean_text,
    fund_of,
    log_step,
    no_personal_data,
    positive_fen,
    require,
    require_any,
    require_reason,
    stamp,
    transition,
    user_of,
)
from fund.services.setup import active_members, check_committee_size, document_add
from ledger import chart
from ledger import services as ledger
from ledger.money import format_fen
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.models import OrgNode
from orgs.roles import Cap

S = RequestStatus
DEFAULT_COMMENT_DAYS = 7
MIN_COMMENT_DAYS = 3


@dataclass(frozen=True)
class LineIn:
    line: str
    description: str
    amount_fen: int


def _lines(lines: Any) -> list[LineIn]:
    out = []
    for item in lines or []:
        if isinstance(item, LineIn):
            out.append(item)
        elif isinstance(item, dict):
            out.append(LineIn(item.get("line", ""), item.get("description", ""), item.get("amount_fen")))
        else:
            line, description, amount = item
            out.append(LineIn(line, description, amount))
    if not out:
        raise ValidationFailed(_("Give at least one budget line."), code="no_lines")
    if len(out) > 30:
        raise ValidationFailed(_("At most 30 budget lines."), code="too_many_lines")
    for item in out:
        if item.line not in SpendingLine.values:
            raise ValidationFailed(_("Choose a budget line from the list."), code="bad_line")
        positive_fen(item.amount_fen, field=_("Amount"))
        no_personal_data(
            clean_text(item.description, max_length=200, field=_("Description"), required=True), field=_("Description")
        )
    return out


def _check_fields(
    title: str, purpose: str, beneficiaries: str, amount_fen: int, lines: list[LineIn], starts_on, ends_on
):
    title = no_personal_data(clean_text(title, max_length=100, field=_("Title"), required=True), field=_("Title"))
    purpose = no_personal_data(
        clean_text(purpose, max_length=4000, field=_("Purpose"), required=True), field=_("Purpose")
    )
    beneficiaries = no_personal_data(
        clean_text(beneficiaries, max_length=2000, field=_("Beneficiaries")), field=_("Beneficiaries")
    )
    positive_fen(amount_fen, field=_("Amount"))
    total = sum(item.amount_fen for item in lines)
    if total != amount_fen:
        raise ValidationFailed(
            _("The budget lines add up to %(lines)s, not the %(amount)s requested.")
            % {"lines": format_fen(total), "amount": format_fen(amount_fen)},
            code="lines_total",
        )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationFailed(_("The project cannot end before it starts."), code="bad_period")
    return title, purpose, beneficiaries


def _next_number(fund: Fund) -> str:
    year = timezone.localdate().year
    prefix = f"YK{year}-"
    n = SpendingRequest.objects.filter(fund=fund, number__startswith=prefix).count() + 1
    return f"{prefix}{n:03d}"


@transaction.atomic
def spending_request_propose(
    *,
    actor,
    community: OrgNode,
    title: str,
    purpose: str,
    amount_fen: int,
    lines: Any,
    beneficiaries: str = "",
    origin_type: str = "",
    origin_id: int | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    submit: bool = False,
    idempotency_key: str | None = None,
) -> SpendingRequest:
    """Draft a spending request (the community party organisation, ``fund.propose``).

    Other apps call this too: a micro-wish or a matching project passes ``origin_type`` (e.g.
    ``"matching.project"``) and ``origin_id``, kept on the request. ``lines`` is a list of
    ``LineIn``, of dicts {line, description, amount_fen} or of (line, description, amount_fen);
    their total must equal ``amount_fen``. With ``submit=True`` the draft goes straight to the
    committee's vote. A retried call with the same ``idempotency_key`` returns the first
    call's request.
    """
    actor = as_scope(actor)
    require(actor, Cap.FUND_PROPOSE, community.pk)
    fund = fund_of(community.pk)
    key = check_key(idempotency_key)
    if key:
        existing = SpendingRequest.objects.filter(fund=fund, idempotency_key=key).first()
        if existing is not None:
            return existing
    items = _lines(lines)
    title, purpose, beneficiaries = _check_fields(title, purpose, beneficiaries, amount_fen, items, starts_on, ends_on)
    # Lock the fund while numbering, so two proposals at once get different numbers.
    Fund.objects.select_for_update().get(pk=fund.pk)
    request = SpendingRequest(
        fund=fund,
        community_id=fund.community_id,
        number=_next_number(fund),
        title=title,
        purpose=purpose,
        beneficiaries=beneficiaries,
        amount_fen=amount_fen,
        starts_on=starts_on,
        ends_on=ends_on,
        origin_type=clean_text(origin_type, max_length=40, field="origin_type"),
        origin_id=origin_id,
        idempotency_key=key,
        proposed_by=user_of(actor),
    )
    stamp(request, actor).save()
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                spending_request=request, line=i.line, description=i.description.strip(), amount_fen=i.amount_fen
            )
            for i in items
        ]
    )
    log_step(request, action="propose", actor=actor, to_status=S.DRAFT)
    if submit:
        request = spending_request_submit(actor=actor, request=request)
    return request


@transaction.atomic
def spending_request_revise(
    *,
    actor,
    request: SpendingRequest,
    title: str,
    purpose: str,
    amount_fen: int,
    lines: Any,
    beneficiaries: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    reason: str = "",
) -> SpendingRequest:
    """Change a draft or a returned request before (re)submitting it."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_PROPOSE, request.community_id)
    items = _lines(lines)
    title, purpose, beneficiaries = _check_fields(title, purpose, beneficiaries, amount_fen, items, starts_on, ends_on)
    transition(
        request,
        action="revise",
        allowed_from=(S.DRAFT, S.RETURNED),
        to=request.status,
        actor=actor,
        reason=reason,
        fields=dict(
            title=title,
            purpose=purpose,
            beneficiaries=beneficiaries,
            amount_fen=amount_fen,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
    )
    request.lines.all().delete()
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                spending_request=request, line=i.line, description=i.description.strip(), amount_fen=i.amount_fen
            )
            for i in items
        ]
    )
    return request


@transaction.atomic
def spending_request_submit(*, actor, request: SpendingRequest, reason: str = "") -> SpendingRequest:
    """To the committee's vote. A resubmission after a return opens a new voting round."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_PROPOSE, request.community_id)
    size = active_members(request.fund).count()
    check_committee_size(size)
    return transition(
        request,
        action="submit" if request.round == 0 else "resubmit",
        allowed_from=(S.DRAFT, S.RETURNED),
        to=S.VOTING,
        actor=actor,
        reason=reason,
        fields=dict(round=F("round") + 1, committee_size=size, submitted_at=timezone.now()),
    )


def tally(request: SpendingRequest) -> dict[str, int]:
    votes = list(request.votes.filter(round=request.round).values_list("choice", flat=True))
    return {
        "yes": votes.count(VoteChoice.YES),
        "no": votes.count(VoteChoice.NO),
        "conflict": votes.count(VoteChoice.CONFLICT),
        "cast": len(votes),
        "size": request.committee_size,
    }


@transaction.atomic
def spending_request_vote(
    *, actor, request: SpendingRequest, choice: str, note: str = "", comment_days: int = DEFAULT_COMMENT_DAYS
) -> Vote:
    """A committee member votes once per round. A member with a conflict of interest abstains
    (``choice="conflict"``, with a note), which is recorded. The request passes when the votes
    for it are more than half of the WHOLE committee, not of those who voted; it is returned
    when a majority can no longer be reached."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_VOTE, request.community_id)
    if choice not in VoteChoice.values:
        raise ValidationFailed(_("Vote for, against, or abstain for a conflict of interest."), code="bad_choice")
    note = clean_text(note, max_length=300, field=_("Note"))
    if choice == VoteChoice.CONFLICT and len(note) < 2:
        raise ValidationFailed(_("Say what the conflict of interest is: it is recorded."), code="no_reason")
    # Lock the request: the votes of one round are counted one at a time, so the vote that
    # makes the majority is the one that moves the request on (no two both or neither).
    locked = SpendingRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != S.VOTING:
        raise Conflict(
            _("This cannot be done while the request is “%(status)s”.") % {"status": locked.get_status_display()},
            code="illegal_transition",
        )
    member = active_members(locked.fund).filter(user=user_of(actor)).first() if actor is not None else None
    if member is None:
        raise Conflict(_("Only a serving member of this fund's committee can vote."), code="not_member")
    return _cast(actor, locked, member, choice, note, comment_days)


def _cast(actor, request: SpendingRequest, member: CommitteeMember, choice: str, note: str, comment_days: int) -> Vote:
    if Vote.objects.filter(spending_request=request, round=request.round, member=member).exists():
        raise Conflict(_("You have already voted on this request."), code="already_voted")
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                spending_request=request,
                community_id=request.community_id,
                round=request.round,
                member=member,
                choice=choice,
                note=note,
            )
    except IntegrityError:
        raise Conflict(_("You have already voted on this request."), code="already_voted") from None
    log_step(request, action=f"vote_{choice}", actor=actor, from_status=S.VOTING, to_status=S.VOTING, reason=note)
    t = tally(request)
    size = t["size"]
    if t["yes"] * 2 > size:
        if comment_days < MIN_COMMENT_DAYS:
            comment_days = MIN_COMMENT_DAYS
        transition(
            request,
            action="committee_pass",
            allowed_from=(S.VOTING,),
            to=S.COMMENT,
            actor=actor,
            reason=_("%(yes)s of %(size)s members voted for it.") % t,
            fields=dict(comment_until=timezone.localdate() + dt.timedelta(days=comment_days)),
        )
    elif (t["yes"] + (size - t["cast"])) * 2 <= size:
        transition(
            request,
            action="committee_fail",
            allowed_from=(S.VOTING,),
            to=S.RETURNED,
            actor=actor,
            reason=_("Not passed: %(yes)s for, %(no)s against, %(conflict)s abstained, of %(size)s members.") % t,
        )
    return vote


@transaction.atomic
def spending_request_to_charity(
    *, actor, request: SpendingRequest, reason: str = "", today: dt.date | None = None
) -> SpendingRequest:
    """After the public-comment period has ended, the request goes to the charity.
    (``today`` is for trusted callers replaying history: the demo.)"""
    actor = as_scope(actor)
    require_any(actor, (Cap.FUND_PROPOSE, Cap.FUND_MANAGE), request.community_id)
    if today is not None and actor is not None:
        today = None
    today = today or timezone.localdate()
    if request.status == S.COMMENT and request.comment_until and today <= request.comment_until:
        raise Conflict(
            _("Residents may comment until %(date)s; the request goes to the charity after that.")
            % {"date": request.comment_until.isoformat()},
            code="comment_open",
        )
    return transition(request, action="to_charity", allowed_from=(S.COMMENT,), to=S.REVIEW, actor=actor, reason=reason)


@transaction.atomic
def spending_request_return(*, actor, request: SpendingRequest, reason: str) -> SpendingRequest:
    """Send the request back to the proposer, with reasons: the charity at its review, the
    fund's staff during the vote or the comment period (residents objected), or the charity
    when the completion report is not enough (back to ``approved``)."""
    actor = as_scope(actor)
    reason = require_reason(reason)
    if request.status == S.REVIEW:
        require(actor, Cap.FUND_APPROVE, request.community_id)
        return transition(
            request, action="charity_return", allowed_from=(S.REVIEW,), to=S.RETURNED, actor=actor, reason=reason
        )
    if request.status == S.REPORTED:
        require(actor, Cap.FUND_APPROVE, request.community_id)
        return transition(
            request, action="report_return", allowed_from=(S.REPORTED,), to=S.APPROVED, actor=actor, reason=reason
        )
    require_any(actor, (Cap.FUND_PROPOSE, Cap.FUND_MANAGE), request.community_id)
    return transition(
        request, action="return", allowed_from=(S.VOTING, S.COMMENT), to=S.RETURNED, actor=actor, reason=reason
    )


@transaction.atomic
def spending_request_withdraw(*, actor, request: SpendingRequest, reason: str) -> SpendingRequest:
    actor = as_scope(actor)
    require(actor, Cap.FUND_PROPOSE, request.community_id)
    return transition(
        request,
        action="withdraw",
        allowed_from=(S.DRAFT, S.RETURNED),
        to=S.WITHDRAWN,
        actor=actor,
        reason=require_reason(reason),
    )


@transaction.atomic
def spending_request_approve(
    *, actor, request: SpendingRequest, reason: str = "", approved_fen: int | None = None
) -> SpendingRequest:
    """The charity's officer approves (possibly a smaller amount than asked). Only now may money
    move, and never more than ``approved_fen``."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_APPROVE, request.community_id)
    amount = request.amount_fen if approved_fen is None else positive_fen(approved_fen, field=_("Approved amount"))
    if amount > request.amount_fen:
        raise ValidationFailed(_("The charity cannot approve more than was requested."), code="approve_more")
    return transition(
        request,
        action="charity_approve",
        allowed_from=(S.REVIEW,),
        to=S.APPROVED,
        actor=actor,
        reason=reason,
        fields=dict(approved_fen=amount, approved_at=timezone.now()),
    )


@transaction.atomic
def payment_record(
    *,
    actor,
    request: SpendingRequest,
    amount_fen: int,
    line: str,
    payee: str,
    memo: str,
    invoice,
    paid_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Payment:
    """Disburse part or all of an approved request, with its invoice or receipt.

    Everything in one database transaction: the request's paid amount grows by a conditional
    UPDATE that keeps it within the approved amount, then the ledger entry takes the money from
    the fund's cash, whose balance the ledger keeps non-negative. Two payments racing for the
    last yuan: on PostgreSQL the second UPDATE waits for the first to commit and re-checks, so
    one of them is refused and nothing of it stays (no posting, no payment, paid amount as it
    was). ``invoice`` is an uploaded file or a fund Document already kept.
    """
    actor = as_scope(actor)
    require(actor, Cap.FUND_DISBURSE, request.community_id)
    idempotency_key = check_key(idempotency_key)
    if idempotency_key:
        existing = Payment.objects.filter(spending_request=request, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    positive_fen(amount_fen, field=_("Amount"))
    if line not in request.lines.values_list("line", flat=True):
        raise ValidationFailed(_("Pay against one of the request's budget lines."), code="bad_line")
    payee = no_personal_data(clean_text(payee, max_length=100, field=_("Payee"), required=True), field=_("Payee"))
    memo = no_personal_data(clean_text(memo, max_length=200, field=_("Memo"), required=True), field=_("Memo"))
    paid_at = check_past(paid_at, field=_("Paid at"))
    if request.status != S.APPROVED:
        raise Conflict(
            _("Money is paid only on an approved request; this one is “%(status)s”.")
            % {"status": request.get_status_display()},
            code="not_approved",
        )
    if invoice is None:
        raise ValidationFailed(_("Attach the invoice or receipt for this payment."), code="no_invoice")
    if not hasattr(invoice, "sha256"):
        invoice = document_add(
            actor=actor,
            fund=request.fund,
            upload=invoice,
            kind=DocumentKind.INVOICE,
            title=memo,
            spending_request=request,
            public=True,
            cap=Cap.FUND_DISBURSE,
        )
    elif invoice.spending_request_id != request.pk:
        raise ValidationFailed(_("The invoice must belong to this request."), code="bad_invoice")
    grew = SpendingRequest.objects.filter(
        pk=request.pk, status=S.APPROVED, paid_fen__lte=F("approved_fen") - amount_fen
    ).update(paid_fen=F("paid_fen") + amount_fen)
    if not grew:
        request.refresh_from_db()
        if request.status != S.APPROVED:
            raise Conflict(
                _("Someone changed this request a moment ago. Reload the page and try again."), code="changed_meanwhile"
            )
        raise Conflict(
            _("This payment would exceed the approved amount: %(left)s of %(approved)s is left to pay.")
            % {"left": format_fen(request.approved_fen - request.paid_fen), "approved": format_fen(request.approved_fen)},
            code="over_approved",
        )
    community = request.community
    label = dict(SpendingLine.choices)[line]
    txn = ledger.transaction_post(
        book=ledger.book_for_community(community=community),
        kind="fund.spending",
        memo=f"{request.number} {memo}"[:200],
        postings=[
            (chart.fund_spending(community, line, str(label)), amount_fen),
            (chart.fund_cash(community), -amount_fen),
        ],
        occurred_at=paid_at,
        source=("fund.spendingrequest", request.pk),
        recorded_by=user_of(actor),
        idempotency_key=f"fund-payment-{request.pk}-{idempotency_key}" if idempotency_key else None,
    )
    payment = Payment.objects.create(
        spending_request=request,
        community_id=request.community_id,
        line=line,
        payee=payee,
        amount_fen=amount_fen,
        paid_at=paid_at,
        memo=memo,
        invoice=invoice,
        transaction_id=txn.pk,
        idempotency_key=idempotency_key,
        recorded_by=user_of(actor),
    )
    request.refresh_from_db()
    log_step(
        request, action="pay", actor=actor, from_status=S.APPROVED, to_status=S.APPROVED, reason=f"{memo} {amount_fen}"
    )
    return payment


@transaction.atomic
def spending_request_report(
    *, actor, request: SpendingRequest, text: str, figures: dict | None = None, photos: list | tuple = ()
) -> SpendingRequest:
    """The completion report: what was done, with figures (people served, items bought…) and
    photos. Needs at least one payment."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_PROPOSE, request.community_id)
    text = no_personal_data(
        clean_text(text, max_length=4000, field=_("Completion report"), required=True), field=_("Completion report")
    )
    clean_figures: dict[str, Any] = {}
    for key, value in (figures or {}).items():
        k = clean_text(str(key), max_length=50, field=_("Figure"))
        if k and isinstance(value, int | float) and not isinstance(value, bool):
            clean_figures[k] = value
    if request.status == S.APPROVED and not request.payments.exists():
        raise Conflict(_("Record at least one payment before reporting completion."), code="no_payment")
    request = transition(
        request,
        action="report",
        allowed_from=(S.APPROVED,),
        to=S.REPORTED,
        actor=actor,
        reason=text[:300],
        fields=dict(report_text=text, report_figures=clean_figures),
    )
    for photo in photos:
        document_add(
            actor=actor,
            fund=request.fund,
            upload=photo,
            kind=DocumentKind.PHOTO,
            title=request.title,
            spending_request=request,
            public=True,
            cap=Cap.FUND_PROPOSE,
        )
    return request


@transaction.atomic
def spending_request_close(*, actor, request: SpendingRequest, reason: str = "") -> SpendingRequest:
    """The charity accepts the completion report and closes the request. What was approved and
    not paid stays in the fund."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_APPROVE, request.community_id)
    return transition(
        request,
        action="close",
        allowed_from=(S.REPORTED,),
        to=S.CLOSED,
        actor=actor,
        reason=reason,
        fields=dict(closed_at=timezone.now()),
    )


def request_get(*, community_id: int, pk: int) -> SpendingRequest:
    request = SpendingRequest.objects.filter(community_id=community_id, pk=pk).first()
    if request is None:
        raise NotFound()
    return request
