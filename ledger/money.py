"""Money as integers: parsing yuan into fen and showing fen as ¥1,234.56.

Floats never touch money: a yuan amount typed by a person is parsed with Decimal and must have
at most two decimal places.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ledger.models import Unit


def format_fen(fen: int | None) -> str:
    """123456 → "¥1,234.56"; -5 → "-¥0.05"; None → "—"."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def format_points(points: int | None) -> str:
    if points is None:
        return "—"
    return _("%(points)s pts") % {"points": f"{int(points):,}"}


def format_amount(amount: int | None, unit: str) -> str:
    """An amount in its unit: fen as yuan, points as points."""
    return format_points(amount) if unit == Unit.PTS else format_fen(amount)


def fen_from_yuan(value: str | int | Decimal) -> int:
    """ "1,234.5" → 123450. Refuses fractions of a fen and anything that is not a number."""
    if isinstance(value, bool):
        raise ValueError("not an amount")
    text = str(value).strip().replace(",", "").replace("¥", "").replace("￥", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"more than two decimal places: {value!r}")
    return int(fen)
