"""Public pages (公开透明): published monthly statements, no login; and a logged-in resident's
questions about their entries (/me/enterprise/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprise import exports, reports, selectors, services
from linli.errors import DomainError, NotFound


def index(request):
    return render(request, "enterprise/public_index.html", {"enterprises": selectors.public_enterprises()})


def enterprise(request, enterprise_id: int):
    ent = selectors.public_enterprise(enterprise_id=enterprise_id)
    return render(
        request,
        "enterprise/public_enterprise.html",
        {"enterprise": ent, "statements": selectors.public_statements(enterprise=ent)},
    )


def statement(request, enterprise_statement_id: int):
    stmt = selectors.public_statement(statement_id=enterprise_statement_id)
    report = reports.month_report(enterprise=stmt.enterprise, month=stmt.month)
    questions = list(selectors.public_questions(statement=stmt))
    by_entry: dict[int, list] = {}
    for q in questions:
        by_entry.setdefault(q.transaction_id, []).append(q)
    entries = [{"entry": e, "questions": by_entry.get(e.transaction_id, [])} for e in report.entries]
    return render(
        request,
        "enterprise/public_statement.html",
        {"statement": stmt, "enterprise": stmt.enterprise, "report": report, "entries": entries},
    )


def statement_pdf(request, enterprise_statement_id: int):
    stmt = selectors.public_statement(statement_id=enterprise_statement_id)
    report = reports.month_report(enterprise=stmt.enterprise, month=stmt.month)
    response = HttpResponse(exports.month_pdf(report, published=stmt), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=statement-{stmt.enterprise_id}-{stmt.month:%Y-%m}.pdf"
    return response


@login_required
def my_questions(request):
    return render(request, "enterprise/me_questions.html", {"questions": selectors.my_questions(user=request.user)})


@require_POST
@login_required
def ask(request, enterprise_statement_id: int):
    stmt = selectors.public_statement(statement_id=enterprise_statement_id)
    try:
        transaction_id = int(request.POST.get("transaction_id", ""))
    except ValueError:
        transaction_id = 0
    try:
        services.question_ask(
            user=request.user, statement=stmt, transaction_id=transaction_id, text=request.POST.get("text", "")
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your question has been sent. The community must answer it in time."))
    return redirect("enterprise_public:statement", enterprise_statement_id=stmt.pk)
