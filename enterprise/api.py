"""The enterprise JSON API: the same selectors and services as the pages, thin.

Reads need ``enterprise.view`` in the enterprise's community; writes the capability the service
asks for (manage, approve at the right node, export). ``/public/…`` answers without logging in
and returns only published statements and their questions (without who asked).
"""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from accounts import reauth
from enterprise import exports, reports, selectors, services
from enterprise.models import RequestStatus
from enterprise.services._common import subdistrict_of
from linli.errors import NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.selectors import community_get_for_user
from partners.models import Agreement

router = Router(tags=["enterprise"])


# --- Schemas ------------------------------------------------------------------------------------


class EnterpriseOut(Schema):
    id: int
    community_id: int
    community_name: str
    name: str
    credit_code: str
    legal_representative: str
    bookkeeping_agency: str
    book_id: int

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name


class EnterpriseIn(Schema):
    community_id: int
    name: str
    credit_code: str = ""
    legal_representative: str = ""
    bookkeeping_agency: str = ""


class EnterpriseDocumentOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    adopted_on: dt.date | None
    has_file: bool

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.file)


class BudgetIn(Schema):
    year: int
    category: str
    amount_fen: int
    note: str = ""


class BudgetRowOut(Schema):
    category: str
    label: str
    budget_fen: int
    paid_fen: int
    committed_fen: int
    remaining_fen: int
    percent: int
    alert: bool
    exceeded: bool


class EnterpriseIncomeIn(Schema):
    source: str
    amount_fen: int
    received_on: dt.date
    payer: str
    memo: str


class EnterpriseIncomeOut(Schema):
    id: int
    source: str
    amount_fen: int
    received_on: dt.date
    payer: str
    memo: str
    transaction_id: int


class EnterpriseRequestIn(Schema):
    category: str
    purpose: str
    payee: str
    amount_fen: int
    year: int | None = None
    over_budget_reason: str = ""


class ApprovalOut(Schema):
    level: int
    approver: str
    decision: str
    note: str
    meeting_date: dt.date | None
    minutes_ref: str
    decided_at: dt.datetime


class EnterpriseRequestOut(Schema):
    id: int
    number: str
    enterprise_id: int
    community_id: int
    category: str
    purpose: str
    payee: str
    amount_fen: int
    status: str
    chain: list[str]
    approved_levels: int
    next_approver: str | None
    split_suspected: bool
    split_note: str
    budget_alert: bool
    over_budget_reason: str
    created_at: dt.datetime
    paid_at: dt.datetime | None
    transaction_id: int | None
    approvals: list[ApprovalOut]

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.budget_line.category

    @staticmethod
    def resolve_approvals(obj) -> list:
        return list(obj.approvals.order_by("level"))


class Reauth(Schema):
    # Needed unless this session confirmed the password in the last minutes (token calls: always).
    password: str | None = None
    otp_code: str | None = None


class DecisionIn(Reauth):
    decision: str
    note: str = ""
    meeting_date: dt.date | None = None
    minutes_ref: str = ""


class PayIn(Reauth):
    paid_on: dt.date | None = None


class InvoiceOut(Schema):
    id: int
    partner_id: int
    partner_name: str
    agreement_id: int
    period: dt.date
    amount_fen: int
    paid_fen: int
    outstanding_fen: int
    due_on: dt.date
    overdue: bool
    area_m2: int
    rooms: str

    @staticmethod
    def resolve_partner_name(obj) -> str:
        return obj.partner.name


class EnterprisePeriodIn(Schema):
    period: dt.date


class PaymentIn(Schema):
    amount_fen: int
    paid_on: dt.date


class EnterprisePaymentOut(Schema):
    id: int
    invoice_id: int
    amount_fen: int
    paid_on: dt.date
    transaction_id: int


class ShareIn(Schema):
    period: dt.date
    revenue_fen: int
    cost_fen: int = 0


class ShareOut(Schema):
    id: int
    agreement_id: int
    period: dt.date
    revenue_fen: int
    share_fen: int
    transaction_id: int


class RowOut(Schema):
    key: str
    label: str
    amount_fen: int


class EnterpriseEntryOut(Schema):
    transaction_id: int
    seq: int
    occurred_at: dt.datetime
    kind: str
    memo: str
    income_fen: int
    expense_fen: int
    hash: str


class EnterpriseReportOut(Schema):
    enterprise_id: int
    month: dt.date
    income: list[RowOut]
    expense: list[RowOut]
    income_total_fen: int
    expense_total_fen: int
    cash_opening_fen: int
    cash_closing_fen: int
    arrears_fen: int
    entries: list[EnterpriseEntryOut]


class EnterpriseStatementOut(Schema):
    id: int
    enterprise_id: int
    month: dt.date
    income_fen: int
    expense_fen: int
    head_seq: int
    head_hash: str
    note: str
    published_at: dt.datetime


class PublishIn(Schema):
    month: dt.date
    note: str = ""


class EnterpriseQuestionOut(Schema):
    id: int
    statement_id: int
    transaction_id: int
    text: str
    asked_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    answer: str
    answered_at: dt.datetime | None


class EnterpriseQuestionIn(Schema):
    transaction_id: int
    text: str


class EnterpriseAnswerIn(Schema):
    answer: str


class LevelIO(Schema):
    approver: str
    from_fen: int


class PolicyOut(Schema):
    subdistrict_id: int
    split_window_days: int
    answer_days: int
    budget_alert_percent: int
    levels: list[LevelIO]

    @staticmethod
    def resolve_levels(obj) -> list:
        return [{"approver": lv.approver, "from_fen": lv.from_fen} for lv in obj.levels.order_by("position")]


class PolicyIn(Schema):
    split_window_days: int
    answer_days: int
    budget_alert_percent: int
    levels: list[LevelIO]


def _report_out(report: reports.MonthReport) -> dict:
    return {
        "enterprise_id": report.enterprise.pk,
        "month": report.month,
        "income": [{"key": r.key, "label": r.label, "amount_fen": r.amount} for r in report.income_rows],
        "expense": [{"key": r.key, "label": r.label, "amount_fen": r.amount} for r in report.expense_rows],
        "income_total_fen": report.income_total,
        "expense_total_fen": report.expense_total,
        "cash_opening_fen": report.cash_opening,
        "cash_closing_fen": report.cash_closing,
        "arrears_fen": report.arrears,
        "entries": [
            {"transaction_id": e.transaction_id, "seq": e.seq, "occurred_at": e.occurred_at, "kind": e.kind,
             "memo": e.memo, "income_fen": e.income, "expense_fen": e.expense, "hash": e.hash}
            for e in report.entries
        ],
    }


def _key(request) -> str | None:
    return request.headers.get("Idempotency-Key") or None


def _month(value: str) -> dt.date:
    try:
        year, month = (int(part) for part in value.strip()[:7].split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ValidationFailed(_("Months look like 2026-05."), code="bad_month") from None


def _need_export(request, enterprise) -> None:
    if not request.scope.has(Cap.ENTERPRISE_EXPORT, enterprise.community_id) and not request.scope.has(
        Cap.ENTERPRISE_MANAGE, enterprise.community_id
    ):
        raise NotFound()


# --- Enterprises, documents, budget -------------------------------------------------------------


@router.get("/enterprises", response=list[EnterpriseOut], summary="Enterprises I may see")
def enterprise_list(request):
    return list(selectors.enterprise_list_for_user(scope=request.scope))


@router.post("/enterprises", response={201: EnterpriseOut}, summary="Register a community's enterprise")
def enterprise_create(request, payload: EnterpriseIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.ENTERPRISE_MANAGE)
    data = payload.dict()
    data.pop("community_id")
    return Status(201, services.enterprise_create(actor=request.scope, community=community, **data))


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="An enterprise")
def enterprise_detail(request, enterprise_id: int):
    return selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)


@router.get("/enterprises/{enterprise_id}/documents", response=list[EnterpriseDocumentOut], summary="Its rules and guidelines")
def document_list(request, enterprise_id: int):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    return list(enterprise.documents.all())


@router.get("/enterprises/{enterprise_id}/budget", response=list[BudgetRowOut], summary="Budget against actual")
def budget(request, enterprise_id: int, year: int | None = None):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    policy = services.policy_for(subdistrict=subdistrict_of(enterprise.community))
    rows = reports.budget_report(
        enterprise=enterprise, year=year or timezone.localdate().year, alert_percent=policy.budget_alert_percent
    )
    return [
        {"category": r.line.category, "label": r.label, "budget_fen": r.budget, "paid_fen": r.actual,
         "committed_fen": r.committed, "remaining_fen": r.remaining, "percent": r.percent, "alert": r.alert,
         "exceeded": r.exceeded}
        for r in rows
    ]


@router.post("/enterprises/{enterprise_id}/budget", response={200: BudgetRowOut}, summary="Set a budget line")
def budget_set(request, enterprise_id: int, payload: BudgetIn):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    line = services.budget_set(actor=request.scope, enterprise=enterprise, **payload.dict())
    (row,) = [r for r in reports.budget_report(enterprise=enterprise, year=line.year) if r.line.pk == line.pk]
    return {"category": line.category, "label": row.label, "budget_fen": row.budget, "paid_fen": row.actual,
            "committed_fen": row.committed, "remaining_fen": row.remaining, "percent": row.percent,
            "alert": row.alert, "exceeded": row.exceeded}


# --- Income -------------------------------------------------------------------------------------


@router.get("/enterprises/{enterprise_id}/incomes", response=list[EnterpriseIncomeOut], summary="Income recorded")
def income_list(request, enterprise_id: int):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    return list(selectors.income_list_for_user(scope=request.scope, enterprise=enterprise)[:500])


@router.post(
    "/enterprises/{enterprise_id}/incomes",
    response={201: EnterpriseIncomeOut},
    summary="Record income by source (send an Idempotency-Key header)",
)
def income_record(request, enterprise_id: int, payload: EnterpriseIncomeIn):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    return Status(201, services.income_record(
        actor=request.scope, enterprise=enterprise, idempotency_key=_key(request), **payload.dict()
    ))


# --- Expense requests and approvals -------------------------------------------------------------


@router.get("/enterprises/{enterprise_id}/requests", response=list[EnterpriseRequestOut], summary="Expense requests")
def request_list(request, enterprise_id: int, status: str = ""):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    qs = selectors.request_list_for_user(
        scope=request.scope, enterprise=enterprise, status=status if status in RequestStatus.values else ""
    ).prefetch_related("approvals")
    return list(qs[:500])


@router.post(
    "/enterprises/{enterprise_id}/requests",
    response={201: EnterpriseRequestOut},
    summary="Raise an expense request (send an Idempotency-Key header)",
)
def request_create(request, enterprise_id: int, payload: EnterpriseRequestIn):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    return Status(201, services.expense_request_create(
        actor=request.scope, enterprise=enterprise, idempotency_key=_key(request), **payload.dict()
    ))


@router.get("/requests/awaiting-me", response=list[EnterpriseRequestOut], summary="Requests waiting for my decision")
def requests_awaiting(request):
    return selectors.requests_awaiting(scope=request.scope)


@router.get("/requests/{expense_request_id}", response=EnterpriseRequestOut, summary="An expense request")
def request_detail(request, expense_request_id: int):
    return selectors.request_get_for_user(scope=request.scope, expense_request_id=expense_request_id)


@router.post("/requests/{expense_request_id}/decision", response=EnterpriseRequestOut, summary="Approve or reject at my level")
def request_decide(request, expense_request_id: int, payload: DecisionIn):
    req = selectors.request_get_for_user(scope=request.scope, expense_request_id=expense_request_id)
    reauth.require_recent(request, password=payload.password, code=payload.otp_code)
    return services.expense_request_decide(
        actor=request.scope, request=req, **payload.dict(exclude={"password", "otp_code"})
    )


@router.post("/requests/{expense_request_id}/pay", response=EnterpriseRequestOut, summary="Pay an approved request")
def request_pay(request, expense_request_id: int, payload: PayIn):
    req = selectors.request_get_for_user(scope=request.scope, expense_request_id=expense_request_id)
    reauth.require_recent(request, password=payload.password, code=payload.otp_code)
    return services.expense_request_pay(actor=request.scope, request=req, paid_on=payload.paid_on)


@router.post("/requests/{expense_request_id}/cancel", response=EnterpriseRequestOut, summary="Withdraw a request")
def request_cancel(request, expense_request_id: int):
    req = selectors.request_get_for_user(scope=request.scope, expense_request_id=expense_request_id)
    return services.expense_request_cancel(actor=request.scope, request=req)


# --- Rent ---------------------------------------------------------------------------------------


@router.get("/enterprises/{enterprise_id}/rent-invoices", response=list[InvoiceOut], summary="Rent invoices")
def invoice_list(request, enterprise_id: int, outstanding: bool = False):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    return list(
        selectors.invoice_list_for_user(scope=request.scope, enterprise=enterprise, outstanding_only=outstanding)[:1000]
    )


@router.post(
    "/enterprises/{enterprise_id}/rent-invoices",
    response=list[InvoiceOut],
    summary="Issue a month's rent invoices from the signed agreements (idempotent)",
)
def invoices_generate(request, enterprise_id: int, payload: EnterprisePeriodIn):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    return services.rent_invoices_generate(actor=request.scope, enterprise=enterprise, period=payload.period)


@router.post(
    "/rent-invoices/{rent_invoice_id}/payments",
    response={201: EnterprisePaymentOut},
    summary="Record a rent payment (send an Idempotency-Key header)",
)
def payment_record(request, rent_invoice_id: int, payload: PaymentIn):
    invoice = selectors.invoice_get_for_user(scope=request.scope, rent_invoice_id=rent_invoice_id)
    return Status(201, services.rent_payment_record(
        actor=request.scope, invoice=invoice, idempotency_key=_key(request), **payload.dict()
    ))


@router.post(
    "/agreements/{agreement_id}/share-transfers",
    response={201: ShareOut},
    summary="Pass a partner's revenue share for a month to the charity (idempotent per month)",
)
def share_transfer(request, agreement_id: int, payload: ShareIn):
    agreement = (
        request.scope.filter(Agreement.objects.select_related("partner", "community"), Cap.ENTERPRISE_MANAGE)
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None:
        raise NotFound()
    return Status(201, services.share_transfer_record(actor=request.scope, agreement=agreement, **payload.dict()))


# --- Reports and statements ---------------------------------------------------------------------


@router.get(
    "/enterprises/{enterprise_id}/report",
    response=EnterpriseReportOut,
    summary="Monthly income and expense statement, from the ledger (month=2026-05)",
)
def month_report(request, enterprise_id: int, month: str):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    return _report_out(reports.month_report(enterprise=enterprise, month=_month(month)))


@router.get("/enterprises/{enterprise_id}/report/export", summary="The statement as Excel or PDF (month=2026-05)")
def month_export(request, enterprise_id: int, month: str, format: str = "xlsx"):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    _need_export(request, enterprise)
    first = _month(month)
    year, month = first.year, first.month
    report = reports.month_report(enterprise=enterprise, month=first)
    if format == "pdf":
        response = HttpResponse(exports.month_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(
            exports.month_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        format = "xlsx"
    response["Content-Disposition"] = f"attachment; filename=enterprise-{enterprise.pk}-{year}-{month:02d}.{format}"
    return response


@router.get("/enterprises/{enterprise_id}/statements", response=list[EnterpriseStatementOut], summary="Published statements")
def statement_list(request, enterprise_id: int):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    return list(selectors.statement_list_for_user(scope=request.scope, enterprise=enterprise))


@router.post("/enterprises/{enterprise_id}/statements", response={201: EnterpriseStatementOut}, summary="Publish a month")
def statement_publish(request, enterprise_id: int, payload: PublishIn):
    enterprise = selectors.enterprise_get_for_user(scope=request.scope, enterprise_id=enterprise_id)
    return Status(201, services.statement_publish(actor=request.scope, enterprise=enterprise, **payload.dict()))


# --- Residents' questions -------------------------------------------------------------------------


@router.get("/questions", response=list[EnterpriseQuestionOut], summary="Residents' questions (overdue=true for the late ones)")
def question_list(request, overdue: bool = False, open: bool = False):
    return list(
        selectors.question_list_for_user(scope=request.scope, open_only=open, overdue_only=overdue)[:500]
    )


@router.post("/questions/{enterprise_question_id}/answer", response=EnterpriseQuestionOut, summary="Answer a resident's question")
def question_answer(request, enterprise_question_id: int, payload: EnterpriseAnswerIn):
    question = selectors.question_get_for_user(scope=request.scope, question_id=enterprise_question_id)
    return services.question_answer(actor=request.scope, question=question, answer=payload.answer)


@router.post(
    "/statements/{enterprise_statement_id}/questions",
    response={201: EnterpriseQuestionOut},
    summary="Question an entry of a published statement (any logged-in resident)",
)
def question_ask(request, enterprise_statement_id: int, payload: EnterpriseQuestionIn):
    statement = selectors.public_statement(statement_id=enterprise_statement_id)
    return Status(201, services.question_ask(
        user=request.user, statement=statement, transaction_id=payload.transaction_id, text=payload.text
    ))


@router.get("/my-questions", response=list[EnterpriseQuestionOut], summary="The questions I asked")
def my_questions(request):
    return list(selectors.my_questions(user=request.user)[:200])


# --- The subdistrict's policy -----------------------------------------------------------------------


@router.get("/communities/{community_id}/policy", response=PolicyOut, summary="The subdistrict's approval levels")
def policy_get(request, community_id: int):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.ENTERPRISE_VIEW)
    return services.policy_for(subdistrict=subdistrict_of(community))


@router.put("/communities/{community_id}/policy", response=PolicyOut, summary="Change the subdistrict's levels")
def policy_put(request, community_id: int, payload: PolicyIn):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.ENTERPRISE_VIEW)
    return services.policy_update(
        actor=request.scope,
        subdistrict=subdistrict_of(community),
        split_window_days=payload.split_window_days,
        answer_days=payload.answer_days,
        budget_alert_percent=payload.budget_alert_percent,
        levels=[(lv.approver, lv.from_fen) for lv in payload.levels],
    )


# --- Public -------------------------------------------------------------------------------------------


class PublicEnterpriseOut(Schema):
    id: int
    name: str
    community_name: str

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name


class PublicQuestionOut(Schema):
    id: int
    transaction_id: int
    text: str
    asked_at: dt.datetime
    due_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class PublicStatementOut(Schema):
    statement: EnterpriseStatementOut
    report: EnterpriseReportOut
    questions: list[PublicQuestionOut]


@router.get("/public/enterprises", auth=None, response=list[PublicEnterpriseOut], summary="Enterprises (public)")
def public_enterprises(request):
    return list(selectors.public_enterprises())


@router.get(
    "/public/enterprises/{enterprise_id}/statements",
    auth=None,
    response=list[EnterpriseStatementOut],
    summary="An enterprise's published statements (public)",
)
def public_statement_list(request, enterprise_id: int):
    return list(selectors.public_statements(enterprise=selectors.public_enterprise(enterprise_id=enterprise_id)))


@router.get(
    "/public/statements/{enterprise_statement_id}", auth=None, response=PublicStatementOut, summary="A statement (public)"
)
def public_statement(request, enterprise_statement_id: int):
    statement = selectors.public_statement(statement_id=enterprise_statement_id)
    report = reports.month_report(enterprise=statement.enterprise, month=statement.month)
    return {
        "statement": statement,
        "report": _report_out(report),
        "questions": list(selectors.public_questions(statement=statement)),
    }

