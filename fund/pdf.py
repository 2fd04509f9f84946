"""Printable documents in Chinese: the donation receipt and the disclosure report.

ReportLab's built-in CID font STSong-Light draws Chinese without font files (as partners/pdf.py).
A report's PDF is drawn from its published snapshot only, so it is the same on every download.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

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

from fund.models import DisclosureReport, Donation, DonationKind, ReportKind, SpendingLine
from ledger.chart import FundSource
from ledger.money import format_fen

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BASE = ParagraphStyle("fund-body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
_TITLE = ParagraphStyle("fund-title", parent=_BASE, fontSize=17, leading=25, alignment=TA_CENTER, spaceAfter=4)
_SUB = ParagraphStyle("fund-sub", parent=_BASE, fontSize=9.5, alignment=TA_CENTER, textColor=colors.grey)
_H = ParagraphStyle("fund-h", parent=_BASE, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4)
_CELL = ParagraphStyle("fund-cell", parent=_BASE, fontSize=9, leading=12)


def _p(text, style: ParagraphStyle = _BASE) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list], widths: list[float]) -> Table:
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


def _doc(story: list, title: str) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm, title=title
    )
    doc.build(story)
    return buf.getvalue()


def receipt_pdf(donation: Donation) -> bytes:
    fund = donation.fund
    story = [
        _p(_("Donation receipt"), _TITLE),
        _p(f"{fund.name} · {fund.charity_name}", _SUB),
        Spacer(1, 6 * mm),
    ]
    rows = [
        [_("Receipt number"), donation.receipt_no],
        [_("Donor"), donation.donor_name],
        [_("Received on"), timezone.localtime(donation.received_at).date().isoformat()],
    ]
    if donation.kind == DonationKind.GOODS:
        rows += [[_("Goods"), f"{donation.goods} × {donation.quantity}"], [_("Fair value"), format_fen(donation.amount_fen)]]
    else:
        rows += [[_("Amount"), format_fen(donation.amount_fen)]]
    rows += [
        [_("Purpose restriction"), donation.restriction or _("None: for the fund's general purposes")],
        [_("Shown in public as"), donation.public_donor],
        [_("Held by"), f"{fund.charity_name}（{fund.charity_registration_no}）"],
    ]
    story.append(_table([[_("Item"), _("Details")], *rows], [45 * mm, 125 * mm]))
    story += [
        Spacer(1, 6 * mm),
        _p(
            _(
                "The charity holds this gift for the community's development fund. Every use of it is decided "
                "by the fund committee, open to residents' comments, approved by the charity and published."
            )
        ),
    ]
    return _doc(story, donation.receipt_no)


def _source_label(code: str) -> str:
    return str(FundSource(code).label) if code in FundSource.values else code


def _line_label(code: str, names: dict) -> str:
    return str(SpendingLine(code).label) if code in SpendingLine.values else names.get(code, code)


def report_pdf(report: DisclosureReport) -> bytes:
    from fund.disclosure import money_items

    d = report.data
    f = d["figures"]
    title = {
        ReportKind.MONTH: _("Monthly disclosure"),
        ReportKind.QUARTER: _("Quarterly disclosure"),
        ReportKind.PROJECT: _("Project disclosure"),
    }[report.kind]
    if report.final:
        title = _("Final project disclosure")
    story = [
        _p(f"{d['fund']['name']} · {title}", _TITLE),
        _p(
            f"{d['period']['start']} — {d['period']['last_day']} · {d['fund']['charity_name']} · "
            + _("published %(date)s") % {"date": timezone.localtime(report.published_at).strftime("%Y-%m-%d %H:%M")},
            _SUB,
        ),
        Spacer(1, 5 * mm),
        _p(_("Summary"), _H),
        _table([[_("Item"), _("Amount")], *[[label, format_fen(v)] for label, v in money_items(d)]], [110 * mm, 60 * mm]),
        _p(_("Money in by source"), _H),
        _table(
            [[_("Source"), _("Amount")], *[[_source_label(k), format_fen(v)] for k, v in f["income"].items() if v]]
            or [[_("Source"), _("Amount")]],
            [110 * mm, 60 * mm],
        ),
        _p(_("Money out by budget line"), _H),
        _table(
            [[_("Budget line"), _("Amount")], *[[_line_label(k, f["spending_names"]), format_fen(v)] for k, v in f["spending"].items() if v]],
            [110 * mm, 60 * mm],
        ),
    ]
    if d["requests"]:
        story += [
            _p(_("Spending requests"), _H),
            _table(
                [[_("Number"), _("Title"), _("Status"), _("Approved"), _("Paid")]]
                + [[r["number"], r["title"], r["status_label"], format_fen(r["approved_fen"]), format_fen(r["paid_fen"])] for r in d["requests"]],
                [28 * mm, 62 * mm, 28 * mm, 26 * mm, 26 * mm],
            ),
        ]
    if d["payments"]:
        story += [
            _p(_("Payments"), _H),
            _table(
                [[_("Date"), _("Request"), _("Payee"), _("What for"), _("Amount")]]
                + [[p["paid_at"][:10], p["request"], p["payee"], p["memo"], format_fen(p["amount_fen"])] for p in d["payments"]],
                [24 * mm, 28 * mm, 40 * mm, 52 * mm, 26 * mm],
            ),
        ]
    if d["donations"]:
        story += [
            _p(_("Donations"), _H),
            _table(
                [[_("Receipt"), _("Donor"), _("Gift"), _("Amount")]]
                + [
                    [x["receipt_no"], x["donor"], f"{x['goods']} × {x['quantity']}" if x["kind"] == "goods" else _("Money"), format_fen(x["amount_fen"])]
                    for x in d["donations"]
                ],
                [30 * mm, 60 * mm, 50 * mm, 30 * mm],
            ),
        ]
    for r in d["requests"]:
        if r.get("report_text"):
            story += [_p(f"{r['number']} {r['title']}", _H), _p(r["report_text"])]
    corrections = list(report.corrections.all())
    if corrections:
        story.append(_p(_("Correction notes"), _H))
        for c in corrections:
            story.append(_p(f"{timezone.localtime(c.published_at):%Y-%m-%d}：{c.text}"))
    story += [
        Spacer(1, 6 * mm),
        _p(
            _(
                "Ledger check: entry #%(seq)s, hash %(hash)s; chain verified: %(ok)s. Anyone can check later that the "
                "books still hold exactly this history."
            )
            % {"seq": report.head_seq, "hash": report.head_hash, "ok": _("yes") if d["ledger"]["verified"] else _("NO")},
            _CELL,
        ),
    ]
    return _doc(story, f"{d['fund']['name']} {d['period']['start']}")
