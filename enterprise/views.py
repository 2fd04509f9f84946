"""Console pages of the enterprise app: for enterprise staff (record income, raise requests, rent,
publish), approvers (their inbox and decisions), the bookkeeping agency (read and export) and
the subdistrict (every community's enterprise, overdue questions, the approval levels).

Views are thin: parse, fetch through a scoped selector, call one service, respond. Domain errors
are shown on the page (messages) and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import reauth
from enterprise import exports, reports, selectors, services
from enterprise.models import (
    Approver,
    DocumentKind,
    IncomeSource,
    RequestStatus,
    SpendingCategory,
)
from enterprise.periods import month_start
from enterprise.services._common import subdistrict_of
from enterprise.services.rent import rented_area
from linli.errors import DomainError, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.views import console_community
from partners.models import Agreement, AgreementStatus, ShareBasis, ShareRecipient
from partners.revenue import yuan_to_fen

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _need(request, cap: str = Cap.ENTERPRISE_VIEW):
    community = console_community(request)
    if not request.scope.has(cap, community.pk):
        raise NotFound()
    return community


def _enterprise(request, cap: str = Cap.ENTERPRISE_VIEW):
    community = _need(request, cap)
    enterprise = selectors.enterprise_of_community_for_user(scope=request.scope, community=community)
    if enterprise is None:
        raise NotFound(_("This community has no enterprise registered yet."))
    return enterprise


def _can(request, cap: str, community_id: int) -> bool:
    return request.scope.has(cap, community_id)


def _date(value: str, default: dt.date | None = None) -> dt.date:
    value = (value or "").strip()
    if not value:
        if default is None:
            raise ValidationFailed(_("Give a date, e.g. 2026-05-31."), code="bad_date")
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(_("Dates look like 2026-05-31."), code="bad_date") from None


def _month(value: str) -> dt.date:
    value = (value or "").strip()
    if not value:
        return month_start(timezone.localdate())
    try:
        return dt.date.fromisoformat(f"{value}-01") if len(value) == 7 else month_start(dt.date.fromisoformat(value))
    except ValueError:
        raise ValidationFailed(_("Months look like 2026-05."), code="bad_month") from None


def _int(value, label: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(_("%(field)s must be a whole number.") % {"field": label}, code="bad_number") from None


def _post(view):
    """POST handlers: a domain error becomes a message and a redirect back, nothing changed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise
        except DomainError as exc:
            messages.error(request, str(exc.message))
            back = request.META.get("HTTP_REFERER", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect("enterprise:home")

    return require_POST(login_required(wrapper))


def _policy(enterprise):
    return services.policy_for(subdistrict=subdistrict_of(enterprise.community))


# --- Home --------------------------------------------------------------------------------------


@login_required
def home(request):
    community = _need(request)
    enterprise = selectors.enterprise_of_community_for_user(scope=request.scope, community=community)
    context = {
        "community": community,
        "enterprise": enterprise,
        "can_manage": _can(request, Cap.ENTERPRISE_MANAGE, community.pk),
        "can_export": _can(request, Cap.ENTERPRISE_EXPORT, community.pk),
        "awaiting": selectors.requests_awaiting(scope=request.scope)[:10],
    }
    if enterprise is not None:
        today = timezone.localdate()
        policy = _policy(enterprise)
        context.update(
            {
                "month": reports.month_report(enterprise=enterprise, month=today, with_entries=False),
                "year": reports.period_report(
                    enterprise=enterprise,
                    start=reports.local_midnight(dt.date(today.year, 1, 1)),
                    end=reports.local_midnight(dt.date(today.year + 1, 1, 1)),
                    month=dt.date(today.year, 1, 1),
                    with_entries=False,
                ),
                "budget": reports.budget_report(
                    enterprise=enterprise, year=today.year, alert_percent=policy.budget_alert_percent
                ),
                "pending": selectors.request_list_for_user(
                    scope=request.scope, enterprise=enterprise, status=RequestStatus.PENDING
                )[:10],
                "open_questions": selectors.question_list_for_user(
                    scope=request.scope, enterprise=enterprise, open_only=True
                )[:10],
                "arrears": reports.arrears_of(enterprise=enterprise)[:10],
                "documents": enterprise.documents.all(),
                "leased_m2": rented_area(enterprise=enterprise, day=today),
            }
        )
    return render(request, "enterprise/home.html", context)


@_post
def enterprise_create(request):
    community = _need(request, Cap.ENTERPRISE_MANAGE)
    services.enterprise_create(
        actor=request.scope,
        community=community,
        name=request.POST.get("name", ""),
        credit_code=request.POST.get("credit_code", ""),
        legal_representative=request.POST.get("legal_representative", ""),
        bookkeeping_agency=request.POST.get("bookkeeping_agency", ""),
    )
    messages.success(request, _("The enterprise has been registered and its book opened."))
    return redirect("enterprise:home")


# --- Documents ---------------------------------------------------------------------------------


@login_required
def documents(request):
    enterprise = _enterprise(request)
    return render(
        request,
        "enterprise/documents.html",
        {
            "enterprise": enterprise,
            "documents": enterprise.documents.all(),
            "kinds": DocumentKind.choices,
            "can_manage": _can(request, Cap.ENTERPRISE_MANAGE, enterprise.community_id),
        },
    )


@_post
def document_add(request):
    enterprise = _enterprise(request, Cap.ENTERPRISE_MANAGE)
    services.document_add(
        actor=request.scope,
        enterprise=enterprise,
        kind=request.POST.get("kind", ""),
        title=request.POST.get("title", ""),
        body=request.POST.get("body", ""),
        file=request.FILES.get("file"),
        adopted_on=_date(request.POST.get("adopted_on", ""), timezone.localdate()),
    )
    messages.success(request, _("The document has been added."))
    return redirect("enterprise:documents")


@login_required
def document_download(request, enterprise_document_id: int):
    document = selectors.document_get_for_user(scope=request.scope, document_id=enterprise_document_id)
    if not document.file:
        raise NotFound()
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


# --- Income ------------------------------------------------------------------------------------


@login_required
def incomes(request):
    enterprise = _enterprise(request)
    return render(
        request,
        "enterprise/incomes.html",
        {
            "enterprise": enterprise,
            "incomes": selectors.income_list_for_user(scope=request.scope, enterprise=enterprise)[:200],
            "sources": [c for c in IncomeSource.choices if c[0] != IncomeSource.RENT],
            "can_manage": _can(request, Cap.ENTERPRISE_MANAGE, enterprise.community_id),
            "today": timezone.localdate(),
            **reauth.context(request),
        },
    )


@_post
def income_record(request):
    enterprise = _enterprise(request, Cap.ENTERPRISE_MANAGE)
    services.income_record(
        actor=request.scope,
        enterprise=enterprise,
        source=request.POST.get("source", ""),
        amount_fen=yuan_to_fen(request.POST.get("amount", "")),
        received_on=_date(request.POST.get("received_on", ""), timezone.localdate()),
        payer=request.POST.get("payer", ""),
        memo=request.POST.get("memo", ""),
        idempotency_key=request.POST.get("idempotency_key") or None,
    )
    messages.success(request, _("The income has been recorded."))
    return redirect("enterprise:incomes")


# --- Expense requests --------------------------------------------------------------------------


@login_required
def request_list(request):
    enterprise = _enterprise(request)
    status = request.GET.get("status", "")
    return render(
        request,
        "enterprise/requests.html",
        {
            "enterprise": enterprise,
            "requests": selectors.request_list_for_user(
                scope=request.scope, enterprise=enterprise, status=status if status in RequestStatus.values else ""
            )[:200],
            "statuses": RequestStatus.choices,
            "categories": SpendingCategory.choices,
            "can_manage": _can(request, Cap.ENTERPRISE_MANAGE, enterprise.community_id),
            "policy": _policy(enterprise),
        },
    )


@_post
def request_create(request):
    enterprise = _enterprise(request, Cap.ENTERPRISE_MANAGE)
    req = services.expense_request_create(
        actor=request.scope,
        enterprise=enterprise,
        category=request.POST.get("category", ""),
        purpose=request.POST.get("purpose", ""),
        payee=request.POST.get("payee", ""),
        amount_fen=yuan_to_fen(request.POST.get("amount", "")),
        over_budget_reason=request.POST.get("over_budget_reason", ""),
        idempotency_key=request.POST.get("idempotency_key") or None,
    )
    if req.split_suspected:
        messages.warning(request, req.split_note)
    if req.budget_alert:
        messages.warning(request, _("The budget line is nearly used up."))
    messages.success(request, _("Request %(number)s has been raised.") % {"number": req.number})
    return redirect("enterprise:request_detail", expense_request_id=req.pk)


@login_required
def request_detail(request, expense_request_id: int):
    req = selectors.request_get_for_user(scope=request.scope, expense_request_id=expense_request_id)
    next_approver = req.next_approver
    return render(
        request,
        "enterprise/request_detail.html",
        {
            "req": req,
            "approvals": selectors.approvals_of(request=req),
            "can_decide": bool(next_approver) and services.approves_as(request.scope, next_approver, req.community),
            "is_collective": next_approver == Approver.COLLECTIVE,
            "can_manage": _can(request, Cap.ENTERPRISE_MANAGE, req.community_id),
            "today": timezone.localdate(),
        },
    )


@_post
def request_decide(request, expense_request_id: int):
    req = selectors.request_get_for_user(scope=request.scope, expense_request_id=expense_request_id)
    reauth.require_recent(request, password=request.POST.get("password"), code=request.POST.get("otp_code"))
    meeting = request.POST.get("meeting_date", "")
    services.expense_request_decide(
        actor=request.scope,
        request=req,
        decision=request.POST.get("decision", ""),
        note=request.POST.get("note", ""),
        meeting_date=_date(meeting) if meeting else None,
        minutes_ref=request.POST.get("minutes_ref", ""),
    )
    messages.success(request, _("Your decision has been recorded."))
    return redirect("enterprise:request_detail", expense_request_id=req.pk)


@_post
def request_pay(request, expense_request_id: int):
    req = selectors.request_get_for_user(scope=request.scope, expense_request_id=expense_request_id)
    reauth.require_recent(request, password=request.POST.get("password"), code=request.POST.get("otp_code"))
    services.expense_request_pay(
        actor=request.scope, request=req, paid_on=_date(request.POST.get("paid_on", ""), timezone.localdate())
    )
    messages.success(request, _("The payment has been recorded in the books."))
    return redirect("enterprise:request_detail", expense_request_id=req.pk)


@_post
def request_cancel(request, expense_request_id: int):
    req = selectors.request_get_for_user(scope=request.scope, expense_request_id=expense_request_id)
    services.expense_request_cancel(actor=request.scope, request=req)
    messages.success(request, _("The request has been withdrawn."))
    return redirect("enterprise:request_detail", expense_request_id=req.pk)


@login_required
def approvals(request):
    if not request.scope.has_anywhere(Cap.ENTERPRISE_APPROVE):
        raise NotFound()
    return render(request, "enterprise/approvals.html", {"awaiting": selectors.requests_awaiting(scope=request.scope)})


# --- Rent --------------------------------------------------------------------------------------


def _charity_agreements(enterprise):
    return (
        Agreement.objects.filter(
            community_id=enterprise.community_id,
            status=AgreementStatus.SIGNED,
            share_recipient=ShareRecipient.CHARITY,
        )
        .exclude(share_basis=ShareBasis.NONE)
        .select_related("partner")
        .order_by("partner__name")
    )


@login_required
def rent(request):
    enterprise = _enterprise(request)
    show = request.GET.get("show", "")
    can_manage = _can(request, Cap.ENTERPRISE_MANAGE, enterprise.community_id)
    return render(
        request,
        "enterprise/rent.html",
        {
            "enterprise": enterprise,
            "invoices": selectors.invoice_list_for_user(
                scope=request.scope, enterprise=enterprise, outstanding_only=show == "owed"
            )[:300],
            "arrears": reports.arrears_of(enterprise=enterprise),
            "show": show,
            "can_manage": can_manage,
            "charity_agreements": _charity_agreements(enterprise) if can_manage else [],
            "this_month": f"{timezone.localdate():%Y-%m}",
            "today": timezone.localdate(),
        },
    )


@_post
def rent_generate(request):
    enterprise = _enterprise(request, Cap.ENTERPRISE_MANAGE)
    issued = services.rent_invoices_generate(
        actor=request.scope, enterprise=enterprise, period=_month(request.POST.get("period", ""))
    )
    messages.success(request, _("%(n)s rent invoices issued.") % {"n": len(issued)})
    return redirect("enterprise:rent")


@_post
def rent_pay(request, rent_invoice_id: int):
    invoice = selectors.invoice_get_for_user(scope=request.scope, rent_invoice_id=rent_invoice_id)
    services.rent_payment_record(
        actor=request.scope,
        invoice=invoice,
        amount_fen=yuan_to_fen(request.POST.get("amount", "")),
        paid_on=_date(request.POST.get("paid_on", ""), timezone.localdate()),
        idempotency_key=request.POST.get("idempotency_key") or None,
    )
    messages.success(request, _("The payment has been recorded."))
    return redirect("enterprise:rent")


@_post
def share_record(request):
    enterprise = _enterprise(request, Cap.ENTERPRISE_MANAGE)
    agreement = _charity_agreements(enterprise).filter(pk=_int(request.POST.get("agreement", ""), _("Agreement"))).first()
    if agreement is None:
        raise ValidationFailed(_("Choose an agreement that shares income with the charity."), code="bad_agreement")
    share = services.share_transfer_record(
        actor=request.scope,
        agreement=agreement,
        period=_month(request.POST.get("period", "")),
        revenue_fen=yuan_to_fen(request.POST.get("revenue", "")),
    )
    messages.success(request, _("Share recorded: %(amount)s to the charity.") % {"amount": f"¥{share.share_fen / 100:,.2f}"})
    return redirect("enterprise:rent")


# --- Budget ------------------------------------------------------------------------------------


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
def budget(request):
    enterprise = _enterprise(request)
    year = _year(request)
    policy = _policy(enterprise)
    return render(
        request,
        "enterprise/budget.html",
        {
            "enterprise": enterprise,
            "year": year,
            "rows": reports.budget_report(enterprise=enterprise, year=year, alert_percent=policy.budget_alert_percent),
            "categories": SpendingCategory.choices,
            "policy": policy,
            "can_manage": _can(request, Cap.ENTERPRISE_MANAGE, enterprise.community_id),
            "can_export": _can_export(request, enterprise),
        },
    )


@_post
def budget_set(request):
    enterprise = _enterprise(request, Cap.ENTERPRISE_MANAGE)
    line = services.budget_set(
        actor=request.scope,
        enterprise=enterprise,
        year=_int(request.POST.get("year", ""), _("Year")),
        category=request.POST.get("category", ""),
        amount_fen=yuan_to_fen(request.POST.get("amount", "")),
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("The budget has been set."))
    return redirect(f"{_reverse('enterprise:budget')}?year={line.year}")


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def _can_export(request, enterprise) -> bool:
    return _can(request, Cap.ENTERPRISE_EXPORT, enterprise.community_id) or _can(
        request, Cap.ENTERPRISE_MANAGE, enterprise.community_id
    )


@login_required
def budget_export(request):
    enterprise = _enterprise(request)
    if not _can_export(request, enterprise):
        raise NotFound()
    year = _year(request)
    rows = reports.budget_report(enterprise=enterprise, year=year, alert_percent=_policy(enterprise).budget_alert_percent)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(exports.budget_pdf(enterprise=enterprise, year=year, rows=rows), content_type="application/pdf")
        response["Content-Disposition"] = f"attachment; filename=budget-{enterprise.pk}-{year}.pdf"
    else:
        response = HttpResponse(exports.budget_xlsx(enterprise=enterprise, year=year, rows=rows), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename=budget-{enterprise.pk}-{year}.xlsx"
    return response


# --- Monthly statement -------------------------------------------------------------------------


@login_required
def report(request):
    enterprise = _enterprise(request)
    try:
        month = _month(request.GET.get("month", ""))
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        month = month_start(timezone.localdate())
    published = selectors.statement_list_for_user(scope=request.scope, enterprise=enterprise).filter(month=month).first()
    return render(
        request,
        "enterprise/report.html",
        {
            "enterprise": enterprise,
            "report": reports.month_report(enterprise=enterprise, month=month),
            "month_value": f"{month:%Y-%m}",
            "published": published,
            "statements": selectors.statement_list_for_user(scope=request.scope, enterprise=enterprise)[:24],
            "can_manage": _can(request, Cap.ENTERPRISE_MANAGE, enterprise.community_id),
            "can_export": _can_export(request, enterprise),
        },
    )


@login_required
def report_export(request):
    enterprise = _enterprise(request)
    if not _can_export(request, enterprise):
        raise NotFound()
    month = _month(request.GET.get("month", ""))
    data = reports.month_report(enterprise=enterprise, month=month)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(exports.month_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f"attachment; filename=statement-{enterprise.pk}-{month:%Y-%m}.pdf"
    else:
        response = HttpResponse(exports.month_xlsx(data), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename=statement-{enterprise.pk}-{month:%Y-%m}.xlsx"
    return response


@_post
def statement_publish(request):
    enterprise = _enterprise(request, Cap.ENTERPRISE_MANAGE)
    statement = services.statement_publish(
        actor=request.scope, enterprise=enterprise, month=_month(request.POST.get("month", "")),
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("The statement for %(month)s is published.") % {"month": f"{statement.month:%Y-%m}"})
    return redirect(f"{_reverse('enterprise:report')}?month={statement.month:%Y-%m}")


# --- Questions ---------------------------------------------------------------------------------


@login_required
def questions(request):
    _need(request)
    show = request.GET.get("show", "open")
    return render(
        request,
        "enterprise/questions.html",
        {
            "questions": selectors.question_list_for_user(
                scope=request.scope, open_only=show == "open", overdue_only=show == "overdue"
            )[:300],
            "show": show,
        },
    )


@_post
def question_answer(request, enterprise_question_id: int):
    question = selectors.question_get_for_user(scope=request.scope, question_id=enterprise_question_id)
    services.question_answer(actor=request.scope, question=question, answer=request.POST.get("answer", ""))
    messages.success(request, _("Your answer is published with the question."))
    return redirect("enterprise:questions")


# --- The subdistrict ---------------------------------------------------------------------------


@login_required
def overview(request):
    """Every enterprise the user sees (the subdistrict's view): the year so far, pending requests
    and overdue questions per community."""
    _need(request)
    today = timezone.localdate()
    start, end = reports.local_midnight(dt.date(today.year, 1, 1)), reports.local_midnight(dt.date(today.year + 1, 1, 1))
    rows = []
    enterprises = list(selectors.enterprise_list_for_user(scope=request.scope))
    pending = {}
    for r in selectors.request_list_for_user(scope=request.scope, status=RequestStatus.PENDING):
        pending[r.enterprise_id] = pending.get(r.enterprise_id, 0) + 1
    overdue = {}
    for q in selectors.question_list_for_user(scope=request.scope, overdue_only=True):
        overdue[q.statement.enterprise_id] = overdue.get(q.statement.enterprise_id, 0) + 1
    for ent in enterprises:
        rep = reports.period_report(enterprise=ent, start=start, end=end, month=dt.date(today.year, 1, 1), with_entries=False)
        rows.append({"enterprise": ent, "report": rep, "pending": pending.get(ent.pk, 0), "overdue": overdue.get(ent.pk, 0)})
    return render(
        request,
        "enterprise/overview.html",
        {
            "rows": rows,
            "year": today.year,
            "totals": {
                "income": sum(r["report"].income_total for r in rows),
                "expense": sum(r["report"].expense_total for r in rows),
                "arrears": sum(r["report"].arrears for r in rows),
            },
            "overdue_questions": selectors.question_list_for_user(scope=request.scope, overdue_only=True)[:50],
        },
    )


@login_required
def policy(request):
    community = _need(request)
    subdistrict = subdistrict_of(community)
    pol = services.policy_for(subdistrict=subdistrict)
    return render(
        request,
        "enterprise/policy.html",
        {
            "subdistrict": subdistrict,
            "policy": pol,
            "levels": pol.levels.order_by("position"),
            "approvers": Approver.choices,
            "can_edit": services.can_edit_policy(request.scope, subdistrict),
            "blank_rows": range(max(0, 4 - pol.levels.count())),
        },
    )


@_post
def policy_update(request):
    community = _need(request)
    levels = []
    for approver, amount in zip(request.POST.getlist("approver"), request.POST.getlist("from_yuan"), strict=False):
        if approver:
            levels.append((approver, yuan_to_fen(amount or "0")))
    services.policy_update(
        actor=request.scope,
        subdistrict=subdistrict_of(community),
        split_window_days=_int(request.POST.get("split_window_days", ""), _("Split purchase window")),
        answer_days=_int(request.POST.get("answer_days", ""), _("Days to answer")),
        budget_alert_percent=_int(request.POST.get("budget_alert_percent", ""), _("Budget alert")),
        levels=levels,
    )
    messages.success(request, _("The approval levels have been saved."))
    return redirect("enterprise:policy")
