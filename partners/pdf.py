"""The cooperation agreement as a printable PDF, in Chinese.

ReportLab's built-in CID font STSong-Light draws Chinese without any font file (the PDF viewer
supplies the glyphs), so this works on a fresh machine. The text is gettext'ed English rendered
under the zh-hans catalogue, like the rest of Linli.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from partners.models import Agreement, AgreementStatus, CostBearer, ShareBasis, ShareRecipient
from partners.revenue import format_fen
from partners.selectors import agreement_slots

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BASE = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
_TITLE = ParagraphStyle("title", parent=_BASE, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4)
_SUBTITLE = ParagraphStyle("subtitle", parent=_BASE, fontSize=9.5, alignment=TA_CENTER, textColor=colors.grey)
_HEADING = ParagraphStyle("heading", parent=_BASE, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4)
_CELL = ParagraphStyle("cell", parent=_BASE, fontSize=9.5, leading=13)


def _p(text: str, style: ParagraphStyle = _BASE) -> Paragraph:
    """A paragraph of plain text (escaped: names like "A&B 托管" must print as written)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    table = Table([[_p(cell, _CELL) for cell in row] for row in rows], colWidths=widths, repeatRows=1)
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


def _bearer(value: str) -> str:
    return str(CostBearer(value).label)


def _share_sentence(a: Agreement) -> str:
    if a.share_basis == ShareBasis.NONE:
        return _("No revenue share is agreed.")
    recipient = (
        _("the community development fund of %(community)s") % {"community": a.community.name}
        if a.share_recipient == ShareRecipient.COMMUNITY_FUND
        else _("%(charity)s, earmarked for the projects of %(community)s")
        % {"charity": a.share_recipient_name, "community": a.community.name}
    )
    basis = (
        _("revenue") if a.share_basis == ShareBasis.REVENUE else _("profit (revenue less costs; nothing for a loss)")
    )
    return _(
        "Party B pays %(percent)s%% of its %(basis)s from the services under this agreement to %(recipient)s, "
        "settled %(period)s."
    ) % {
        "percent": a.share_percent,
        "basis": basis,
        "recipient": recipient,
        "period": a.get_settlement_period_display(),
    }


def _story(a: Agreement) -> list:
    partner = a.partner
    community = a.community
    parent = community.parent.name if community.parent_id else ""
    story: list = [
        _p(_("Community partner cooperation agreement"), _TITLE),
        _p(_("Agreement no. %(number)s") % {"number": a.number}, _SUBTITLE),
        Spacer(1, 6 * mm),
        _p(_("Party A (the community): %(name)s") % {"name": f"{parent} {community.name}".strip()}),
        _p(_("Party B (the partner): %(name)s") % {"name": partner.name}),
    ]
    if partner.credit_code:
        story.append(_p(_("Unified social credit code: %(code)s") % {"code": partner.credit_code}))
    if partner.licence_no:
        story.append(_p(_("Licence or certificate number: %(number)s") % {"number": partner.licence_no}))
    story.append(_p(_("Kind of partner: %(kind)s") % {"kind": partner.get_kind_display()}))
    story.append(
        _p(
            _(
                "To make good use of the community's public space and bring professional services to residents at "
                "public-welfare, low-cost or market prices, the parties agree as follows."
            )
        )
    )

    story.append(_p(_("1. Term"), _HEADING))
    story.append(
        _p(_("From %(start)s to %(end)s.") % {"start": f"{a.starts_on:%Y-%m-%d}", "end": f"{a.ends_on:%Y-%m-%d}"})
    )
    if a.renews_id:
        story.append(_p(_("This agreement renews agreement no. %(number)s.") % {"number": a.renews.number}))

    story.append(_p(_("2. Space provided by Party A"), _HEADING))
    if a.space_terms:
        story.append(_p(a.space_terms))
    slots = agreement_slots(agreement=a)
    if slots:
        rows = [[_("Room"), _("Area (m²)"), _("Days"), _("Time")]]
        rows += [[s.room_name, s.area, s.weekdays_label, s.time_label] for s in slots]
        story.append(_table(rows, [55 * mm, 25 * mm, 55 * mm, 35 * mm]))
    elif not a.space_terms:
        story.append(_p(_("No rooms are granted under this agreement.")))

    story.append(_p(_("3. Costs"), _HEADING))
    rent = format_fen(a.monthly_rent_fen) if a.monthly_rent_fen else _("none (space in exchange for services)")
    story.append(_p(_("Monthly rent: %(rent)s") % {"rent": rent}))
    story.append(_p(_("Water and power are paid by: %(who)s") % {"who": _bearer(a.utilities_paid_by)}))
    story.append(_p(_("Running costs are paid by: %(who)s") % {"who": _bearer(a.running_costs_paid_by)}))
    if a.cost_notes:
        story.append(_p(a.cost_notes))

    story.append(_p(_("4. Services and prices"), _HEADING))
    story.append(_p(a.service_terms or partner.services))

    story.append(_p(_("5. Public-welfare commitments"), _HEADING))
    commitments = list(a.commitments.all())
    if commitments:
        rows = [[_("Commitment"), _("What is counted"), _("Target"), _("Period")]]
        rows += [[c.title, c.metric, f"{c.target} {c.unit}".strip(), c.get_period_display()] for c in commitments]
        story.append(_table(rows, [70 * mm, 45 * mm, 25 * mm, 30 * mm]))
        story.append(
            _p(_("Party B records what it has done against each commitment; Party A may verify it and publish it."))
        )
    else:
        story.append(_p(_("No public-welfare commitments are agreed.")))

    story.append(_p(_("6. Revenue share"), _HEADING))
    story.append(_p(_share_sentence(a)))

    story.append(_p(_("7. Evaluation, renewal and exit"), _HEADING))
    story.append(
        _p(
            _(
                "Party A evaluates the partnership periodically, with residents' ratings of Party B's services. "
                "According to the evaluation the agreement may be renewed, or the partnership suspended or ended; "
                "on exit Party B leaves the rooms and the remaining bookings are released."
            )
        )
    )

    story.append(Spacer(1, 12 * mm))
    signed_on = f"{timezone.localtime(a.signed_at):%Y-%m-%d}" if a.signed_at else "____年____月____日"
    signature = Table(
        [
            [
                _p(_("Party A (seal): %(name)s") % {"name": community.name}),
                _p(_("Party B (seal): %(name)s") % {"name": partner.name}),
            ],
            [
                _p(_("Signed by: %(name)s") % {"name": a.community_signatory or "________"}),
                _p(_("Signed by: %(name)s") % {"name": a.partner_signatory or "________"}),
            ],
            [_p(_("Date: %(date)s") % {"date": signed_on}), _p(_("Date: %(date)s") % {"date": signed_on})],
        ],
        colWidths=[85 * mm, 85 * mm],
    )
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    story.append(signature)
    if a.status != AgreementStatus.SIGNED:
        story.append(Spacer(1, 6 * mm))
        story.append(_p(_("Status: %(status)s") % {"status": a.get_status_display()}, _SUBTITLE))
    return story


def agreement_pdf(agreement: Agreement, *, language: str = "zh-hans") -> bytes:
    """The agreement, ready to print and sign (or as signed, with the signatories' names)."""
    with translation.override(language):
        buffer = io.BytesIO()
        title = f"{agreement.number} {agreement.partner.name}"
        footer = _("Linli · agreement no. %(number)s · page %%(page)s") % {"number": agreement.number}

        def on_page(canvas, doc):
            canvas.saveState()
            canvas.setFont(FONT, 8)
            canvas.setFillColor(colors.grey)
            canvas.drawCentredString(A4[0] / 2, 10 * mm, footer % {"page": doc.page})
            canvas.restoreState()

        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=title,
            author=agreement.community.name,
            subject=str(_("Community partner cooperation agreement")),
        )
        doc.build(_story(agreement), onFirstPage=on_page, onLaterPages=on_page)
        return buffer.getvalue()
