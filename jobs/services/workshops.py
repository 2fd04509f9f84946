"""Workshops: projects, rates, the roster, daily work records, wage statements, fund income.

Wages are the rates × the work records and nothing else: a statement sums the records of its
period that no earlier statement has taken, and marks them as taken in the same transaction, so
no day is paid twice and a paid day cannot be changed afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import (
    WORK_UNITS,
    IncomeKind,
    Rate,
    SaleChannel,
    WageStatement,
    Worker,
    WorkRecord,
    Workshop,
    WorkshopIncome,
)
from jobs.services._common import as_community, can_run_workshop, need, positive, text, user_of
from ledger.chart import FundSource, fund_cash, fund_income
from ledger.services import book_for_community, transaction_post
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope


def _need_runner(actor: Scope | None, workshop: Workshop) -> None:
    if not can_run_workshop(actor, workshop):
        raise NotFound()


@transaction.atomic
def workshop_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    name: str,
    product: str,
    merchant=None,
    room=None,
    lead=None,
    serves_residents: bool = False,
) -> Workshop:
    node = as_community(community)
    need(actor, Cap.JOB_MANAGE, node.pk)
    for obj in (merchant, room):
        if obj is not None and obj.community_id != node.pk:
            raise ValidationFailed(_("The merchant or room belongs to another community."), code="cross_community")
    name = text(name, field=_("The name"), max_length=100)
    if Workshop.objects.filter(community=node, name=name).exists():
        raise Conflict(_("A workshop called “%(name)s” already exists here.") % {"name": name})
    return Workshop.objects.create(
        community=node,
        name=name,
        product=text(product, field=_("The work and product"), max_length=200),
        merchant=merchant,
        room=room,
        lead=lead,
        serves_residents=bool(serves_residents),
    )


@transaction.atomic
def rate_add(*, actor: Scope | None, workshop: Workshop, name: str, unit: str, rate_fen: int) -> Rate:
    need(actor, Cap.JOB_MANAGE, workshop.community_id)
    if unit not in WORK_UNITS:
        raise ValidationFailed(_("A workshop pays per piece, per hour or per day."), code="bad_unit")
    rate_fen = positive(rate_fen, field=_("The rate (fen)"), maximum=10_000_000)
    name = text(name, field=_("The work"), max_length=60)
    try:
        with transaction.atomic():
            return Rate.objects.create(workshop=workshop, name=name, unit=unit, rate_fen=rate_fen)
    except IntegrityError:
        raise Conflict(_("This workshop already has a rate for “%(name)s”.") % {"name": name}) from None


@transaction.atomic
def worker_add(*, actor: Scope | None, workshop: Workshop, resident, joined_on: dt.date | None = None) -> Worker:
    """Put a resident of the workshop's community on its roster (again, if they had left)."""
    _need_runner(actor, workshop)
    if resident.community_id != workshop.community_id:
        raise ValidationFailed(_("Workers are residents of the workshop's community."), code="cross_community")
    worker, created = Worker.objects.get_or_create(
        workshop=workshop,
        resident=resident,
        defaults={"community_id": workshop.community_id, "joined_on": joined_on or timezone.localdate()},
    )
    if not created and not worker.is_active:
        Worker.objects.filter(pk=worker.pk).update(is_active=True)
        worker.is_active = True
    return worker


@transaction.atomic
def work_record_enter(
    *, actor: Scope | None, worker: Worker, rate: Rate, worked_on: dt.date, quantity: int
) -> WorkRecord:
    """The lead enters a day's work (pieces, hours or 1 day). Entering the same worker, work and
    day again corrects the number, until a wage statement has taken the record."""
    workshop = worker.workshop
    _need_runner(actor, workshop)
    if rate.workshop_id != workshop.pk:
        raise ValidationFailed(_("That rate belongs to another workshop."), code="wrong_workshop")
    if worked_on > timezone.localdate():
        raise ValidationFailed(_("Work is recorded once it is done."), code="future")
    quantity = positive(quantity, field=_("The quantity"), maximum=100_000)
    if rate.unit == "day" and quantity != 1:
        raise ValidationFailed(_("A day rate is recorded as 1 day."), code="bad_quantity")
    if rate.unit == "hour" and quantity > 24:
        raise ValidationFailed(_("A day has 24 hours at most."), code="bad_quantity")
    amount = rate.rate_fen * quantity
    existing = WorkRecord.objects.select_for_update().filter(worker=worker, rate=rate, worked_on=worked_on).first()
    if existing is not None:
        if existing.statement_id is not None:
            raise Conflict(_("This day has already been paid in a wage statement."), code="already_paid")
        existing.quantity, existing.amount_fen, existing.entered_by = quantity, existing.rate_fen * quantity, user_of(actor)
        existing.save(update_fields=["quantity", "amount_fen", "entered_by", "updated_at"])
        return existing
    try:
        with transaction.atomic():
            record = WorkRecord.objects.create(
                workshop=workshop,
                community_id=workshop.community_id,
                worker=worker,
                rate=rate,
                worked_on=worked_on,
                quantity=quantity,
                rate_fen=rate.rate_fen,
                amount_fen=amount,
                entered_by=user_of(actor),
            )
    except IntegrityError:
        raise Conflict(_("This day was just entered by someone else; reload and try again."), code="race") from None
    if workshop.serves_residents:
        # Only work that is itself a service to residents counts as one; wages are not services.
        from records.models import ProviderKind, Tier
        from records.services import service_record_create

        service_record_create(
            community=workshop.community,
            service=workshop.product[:100],
            category=str(_("Workshop")),
            # Noon of the day worked, or now when today's work is entered in the morning.
            occurred_at=min(timezone.make_aware(dt.datetime.combine(worked_on, dt.time(12))), timezone.now()),
            tier=Tier.FREE,
            provider_kind=ProviderKind.COMMUNITY,
            provider_name=workshop.name,
            room=workshop.room,
            source=("jobs.workrecord", record.pk),
            recorded_by=user_of(actor),
        )
    return record


@transaction.atomic
def statement_issue(
    *, actor: Scope | None, worker: Worker, period_start: dt.date, period_end: dt.date
) -> WageStatement:
    """A worker's wages for the period: the sum of rate × quantity of their records not yet paid."""
    workshop = worker.workshop
    if not _is_merchant(actor, workshop):  # the merchant pays the wages, so it may issue them too
        need(actor, Cap.JOB_MANAGE, workshop.community_id)
    if period_end < period_start:
        raise ValidationFailed(_("The period ends after it starts."), code="bad_period")
    if period_end >= timezone.localdate() + dt.timedelta(days=1):
        raise ValidationFailed(_("A statement covers days that are over."), code="future")
    # Lock the worker: two statements for overlapping periods at once must not take the same days.
    Worker.objects.select_for_update().get(pk=worker.pk)
    records = WorkRecord.objects.filter(
        worker=worker, worked_on__gte=period_start, worked_on__lte=period_end, statement__isnull=True
    )
    if not records.exists():
        raise ValidationFailed(_("No unpaid work in this period."), code="nothing_to_pay")
    try:
        with transaction.atomic():
            statement = WageStatement.objects.create(
                workshop=workshop,
                community_id=workshop.community_id,
                worker=worker,
                period_start=period_start,
                period_end=period_end,
                issued_by=user_of(actor),
            )
    except IntegrityError:
        raise Conflict(_("A statement for this period already exists."), code="statement_exists") from None
    records.update(statement=statement)
    totals = statement.records.aggregate(total=Sum("amount_fen"), days=Count("worked_on", distinct=True))
    statement.total_fen, statement.days_worked = totals["total"] or 0, totals["days"] or 0
    statement.save(update_fields=["total_fen", "days_worked"])
    return statement


def _is_merchant(actor: Scope | None, workshop: Workshop) -> bool:
    from jobs.services._common import is_merchant_login

    return is_merchant_login(actor, workshop.merchant_id)


def statements_issue_for_period(
    *, actor: Scope | None, workshop: Workshop, period_start: dt.date, period_end: dt.date
) -> list[WageStatement]:
    """Issue the period's statements for every worker with unpaid work in it (each in its own
    transaction: one worker's problem does not hold back the others' wages)."""
    issued = []
    workers = Worker.objects.filter(
        workshop=workshop,
        records__worked_on__gte=period_start,
        records__worked_on__lte=period_end,
        records__statement__isnull=True,
    ).distinct()
    for worker in workers:
        issued.append(statement_issue(actor=actor, worker=worker, period_start=period_start, period_end=period_end))
    return issued


@transaction.atomic
def income_record(
    *,
    actor: Scope | None,
    workshop: Workshop,
    kind: str,
    amount_fen: int,
    item: str,
    occurred_on: dt.date | None = None,
    quantity: int = 0,
    channel: str = "",
    idempotency_key: str = "",
) -> WorkshopIncome:
    """Money from the workshop into the community fund: the community's share (management fee)
    or handicrafts sold online or at a market. Received, so it goes to the fund's cash."""
    need(actor, Cap.JOB_MANAGE, workshop.community_id)
    if kind not in IncomeKind.values:
        raise ValidationFailed(_("Unknown kind of income."), code="bad_kind")
    if channel and channel not in SaleChannel.values:
        raise ValidationFailed(_("Unknown sales channel."), code="bad_channel")
    if kind == IncomeKind.SALE and not channel:
        raise ValidationFailed(_("Say where the products were sold."), code="bad_channel")
    amount_fen = positive(amount_fen, field=_("The amount (fen)"), maximum=10_000_000_00)
    if not isinstance(quantity, int) or quantity < 0:
        raise ValidationFailed(_("The count is 0 or more."), code="bad_count")
    occurred_on = occurred_on or timezone.localdate()
    if occurred_on > timezone.localdate():
        raise ValidationFailed(_("Income is recorded once received."), code="future")
    key = (idempotency_key or "").strip()[:100]
    if key:
        existing = WorkshopIncome.objects.filter(workshop=workshop, idempotency_key=key).first()
        if existing is not None:
            return existing
    income = WorkshopIncome.objects.create(
        workshop=workshop,
        community_id=workshop.community_id,
        kind=kind,
        channel=channel if kind == IncomeKind.SALE else "",
        item=text(item, field=_("The item or period"), max_length=100),
        quantity=quantity,
        amount_fen=amount_fen,
        occurred_on=occurred_on,
        recorded_by=user_of(actor),
        idempotency_key=key,
    )
    node = workshop.community
    transaction_post(
        book=book_for_community(community=node),
        kind="workshop.income",
        memo=f"{workshop.name} · {income.get_kind_display()} · {income.item}"[:200],
        postings=[(fund_cash(node), amount_fen), (fund_income(node, FundSource.WORKSHOP), -amount_fen)],
        occurred_at=timezone.make_aware(dt.datetime.combine(occurred_on, dt.time(12)))
        if occurred_on < timezone.localdate()
        else None,
        source=income,
        recorded_by=user_of(actor),
        idempotency_key=f"jobs.income.{income.pk}",
    )
    return income
