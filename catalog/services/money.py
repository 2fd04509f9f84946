"""Posting the catalog's money to the ledger, with the shared chart (ledger/chart.py).

A payment confirmed for a partner's service is one entry in the community's book:

* the resident's payment to the partner: ``partner_cash +x, partner_income −x``;
* if the partner's agreement in force that day shares **revenue** with the community fund, the
  share owed on this payment, in the same entry: ``partner_share +s, partner_share_payable −s,
  fund_receivable +s, fund_income(revenue_share) −s`` (``partners.revenue.share_due``, rounded
  per payment).

A **profit** share is only known at the end of the month, so it is posted at settlement
(``settlement.profit_share_assess``). A refund reverses the payment's entry, share included.
Services given by the community, volunteers or the government are not partners' income and are
not posted.
"""

from __future__ import annotations

from ledger import chart
from ledger.models import Transaction
from ledger.services import book_for_community, transaction_post, transaction_reverse
from partners.models import Agreement, AgreementStatus, ShareBasis
from partners.revenue import share_due


def agreement_in_force(partner, day) -> Agreement | None:
    return (
        Agreement.objects.filter(partner=partner, status=AgreementStatus.SIGNED, starts_on__lte=day, ends_on__gte=day)
        .order_by("-starts_on")
        .first()
    )


def _key(payable) -> str:
    return f"catalog-{payable._meta.model_name}-{payable.pk}-payment"


def _memo(payable) -> str:
    from catalog.models import Order

    if isinstance(payable, Order):
        return f"助餐订单 {payable.number} · {payable.meal.name}"[:200]
    return f"报名 {payable.item.name} · {payable.resident.name}"[:200]


def post_payment(*, payable, recorded_by=None) -> int:
    """Post a confirmed payment; returns the revenue share owed on it (fen)."""
    partner = payable.partner
    if partner is None or payable.amount_fen <= 0:
        return 0
    from django.utils import timezone

    day = timezone.localtime(payable.paid_at).date()
    agreement = agreement_in_force(partner, day)
    share = 0
    if agreement is not None and agreement.share_basis == ShareBasis.REVENUE:
        share = share_due(agreement=agreement, revenue_fen=payable.amount_fen)
    community = payable.community
    postings = [(chart.partner_cash(partner), payable.amount_fen), (chart.partner_income(partner), -payable.amount_fen)]
    if share:
        postings += [
            (chart.partner_share(partner), share),
            (chart.partner_share_payable(partner), -share),
            (chart.fund_receivable(community), share),
            (chart.fund_income(community, chart.FundSource.REVENUE_SHARE), -share),
        ]
    transaction_post(
        book=book_for_community(community=community),
        kind="catalog.payment",
        memo=_memo(payable),
        postings=postings,
        occurred_at=payable.paid_at,
        source=(f"catalog.{payable._meta.model_name}", payable.pk),
        recorded_by=recorded_by,
        idempotency_key=_key(payable),
    )
    return share


def reverse_payment(*, payable, recorded_by=None) -> None:
    if payable.partner_id is None or payable.amount_fen <= 0:
        return
    book = book_for_community(community=payable.community)
    original = Transaction.objects.filter(book=book, idempotency_key=_key(payable)).first()
    if original is None:
        return
    transaction_reverse(
        original=original,
        memo=f"退款 · {_memo(payable)}"[:200],
        recorded_by=recorded_by,
        occurred_at=payable.refunded_at,
        idempotency_key=f"{_key(payable)}-refund",
    )
