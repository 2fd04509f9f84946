"""What linli/tests/test_access_control.py needs to check the fund endpoints.

Each side gets, through the fund's services: a fund with a committee of three, a donation (a
named one and an anonymous one), a spending request approved and paid with an invoice, a draft
request, a resident's question, a published monthly report and a kept agreement document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fund import disclosure, services
from fund.models import DisclosureReport, Document, Donation, Fund, Question, ReportKind, SpendingRequest
from fund.services import MemberIn
from linli.testkit import PASSWORD, World
from orgs.scope import Scope

PDF = b"%PDF-1.4\n%%EOF"


@dataclass
class Objects:
    fund: Fund
    donation: Donation
    anonymous: Donation
    request: SpendingRequest
    draft: SpendingRequest
    question: Question
    report: DisclosureReport
    document: Document
    invoice: Document


def objects(world: World, side: str) -> Objects:
    def make() -> Objects:
        from accounts.services import user_create

        staff = Scope(world.staff(side))
        community = world.community(side)
        label = side.upper()
        today = timezone.localdate()
        users = [user_create(username=f"fund-member-{side}{i}", password=PASSWORD, display_name=f"{label}委员{i}") for i in range(3)]
        fund = services.fund_create(
            actor=staff, community=community, charity_name="淄博市慈善总会", charity_registration_no=f"REG-{label}",
            charity_public_fundraising=True, agreement_date=today - dt.timedelta(days=90), agreement_no=f"FUND-AGREEMENT-{label}",
            members=[MemberIn(user=u, term_start=today, term_end=today + dt.timedelta(days=700), is_chair=i == 0) for i, u in enumerate(users)],
        )
        earlier = timezone.now() - dt.timedelta(days=40)
        donation = services.donation_record(
            actor=staff, fund=fund, donor_name=f"{label}侧捐赠企业", donor_kind="organisation", amount_fen=500_000, received_at=earlier
        )
        anonymous = services.donation_record(
            actor=staff, fund=fund, donor_name=f"{label}侧匿名捐赠人", donor_kind="person", amount_fen=10_000, anonymous=True, received_at=earlier
        )
        request = services.spending_request_propose(
            actor=staff, community=community, title=f"{label}侧楼道灯维修", purpose="更换楼道灯", amount_fen=100_000,
            lines=[("repairs", "感应灯", 100_000)], submit=True,
        )
        for u in users[:2]:
            services.spending_request_vote(actor=Scope(u), request=SpendingRequest.objects.get(pk=request.pk), choice="yes")
        request.refresh_from_db()
        request = services.spending_request_to_charity(actor=None, request=request, today=request.comment_until + dt.timedelta(days=1))
        request = services.spending_request_approve(actor=None, request=request)
        payment = services.payment_record(
            actor=None, request=request, amount_fen=50_000, line="repairs", payee=f"{label}侧五金店", memo="感应灯",
            invoice=SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
        )
        draft = services.spending_request_propose(
            actor=staff, community=community, title=f"{label}-SECRET-DRAFT-REQUEST", purpose="草稿", amount_fen=1000,
            lines=[("other", "草稿", 1000)],
        )
        resident_user = world.user("resident_a" if side == "a" else "resident_b")
        question = services.question_ask(user=resident_user, fund=fund, text=f"{label}侧居民提问", request=request)
        report = disclosure.report_publish(
            actor=None, fund=fund, kind=ReportKind.MONTH, period_start=(today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        )
        document = services.document_add(
            actor=staff, fund=fund, upload=SimpleUploadedFile(f"{label}-agreement.pdf", PDF, content_type="application/pdf"),
            kind="agreement", title=f"{label}-SECRET-AGREEMENT-SCAN",
        )
        return Objects(fund, donation, anonymous, request, draft, question, report, document, payment.invoice)

    return world.once(f"fund.objects.{side}", make)


REGISTRY = {
    "fund_id": lambda w, s: objects(w, s).fund.pk,
    "spending_request_id": lambda w, s: objects(w, s).request.pk,
    "fund_donation_id": lambda w, s: objects(w, s).donation.pk,
    "fund_report_id": lambda w, s: objects(w, s).report.pk,
    "fund_question_id": lambda w, s: objects(w, s).question.pk,
    "fund_document_id": lambda w, s: objects(w, s).document.pk,
    "fund_receipt_token": lambda w, s: objects(w, s).donation.token,
    "fund_document_token": lambda w, s: objects(w, s).invoice.token,
}

# The disclosure is public on purpose: the fund's figures, every submitted request with its
# votes, payments and invoices, the published reports, donors by name (never the anonymous ones)
# and the committee's answers. A donor's receipt is reached only through its unguessable link.
PUBLIC_PAGES = {
    "fund_public:index",
    "fund_public:fund",
    "fund_public:request",
    "fund_public:report",
    "fund_public:report_pdf",
    "fund_public:report_xlsx",
    "fund_public:receipt",
    "fund_public:receipt_pdf",
    "fund_public:document",
}
PUBLIC_OPERATIONS = {
    "GET /api/v1/fund/public/funds",
    "GET /api/v1/fund/public/funds/{community_id}",
    "GET /api/v1/fund/public/requests/{spending_request_id}",
    "GET /api/v1/fund/public/reports/{fund_report_id}",
    "GET /api/v1/fund/public/reports/{fund_report_id}/pdf",
    "GET /api/v1/fund/public/reports/{fund_report_id}/xlsx",
    "GET /api/v1/fund/public/receipts/{fund_receipt_token}",
}
PUBLIC_MARKERS = {"community B's named donor", "community B's request", "community B's question"}


def markers(world: World) -> dict[str, str]:
    b = objects(world, "b")
    return {
        b.anonymous.donor_name: "community B's anonymous donor",
        b.draft.title: "community B's draft request",
        b.document.title: "community B's agreement scan",
        b.fund.agreement_no: "community B fund's agreement number",
        b.donation.donor_name: "community B's named donor",
        b.request.title: "community B's request",
        b.question.text: "community B's question",
    }
