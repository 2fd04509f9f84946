"""Console pages of the fund: community staff and the party organisation (set-up, income,
proposals, reports), committee members (votes, answers), the charity's officer (approval,
payments, closing) and auditors (the archive). Each view: parse, fetch with access, one
service call, respond."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import reauth
from fund import disclosure, figures, selectors, services
from fund.audit import audit_export
from fund.models import DocumentKind, DonationKind, DonorKind, ReportKind, RequestStatus, SpendingLine, VoteChoice
from fund.pdf import receipt_pdf
from fund.services.income import INCOME_SOURCES
from fund.views import _forms as forms
from ledger.chart import FundSource
from linli.errors import DomainError, NotFound
from orgs.roles import Cap
from orgs.views import console_community

S = RequestStatus


def _fund(request, cap: str = Cap.FUND_VIEW):
    community = console_community(request)
    fund = selectors.fund_of_community_for_user(scope=request.scope, community=community, cap=cap)
    if fund is None:
        raise NotFound()
    return fund


def _caps(request, community_id: int) -> dict[str, bool]:
    scope = request.scope
    return {
        "manage": scope.has(Cap.FUND_MANAGE, community_id),
        "propose": scope.has(Cap.FUND_PROPOSE, community_id),
        "vote": scope.has(Cap.FUND_VOTE, community_id),
        "approve": scope.has(Cap.FUND_APPROVE, community_id),
        "disburse": scope.has(Cap.FUND_DISBURSE, community_id),
        "audit": scope.has(Cap.AUDIT_EXPORT, community_id),
    }


def _fail(request, exc: DomainError) -> None:
    """A refusal shown on the page; "not found" (outside the user's scope) stays a 404."""
    if isinstance(exc, NotFound):
        raise exc
    messages.error(request, str(exc.message))


@login_required
def home(request):
    community = console_community(request)
    fund = selectors.fund_of_community_for_user(scope=request.scope, community=community)
    caps = _caps(request, community.pk)
    if fund is None:
        return render(request, "fund/setup.html", {"community": community, "caps": caps, "rows": range(1, 6), "today": timezone.localdate()})
    requests = selectors.request_list_for_user(scope=request.scope, fund=fund)
    counts = {s: 0 for s in S.values}
    for status in requests.values_list("status", flat=True):
        counts[status] += 1
    waiting_vote = []
    if caps["vote"]:
        member = fund.members.filter(user=request.user, left_on__isnull=True).first()
        if member is not None:
            waiting_vote = [r for r in requests.filter(status=S.VOTING) if not r.votes.filter(round=r.round, member=member).exists()]
    return render(
        request,
        "fund/home.html",
        {
            "community": community,
            "fund": fund,
            "caps": caps,
            "figures": figures.current(community),
            "sources": FundSource.choices,
            "chain": figures.chain_check(community),
            "members": fund.members.filter(left_on__isnull=True),
            "counts": [(s, label, counts[s]) for s, label in S.choices],
            "waiting_vote": waiting_vote,
            "review": requests.filter(status__in=[S.REVIEW, S.APPROVED, S.REPORTED]) if caps["approve"] or caps["disburse"] else [],
            "overdue": disclosure.overdue(fund),
            "open_questions": selectors.question_list_for_user(scope=request.scope, fund=fund, open_only=True).count(),
        },
    )


@login_required
@require_POST
def setup(request):
    community = console_community(request)
    p = request.POST
    try:
        services.fund_create(
            actor=request.scope,
            community=community,
            name=p.get("name", ""),
            charity_name=p.get("charity_name", ""),
            charity_registration_no=p.get("charity_registration_no", ""),
            charity_public_fundraising=p.get("charity_public_fundraising") == "on",
            agreement_no=p.get("agreement_no", ""),
            agreement_date=forms.date(p.get("agreement_date"), field=_("Agreement date"), required=True),
            purpose=p.get("purpose", ""),
            members=forms.members(p),
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The fund is set up."))
    return redirect("fund:home")


@login_required
def committee(request):
    fund = _fund(request)
    caps = _caps(request, fund.community_id)
    if request.method == "POST":
        p = request.POST
        members = {m.pk: m for m in fund.members.filter(left_on__isnull=True)}
        try:
            remove = [members[int(pk)] for pk in p.getlist("remove") if int(pk) in members]
            chair = members.get(int(p["new_chair"])) if p.get("new_chair") else None
            services.committee_change(
                actor=request.scope, fund=fund, add=forms.members(p, "a"), remove=remove, chair=chair, reason=p.get("reason", "")
            )
        except (DomainError, ValueError) as exc:
            _fail(request, exc if isinstance(exc, DomainError) else DomainError())
        else:
            messages.success(request, _("The committee is updated."))
        return redirect("fund:committee")
    return render(
        request,
        "fund/committee.html",
        {"fund": fund, "caps": caps, "members": fund.members.all(), "rows": range(1, 3), "today": timezone.localdate()},
    )


# --- Spending requests -----------------------------------------------------------------------


@login_required
def request_list(request):
    fund = _fund(request)
    status = request.GET.get("status", "")
    qs = selectors.request_list_for_user(scope=request.scope, fund=fund, status=status if status in S.values else "")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "fund/request_list.html", {"fund": fund, "page": page, "statuses": S.choices, "caps": _caps(request, fund.community_id)})


def _request_form(request, fund, r=None):
    existing = list(r.lines.all()) if r else []
    rows = []
    for i in range(1, 6):
        x = existing[i - 1] if i <= len(existing) else None
        p = request.POST
        rows.append(
            (
                i,
                p.get(f"line_{i}") or (x.line if x else ""),
                p.get(f"description_{i}") or (x.description if x else ""),
                p.get(f"amount_{i}") or (f"{x.amount_fen / 100:.2f}" if x else ""),
            )
        )
    p = request.POST
    values = {
        key: p.get(key, getattr(r, key, "") if r else "") or ""
        for key in ("title", "purpose", "beneficiaries")
    }
    return render(
        request,
        "fund/request_form.html",
        {"fund": fund, "r": r, "values": values, "lines": SpendingLine.choices, "rows": rows},
    )


@login_required
def request_new(request):
    fund = _fund(request, Cap.FUND_PROPOSE)
    if request.method == "POST":
        p = request.POST
        try:
            items = forms.lines(p)
            r = services.spending_request_propose(
                actor=request.scope,
                community=fund.community,
                title=p.get("title", ""),
                purpose=p.get("purpose", ""),
                beneficiaries=p.get("beneficiaries", ""),
                amount_fen=sum(i.amount_fen for i in items),
                lines=items,
                starts_on=forms.date(p.get("starts_on"), field=_("Project starts")),
                ends_on=forms.date(p.get("ends_on"), field=_("Project ends")),
                submit=p.get("submit") == "on",
                idempotency_key=p.get("idempotency_key") or None,
            )
        except DomainError as exc:
            _fail(request, exc)
            return _request_form(request, fund)
        return redirect("fund:request_detail", r.pk)
    return _request_form(request, fund)


@login_required
def request_edit(request, spending_request_id: int):
    r = selectors.request_get_for_user(scope=request.scope, spending_request_id=spending_request_id, cap=Cap.FUND_PROPOSE)
    if request.method == "POST":
        p = request.POST
        try:
            items = forms.lines(p)
            services.spending_request_revise(
                actor=request.scope, request=r, title=p.get("title", ""), purpose=p.get("purpose", ""),
                beneficiaries=p.get("beneficiaries", ""), amount_fen=sum(i.amount_fen for i in items), lines=items,
                starts_on=forms.date(p.get("starts_on"), field=_("Project starts")),
                ends_on=forms.date(p.get("ends_on"), field=_("Project ends")), reason=p.get("reason", ""),
            )
        except DomainError as exc:
            _fail(request, exc)
            return _request_form(request, r.fund, r)
        return redirect("fund:request_detail", r.pk)
    return _request_form(request, r.fund, r)


@login_required
def request_detail(request, spending_request_id: int):
    r = selectors.request_get_for_user(scope=request.scope, spending_request_id=spending_request_id)
    r = selectors.request_detail(r)
    caps = _caps(request, r.community_id)
    member = r.fund.members.filter(user=request.user, left_on__isnull=True).first()
    voted = member is not None and any(v.member_id == member.pk and v.round == r.round for v in r.votes.all())
    return render(
        request,
        "fund/request_detail.html",
        {
            "r": r,
            "fund": r.fund,
            "caps": caps,
            "can_vote": caps["vote"] and member is not None and not voted and r.status == S.VOTING,
            "voted": voted,
            "tally": services.tally(r) if r.round else None,
            "choices": VoteChoice.choices,
            "comment_over": r.status == S.COMMENT and r.comment_until and timezone.localdate() > r.comment_until,
            "lines": [(x.line, x.get_line_display()) for x in r.lines.all()],
            "today": timezone.localdate(),
            **reauth.context(request),
        },
    )


def _step(request, spending_request_id: int, cap: str, action) -> HttpResponse:
    r = selectors.request_get_for_user(scope=request.scope, spending_request_id=spending_request_id, cap=cap)
    try:
        action(r)
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("fund:request_detail", r.pk)


@login_required
@require_POST
def request_submit(request, spending_request_id: int):
    return _step(request, spending_request_id, Cap.FUND_PROPOSE, lambda r: services.spending_request_submit(actor=request.scope, request=r, reason=request.POST.get("reason", "")))


@login_required
@require_POST
def request_vote(request, spending_request_id: int):
    return _step(
        request, spending_request_id, Cap.FUND_VOTE,
        lambda r: services.spending_request_vote(actor=request.scope, request=r, choice=request.POST.get("choice", ""), note=request.POST.get("note", "")),
    )


@login_required
@require_POST
def request_to_charity(request, spending_request_id: int):
    return _step(request, spending_request_id, Cap.FUND_VIEW, lambda r: services.spending_request_to_charity(actor=request.scope, request=r, reason=request.POST.get("reason", "")))


@login_required
@require_POST
def request_return(request, spending_request_id: int):
    return _step(request, spending_request_id, Cap.FUND_VIEW, lambda r: services.spending_request_return(actor=request.scope, request=r, reason=request.POST.get("reason", "")))


@login_required
@require_POST
def request_withdraw(request, spending_request_id: int):
    return _step(request, spending_request_id, Cap.FUND_PROPOSE, lambda r: services.spending_request_withdraw(actor=request.scope, request=r, reason=request.POST.get("reason", "")))


@login_required
@require_POST
def request_approve(request, spending_request_id: int):
    def act(r):
        reauth.require_recent(request, password=request.POST.get("password"), code=request.POST.get("otp_code"))
        amount = forms.yuan(request.POST.get("approved"), field=_("Approved amount"), required=False)
        services.spending_request_approve(actor=request.scope, request=r, reason=request.POST.get("reason", ""), approved_fen=amount)

    return _step(request, spending_request_id, Cap.FUND_APPROVE, act)


@login_required
@require_POST
def request_pay(request, spending_request_id: int):
    def act(r):
        p = request.POST
        reauth.require_recent(request, password=p.get("password"), code=p.get("otp_code"))
        services.payment_record(
            actor=request.scope, request=r, amount_fen=forms.yuan(p.get("amount"), field=_("Amount")), line=p.get("line", ""),
            payee=p.get("payee", ""), memo=p.get("memo", ""), invoice=request.FILES.get("invoice"), paid_at=forms.when(p.get("paid_on")),
            idempotency_key=p.get("idempotency_key") or None,
        )

    return _step(request, spending_request_id, Cap.FUND_DISBURSE, act)


@login_required
@require_POST
def request_report(request, spending_request_id: int):
    def act(r):
        p = request.POST
        figs = {}
        for i in range(1, 4):
            key, value = (p.get(f"fig_name_{i}") or "").strip(), (p.get(f"fig_value_{i}") or "").strip()
            if key and value:
                try:
                    figs[key] = int(value)
                except ValueError:
                    figs[key] = float(value) if value.replace(".", "", 1).isdigit() else 0
        services.spending_request_report(actor=request.scope, request=r, text=p.get("text", ""), figures=figs, photos=request.FILES.getlist("photos"))

    return _step(request, spending_request_id, Cap.FUND_PROPOSE, act)


@login_required
@require_POST
def request_close(request, spending_request_id: int):
    return _step(request, spending_request_id, Cap.FUND_APPROVE, lambda r: services.spending_request_close(actor=request.scope, request=r, reason=request.POST.get("reason", "")))


# --- Money in --------------------------------------------------------------------------------


@login_required
def donations(request):
    fund = _fund(request)
    caps = _caps(request, fund.community_id)
    if request.method == "POST":
        p = request.POST
        if not caps["manage"]:
            raise NotFound()
        try:
            kind = p.get("kind", DonationKind.MONEY)
            d = services.donation_record(
                actor=request.scope, fund=fund, donor_name=p.get("donor_name", ""), donor_kind=p.get("donor_kind", ""),
                amount_fen=forms.yuan(p.get("amount"), field=_("Amount")), kind=kind, anonymous=p.get("anonymous") == "on",
                restriction=p.get("restriction", ""), goods=p.get("goods", ""),
                quantity=int(p["quantity"]) if (p.get("quantity") or "").isdigit() else None,
                receipt_no=p.get("receipt_no", ""), received_at=forms.when(p.get("received_on")), memo=p.get("memo", ""),
                idempotency_key=p.get("idempotency_key") or None,
            )
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Donation recorded, receipt %(no)s.") % {"no": d.receipt_no})
        return redirect("fund:donations")
    page = Paginator(selectors.donation_list_for_user(scope=request.scope, fund=fund), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "fund/donations.html",
        {"fund": fund, "caps": caps, "page": page, "kinds": DonationKind.choices, "donor_kinds": DonorKind.choices, "today": timezone.localdate()},
    )


@login_required
def donation_receipt(request, fund_donation_id: int):
    donation = selectors.donation_get_for_user(scope=request.scope, fund_donation_id=fund_donation_id)
    response = HttpResponse(receipt_pdf(donation), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=receipt-{donation.receipt_no}.pdf"
    return response


@login_required
def income(request):
    fund = _fund(request)
    caps = _caps(request, fund.community_id)
    if request.method == "POST":
        if not caps["manage"]:
            raise NotFound()
        p = request.POST
        try:
            partner = None
            if p.get("partner"):
                from partners.models import Partner

                partner = Partner.objects.filter(pk=int(p["partner"]), community_id=fund.community_id).first()
            services.income_record(
                actor=request.scope, fund=fund, source=p.get("source", ""), amount_fen=forms.yuan(p.get("amount"), field=_("Amount")),
                payer=p.get("payer", ""), memo=p.get("memo", ""), partner=partner, settlement=p.get("settlement") == "on",
                received_at=forms.when(p.get("received_on")), idempotency_key=p.get("idempotency_key") or None,
            )
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Income recorded."))
        return redirect("fund:income")
    from partners.models import Partner

    page = Paginator(selectors.income_list_for_user(scope=request.scope, fund=fund), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "fund/income.html",
        {
            "fund": fund, "caps": caps, "page": page, "today": timezone.localdate(),
            "sources": [(s, FundSource(s).label) for s in INCOME_SOURCES],
            "partners": Partner.objects.filter(community_id=fund.community_id).order_by("name") if caps["manage"] else [],
        },
    )


# --- Disclosure, questions, documents, audit ---------------------------------------------------


@login_required
def reports(request):
    fund = _fund(request)
    caps = _caps(request, fund.community_id)
    if request.method == "POST":
        if not caps["manage"]:
            raise NotFound()
        p = request.POST
        try:
            month = forms.date((p.get("period") or "") + "-01" if len(p.get("period") or "") == 7 else p.get("period"), field=_("Period"), required=True)
            report = disclosure.report_publish(actor=request.scope, fund=fund, kind=disclosure.check_kind(p.get("kind", "")), period_start=month)
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Report published."))
            return redirect("fund_public:report", report.pk)
        return redirect("fund:reports")
    return render(
        request,
        "fund/reports.html",
        {
            "fund": fund, "caps": caps,
            "reports": selectors.report_list_for_user(scope=request.scope, fund=fund).prefetch_related("corrections"),
            "kinds": [(k, label) for k, label in ReportKind.choices if k != ReportKind.PROJECT],
            "overdue": disclosure.overdue(fund),
            "last_month": figures.add_months(timezone.localdate().replace(day=1), -1).strftime("%Y-%m"),
        },
    )


@login_required
@require_POST
def report_project(request, spending_request_id: int):
    r = selectors.request_get_for_user(scope=request.scope, spending_request_id=spending_request_id, cap=Cap.FUND_MANAGE)
    try:
        report = disclosure.report_publish(
            actor=request.scope, fund=r.fund, kind=ReportKind.PROJECT, spending_request=r, final=request.POST.get("final") == "on"
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("fund:request_detail", r.pk)
    return redirect("fund_public:report", report.pk)


@login_required
@require_POST
def report_correct(request, fund_report_id: int):
    report = selectors.report_get_for_user(scope=request.scope, fund_report_id=fund_report_id)
    try:
        disclosure.correction_publish(actor=request.scope, report=report, text=request.POST.get("text", ""))
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Correction note published."))
    return redirect("fund:reports")


@login_required
def questions(request):
    fund = _fund(request)
    return render(
        request,
        "fund/questions.html",
        {"fund": fund, "caps": _caps(request, fund.community_id), "questions": selectors.question_list_for_user(scope=request.scope, fund=fund)[:200]},
    )


@login_required
@require_POST
def question_answer(request, fund_question_id: int):
    q = selectors.question_get_for_user(scope=request.scope, fund_question_id=fund_question_id)
    try:
        services.question_answer(actor=request.scope, question=q, answer=request.POST.get("answer", ""))
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Answer published."))
    return redirect("fund:questions")


@login_required
def documents(request):
    fund = _fund(request)
    caps = _caps(request, fund.community_id)
    if request.method == "POST":
        try:
            upload = request.FILES.get("file")
            if upload is None:
                raise NotFound()
            services.document_add(actor=request.scope, fund=fund, upload=upload, kind=request.POST.get("kind", ""), title=request.POST.get("title", ""))
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Document kept."))
        return redirect("fund:documents")
    return render(
        request,
        "fund/documents.html",
        {"fund": fund, "caps": caps, "documents": selectors.document_list_for_user(scope=request.scope, fund=fund)[:500], "kinds": DocumentKind.choices},
    )


@login_required
def document_download(request, fund_document_id: int):
    doc = selectors.document_get_for_user(scope=request.scope, fund_document_id=fund_document_id)
    with doc.file.open("rb") as fh:
        response = HttpResponse(fh.read(), content_type=doc.content_type)
    response["Content-Disposition"] = f"inline; filename=fund-document-{doc.pk}"
    return response


@login_required
def audit(request):
    fund = _fund(request, Cap.AUDIT_EXPORT)
    if request.GET.get("start"):
        try:
            start = forms.date(request.GET.get("start"), field=_("From"), required=True)
            end = forms.date(request.GET.get("end"), field=_("Until"), required=True)
            data = audit_export(actor=request.scope, fund=fund, start=start, end=end)
        except DomainError as exc:
            _fail(request, exc)
            return redirect("fund:audit")
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f"attachment; filename=fund-audit-{fund.community_id}-{start}-{end}.zip"
        return response
    today = timezone.localdate()
    return render(request, "fund/audit.html", {"fund": fund, "start": dt.date(today.year, 1, 1), "end": today})
