"""Printable sheets: box labels for the kitchen, and the monthly settlement statement.

Labels: A4, 3 × 8 per sheet (a common sticker sheet), each with the order number, the dish, the
masked name (张*君), the building, pick-up or delivery, and a QR code the counter scans.
ReportLab's CID font STSong-Light draws the Chinese without a font file (see partners/pdf.py).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from partners.revenue import format_fen

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

COLS, ROWS = 3, 8
MARGIN_X, MARGIN_Y = 7 * mm, 12 * mm


def mask_name(name: str) -> str:
    """张丽君 → 张*君, 李明 → 李*: enough for the resident to know the box, not for a passer-by."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _qr(c: canvas.Canvas, payload: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(payload)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def labels_pdf(orders) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    cell_w = (width - 2 * MARGIN_X) / COLS
    cell_h = (height - 2 * MARGIN_Y) / ROWS
    orders = list(orders)
    for i, order in enumerate(orders):
        pos = i % (COLS * ROWS)
        if i and pos == 0:
            c.showPage()
        col, row = pos % COLS, pos // COLS
        x = MARGIN_X + col * cell_w
        y = height - MARGIN_Y - (row + 1) * cell_h
        c.setStrokeColor(colors.lightgrey)
        c.rect(x + 1, y + 1, cell_w - 2, cell_h - 2)
        qr = cell_h - 8 * mm
        _qr(c, order.qr_payload, x + cell_w - qr - 2 * mm, y + 4 * mm, qr)
        c.setFillColor(colors.black)
        c.setFont(FONT, 11)
        c.drawString(x + 3 * mm, y + cell_h - 7 * mm, order.number)
        c.setFont(FONT, 9)
        c.drawString(x + 3 * mm, y + cell_h - 12 * mm, order.meal.name[:9])
        c.setFont(FONT, 12)
        c.drawString(x + 3 * mm, y + cell_h - 18 * mm, f"{mask_name(order.resident.name)} ×{order.quantity}")
        c.setFont(FONT, 9)
        building = order.resident.building.name if order.resident.building_id else ""
        c.drawString(x + 3 * mm, y + cell_h - 23 * mm, building[:10])
        where = _("Door delivery") if order.delivery else _("Pick-up")
        c.drawString(x + 3 * mm, y + 4 * mm, f"{where} {order.pickup_code}")
    if not orders:
        c.setFont(FONT, 12)
        c.drawString(MARGIN_X, height - MARGIN_Y - 10 * mm, _("No order to label."))
    c.showPage()
    c.save()
    return buf.getvalue()


_BASE = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
_TITLE = ParagraphStyle("title", parent=_BASE, fontSize=16, leading=24, spaceAfter=6)


def _p(text, style=_BASE) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def statement_rows(st: dict) -> list[list[str]]:
    labels = {"orders": _("Meal orders"), "enrolments": _("Enrolments")}
    rows = [[_("What"), _("Paid"), _("Refunded"), _("Revenue"), _("Revenue share")]]
    for line in st["lines"]:
        rows.append(
            [
                str(labels.get(line["what"], line["what"])),
                str(line["paid"]),
                str(line["refunded"]),
                format_fen(line["revenue_fen"]),
                format_fen(line["share_fen"]),
            ]
        )
    return rows


def statement_pdf(st: dict) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm)
    partner = st["partner"]
    story = [
        _p(_("Settlement statement %(month)s") % {"month": st["month"].strftime("%Y-%m")}, _TITLE),
        _p(f"{partner.community.name} · {partner.name}"),
        Spacer(1, 6 * mm),
    ]
    table = Table([[_p(c) for c in row] for row in statement_rows(st)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f2f4")),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 6 * mm))
    for label, value in (
        (_("Revenue"), st["revenue_fen"]),
        (_("Share owed"), st["share_owed_fen"]),
        (_("Share paid"), st["share_paid_fen"]),
        (_("Outstanding"), st["share_outstanding_fen"]),
    ):
        story.append(_p(f"{label}: {format_fen(value)}"))
    story.append(
        _p(_("Portions handed over: %(n)s (orders: %(o)s)") % {"n": st["portions_handed_over"], "o": st["orders_handed_over"]})
    )
    doc.build(story)
    return buf.getvalue()


def statement_xlsx(st: dict) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = st["month"].strftime("%Y-%m")
    ws.append([_("Settlement statement %(month)s") % {"month": st["month"].strftime("%Y-%m")}])
    ws.append([st["partner"].community.name, st["partner"].name])
    ws.append([])
    for row in statement_rows(st):
        ws.append(row)
    ws.append([])
    ws.append([_("Revenue (yuan)"), st["revenue_fen"] / 100])
    ws.append([_("Share owed (yuan)"), st["share_owed_fen"] / 100])
    ws.append([_("Share paid (yuan)"), st["share_paid_fen"] / 100])
    ws.append([_("Outstanding (yuan)"), st["share_outstanding_fen"] / 100])
    payments = wb.create_sheet(_("Share payments"))
    payments.append([_("Paid at"), _("Amount (yuan)"), _("Note")])
    for p in st["payments"]:
        payments.append([p.paid_at.strftime("%Y-%m-%d %H:%M"), p.amount_fen / 100, p.note])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
