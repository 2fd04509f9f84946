"""Rent: the partners' signed agreements → monthly rent invoices → payments; and the partners'
revenue share passed to the hosting charity where their agreement says so."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprise import chart
from enterprise.models import Enterprise, RentInvoice, RentPayment, ShareTransfer
from enterprise.services._common import (
    check_amount,
    entry_time,
    local_midnight,
    month_start,
    require,
    user_of,
)
from ledger import chart as ledger_chart
from ledger.chart import FundSource
from ledger.money import format_fen
from ledger.services import book_for_community, books_lock, transaction_post
from linli.errors import Conflict, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from partners.models import Agreement, AgreementStatus, ShareBasis, ShareRecipient
from partners.revenue import share_due

# Rent for a month is due on this day of the month.
DUE_DAY = 10


def agreements_in_force(*, enterprise: Enterprise, period: dt.date):
    """Signed agreements of the community in force for some of the month: the rooms they grant are
    the rooms rented out (小公益 partners may have them free or at a low rent)."""
    first = month_start(period)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return (
        Agreement.objects.filter(
            community_id=enterprise.community_id,
            status=AgreementStatus.SIGNED,
            starts_on__lte=last,
            ends_on__gte=first,
        )
        .select_related("partner")
        .prefetch_related("slots__room")
        .order_by("pk")
    )


def leases_in_force(*, enterprise: Enterprise, period: dt.date):
    """The agreements in force for some of the month that pay rent: one invoice each."""
    return agreements_in_force(enterprise=enterprise, period=period).filter(monthly_rent_fen__gt=0)


def rented_area(*, enterprise: Enterprise, day: dt.date) -> int:
    """m² of the distinct rooms granted by the agreements in force."""
    rooms = {}
    for agreement in agreements_in_force(enterprise=enterprise, period=day):
        for slot in agreement.slots.all():
            rooms[slot.room_id] = slot.room.area_m2
    return sum(rooms.values())


def agreement_rooms(agreement: Agreement) -> tuple[int, str]:
    """(area in m², room names) of the distinct rooms an agreement grants."""
    rooms = {slot.room_id: slot.room for slot in agreement.slots.all()}
    return sum(r.area_m2 for r in rooms.values()), "、".join(r.name for r in rooms.values())[:200]


def rent_invoices_generate(*, actor: Scope | None, enterprise: Enterprise, period: dt.date) -> list[RentInvoice]:
    """Issue the month's rent invoices for every lease in force. Idempotent: running it again (or
    twice at once) issues nothing new. Returns the invoices issued now."""
    require(actor, Cap.ENTERPRISE_MANAGE, enterprise.community_id)
    first = month_start(period)
    if first > timezone.localdate():
        raise ValidationFailed(_("Rent is invoiced once the month has begun."), code="future_period")
    issued = []
    for agreement in leases_in_force(enterprise=enterprise, period=first):
        if RentInvoice.objects.filter(agreement=agreement, period=first).exists():
            continue
        try:
            with transaction.atomic():
                issued.append(_issue(actor=actor, enterprise=enterprise, agreement=agreement, period=first))
        except IntegrityError:
            # Issued by a concurrent run between the check and the insert: nothing to do.
            continue
    return issued


def _issue(*, actor, enterprise: Enterprise, agreement: Agreement, period: dt.date) -> RentInvoice:
    area, rooms = agreement_rooms(agreement)
    amount = agreement.monthly_rent_fen
    txn = transaction_post(
        book=enterprise.book,
        kind=chart.KIND_RENT_INVOICE,
        memo=f"{agreement.partner.name} {period:%Y年%m月}租金（{rooms or agreement.number}）"[:200],
        postings=[(chart.rent_receivable(enterprise), amount), (chart.income(enterprise, "rent"), -amount)],
        occurred_at=min(local_midnight(period), timezone.now()),
        source=agreement,
        recorded_by=user_of(actor),
        idempotency_key=f"enterprise-rent-{agreement.pk}-{period:%Y-%m}",
    )
    return RentInvoice.objects.create(
        community_id=enterprise.community_id,
        enterprise=enterprise,
        agreement=agreement,
        partner=agreement.partner,
        period=period,
        amount_fen=amount,
        due_on=period.replace(day=DUE_DAY),
        area_m2=area,
        rooms=rooms,
        transaction=txn,
    )


def rent_payment_record(
    *,
    actor: Scope | None,
    invoice: RentInvoice,
    amount_fen: int,
    paid_on: dt.date,
    idempotency_key: str | None = None,
) -> RentPayment:
    """Money received against an invoice; never more than what is still owed."""
    require(actor, Cap.ENTERPRISE_MANAGE, invoice.community_id)
    check_amount(amount_fen)
    key = (idempotency_key or "").strip()[:100] or None
    with transaction.atomic():
        if key:
            existing = RentPayment.objects.filter(invoice=invoice, idempotency_key=key).first()
            if existing is not None:
                return existing
        # Conditional update: two cashiers recording the last payment at once cannot both pass.
        moved = RentInvoice.objects.filter(pk=invoice.pk, paid_fen__lte=F("amount_fen") - amount_fen).update(
            paid_fen=F("paid_fen") + amount_fen
        )
        if not moved:
            invoice.refresh_from_db(fields=["paid_fen"])
            raise Conflict(
                _("Only %(owed)s is still owed on this invoice.") % {"owed": format_fen(invoice.outstanding_fen)},
                code="overpaid",
            )
        enterprise = invoice.enterprise
        n = RentPayment.objects.filter(invoice=invoice).count() + 1
        txn = transaction_post(
            book=enterprise.book,
            kind=chart.KIND_RENT_PAYMENT,
            memo=f"收到 {invoice.partner.name} {invoice.period:%Y年%m月}租金"[:200],
            postings=[(chart.cash(enterprise), amount_fen), (chart.rent_receivable(enterprise), -amount_fen)],
            occurred_at=entry_time(paid_on),
            source=invoice,
            recorded_by=user_of(actor),
            idempotency_key=f"enterprise-rent-payment-{invoice.pk}-{key or n}",
        )
        payment = RentPayment.objects.create(
            community_id=invoice.community_id,
            invoice=invoice,
            amount_fen=amount_fen,
            paid_on=paid_on,
            transaction=txn,
            idempotency_key=key,
            created_by=user_of(actor),
        )
    invoice.refresh_from_db(fields=["paid_fen"])
    return payment


@transaction.atomic
def share_transfer_record(
    *,
    actor: Scope | None,
    agreement: Agreement,
    period: dt.date,
    revenue_fen: int,
    cost_fen: int = 0,
) -> ShareTransfer:
    """A partner's revenue share for a month, paid to the hosting charity for the community's
    development fund — where the agreement names the charity as recipient.

    Posted in the community's book through the shared chart (``ledger.chart``): the partner's
    share expense and cash on one side, the fund's cash and revenue-share income on the other,
    in one entry (the charity holds the fund's money)."""
    require(actor, Cap.ENTERPRISE_MANAGE, agreement.community_id)
    if agreement.share_recipient != ShareRecipient.CHARITY or agreement.share_basis == ShareBasis.NONE:
        raise ValidationFailed(
            _("This agreement does not pass a share of the partner's income to the charity."), code="no_charity_share"
        )
    period = month_start(period)
    if period > timezone.localdate():
        raise ValidationFailed(_("A share is recorded once the month has begun."), code="future_period")
    if not (month_start(agreement.starts_on) <= period <= agreement.ends_on):
        raise ValidationFailed(_("The month is outside the agreement's term."), code="outside_term")
    if not isinstance(revenue_fen, int) or not isinstance(cost_fen, int):
        raise ValidationFailed(_("Amounts are whole numbers of fen."), code="bad_amount")
    existing = ShareTransfer.objects.filter(agreement=agreement, period=period).first()
    if existing is not None:
        return existing
    share = share_due(agreement=agreement, revenue_fen=revenue_fen, cost_fen=cost_fen)
    if share <= 0:
        raise ValidationFailed(_("No share is due for this month."), code="nothing_due")
    community = agreement.community
    partner = agreement.partner
    books_lock(books=[book_for_community(community=community)])
    txn = transaction_post(
        book=book_for_community(community=community),
        kind="partner.revenue_share",
        memo=f"{partner.name} {period:%Y年%m月}收入{agreement.share_percent}%转{agreement.share_recipient_name or '慈善会'}"[
            :200
        ],
        postings=[
            (ledger_chart.partner_share(partner), share),
            (ledger_chart.partner_cash(partner), -share),
            (ledger_chart.fund_cash(community), share),
            (ledger_chart.fund_income(community, FundSource.REVENUE_SHARE), -share),
        ],
        occurred_at=entry_time(min(_month_end(period), timezone.localdate())),
        source=agreement,
        recorded_by=user_of(actor),
        idempotency_key=f"partner-share-{agreement.pk}-{period:%Y-%m}",
    )
    return ShareTransfer.objects.create(
        community_id=agreement.community_id,
        agreement=agreement,
        period=period,
        revenue_fen=revenue_fen,
        cost_fen=cost_fen,
        share_fen=share,
        transaction=txn,
        created_by=user_of(actor),
    )


def _month_end(period: dt.date) -> dt.date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])
