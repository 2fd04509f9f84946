"""Disclosure reports as Excel workbooks, drawn from the published snapshot (openpyxl)."""

from __future__ import annotations

import io

import openpyxl
from django.utils.translation import gettext as _

from fund.disclosure import money_items
from fund.models import DisclosureReport
from fund.pdf import _line_label, _source_label


def _yuan(fen: int) -> float:
    # Excel shows yuan; the published snapshot keeps integer fen.
    return round(fen / 100, 2)


def report_xlsx(report: DisclosureReport) -> bytes:
    d = report.data
    f = d["figures"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = str(_("Summary"))
    ws.append([d["fund"]["name"], d["period"]["start"], d["period"]["last_day"]])
    ws.append([str(_("Item")), str(_("Amount (yuan)"))])
    for label, fen in money_items(d):
        ws.append([label, _yuan(fen)])
    ws.append([])
    ws.append([str(_("Source")), str(_("Amount (yuan)"))])
    for k, v in f["income"].items():
        ws.append([_source_label(k), _yuan(v)])
    ws.append([])
    ws.append([str(_("Budget line")), str(_("Amount (yuan)"))])
    for k, v in f["spending"].items():
        ws.append([_line_label(k, f["spending_names"]), _yuan(v)])
    ws.append([])
    ws.append([str(_("Ledger entry")), report.head_seq, str(_("Hash")), report.head_hash])

    rs = wb.create_sheet(str(_("Spending requests")))
    rs.append([str(_("Number")), str(_("Title")), str(_("Status")), str(_("Requested")), str(_("Approved")), str(_("Paid"))])
    for r in d["requests"]:
        rs.append([r["number"], r["title"], r["status_label"], _yuan(r["amount_fen"]), _yuan(r["approved_fen"]), _yuan(r["paid_fen"])])
    ps = wb.create_sheet(str(_("Payments")))
    ps.append([str(_("Date")), str(_("Request")), str(_("Payee")), str(_("What for")), str(_("Amount (yuan)"))])
    for p in d["payments"]:
        ps.append([p["paid_at"][:10], p["request"], p["payee"], p["memo"], _yuan(p["amount_fen"])])
    ds = wb.create_sheet(str(_("Donations")))
    ds.append([str(_("Receipt")), str(_("Donor")), str(_("Goods")), str(_("Count")), str(_("Amount (yuan)"))])
    for x in d["donations"]:
        ds.append([x["receipt_no"], x["donor"], x["goods"], x["quantity"], _yuan(x["amount_fen"])])
    cs = wb.create_sheet(str(_("Correction notes")))
    for c in report.corrections.all():
        cs.append([c.published_at.date().isoformat(), c.text])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
