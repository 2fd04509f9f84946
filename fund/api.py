"""The fund's JSON API: the same selectors and services as the pages, thin.

``/public/…`` answers without logging in and shows only what is disclosed (the figures read
from the ledger, requests once submitted, donors by name or "anonymous"). Residents comment
and ask with their own login; staff, committee members, the charity's officer and auditors use
the rest with the capability each operation names.
"""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from accounts import reauth
from accounts.selectors import user_for_login_name
from fund import disclosure, figures, selectors, services
from fund.audit import audit_export
from fund.models import DisclosureReport, RequestStatus
from fund.pdf import receipt_pdf, report_pdf
from fund.workbook import report_xlsx
from linli.errors import NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.selectors import community_get_for_user

router = Router(tags=["fund"])


# --- Schemas -----------------------------------------------------------------------------------


class FundMemberOut(Schema):
    id: int
    name: str
    title: str
    is_chair: bool
    term_start: dt.date
    term_end: dt.date
    left_on: dt.date | None


class FundMemberIn(Schema):
    username: str
    term_start: dt.date
    term_end: dt.date
    name: str = ""
    title: str = ""
    is_chair: bool = False


class FundOut(Schema):
    id: int
    community_id: int
    name: str
    charity_name: str
    charity_registration_no: str
    charity_public_fundraising: bool
    agreement_no: str
    agreement_date: dt.date
    purpose: str
    members: list[FundMemberOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.filter(left_on__isnull=True))


class FundIn(Schema):
    community_id: int
    name: str = ""
    charity_name: str
    charity_registration_no: str
    charity_public_fundraising: bool
    agreement_date: dt.date
    agreement_no: str = ""
    purpose: str = ""
    members: list[FundMemberIn]


class CommitteeIn(Schema):
    add: list[FundMemberIn] = []
    remove: list[int] = []
    chair_id: int | None = None
    reason: str = ""


class FundFiguresOut(Schema):
    cash: int
    goods: int
    receivable: int
    income: dict[str, int]
    income_total: int
    spending: dict[str, int]
    spending_total: int
    monthly_income: dict[str, dict[str, int]]


class ChainOut(Schema):
    ok: bool
    last_seq: int
    last_hash: str
    first_broken_seq: int | None


class OverdueOut(Schema):
    spending_request_id: int
    what: str
    due_on: dt.date
    label: str


class FundDashboardOut(Schema):
    fund: FundOut
    figures: FundFiguresOut
    chain: ChainOut
    overdue: list[OverdueOut]


class LineSchema(Schema):
    line: str
    description: str
    amount_fen: int


class VoteOut(Schema):
    round: int
    member: str
    choice: str
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_member(obj) -> str:
        return obj.member.name


class StepOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor_name: str
    reason: str
    created_at: dt.datetime


class FundPaymentOut(Schema):
    id: int
    line: str
    payee: str
    amount_fen: int
    paid_at: dt.datetime
    memo: str
    invoice_url: str
    transaction_id: int

    @staticmethod
    def resolve_invoice_url(obj) -> str:
        from django.urls import reverse

        return reverse("fund_public:document", args=[obj.invoice.token])


class CommentOut(Schema):
    author_label: str
    text: str
    created_at: dt.datetime


class FundQuestionOut(Schema):
    id: int
    spending_request_id: int | None
    report_id: int | None
    author_label: str
    text: str
    answer: str
    answered_at: dt.datetime | None
    created_at: dt.datetime


class FundRequestOut(Schema):
    id: int
    community_id: int
    number: str
    title: str
    purpose: str
    beneficiaries: str
    amount_fen: int
    approved_fen: int
    paid_fen: int
    status: str
    round: int
    committee_size: int
    comment_until: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    origin_type: str
    origin_id: int | None
    report_text: str
    report_figures: dict
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    closed_at: dt.datetime | None
    lines: list[LineSchema]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class RequestDetailOut(FundRequestOut):
    votes: list[VoteOut]
    steps: list[StepOut]
    payments: list[FundPaymentOut]
    comments: list[CommentOut]
    questions: list[FundQuestionOut]
    tally: dict

    @staticmethod
    def resolve_votes(obj) -> list:
        return list(obj.votes.all())

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())

    @staticmethod
    def resolve_payments(obj) -> list:
        return list(obj.payments.all())

    @staticmethod
    def resolve_comments(obj) -> list:
        return list(obj.comments.all())

    @staticmethod
    def resolve_questions(obj) -> list:
        return list(obj.questions.all())

    @staticmethod
    def resolve_tally(obj) -> dict:
        return services.tally(obj) if obj.round else {}


class PublicStepOut(Schema):
    """A step as the public sees it: what happened, when and why; not which employee did it."""

    action: str
    from_status: str
    to_status: str
    reason: str
    created_at: dt.datetime


class PublicRequestDetailOut(RequestDetailOut):
    steps: list[PublicStepOut]


class FundRequestIn(Schema):
    community_id: int
    title: str
    purpose: str
    beneficiaries: str = ""
    amount_fen: int
    lines: list[LineSchema]
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    submit: bool = False


class RequestUpdate(Schema):
    title: str
    purpose: str
    beneficiaries: str = ""
    amount_fen: int
    lines: list[LineSchema]
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    reason: str = ""


class FundReasonIn(Schema):
    reason: str = ""


class VoteIn(Schema):
    choice: str
    note: str = ""


class ApproveIn(Schema):
    reason: str = ""
    approved_fen: int | None = None
    # Needed unless this session confirmed the password in the last minutes (token calls: always).
    password: str | None = None
    otp_code: str | None = None


class FundDonationOut(Schema):
    id: int
    kind: str
    donor_kind: str
    donor_name: str
    anonymous: bool
    amount_fen: int
    goods: str
    quantity: int | None
    restriction: str
    receipt_no: str
    received_at: dt.datetime
    receipt_url: str
    transaction_id: int

    @staticmethod
    def resolve_receipt_url(obj) -> str:
        from django.urls import reverse

        return reverse("fund_public:receipt", args=[obj.token])


class FundDonationIn(Schema):
    donor_name: str
    donor_kind: str
    amount_fen: int
    kind: str = "money"
    anonymous: bool = False
    restriction: str = ""
    goods: str = ""
    quantity: int | None = None
    receipt_no: str = ""
    received_at: dt.datetime | None = None
    memo: str = ""


class FundIncomeOut(Schema):
    id: int
    kind: str
    source: str
    payer: str
    amount_fen: int
    received_at: dt.datetime
    memo: str
    transaction_id: int


class FundIncomeIn(Schema):
    source: str
    amount_fen: int
    payer: str
    memo: str
    partner_id: int | None = None
    settlement: bool = False
    received_at: dt.datetime | None = None


class FundDocumentOut(Schema):
    id: int
    kind: str
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    public: bool
    spending_request_id: int | None
    uploaded_at: dt.datetime


class CorrectionOut(Schema):
    text: str
    published_at: dt.datetime


class FundReportOut(Schema):
    id: int
    kind: str
    spending_request_id: int | None
    period_start: dt.date
    period_end: dt.date
    final: bool
    head_seq: int
    head_hash: str
    published_at: dt.datetime
    corrections: list[CorrectionOut]

    @staticmethod
    def resolve_corrections(obj) -> list:
        return list(obj.corrections.all())


class ReportDetailOut(FundReportOut):
    data: dict


class ReportIn(Schema):
    kind: str
    period_start: dt.date | None = None
    spending_request_id: int | None = None
    final: bool = False


class CorrectionIn(Schema):
    text: str


class CommentIn(Schema):
    text: str


class FundQuestionIn(Schema):
    text: str
    spending_request_id: int | None = None
    report_id: int | None = None


class FundAnswerIn(Schema):
    answer: str


class CommunityQuery(Schema):
    community_id: int


class StatusQuery(Schema):
    status: str = ""


class PeriodQuery(Schema):
    start: dt.date
    end: dt.date


class PublicFundOut(Schema):
    community_id: int
    community: str
    name: str
    charity_name: str


class PublicDonationOut(Schema):
    donor: str
    kind: str
    amount_fen: int
    goods: str
    quantity: int | None
    restriction: str
    received_on: dt.date


class PublicRequestOut(Schema):
    id: int
    number: str
    title: str
    status: str
    amount_fen: int
    approved_fen: int
    paid_fen: int


class PublicDisclosureOut(Schema):
    fund: PublicFundOut
    figures: FundFiguresOut
    chain: ChainOut
    requests: list[PublicRequestOut]
    donations: list[PublicDonationOut]
    reports: list[FundReportOut]
    questions: list[FundQuestionOut]


class FundStatementOut(Schema):
    receipt: PublicDonationOut
    receipt_no: str
    donor_name: str
    months: list[dict]


# --- helpers ------------------------------------------------------------------------------------


def _idem(request) -> str | None:
    return request.headers.get("Idempotency-Key") or None


def _figures_out(f) -> FundFiguresOut:
    return FundFiguresOut(**{k: v for k, v in f.as_dict().items() if k in FundFiguresOut.model_fields})


def _chain_out(c) -> ChainOut:
    return ChainOut(ok=c.ok, last_seq=c.last_seq, last_hash=c.last_hash, first_broken_seq=c.first_broken_seq)


def _public_donation(d) -> PublicDonationOut:
    return PublicDonationOut(
        donor=d.public_donor, kind=d.kind, amount_fen=d.amount_fen, goods=d.goods, quantity=d.quantity,
        restriction=d.restriction, received_on=d.received_at.date(),
    )


def _members(items: list[FundMemberIn]) -> list[services.MemberIn]:
    out = []
    for m in items:
        user = user_for_login_name(m.username)
        if user is None:
            raise ValidationFailed(f"{m.username}: " + str(_no_login()), code="member_login")
        out.append(services.MemberIn(user=user, term_start=m.term_start, term_end=m.term_end, name=m.name, title=m.title, is_chair=m.is_chair))
    return out


def _no_login():
    from django.utils.translation import gettext as _

    return _("There is no login with this name.")


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"inline; filename={name}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Public: no login ------------------------------------------------------------------------


@router.get("/public/funds", auth=None, response=list[PublicFundOut], summary="Communities with a development fund (public)")
def public_fund_list(request):
    return [
        PublicFundOut(community_id=f.community_id, community=f.community.name, name=f.name, charity_name=f.charity_name)
        for f in selectors.public_funds()
    ]


@router.get("/public/funds/{community_id}", auth=None, response=PublicDisclosureOut, summary="A fund's disclosure (public)")
def public_fund_detail(request, community_id: int):
    fund = selectors.public_fund_get(community_id=community_id)
    f = figures.current(fund.community)
    f.monthly_income = figures.last_months(fund.community).monthly_income
    return PublicDisclosureOut(
        fund=PublicFundOut(community_id=fund.community_id, community=fund.community.name, name=fund.name, charity_name=fund.charity_name),
        figures=_figures_out(f),
        chain=_chain_out(figures.chain_check(fund.community)),
        requests=[PublicRequestOut.from_orm(r) for r in selectors.public_requests(fund=fund)[:500]],
        donations=[_public_donation(d) for d in selectors.public_donations(fund=fund)[:500]],
        reports=list(selectors.public_reports(fund=fund)[:200]),
        questions=list(selectors.public_questions(fund=fund)[:200]),
    )


@router.get("/public/requests/{spending_request_id}", auth=None, response=PublicRequestDetailOut, summary="A spending request (public)")
def public_request_detail(request, spending_request_id: int):
    r = selectors.public_request_get(spending_request_id=spending_request_id)
    return selectors.request_detail(r)


@router.get("/public/reports/{fund_report_id}", auth=None, response=ReportDetailOut, summary="A published report (public)")
def public_report_detail(request, fund_report_id: int):
    return selectors.public_report_get(fund_report_id=fund_report_id)


@router.get("/public/reports/{fund_report_id}/pdf", auth=None, summary="A published report as PDF (public)")
def public_report_pdf(request, fund_report_id: int):
    report = selectors.public_report_get(fund_report_id=fund_report_id)
    return _file(report_pdf(report), "application/pdf", f"fund-report-{report.pk}.pdf")


@router.get("/public/reports/{fund_report_id}/xlsx", auth=None, summary="A published report as Excel (public)")
def public_report_xlsx(request, fund_report_id: int):
    report = selectors.public_report_get(fund_report_id=fund_report_id)
    return _file(report_xlsx(report), XLSX, f"fund-report-{report.pk}.xlsx")


@router.get("/public/receipts/{fund_receipt_token}", auth=None, response=FundStatementOut, summary="A donor's receipt and statement (by its private link)")
def public_receipt(request, fund_receipt_token: str):
    donation = selectors.receipt_get(token=_uuid(fund_receipt_token))
    return FundStatementOut(
        receipt=_public_donation(donation), receipt_no=donation.receipt_no, donor_name=donation.donor_name,
        months=disclosure.donor_statement(donation),
    )


def _uuid(value: str):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


# --- Residents ----------------------------------------------------------------------------------


@router.post("/requests/{spending_request_id}/comments", response={201: CommentOut}, summary="Comment during public comment (a resident of the community)")
def comment_add(request, spending_request_id: int, payload: CommentIn):
    r = selectors.public_request_get(spending_request_id=spending_request_id)
    return Status(201, services.comment_add(user=request.user, request=r, text=payload.text))




@router.post("/funds/{fund_id}/questions", response={201: FundQuestionOut}, summary="Ask about a disclosed item (a resident of the community)")
def question_ask(request, fund_id: int, payload: FundQuestionIn):
    fund = selectors.public_funds().filter(pk=fund_id).first()
    if fund is None:
        raise NotFound()
    r = selectors.public_request_get(spending_request_id=payload.spending_request_id) if payload.spending_request_id else None
    report = DisclosureReport.objects.filter(pk=payload.report_id, fund=fund).first() if payload.report_id else None
    if payload.report_id and report is None:
        raise NotFound()
    return Status(201, services.question_ask(user=request.user, fund=fund, text=payload.text, request=r, report=report))


# --- Funds (staff) --------------------------------------------------------------------------


@router.get("/funds", response=list[FundOut], summary="Funds the user may see")
def fund_list(request):
    return list(selectors.fund_list_for_user(scope=request.scope).prefetch_related("members"))


@router.post("/funds", response={201: FundOut}, summary="Set up a community's fund with its committee")
def fund_create(request, payload: FundIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.FUND_MANAGE)
    fund = services.fund_create(
        actor=request.scope, community=community, members=_members(payload.members),
        **payload.dict(exclude={"community_id", "members"}),
    )
    return Status(201, fund)


@router.get("/funds/{fund_id}", response=FundDashboardOut, summary="A fund: committee, figures, chain, overdue disclosures")
def fund_detail(request, fund_id: int):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id)
    return FundDashboardOut(
        fund=fund,
        figures=_figures_out(figures.current(fund.community)),
        chain=_chain_out(figures.chain_check(fund.community)),
        overdue=[
            OverdueOut(spending_request_id=o.spending_request.pk, what=o.what, due_on=o.due_on, label=str(o.label))
            for o in disclosure.overdue(fund)
        ],
    )


@router.post("/funds/{fund_id}/committee", response=FundOut, summary="Change the committee in one step (join, leave, chair)")
def committee_change(request, fund_id: int, payload: CommitteeIn):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id, cap=Cap.FUND_MANAGE)
    members = {m.pk: m for m in fund.members.filter(left_on__isnull=True)}
    try:
        remove = [members[pk] for pk in payload.remove]
        chair = members[payload.chair_id] if payload.chair_id else None
    except KeyError:
        raise NotFound() from None
    services.committee_change(
        actor=request.scope, fund=fund, add=_members(payload.add), remove=remove, chair=chair, reason=payload.reason
    )
    return fund


# --- Money in -------------------------------------------------------------------------------------


@router.get("/funds/{fund_id}/donations", response=list[FundDonationOut])
def donation_list(request, fund_id: int):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id)
    return list(selectors.donation_list_for_user(scope=request.scope, fund=fund)[:1000])


@router.post("/funds/{fund_id}/donations", response={201: FundDonationOut}, summary="Record a donation (Idempotency-Key accepted)")
def donation_record(request, fund_id: int, payload: FundDonationIn):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id, cap=Cap.FUND_MANAGE)
    donation = services.donation_record(actor=request.scope, fund=fund, idempotency_key=_idem(request), **payload.dict())
    return Status(201, donation)


@router.get("/donations/{fund_donation_id}", response=FundDonationOut)
def donation_detail(request, fund_donation_id: int):
    return selectors.donation_get_for_user(scope=request.scope, fund_donation_id=fund_donation_id)


@router.get("/donations/{fund_donation_id}/receipt", summary="The donation's receipt as PDF")
def donation_receipt(request, fund_donation_id: int):
    donation = selectors.donation_get_for_user(scope=request.scope, fund_donation_id=fund_donation_id)
    return _file(receipt_pdf(donation), "application/pdf", f"receipt-{donation.receipt_no}.pdf")


@router.get("/funds/{fund_id}/income", response=list[FundIncomeOut])
def income_list(request, fund_id: int):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id)
    return list(selectors.income_list_for_user(scope=request.scope, fund=fund)[:1000])


@router.post("/funds/{fund_id}/income", response={201: FundIncomeOut}, summary="Record income no other app posts (Idempotency-Key accepted)")
def income_record(request, fund_id: int, payload: FundIncomeIn):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id, cap=Cap.FUND_MANAGE)
    partner = None
    if payload.partner_id:
        from partners.models import Partner

        partner = Partner.objects.filter(pk=payload.partner_id, community_id=fund.community_id).first()
        if partner is None:
            raise NotFound()
    income = services.income_record(
        actor=request.scope, fund=fund, partner=partner, idempotency_key=_idem(request),
        **payload.dict(exclude={"partner_id"}),
    )
    return Status(201, income)


# --- Spending requests -------------------------------------------------------------------------


@router.get("/funds/{fund_id}/requests", response=list[FundRequestOut])
def request_list(request, fund_id: int, filters: Query[StatusQuery]):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id)
    status = filters.status if filters.status in RequestStatus.values else ""
    return list(selectors.request_list_for_user(scope=request.scope, fund=fund, status=status).prefetch_related("lines")[:1000])


@router.post("/requests", response={201: FundRequestOut}, summary="Propose a spending request (Idempotency-Key accepted)")
def request_propose(request, payload: FundRequestIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.FUND_PROPOSE)
    r = services.spending_request_propose(
        actor=request.scope, community=community, idempotency_key=_idem(request),
        lines=[line.dict() for line in payload.lines], **payload.dict(exclude={"community_id", "lines"}),
    )
    return Status(201, r)


@router.get("/requests/{spending_request_id}", response=RequestDetailOut)
def request_detail(request, spending_request_id: int):
    r = selectors.request_get_for_user(scope=request.scope, spending_request_id=spending_request_id)
    return selectors.request_detail(r)


@router.put("/requests/{spending_request_id}", response=FundRequestOut, summary="Revise a draft or returned request")
def request_revise(request, spending_request_id: int, payload: RequestUpdate):
    r = selectors.request_get_for_user(scope=request.scope, spending_request_id=spending_request_id, cap=Cap.FUND_PROPOSE)
    return services.spending_request_revise(
        actor=request.scope, request=r, lines=[line.dict() for line in payload.lines], **payload.dict(exclude={"lines"})
    )


def _act(request, spending_request_id: int, cap: str):
    return selectors.request_get_for_user(scope=request.scope, spending_request_id=spending_request_id, cap=cap)


@router.post("/requests/{spending_request_id}/submit", response=FundRequestOut, summary="Submit (or resubmit) to the committee")
def request_submit(request, spending_request_id: int, payload: FundReasonIn):
    r = _act(request, spending_request_id, Cap.FUND_PROPOSE)
    return services.spending_request_submit(actor=request.scope, request=r, reason=payload.reason)


@router.post("/requests/{spending_request_id}/vote", response={201: VoteOut}, summary="A committee member's vote")
def request_vote(request, spending_request_id: int, payload: VoteIn):
    r = _act(request, spending_request_id, Cap.FUND_VOTE)
    return Status(201, services.spending_request_vote(actor=request.scope, request=r, choice=payload.choice, note=payload.note))


@router.post("/requests/{spending_request_id}/to-charity", response=FundRequestOut, summary="After public comment: to the charity")
def request_to_charity(request, spending_request_id: int, payload: FundReasonIn):
    r = _act(request, spending_request_id, Cap.FUND_VIEW)
    return services.spending_request_to_charity(actor=request.scope, request=r, reason=payload.reason)


@router.post("/requests/{spending_request_id}/return", response=FundRequestOut, summary="Return to the proposer (or the report to be redone), with reasons")
def request_return(request, spending_request_id: int, payload: FundReasonIn):
    r = _act(request, spending_request_id, Cap.FUND_VIEW)
    return services.spending_request_return(actor=request.scope, request=r, reason=payload.reason)


@router.post("/requests/{spending_request_id}/withdraw", response=FundRequestOut)
def request_withdraw(request, spending_request_id: int, payload: FundReasonIn):
    r = _act(request, spending_request_id, Cap.FUND_PROPOSE)
    return services.spending_request_withdraw(actor=request.scope, request=r, reason=payload.reason)


@router.post("/requests/{spending_request_id}/approve", response=FundRequestOut, summary="The charity approves")
def request_approve(request, spending_request_id: int, payload: ApproveIn):
    r = _act(request, spending_request_id, Cap.FUND_APPROVE)
    reauth.require_recent(request, password=payload.password, code=payload.otp_code)
    return services.spending_request_approve(actor=request.scope, request=r, reason=payload.reason, approved_fen=payload.approved_fen)


@router.post("/requests/{spending_request_id}/payments", response={201: FundPaymentOut}, summary="Disburse, with the invoice attached (multipart; Idempotency-Key accepted)")
def request_pay(
    request,
    spending_request_id: int,
    amount_fen: Form[int],
    line: Form[str],
    payee: Form[str],
    memo: Form[str],
    invoice: File[UploadedFile],
    paid_at: Form[dt.datetime | None] = None,
    password: Form[str | None] = None,
    otp_code: Form[str | None] = None,
):
    r = _act(request, spending_request_id, Cap.FUND_DISBURSE)
    reauth.require_recent(request, password=password, code=otp_code)
    payment = services.payment_record(
        actor=request.scope, request=r, amount_fen=amount_fen, line=line, payee=payee, memo=memo, invoice=invoice,
        paid_at=paid_at, idempotency_key=_idem(request),
    )
    return Status(201, payment)


@router.post("/requests/{spending_request_id}/report", response=FundRequestOut, summary="The completion report (multipart, photos optional)")
def request_report(request, spending_request_id: int, text: Form[str], figures_json: Form[str] = "{}", photos: File[list[UploadedFile]] = None):
    import json

    r = _act(request, spending_request_id, Cap.FUND_PROPOSE)
    try:
        figs = json.loads(figures_json or "{}")
        if not isinstance(figs, dict):
            raise ValueError
    except ValueError:
        raise ValidationFailed("figures_json", code="bad_figures") from None
    return services.spending_request_report(actor=request.scope, request=r, text=text, figures=figs, photos=photos or [])


@router.post("/requests/{spending_request_id}/close", response=FundRequestOut, summary="The charity accepts the report and closes")
def request_close(request, spending_request_id: int, payload: FundReasonIn):
    r = _act(request, spending_request_id, Cap.FUND_APPROVE)
    return services.spending_request_close(actor=request.scope, request=r, reason=payload.reason)


# --- Documents, questions, reports, audit --------------------------------------------------------


@router.get("/funds/{fund_id}/documents", response=list[FundDocumentOut])
def document_list(request, fund_id: int):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id)
    return list(selectors.document_list_for_user(scope=request.scope, fund=fund)[:1000])


@router.post("/funds/{fund_id}/documents", response={201: FundDocumentOut}, summary="Keep a document with the fund (multipart)")
def document_add(request, fund_id: int, kind: Form[str], file: File[UploadedFile], title: Form[str] = ""):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id, cap=Cap.FUND_MANAGE)
    return Status(201, services.document_add(actor=request.scope, fund=fund, upload=file, kind=kind, title=title))


@router.get("/documents/{fund_document_id}", summary="Download a fund document")
def document_download(request, fund_document_id: int):
    doc = selectors.document_get_for_user(scope=request.scope, fund_document_id=fund_document_id)
    with doc.file.open("rb") as fh:
        return _file(fh.read(), doc.content_type, f"fund-document-{doc.pk}")


@router.get("/funds/{fund_id}/questions", response=list[FundQuestionOut])
def question_list(request, fund_id: int):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id)
    return list(selectors.question_list_for_user(scope=request.scope, fund=fund)[:1000])


@router.post("/questions/{fund_question_id}/answer", response=FundQuestionOut, summary="Answer a resident's question in public")
def question_answer(request, fund_question_id: int, payload: FundAnswerIn):
    q = selectors.question_get_for_user(scope=request.scope, fund_question_id=fund_question_id)
    return services.question_answer(actor=request.scope, question=q, answer=payload.answer)


@router.get("/funds/{fund_id}/reports", response=list[FundReportOut])
def report_list(request, fund_id: int):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id)
    return list(selectors.report_list_for_user(scope=request.scope, fund=fund).prefetch_related("corrections")[:500])


@router.post("/funds/{fund_id}/reports", response={201: ReportDetailOut}, summary="Publish a monthly, quarterly or project report")
def report_publish(request, fund_id: int, payload: ReportIn):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id, cap=Cap.FUND_MANAGE)
    r = None
    if payload.spending_request_id:
        r = selectors.request_get_for_user(scope=request.scope, spending_request_id=payload.spending_request_id)
    report = disclosure.report_publish(
        actor=request.scope, fund=fund, kind=disclosure.check_kind(payload.kind), period_start=payload.period_start,
        spending_request=r, final=payload.final,
    )
    return Status(201, report)


@router.post("/reports/{fund_report_id}/corrections", response={201: CorrectionOut}, summary="Publish a correction note")
def correction_publish(request, fund_report_id: int, payload: CorrectionIn):
    report = selectors.report_get_for_user(scope=request.scope, fund_report_id=fund_report_id)
    return Status(201, disclosure.correction_publish(actor=request.scope, report=report, text=payload.text))


@router.get("/funds/{fund_id}/audit-export", summary="Everything of a period as one zip (auditors)")
def audit(request, fund_id: int, period: Query[PeriodQuery]):
    fund = selectors.fund_get_for_user(scope=request.scope, fund_id=fund_id, cap=Cap.AUDIT_EXPORT)
    data = audit_export(actor=request.scope, fund=fund, start=period.start, end=period.end)
    response = _file(data, "application/zip", f"fund-audit-{fund.community_id}-{period.start}-{period.end}.zip")
    response["Content-Disposition"] = f"attachment; filename=fund-audit-{fund.community_id}-{period.start}-{period.end}.zip"
    return response
