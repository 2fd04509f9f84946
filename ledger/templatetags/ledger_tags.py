"""Template filters for money: {{ amount|fen }} → ¥1,234.56, {{ amount|money:unit }}."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from ledger.money import format_amount, format_fen

register = template.Library()


@register.filter
def fen(value: int | None) -> str:
    return format_fen(value)


@register.filter
def money(value: int | None, unit: str = "CNY") -> str:
    return format_amount(value, unit)


@register.filter
def unsigned_money(value: int | None, unit: str = "CNY") -> str:
    """The amount without its sign, for debit/credit columns and "借/贷" balances."""
    return format_amount(abs(value) if value is not None else None, unit)


@register.filter
def side(value: int | None) -> str:
    """借 (debit) for a positive signed amount, 贷 (credit) for a negative one, 平 for zero."""
    if not value:
        return _("nil")
    return _("Dr") if value > 0 else _("Cr")
