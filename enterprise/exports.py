"""The monthly income and expense statement and the budget against actual, as Excel and PDF.

Both come from ``enterprise.reports`` (the ledger's figures); the PDF uses ReportLab's built-in
CID font STSong-Light, as partners/pdf.py does, so it works without font files.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from enterprise.reports import BudgetRow, MonthReport
from ledger.money import format_fen

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
_BASE = ParagraphStyle("ent-body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
_TITLE = ParagraphStyle("ent-title", parent=_BASE, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=4)
_SUB = ParagraphStyle("ent-sub", parent=_BASE, fontSize=9, alignment=TA_CENTER, textColor=colors.grey)
_HEAD = ParagraphStyle("ent-head", parent=_BASE, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
_CELL = ParagraphStyle("ent-cell", parent=_BASE, fontSize=9, leading=12)


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


def _title(report: MonthReport) -> str:
    return _("%(name)s income and expense statement, %(month)s") % {
        "name": report.enterprise.name,
        "month": f"{report.month:%Y-%m}",
    }


def month_xlsx(report: MonthReport) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _("Statement")[:31]
    bold = Font(bold=True)
    ws.append([_title(report)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append([_("Income by source"), _("Amount (yuan)")])
    for row in report.income_rows:
        ws.append([row.label, _yuan(row.amount)])
    ws.append([_("Total income"), _yuan(report.income_total)])
    ws.cell(ws.max_row, 1).font = bold
    ws.append([])
    ws.append([_("Spending by budget line"), _("Amount (yuan)")])
    for row in report.expense_rows:
        ws.append([row.label, _yuan(row.amount)])
    ws.append([_("Total spending"), _yuan(report.expense_total)])
    ws.cell(ws.max_row, 1).font = bold
    ws.append([])
    ws.append([_("Cash at the start of the month"), _yuan(report.cash_opening)])
    ws.append([_("Cash at the end of the month"), _yuan(report.cash_closing)])
    ws.append([_("Rent still owed"), _yuan(report.arrears)])
    entries = wb.create_sheet(_("Entries")[:31])
    entries.append([_("No."), _("Date"), _("Memo"), _("Income (yuan)"), _("Spending (yuan)"), _("Hash")])
    for e in report.entries:
        entries.append(
            [e.seq, timezone.localtime(e.occurred_at).strftime("%Y-%m-%d"), e.memo, _yuan(e.income),
             _yuan(e.expense), e.hash]
        )
    for sheet in (ws, entries):
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["C"].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def budget_xlsx(*, enterprise, year: int, rows: list[BudgetRow]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = str(year)
    ws.append([_("%(name)s budget against actual, %(year)s") % {"name": enterprise.name, "year": year}])
    ws.append([])
    ws.append([_("Budget line"), _("Budget (yuan)"), _("Paid (yuan)"), _("Committed (yuan)"), _("Remaining (yuan)"),
               _("Used (%)")])
    for r in rows:
        ws.append([r.label, _yuan(r.budget), _yuan(r.actual), _yuan(r.committed), _yuan(r.remaining), r.percent])
    ws.column_dimensions["A"].width = 30
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _p(text, style=_BASE) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    table = Table([[_p(c, _CELL) for c in row] for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f2f4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def month_pdf(report: MonthReport, *, published=None) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=_title(report))
    story = [_p(_title(report), _TITLE), _p(report.enterprise.community.name, _SUB), Spacer(1, 6)]
    story.append(_p(_("Income by source"), _HEAD))
    rows = [[_("Source"), _("Amount")]] + [[r.label, format_fen(r.amount)] for r in report.income_rows]
    rows.append([_("Total income"), format_fen(report.income_total)])
    story.append(_table(rows, [110 * mm, 60 * mm]))
    story.append(_p(_("Spending by budget line"), _HEAD))
    rows = [[_("Budget line"), _("Amount")]] + [[r.label, format_fen(r.amount)] for r in report.expense_rows]
    rows.append([_("Total spending"), format_fen(report.expense_total)])
    story.append(_table(rows, [110 * mm, 60 * mm]))
    story.append(Spacer(1, 6))
    story.append(
        _p(
            _("Cash: %(opening)s at the start of the month, %(closing)s at the end. Rent still owed: %(arrears)s.")
            % {"opening": format_fen(report.cash_opening), "closing": format_fen(report.cash_closing),
               "arrears": format_fen(report.arrears)}
        )
    )
    if report.entries:
        story.append(_p(_("Entries"), _HEAD))
        rows = [[_("No."), _("Date"), _("Memo"), _("Income"), _("Spending")]]
        for e in report.entries:
            rows.append([str(e.seq), timezone.localtime(e.occurred_at).strftime("%m-%d"), e.memo,
                         format_fen(e.income) if e.income else "", format_fen(e.expense) if e.expense else ""])
        story.append(_table(rows, [12 * mm, 16 * mm, 92 * mm, 27 * mm, 27 * mm]))
    if published is not None:
        story.append(Spacer(1, 8))
        story.append(
            _p(
                _("Published %(when)s. Book entry #%(seq)s, hash %(hash)s.")
                % {"when": timezone.localtime(published.published_at).strftime("%Y-%m-%d"), "seq": published.head_seq,
                   "hash": published.head_hash},
                _SUB,
            )
        )
    doc.build(story)
    return buf.getvalue()


def budget_pdf(*, enterprise, year: int, rows: list[BudgetRow]) -> bytes:
    buf = io.BytesIO()
    title = _("%(name)s budget against actual, %(year)s") % {"name": enterprise.name, "year": year}
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, title=title)
    table = [[_("Budget line"), _("Budget"), _("Paid"), _("Committed"), _("Remaining"), _("Used")]]
    for r in rows:
        table.append([r.label, format_fen(r.budget), format_fen(r.actual), format_fen(r.committed),
                      format_fen(r.remaining), f"{r.percent}%"])
    doc.build([_p(title, _TITLE), _p(enterprise.community.name, _SUB), Spacer(1, 8),
               _table(table, [50 * mm, 26 * mm, 26 * mm, 26 * mm, 26 * mm, 18 * mm])])
    return buf.getvalue()
