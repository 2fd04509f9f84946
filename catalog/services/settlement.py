"""Monthly settlement with a partner: the share it owes the community fund, and paying it.

* revenue basis: the share was posted with each payment (``money.post_payment``);
* profit basis: posted here, once per partner and month, from the month's revenue and the costs
  the partner declares (``partners.revenue.share_due``);
* the partner paying what it owes: ``partner_share_payable +x, partner_cash −x, fund_cash +x,
  fund_receivable −x`` (ledger/chart.py), one entry.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProfitShare, SharePayment
from catalog.services._common import check_key, require
from ledger import chart
from ledger.services import book_for_community, transaction_post
from linli.errors import Conflict, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from partners.models import Partner, ShareBasis
from partners.revenue import share_due


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = month_start(month)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time()), tz),
        timezone.make_aware(dt.datetime.combine(nxt, dt.time()), tz),
    )


def share_payment_record(
    *,
    actor: Scope | None,
    partner: Partner,
    month: dt.date,
    amount_fen: int,
    paid_at: dt.datetime | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> SharePayment:
    """The partner has paid ``amount_fen`` of the share it owes (community staff record it)."""
    if actor is not None:
        require(actor, Cap.CATALOG_MANAGE, partner.community_id)
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationFailed(_("The amount paid is more than 0."), code="bad_amount")
    key = check_key(idempotency_key)
    if key is not None:
        existing = SharePayment.objects.filter(partner=partner, idempotency_key=key).first()
        if existing is not None:
            return existing
    month = month_start(month)
    paid_at = paid_at or timezone.now()
    owed = -chart.partner_share_payable(partner).balance
    if amount_fen > owed:
        raise Conflict(
            _("The partner owes %(owed)s; a payment cannot be more.") % {"owed": f"¥{owed / 100:,.2f}"},
            code="more_than_owed",
        )
    community = partner.community
    try:
        with transaction.atomic():
            payment = SharePayment.objects.create(
                community=community,
                partner=partner,
                month=month,
                amount_fen=amount_fen,
                paid_at=paid_at,
                note=(note or "")[:100],
                recorded_by=actor.user if actor is not None else None,
                idempotency_key=key,
            )
            transaction_post(
                book=book_for_community(community=community),
                kind="catalog.share_payment",
                memo=f"{partner.name} {month:%Y年%m月}收益分成缴入社区发展基金"[:200],
                postings=[
                    (chart.partner_share_payable(partner), amount_fen),
                    (chart.partner_cash(partner), -amount_fen),
                    (chart.fund_cash(community), amount_fen),
                    (chart.fund_receivable(community), -amount_fen),
                ],
                occurred_at=paid_at,
                source=("catalog.sharepayment", payment.pk),
                recorded_by=actor.user if actor is not None else None,
                idempotency_key=f"catalog-sharepayment-{payment.pk}",
            )
    except IntegrityError:
        existing = SharePayment.objects.filter(partner=partner, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    return payment


def profit_share_assess(
    *, actor: Scope | None, partner: Partner, month: dt.date, cost_fen: int, now: dt.datetime | None = None
) -> ProfitShare:
    """For a profit-sharing agreement: the month's share, posted once the month is over."""
    from catalog.selectors import statement_for

    if actor is not None:
        require(actor, Cap.CATALOG_MANAGE, partner.community_id)
    if not isinstance(cost_fen, int) or cost_fen < 0:
        raise ValidationFailed(_("Costs cannot be negative."), code="bad_amount")
    month = month_start(month)
    now = now or timezone.now()
    start, end = month_bounds(month)
    if now < end:
        raise ValidationFailed(_("A month's profit share is worked out after the month ends."), code="too_early")
    from catalog.services.money import agreement_in_force

    agreement = agreement_in_force(partner, month)
    if agreement is None or agreement.share_basis != ShareBasis.PROFIT:
        raise ValidationFailed(_("The partner's agreement does not share profit."), code="not_profit_share")
    existing = ProfitShare.objects.filter(partner=partner, month=month).first()
    if existing is not None:
        return existing
    revenue = statement_for(partner=partner, month=month)["revenue_fen"]
    share = share_due(agreement=agreement, revenue_fen=revenue, cost_fen=cost_fen)
    community = partner.community
    with transaction.atomic():
        row = ProfitShare.objects.create(
            community=community,
            partner=partner,
            month=month,
            revenue_fen=revenue,
            cost_fen=cost_fen,
            share_fen=share,
            recorded_by=actor.user if actor is not None else None,
        )
        if share:
            transaction_post(
                book=book_for_community(community=community),
                kind="catalog.profit_share",
                memo=f"{partner.name} {month:%Y年%m月}利润分成"[:200],
                postings=[
                    (chart.partner_share(partner), share),
                    (chart.partner_share_payable(partner), -share),
                    (chart.fund_receivable(community), share),
                    (chart.fund_income(community, chart.FundSource.REVENUE_SHARE), -share),
                ],
                occurred_at=end - dt.timedelta(seconds=1),
                source=("catalog.profitshare", row.pk),
                recorded_by=actor.user if actor is not None else None,
                idempotency_key=f"catalog-profitshare-{partner.pk}-{month:%Y-%m}",
            )
    return row
