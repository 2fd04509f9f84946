"""What linli/tests/test_access_control.py needs to check the enterprise endpoints.

Each side's objects are made through the enterprise services by that side's staff, once per test:
the enterprise (with budget lines and a grant received), a pending expense request, a leased room
with last month's rent invoice, a rule document, last month's published statement and one
resident's question about it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from enterprise import services
from enterprise.models import (
    Enterprise,
    EnterpriseDocument,
    ExpenseRequest,
    MonthlyStatement,
    Question,
    RentInvoice,
)
from enterprise.periods import month_start
from enterprise.reports import month_report
from enterprise.tests.factories import TODAY, enterprise_for, lease
from linli.testkit import World
from orgs.scope import Scope


@dataclass
class Objects:
    enterprise: Enterprise
    request: ExpenseRequest
    invoice: RentInvoice
    document: EnterpriseDocument
    statement: MonthlyStatement
    question: Question


def objects(world: World, side: str) -> Objects:
    def make() -> Objects:
        staff = Scope(world.staff(side))
        label = side.upper()
        ent = enterprise_for(world, side)
        last_month = month_start(month_start(TODAY) - dt.timedelta(days=1))
        services.income_record(
            actor=staff,
            enterprise=ent,
            source="services",
            amount_fen=12_300,
            received_on=last_month.replace(day=15),
            payer="居民",
            memo=f"{label}侧便民服务收入",
        )
        request = services.expense_request_create(
            actor=staff,
            enterprise=ent,
            category="activities",
            purpose=f"{label}侧未公开的采购申请",
            payee=f"{label}侧供应商",
            amount_fen=45_600,
        )
        lease(world, side)
        (invoice,) = services.rent_invoices_generate(actor=staff, enterprise=ent, period=last_month)
        document = services.document_add(
            actor=staff,
            enterprise=ent,
            kind="financial_rule",
            title=f"{label}侧财务管理制度",
            body="收支两条线……",
            file=SimpleUploadedFile(f"rule-{side}.pdf", b"%PDF-1.4 rule", content_type="application/pdf"),
        )
        statement = services.statement_publish(actor=staff, enterprise=ent, month=last_month)
        entry = month_report(enterprise=ent, month=last_month).entries[0]
        resident = world.user({"a": "resident_a", "b": "resident_b"}[side])
        question = services.question_ask(
            user=resident, statement=statement, transaction_id=entry.transaction_id, text=f"{label}侧这笔收入是什么？"
        )
        return Objects(ent, request, invoice, document, statement, question)

    return world.once(f"enterprise.objects.{side}", make)


REGISTRY = {
    "enterprise_id": lambda w, s: objects(w, s).enterprise.pk,
    "expense_request_id": lambda w, s: objects(w, s).request.pk,
    "rent_invoice_id": lambda w, s: objects(w, s).invoice.pk,
    "enterprise_document_id": lambda w, s: objects(w, s).document.pk,
    "enterprise_statement_id": lambda w, s: objects(w, s).statement.pk,
    "enterprise_question_id": lambda w, s: objects(w, s).question.pk,
}

# Published statements are public on purpose (公开透明): the enterprise's income and spending of a
# month, its entries and the residents' questions with their answers (never who asked).
PUBLIC_PAGES = {
    "enterprise_public:index",
    "enterprise_public:enterprise",
    "enterprise_public:statement",
    "enterprise_public:statement_pdf",
}
PUBLIC_OPERATIONS = {
    "GET /api/v1/enterprise/public/enterprises",
    "GET /api/v1/enterprise/public/enterprises/{enterprise_id}/statements",
    "GET /api/v1/enterprise/public/statements/{enterprise_statement_id}",
}


def markers(world: World) -> dict[str, str]:
    b = objects(world, "b")
    return {
        b.request.purpose: "community B's pending expense request",
        b.enterprise.bookkeeping_agency: "community B's bookkeeping agency",
        b.document.title: "community B enterprise's rule document",
    }
