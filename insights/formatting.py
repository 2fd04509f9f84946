"""How a figure's value is written: pages, the big screen's data, Excel and the PDF agree."""

from __future__ import annotations

from django.utils.translation import gettext as _

from insights.figures import BY_KEY, DERIVED_BY_KEY


def unit_of(key: str) -> str:
    item = BY_KEY.get(key) or DERIVED_BY_KEY.get(key)
    return item.unit if item else "count"


def format_value(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "fen":
        yuan = round(value / 100)
        return f"-¥{-yuan:,}" if yuan < 0 else f"¥{yuan:,}"
    if unit == "fen_per_resident":
        return f"¥{value / 100:,.2f}"
    if unit == "percent":
        return f"{value}%"
    if unit == "minutes":
        return _("%(hours)s h") % {"hours": f"{value / 60:,.1f}"}
    if unit == "hours":
        return _("%(hours)s h") % {"hours": f"{value:,}"}
    if unit == "per_thousand":
        return f"{value:,}"
    return f"{value:,}"


def show(key: str, figures: dict) -> str:
    return format_value(figures.get(key), unit_of(key))


def excel_value(value, unit: str):
    """Numbers stay numbers in Excel: yuan (not fen), hours (not minutes)."""
    if value is None:
        return None
    if unit in ("fen", "fen_per_resident"):
        return round(value / 100, 2)
    if unit == "minutes":
        return round(value / 60, 1)
    return value


def excel_title(key: str) -> str:
    item = BY_KEY.get(key) or DERIVED_BY_KEY.get(key)
    label = str(item.label) if item else key
    suffix = {
        "fen": _("yuan"),
        "fen_per_resident": _("yuan"),
        "minutes": _("hours"),
        "hours": _("hours"),
        "percent": "%",
    }.get(unit_of(key))
    return f"{label}（{suffix}）" if suffix else label
