"""Money and goods coming in: donations (with receipts), revenue shares and other income
recorded here because no other app posts them. Each posts one ledger entry on the chart's
``fund:<community>:…`` accounts, in the same database transaction as its record."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fund.models import Donation, DonationKind, DonorKind, Fund, Income, IncomeKind
from fund.services._common import as_scope, check_key, check_past, clean_text, positive_fen, require, user_of
from ledger import chart
from ledger import services as ledger
from ledger.chart import FundSource
from linli.errors import Conflict, ValidationFailed
from orgs.roles import Cap


def _next_receipt(fund: Fund, year: int) -> str:
    prefix = f"JZ{year}-"
    n = Donation.objects.filter(fund=fund, receipt_no__startswith=prefix).count() + 1
    return f"{prefix}{n:04d}"


@transaction.atomic
def donation_record(
    *,
    actor,
    fund: Fund,
    donor_name: str,
    donor_kind: str,
    amount_fen: int,
    kind: str = DonationKind.MONEY,
    anonymous: bool = False,
    restriction: str = "",
    goods: str = "",
    quantity: int | None = None,
    receipt_no: str = "",
    received_at: dt.datetime | None = None,
    memo: str = "",
    idempotency_key: str | None = None,
) -> Donation:
    """A donation of money (to the fund's cash) or of goods at fair value (to its goods), both
    credited to the matching income account. ``amount_fen`` is the fair value for goods.
    Without a receipt number the next one of the year is given (JZ2026-0001)."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_MANAGE, fund.community_id)
    idempotency_key = check_key(idempotency_key)
    if idempotency_key:
        existing = Donation.objects.filter(fund=fund, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if kind not in DonationKind.values:
        raise ValidationFailed(_("Say whether money or goods were given."), code="bad_kind")
    if donor_kind not in DonorKind.values:
        raise ValidationFailed(_("Say whether the donor is a person or an organisation."), code="bad_donor_kind")
    donor_name = clean_text(donor_name, max_length=100, field=_("Donor"), required=True)
    positive_fen(amount_fen, field=_("Amount"))
    received_at = check_past(received_at, field=_("Received at"))
    goods = clean_text(goods, max_length=200, field=_("Goods"), required=kind == DonationKind.GOODS)
    if kind == DonationKind.GOODS and (not isinstance(quantity, int) or quantity <= 0):
        raise ValidationFailed(_("Give how many items were donated."), code="bad_quantity")
    # Lock the fund while numbering receipts.
    Fund.objects.select_for_update().get(pk=fund.pk)
    receipt_no = clean_text(receipt_no, max_length=40, field=_("Receipt number")) or _next_receipt(
        fund, timezone.localtime(received_at).year
    )
    if Donation.objects.filter(fund=fund, receipt_no=receipt_no).exists():
        raise Conflict(_("Receipt number %(no)s is already used.") % {"no": receipt_no}, code="receipt_used")
    community = fund.community
    if kind == DonationKind.MONEY:
        postings = [
            (chart.fund_cash(community), amount_fen),
            (chart.fund_income(community, FundSource.DONATION), -amount_fen),
        ]
        what = _("donation")
        txn_kind = "fund.donation"
    else:
        postings = [
            (chart.fund_goods(community), amount_fen),
            (chart.fund_income(community, FundSource.IN_KIND), -amount_fen),
        ]
        what = f"{goods}×{quantity}"
        txn_kind = "fund.donation_in_kind"
    shown = str(_("Anonymous donor")) if anonymous else donor_name
    txn = ledger.transaction_post(
        book=ledger.book_for_community(community=community),
        kind=txn_kind,
        memo=f"{receipt_no} {shown} {what}"[:200],
        postings=postings,
        occurred_at=received_at,
        source=("fund.donation", receipt_no),
        recorded_by=user_of(actor),
        idempotency_key=f"fund-donation-{fund.pk}-{receipt_no}",
    )
    try:
        with transaction.atomic():
            return Donation.objects.create(
                fund=fund,
                community_id=fund.community_id,
                kind=kind,
                donor_kind=donor_kind,
                donor_name=donor_name,
                anonymous=bool(anonymous),
                amount_fen=amount_fen,
                goods=goods,
                quantity=quantity if kind == DonationKind.GOODS else None,
                restriction=clean_text(restriction, max_length=200, field=_("Purpose restriction")),
                receipt_no=receipt_no,
                received_at=received_at,
                memo=clean_text(memo, max_length=200, field=_("Memo")),
                transaction_id=txn.pk,
                idempotency_key=idempotency_key,
                recorded_by=user_of(actor),
            )
    except IntegrityError:
        raise Conflict(_("Receipt number %(no)s is already used.") % {"no": receipt_no}, code="receipt_used") from None


INCOME_SOURCES = (
    FundSource.REVENUE_SHARE,
    FundSource.MARKET,
    FundSource.WORKSHOP,
    FundSource.ENTERPRISE,
    FundSource.OTHER,
)


@transaction.atomic
def income_record(
    *,
    actor,
    fund: Fund,
    source: str,
    amount_fen: int,
    payer: str,
    memo: str,
    partner=None,
    settlement: bool = False,
    received_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Income:
    """Income that no other app posts: a partner's revenue share paid straight in (with the
    partner's side of the entry when ``partner`` is given), a settlement of shares owed
    (``settlement=True``: the fund's receivable becomes cash, and the partner's payable is
    cleared), market or workshop income recorded by hand, other income."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_MANAGE, fund.community_id)
    idempotency_key = check_key(idempotency_key)
    if idempotency_key:
        existing = Income.objects.filter(fund=fund, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if source not in INCOME_SOURCES:
        raise ValidationFailed(
            _("Choose where the income comes from (donations are recorded as donations)."), code="bad_source"
        )
    positive_fen(amount_fen, field=_("Amount"))
    payer = clean_text(payer, max_length=100, field=_("Paid by"), required=True)
    memo = clean_text(memo, max_length=200, field=_("Memo"), required=True)
    received_at = check_past(received_at, field=_("Received at"))
    community = fund.community
    if partner is not None and partner.community_id != community.pk:
        raise ValidationFailed(_("The partner must work in this community."), code="bad_partner")
    if settlement:
        postings = [(chart.fund_cash(community), amount_fen), (chart.fund_receivable(community), -amount_fen)]
        if partner is not None:
            postings += [(chart.partner_share_payable(partner), amount_fen), (chart.partner_cash(partner), -amount_fen)]
        txn_kind = "fund.settlement"
    else:
        postings = [(chart.fund_cash(community), amount_fen), (chart.fund_income(community, source), -amount_fen)]
        if partner is not None and source == FundSource.REVENUE_SHARE:
            postings += [(chart.partner_share(partner), amount_fen), (chart.partner_cash(partner), -amount_fen)]
        txn_kind = "partner.revenue_share" if source == FundSource.REVENUE_SHARE else "fund.income"
    txn = ledger.transaction_post(
        book=ledger.book_for_community(community=community),
        kind=txn_kind,
        memo=f"{payer} {memo}"[:200],
        postings=postings,
        occurred_at=received_at,
        source=("fund.income", idempotency_key or ""),
        recorded_by=user_of(actor),
        idempotency_key=f"fund-income-{fund.pk}-{idempotency_key}" if idempotency_key else None,
    )
    return Income.objects.create(
        fund=fund,
        community_id=fund.community_id,
        kind=IncomeKind.SETTLEMENT if settlement else IncomeKind.DIRECT,
        source=source,
        partner_id=partner.pk if partner is not None else None,
        payer=payer,
        amount_fen=amount_fen,
        received_at=received_at,
        memo=memo,
        transaction_id=txn.pk,
        idempotency_key=idempotency_key,
        recorded_by=user_of(actor),
    )
