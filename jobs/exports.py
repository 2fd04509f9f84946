"""Wage statements as printable PDF (one worker) and as an Excel workbook (a period of a workshop).

The PDF uses ReportLab's built-in CID font STSong-Light (no font file needed), like the
partners' agreement; the workbook is plain openpyxl. Both show exactly the records a statement
took, each with its rate and amount, and the total, so a worker can check her wages line by line.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jobs.models import WageStatement
from partners.revenue import format_fen

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
_BASE = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
_TITLE = ParagraphStyle("title", parent=_BASE, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=6)


def _p(text: str, style: ParagraphStyle = _BASE) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _lines(statement: WageStatement) -> list[list[str]]:
    return [
        [r.worked_on.isoformat(), r.rate.name, str(r.quantity), r.rate.get_unit_display(), format_fen(r.rate_fen), format_fen(r.amount_fen)]
        for r in statement.records.select_related("rate").order_by("worked_on", "rate_id")
    ]


def statement_pdf(statement: WageStatement) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    header = [_("Day"), _("Work"), _("Quantity"), _("Unit"), _("Rate"), _("Amount")]
    rows = [header] + _lines(statement) + [["", "", "", "", _("Total"), format_fen(statement.total_fen)]]
    table = Table([[_p(c) for c in row] for row in rows], colWidths=[28 * mm, 45 * mm, 20 * mm, 20 * mm, 25 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f2f4")),
            ]
        )
    )
    story = [
        _p(_("Wage statement"), _TITLE),
        _p(f"{statement.workshop.name} · {statement.worker.resident.name}"),
        _p(
            _("Period: %(start)s to %(end)s · days worked: %(days)s")
            % {"start": statement.period_start.isoformat(), "end": statement.period_end.isoformat(), "days": statement.days_worked}
        ),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 6 * mm),
        _p(_("Issued on %(day)s. Wages are the rates times the work recorded, line by line.") % {"day": timezone.localdate().isoformat()}),
    ]
    doc.build(story)
    return buf.getvalue()


def statements_workbook(statements: list[WageStatement]) -> bytes:
    """One sheet of totals per worker, one sheet of every line."""
    wb = openpyxl.Workbook()
    totals = wb.active
    totals.title = str(_("Wages"))
    totals.append([str(_("Workshop")), str(_("Worker")), str(_("From")), str(_("To")), str(_("Days worked")), str(_("Wages (yuan)"))])
    lines = wb.create_sheet(str(_("Work records")))
    lines.append([str(_("Worker")), str(_("Day")), str(_("Work")), str(_("Quantity")), str(_("Rate (yuan)")), str(_("Amount (yuan)"))])
    for s in statements:
        totals.append([s.workshop.name, s.worker.resident.name, s.period_start, s.period_end, s.days_worked, s.total_fen / 100])
        for r in s.records.select_related("rate").order_by("worked_on", "rate_id"):
            lines.append([s.worker.resident.name, r.worked_on, r.rate.name, r.quantity, r.rate_fen / 100, r.amount_fen / 100])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
