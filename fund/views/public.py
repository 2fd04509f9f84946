"""The public disclosure pages: no login, on a phone. Every figure comes from the ledger
(fund.figures), and the page prints the chain's verification and its last hash."""

from __future__ import annotations

import uuid

from django.http import FileResponse, HttpResponse
from django.shortcuts import render

from fund import disclosure, figures, selectors
from fund.models import SpendingLine
from fund.pdf import receipt_pdf, report_pdf
from fund.workbook import report_xlsx
from ledger.chart import FundSource
from linli import pagecache
from linli.errors import NotFound


def index(request):
    return render(request, "fund/public_index.html", {"funds": selectors.public_funds()})


def fund_page(request, community_id: int):
    fund = selectors.public_fund_get(community_id=community_id)
    body = pagecache.public_part(f"fund:{fund.pk}", "fund/_public_fund_body.html", lambda: _fund_page_context(fund))
    return render(request, "fund/public_fund.html", {"fund": fund, "body": body})


def _fund_page_context(fund) -> dict:
    community = fund.community
    now = figures.current(community)
    months = figures.last_months(community)
    month_rows = [
        (month, [values.get(s, 0) for s in FundSource.values], sum(values.values()))
        for month, values in months.monthly_income.items()
    ]
    return {
        "fund": fund,
        "community": community,
        "figures": now,
        "income_rows": [(FundSource(s).label, now.income.get(s, 0)) for s in FundSource.values],
        "spending_rows": [
            (SpendingLine(k).label if k in SpendingLine.values else now.spending_names.get(k, k), v) for k, v in now.spending.items()
        ],
        "source_labels": [FundSource(s).label for s in FundSource.values],
        "month_rows": month_rows,
        "chain": figures.chain_check(community),
        "requests": list(selectors.public_requests(fund=fund)[:200]),
        "donations": selectors.public_donations(fund=fund)[:100],
        "reports": selectors.public_reports(fund=fund)[:60],
        "questions": selectors.public_questions(fund=fund).filter(spending_request__isnull=True, report__isnull=True)[:50],
        "members": fund.members.filter(left_on__isnull=True),
    }


def request_page(request, spending_request_id: int):
    r = selectors.request_detail(selectors.public_request_get(spending_request_id=spending_request_id))
    from fund.services import tally

    return render(
        request,
        "fund/public_request.html",
        {"r": r, "fund": r.fund, "public": True, "tally": tally(r) if r.round else None, "photos": [d for d in r.documents.all() if d.public and d.kind == "photo"]},
    )


def report_page(request, fund_report_id: int):
    report = selectors.public_report_get(fund_report_id=fund_report_id)
    d = report.data
    return render(
        request,
        "fund/public_report.html",
        {
            "report": report,
            "fund": report.fund,
            "d": d,
            "items": disclosure.money_items(d),
            "income_rows": [(FundSource(k).label if k in FundSource.values else k, v) for k, v in d["figures"]["income"].items() if v],
            "spending_rows": [
                (SpendingLine(k).label if k in SpendingLine.values else d["figures"]["spending_names"].get(k, k), v)
                for k, v in d["figures"]["spending"].items()
                if v
            ],
            "questions": report.questions.all(),
        },
    )


def report_pdf_view(request, fund_report_id: int):
    report = selectors.public_report_get(fund_report_id=fund_report_id)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=fund-report-{report.pk}.pdf"
    return response


def report_xlsx_view(request, fund_report_id: int):
    report = selectors.public_report_get(fund_report_id=fund_report_id)
    response = HttpResponse(report_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=fund-report-{report.pk}.xlsx"
    return response


def _donation(token: uuid.UUID):
    return selectors.receipt_get(token=token)


def receipt(request, fund_receipt_token: uuid.UUID):
    donation = _donation(fund_receipt_token)
    rows = disclosure.donor_statement(donation)
    for row in rows:
        row["spending_rows"] = [
            (SpendingLine(k).label if k in SpendingLine.values else row["spending_names"].get(k, k), v) for k, v in row["spending"].items()
        ]
    return render(request, "fund/receipt.html", {"d": donation, "fund": donation.fund, "months": rows})


def receipt_pdf_view(request, fund_receipt_token: uuid.UUID):
    donation = _donation(fund_receipt_token)
    response = HttpResponse(receipt_pdf(donation), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=receipt-{donation.receipt_no}.pdf"
    return response


def document(request, fund_document_token: uuid.UUID):
    doc = selectors.public_document_get(token=fund_document_token)
    try:
        fh = doc.file.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    response = FileResponse(fh, content_type=doc.content_type)
    response["Content-Disposition"] = f"inline; filename=fund-document-{doc.pk}"
    return response
