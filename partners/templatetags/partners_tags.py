from django import template

from partners.revenue import format_fen

register = template.Library()


@register.filter
def fen(value) -> str:
    """Integer fen as money: 120050 → ¥1,200.50."""
    return format_fen(value)


@register.filter
def stars(value) -> str:
    """A 1–5 score as stars, for a quick read on a phone (the number is shown beside it)."""
    try:
        n = round(float(value))
    except (TypeError, ValueError):
        return ""
    return "★" * n + "☆" * (5 - n)
