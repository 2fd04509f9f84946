"""The one-page case summary (典型案例) of a community or any node: figures, partners, fund,
highlights. Drawn with ReportLab's built-in Chinese CID font, like the other apps' PDFs."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.db.models import Count, Sum
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

from insights import formatting
from insights.figures import BY_KEY
from insights.services.rollups import records_in

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BASE = ParagraphStyle("case-body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
_TITLE = ParagraphStyle("case-title", parent=_BASE, fontSize=18, leading=26, alignment=TA_CENTER)
_SUB = ParagraphStyle("case-sub", parent=_BASE, fontSize=9.5, alignment=TA_CENTER, textColor=colors.grey)
_H = ParagraphStyle("case-h", parent=_BASE, fontSize=12, leading=18, spaceBefore=8, spaceAfter=3)
_CELL = ParagraphStyle("case-cell", parent=_BASE, fontSize=9, leading=12)
_BIG = ParagraphStyle("case-big", parent=_BASE, fontSize=13, leading=17)

FIGURE_GRID = (
    ("person_times", "residents_served", "services_total", "free_share"),
    ("partners_active", "partner_income", "revenue_shares", "utilisation"),
    ("fund_in", "fund_out", "fund_balance", "volunteer_hours"),
    ("placements", "workshop_wages", "wishes_fulfilled", "reports_solved"),
)


def _p(text, style=_BASE) -> Paragraph:
    # The built-in CID font has no U+00B7 middle dot: the katakana middle dot looks the same.
    return Paragraph(escape(str(text).replace("·", "・")), style)


def _grid(rows, widths) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def top_providers(node_id: int, period, limit: int = 6) -> list[tuple[str, int]]:
    """The community's providers by person-times in the period (the records behind the figure)."""
    rows = (
        records_in(BY_KEY["person_times"], period.start, period.end, [node_id])
        .exclude(provider_name="")
        .values("provider_name")
        .annotate(n=Sum("person_times"), c=Count("id"))
        .order_by("-n", "provider_name")[:limit]
    )
    return [(r["provider_name"], r["n"]) for r in rows]


def highlights(board) -> list[str]:
    f = board.figures
    out = []
    if f.get("services_total"):
        out.append(
            _("%(n)s services in the period, %(share)s free of charge, %(pt)s person-times.")
            % {
                "n": f"{f['services_total']:,}",
                "share": formatting.show("free_share", f),
                "pt": f"{f['person_times']:,}",
            }
        )
    if f.get("fund_in") or f.get("fund_out"):
        out.append(
            _("The community development fund took in %(in)s and spent %(out)s; its balance is %(bal)s.")
            % {k: formatting.show(v, f) for k, v in (("in", "fund_in"), ("out", "fund_out"), ("bal", "fund_balance"))}
        )
    if f.get("volunteer_minutes"):
        out.append(_("Volunteers gave %(h)s.") % {"h": formatting.show("volunteer_hours", f)})
    if f.get("wishes_fulfilled"):
        out.append(_("%(n)s micro-wishes of vulnerable residents fulfilled.") % {"n": f["wishes_fulfilled"]})
    if f.get("reports_solved"):
        out.append(
            _("%(n)s snapshot reports solved, on average in %(t)s.")
            % {"n": f["reports_solved"], "t": formatting.show("average_solve_minutes", f)}
        )
    if f.get("placements"):
        out.append(_("%(n)s residents placed in jobs.") % {"n": f["placements"]})
    return out or [_("No activity recorded in this period yet.")]


def case_summary(board) -> bytes:
    story = [
        _p(_("Case summary: %(name)s") % {"name": board.node.name}, _TITLE),
        _p(
            _("%(period)s · community partners, public welfare and market · printed %(now)s")
            % {"period": board.period.label, "now": timezone.localtime().strftime("%Y-%m-%d")},
            _SUB,
        ),
        Spacer(1, 4 * mm),
        _p(_("Figures"), _H),
    ]
    width = (A4[0] - 36 * mm) / 4
    cells = [[[_p(_label(k), _CELL), _p(formatting.show(k, board.figures), _BIG)] for k in row] for row in FIGURE_GRID]
    story.append(_grid(cells, [width] * 4))
    story.append(_p(_("Highlights"), _H))
    for line in highlights(board):
        story.append(_p("● " + line))
    if board.node.kind == "community":
        providers = top_providers(board.node.id, board.period)
        if providers:
            story.append(_p(_("Who served most"), _H))
            story.append(
                _grid(
                    [[_p(_("Provider"), _CELL), _p(_("Person-times"), _CELL)]]
                    + [[_p(name, _CELL), _p(f"{n:,}", _CELL)] for name, n in providers],
                    [width * 3, width],
                )
            )
    elif board.rows:
        story.append(_p(_("Communities and areas"), _H))
        story.append(
            _grid(
                [[_p(_("Name"), _CELL), _p(_label("person_times"), _CELL), _p(_label("fund_in"), _CELL)]]
                + [
                    [
                        _p(r.node.name, _CELL),
                        _p(formatting.show("person_times", r.figures), _CELL),
                        _p(formatting.show("fund_in", r.figures), _CELL),
                    ]
                    for r in board.rows[:12]
                ],
                [width * 2, width, width],
            )
        )
    story.append(Spacer(1, 3 * mm))
    story.append(_p(_("Figures from Linli's records, counted as defined in the platform's figure definitions."), _SUB))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=_("Case summary: %(name)s") % {"name": board.node.name},
    )
    doc.build(story)
    return buf.getvalue()


def _label(key: str) -> str:
    from insights.selectors import describe

    return describe(key)["label"]
