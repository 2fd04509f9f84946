"""Reads of the fund app, always scoped: staff reads need ``fund.view`` (or the capability
named) in the record's community; public reads return only what is disclosed."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from fund.models import (
    Comment,
    CorrectionNote,
    DisclosureReport,
    Document,
    Donation,
    Fund,
    Income,
    Question,
    RequestStatus,
    SpendingRequest,
    Vote,
)
from linli.errors import NotFound
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope

# A request becomes public when it goes to the committee; a draft is the proposer's work.
PUBLIC_STATUSES = [s for s in RequestStatus.values if s != RequestStatus.DRAFT]


def _one(qs: QuerySet, **kw):
    try:
        obj = qs.filter(**kw).first()
    except OverflowError:  # an id beyond 64 bits (SQLite's driver refuses it): no such object
        obj = None
    if obj is None:
        raise NotFound()
    return obj


# --- Staff ------------------------------------------------------------------------------------


def fund_list_for_user(*, scope: Scope, cap: str = Cap.FUND_VIEW) -> QuerySet[Fund]:
    return scope.filter(Fund.objects.select_related("community"), cap)


def fund_get_for_user(*, scope: Scope, fund_id: int, cap: str = Cap.FUND_VIEW) -> Fund:
    return _one(fund_list_for_user(scope=scope, cap=cap), pk=fund_id)


def fund_of_community_for_user(*, scope: Scope, community: OrgNode, cap: str = Cap.FUND_VIEW) -> Fund | None:
    if not scope.has(cap, community.pk):
        raise NotFound()
    return Fund.objects.select_related("community").filter(community=community).first()


def request_list_for_user(*, scope: Scope, fund: Fund, status: str = "") -> QuerySet[SpendingRequest]:
    qs = scope.filter(SpendingRequest.objects.filter(fund=fund), Cap.FUND_VIEW)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("proposed_by")


def request_get_for_user(*, scope: Scope, spending_request_id: int, cap: str = Cap.FUND_VIEW) -> SpendingRequest:
    qs = scope.filter(SpendingRequest.objects.select_related("fund", "community", "proposed_by"), cap)
    return _one(qs, pk=spending_request_id)


def request_detail(request: SpendingRequest) -> SpendingRequest:
    """Everything a request's page shows, fetched in a fixed number of queries."""
    return (
        SpendingRequest.objects.select_related("fund", "community", "proposed_by")
        .prefetch_related(
            "lines",
            Prefetch("votes", queryset=Vote.objects.select_related("member").order_by("round", "pk")),
            "steps",
            "payments__invoice",
            "comments",
            Prefetch("questions", queryset=Question.objects.order_by("pk")),
            Prefetch("documents", queryset=Document.objects.order_by("pk")),
        )
        .get(pk=request.pk)
    )


def donation_list_for_user(*, scope: Scope, fund: Fund) -> QuerySet[Donation]:
    return scope.filter(Donation.objects.filter(fund=fund), Cap.FUND_VIEW)


def donation_get_for_user(*, scope: Scope, fund_donation_id: int) -> Donation:
    return _one(scope.filter(Donation.objects.select_related("fund", "community"), Cap.FUND_VIEW), pk=fund_donation_id)


def income_list_for_user(*, scope: Scope, fund: Fund) -> QuerySet[Income]:
    return scope.filter(Income.objects.filter(fund=fund), Cap.FUND_VIEW)


def document_get_for_user(*, scope: Scope, fund_document_id: int) -> Document:
    return _one(scope.filter(Document.objects.all(), Cap.FUND_VIEW), pk=fund_document_id)


def document_list_for_user(*, scope: Scope, fund: Fund) -> QuerySet[Document]:
    return scope.filter(Document.objects.filter(fund=fund), Cap.FUND_VIEW).select_related("spending_request")


def report_list_for_user(*, scope: Scope, fund: Fund) -> QuerySet[DisclosureReport]:
    return scope.filter(DisclosureReport.objects.filter(fund=fund), Cap.FUND_VIEW).select_related("spending_request")


def report_get_for_user(*, scope: Scope, fund_report_id: int) -> DisclosureReport:
    return _one(scope.filter(DisclosureReport.objects.select_related("fund", "community"), Cap.FUND_VIEW), pk=fund_report_id)


def question_list_for_user(*, scope: Scope, fund: Fund, open_only: bool = False) -> QuerySet[Question]:
    qs = scope.filter(Question.objects.filter(fund=fund), Cap.FUND_VIEW).select_related("spending_request", "report")
    return qs.filter(answered_at__isnull=True) if open_only else qs


def question_get_for_user(*, scope: Scope, fund_question_id: int) -> Question:
    return _one(scope.filter(Question.objects.all(), Cap.FUND_VIEW), pk=fund_question_id)


def comments_of(request: SpendingRequest) -> QuerySet[Comment]:
    return Comment.objects.filter(spending_request=request).order_by("pk")


# --- Public (no login) ------------------------------------------------------------------------


def public_funds() -> QuerySet[Fund]:
    return Fund.objects.select_related("community", "community__parent").filter(community__kind=NodeKind.COMMUNITY)


def public_fund_get(*, community_id: int) -> Fund:
    return _one(public_funds(), community_id=community_id)


def public_requests(*, fund: Fund) -> QuerySet[SpendingRequest]:
    return (
        SpendingRequest.objects.filter(fund=fund, status__in=PUBLIC_STATUSES)
        .prefetch_related("lines", "payments")
        .order_by("-submitted_at", "-pk")
    )


def public_request_get(*, spending_request_id: int) -> SpendingRequest:
    return _one(
        SpendingRequest.objects.select_related("fund", "community").filter(status__in=PUBLIC_STATUSES),
        pk=spending_request_id,
    )


def public_donations(*, fund: Fund) -> QuerySet[Donation]:
    return Donation.objects.filter(fund=fund).order_by("-received_at", "-pk")


def public_document_get(*, token) -> Document:
    return _one(Document.objects.filter(public=True), token=token)


def public_reports(*, fund: Fund) -> QuerySet[DisclosureReport]:
    return DisclosureReport.objects.filter(fund=fund).prefetch_related(
        Prefetch("corrections", queryset=CorrectionNote.objects.order_by("pk"))
    )


def public_report_get(*, fund_report_id: int) -> DisclosureReport:
    return _one(DisclosureReport.objects.select_related("fund", "community"), pk=fund_report_id)


def public_questions(*, fund: Fund) -> QuerySet[Question]:
    return Question.objects.filter(fund=fund).select_related("spending_request", "report").order_by("-pk")


def receipt_get(*, token) -> Donation:
    return _one(Donation.objects.select_related("fund", "community"), token=token)
