"""The revenue-share rule of an agreement, as arithmetic, and money as people type it.

An agreement stores the rule as data (``share_basis``, ``share_bp``, ``share_recipient``,
``settlement_period``); the app that posts money to the ledger asks ``share_due`` how much a
settlement period owes. Amounts are integer fen throughout (ARCHITECTURE: never floats).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from linli.errors import ValidationFailed
from partners.models import Agreement, ShareBasis

BASIS_POINTS = 10_000


def share_due(*, agreement: Agreement, revenue_fen: int, cost_fen: int = 0) -> int:
    """What the partner owes for one settlement period, in fen.

    * ``revenue``: ``share_bp`` of the period's revenue from the services under the agreement;
    * ``profit``: ``share_bp`` of revenue minus costs, and nothing for a loss (a loss is not
      carried into the next period: each period settles on its own);
    * ``none``: nothing.

    Rounded half up to the fen, as a cashier would.
    """
    if revenue_fen < 0 or cost_fen < 0:
        raise ValidationFailed(_("Revenue and costs cannot be negative."), code="bad_amount")
    if agreement.share_basis == ShareBasis.NONE:
        return 0
    base = revenue_fen if agreement.share_basis == ShareBasis.REVENUE else max(revenue_fen - cost_fen, 0)
    return int((Decimal(base) * agreement.share_bp / BASIS_POINTS).quantize(Decimal(1), rounding=ROUND_HALF_UP))


_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")


def yuan_to_fen(raw: str | int | None) -> int:
    """ "1,200.50" or "¥1200.5" → 120050. Refuses negatives and more than two decimals."""
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    if text == "":
        return 0
    if not _AMOUNT.match(text):
        raise ValidationFailed(
            _("“%(value)s” is not an amount in yuan (e.g. 1200 or 1200.50).") % {"value": raw}, code="bad_amount"
        )
    try:
        return int((Decimal(text) * 100).to_integral_value())
    except InvalidOperation:
        raise ValidationFailed(_("“%(value)s” is not an amount in yuan.") % {"value": raw}, code="bad_amount") from None


def percent_to_bp(raw: str | int | float | None) -> int:
    """ "30" or "12.5" (percent) → 3000 / 1250 basis points."""
    text = str(raw if raw is not None else "").strip().rstrip("%％").strip()
    if text == "":
        return 0
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(_("“%(value)s” is not a percentage.") % {"value": raw}, code="bad_share") from None
    bp = value * 100
    if bp != bp.to_integral_value() or not 0 <= bp <= BASIS_POINTS:
        raise ValidationFailed(_("A share is a percentage from 0 to 100 with at most two decimals."), code="bad_share")
    return int(bp)


def format_fen(fen: int | None) -> str:
    """120050 → "¥1,200.50"."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"
