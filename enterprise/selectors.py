"""Reads of the enterprise app, always scoped to who is asking.

Staff, approvers, the subdistrict and the bookkeeping agency read with ``enterprise.view``; an
enterprise, request, invoice or question outside the user's communities does not exist for them
(NotFound). The public reads (published statements) take no scope and return only what is
published.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils import timezone

from enterprise.models import (
    Enterprise,
    EnterpriseDocument,
    ExpenseRequest,
    Income,
    MonthlyStatement,
    Question,
    RentInvoice,
    RequestStatus,
)
from enterprise.services.spending import approves_as
from linli.errors import NotFound
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope


def enterprise_list_for_user(*, scope: Scope) -> QuerySet[Enterprise]:
    return scope.filter(Enterprise.objects.select_related("community", "book"), Cap.ENTERPRISE_VIEW).order_by(
        "community__path"
    )


def enterprise_get_for_user(*, scope: Scope, enterprise_id: int) -> Enterprise:
    found = enterprise_list_for_user(scope=scope).filter(pk=enterprise_id).first()
    if found is None:
        raise NotFound()
    return found


def enterprise_of_community_for_user(*, scope: Scope, community: OrgNode) -> Enterprise | None:
    """For the console's current community: its enterprise, or None if it has none yet."""
    if not scope.has(Cap.ENTERPRISE_VIEW, community.pk):
        raise NotFound()
    return Enterprise.objects.select_related("community", "book").filter(community=community).first()


def document_get_for_user(*, scope: Scope, document_id: int) -> EnterpriseDocument:
    found = (
        scope.filter(EnterpriseDocument.objects.select_related("enterprise"), Cap.ENTERPRISE_VIEW)
        .filter(pk=document_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def request_list_for_user(
    *, scope: Scope, enterprise: Enterprise | None = None, status: str = ""
) -> QuerySet[ExpenseRequest]:
    qs = scope.filter(
        ExpenseRequest.objects.select_related("enterprise", "community", "budget_line", "created_by"),
        Cap.ENTERPRISE_VIEW,
    )
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def request_get_for_user(*, scope: Scope, expense_request_id: int) -> ExpenseRequest:
    found = request_list_for_user(scope=scope).filter(pk=expense_request_id).first()
    if found is None:
        raise NotFound()
    return found


def requests_awaiting(*, scope: Scope) -> list[ExpenseRequest]:
    """Pending requests whose next level this user decides (an approver's inbox)."""
    if not scope.has_anywhere(Cap.ENTERPRISE_APPROVE):
        return []
    pending = request_list_for_user(scope=scope, status=RequestStatus.PENDING).order_by("created_at")
    return [r for r in pending if r.next_approver and approves_as(scope, r.next_approver, r.community)]


def approvals_of(*, request: ExpenseRequest):
    return request.approvals.select_related("decided_by").order_by("level")


def income_list_for_user(*, scope: Scope, enterprise: Enterprise) -> QuerySet[Income]:
    return scope.filter(Income.objects.filter(enterprise=enterprise), Cap.ENTERPRISE_VIEW).order_by(
        "-received_on", "-pk"
    )


def invoice_list_for_user(
    *, scope: Scope, enterprise: Enterprise, outstanding_only: bool = False
) -> QuerySet[RentInvoice]:
    qs = scope.filter(
        RentInvoice.objects.filter(enterprise=enterprise).select_related("partner", "agreement"), Cap.ENTERPRISE_VIEW
    )
    if outstanding_only:
        qs = qs.filter(paid_fen__lt=F("amount_fen"))
    return qs.order_by("-period", "partner__name")


def invoice_get_for_user(*, scope: Scope, rent_invoice_id: int) -> RentInvoice:
    found = (
        scope.filter(RentInvoice.objects.select_related("partner", "agreement", "enterprise"), Cap.ENTERPRISE_VIEW)
        .filter(pk=rent_invoice_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def statement_list_for_user(*, scope: Scope, enterprise: Enterprise) -> QuerySet[MonthlyStatement]:
    return scope.filter(MonthlyStatement.objects.filter(enterprise=enterprise), Cap.ENTERPRISE_VIEW).order_by("-month")


def question_list_for_user(
    *, scope: Scope, enterprise: Enterprise | None = None, open_only: bool = False, overdue_only: bool = False
) -> QuerySet[Question]:
    """Residents' questions. The subdistrict, seeing all its communities, sees every overdue one."""
    qs = scope.filter(
        Question.objects.select_related("statement__enterprise", "transaction", "community", "answered_by"),
        Cap.ENTERPRISE_VIEW,
    )
    if enterprise is not None:
        qs = qs.filter(statement__enterprise=enterprise)
    if open_only or overdue_only:
        qs = qs.filter(answered_at__isnull=True)
    if overdue_only:
        qs = qs.filter(due_at__lt=timezone.now())
    return qs.order_by("due_at" if open_only or overdue_only else "-asked_at")


def question_get_for_user(*, scope: Scope, question_id: int) -> Question:
    found = question_list_for_user(scope=scope).filter(pk=question_id).first()
    if found is None:
        raise NotFound()
    return found


def my_questions(*, user) -> QuerySet[Question]:
    return Question.objects.filter(asked_by=user).select_related("statement__enterprise", "transaction").order_by(
        "-asked_at"
    )


# --- Public --------------------------------------------------------------------------------------


def public_enterprises() -> QuerySet[Enterprise]:
    """Enterprises with at least one published statement."""
    return (
        Enterprise.objects.filter(statements__isnull=False)
        .select_related("community", "community__parent")
        .distinct()
        .order_by("community__path")
    )


def public_enterprise(*, enterprise_id: int) -> Enterprise:
    found = public_enterprises().filter(pk=enterprise_id).first()
    if found is None:
        raise NotFound()
    return found


def public_statements(*, enterprise: Enterprise) -> QuerySet[MonthlyStatement]:
    return MonthlyStatement.objects.filter(enterprise=enterprise).order_by("-month")


def public_statement(*, statement_id: int) -> MonthlyStatement:
    found = MonthlyStatement.objects.select_related("enterprise", "enterprise__book", "community").filter(
        pk=statement_id
    ).first()
    if found is None:
        raise NotFound()
    return found


def public_questions(*, statement: MonthlyStatement) -> QuerySet[Question]:
    """Questions and answers on a statement, shown publicly without who asked."""
    return Question.objects.filter(statement=statement).order_by("asked_at")
