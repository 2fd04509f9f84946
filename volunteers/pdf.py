"""A volunteer's certificate of service (志愿服务证明) as a PDF, in Chinese.

ReportLab's built-in CID font STSong-Light draws Chinese without a font file (as partners/pdf.py
explains). It lists the confirmed services only: hours the task's organiser has vouched for.
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

from volunteers.models import Volunteer
from volunteers.selectors import volunteer_record

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BASE = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
_TITLE = ParagraphStyle("title", parent=_BASE, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=6)
_SUBTITLE = ParagraphStyle("subtitle", parent=_BASE, fontSize=9.5, alignment=TA_CENTER, textColor=colors.grey)
_BIG = ParagraphStyle("big", parent=_BASE, fontSize=12.5, leading=22)
_CELL = ParagraphStyle("cell", parent=_BASE, fontSize=9.5, leading=13)


def _p(text: str, style: ParagraphStyle = _BASE) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


def certificate_pdf(volunteer: Volunteer, *, language: str = "zh-hans") -> bytes:
    record = volunteer_record(volunteer=volunteer)
    buffer = io.BytesIO()
    with translation.override(language):
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=18 * mm,
            title=_("Certificate of volunteer service"), author=volunteer.community.name,
        )
        today = timezone.localdate()
        story = [
            _p(_("Certificate of volunteer service"), _TITLE),
            _p(f"{volunteer.community.name} · {_('Volunteer bank')}", _SUBTITLE),
            Spacer(1, 10 * mm),
            _p(
                _(
                    "%(name)s has served as a volunteer of %(community)s since %(since)s, with %(n)s services "
                    "and %(hours)s hours confirmed by their organisers, earning %(points)s points."
                )
                % {
                    "name": volunteer.name,
                    "community": volunteer.community.name,
                    "since": timezone.localtime(volunteer.registered_at).strftime("%Y-%m-%d"),
                    "n": len(record.services),
                    "hours": _hours(record.minutes),
                    "points": record.points_earned,
                },
                _BIG,
            ),
        ]
        if record.teams:
            story.append(_p(_("Teams: %(teams)s") % {"teams": "、".join(m.team.name for m in record.teams)}))
        story.append(Spacer(1, 6 * mm))
        rows = [[_("Date"), _("Service"), _("Place"), _("Hours"), _("Points")]]
        for s in record.services:
            rows.append([
                timezone.localtime(s.task.starts_at).strftime("%Y-%m-%d"),
                s.task.title,
                s.task.place,
                _hours(s.minutes or 0),
                str(s.points),
            ])
        if len(rows) == 1:
            rows.append(["—", _("No confirmed service yet."), "", "", ""])
        table = Table(
            [[_p(cell, _CELL) for cell in row] for row in rows],
            colWidths=[26 * mm, 70 * mm, 40 * mm, 16 * mm, 18 * mm],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f2f4")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [
            table,
            Spacer(1, 12 * mm),
            _p(_("Issued by %(community)s on %(date)s.") % {"community": volunteer.community.name, "date": today}),
        ]
        doc.build(story)
    return buffer.getvalue()
