"""Every figure the dashboards, the big screen, the reports and the API show, each defined once.

A *base* figure is counted from one kind of record: which rows (``model`` + ``where``), which
day a row belongs to (``day_field``, local time), and what is counted (``value``). The rollups
(``insights.services.rollups``) store base figures per community per day, month and year; the
consistency check recomputes them from the records with the same definitions. A *derived*
figure (utilisation, per 1,000 residents, average time to solve, the fund's balance) is worked
out from base figures when it is read. docs/insights.md lists them all with their definitions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext_lazy as _

# Units, for formatting and for the Excel column titles.
COUNT, FEN, MINUTES, POINTS = "count", "fen", "minutes", "points"

# Grains the rollups keep: day, month, year (``period_start`` is the first day of each).
DAY, MONTH, YEAR = "d", "m", "y"
GRAINS = (DAY, MONTH, YEAR)

# A room counts as available this many hours a day (utilisation's denominator).
ROOM_OPEN_HOURS = 12


def _duration(end: str, start: str):
    return Sum(ExpressionWrapper(F(end) - F(start), output_field=DurationField()))


def _minutes(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds() // 60)
    return int(value) // 60_000_000  # SQLite may hand back microseconds


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    model: str  # "app_label.Model"
    day_field: str
    value: Callable[[], object]  # an aggregate
    where: Q = field(default_factory=Q)
    definition: str = ""
    additive: bool = True  # False: a distinct count, which does not add up over days or months
    convert: Callable[[object], int] = lambda v: int(v or 0)
    # What the records page shows for each row: (column title, attribute or callable).
    columns: tuple = ()
    community_field: str = "community_id"

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def records(self):
        """The records behind the figure (all communities, all time): callers narrow them."""
        return self.model_class._default_manager.filter(self.where)

    @property
    def day_is_datetime(self) -> bool:
        return self.model_class._meta.get_field(self.day_field).get_internal_type() == "DateTimeField"


@dataclass(frozen=True)
class Derived:
    key: str
    label: str
    unit: str  # "percent", "per_thousand", "fen_per_resident", "minutes", FEN
    needs: tuple[str, ...]
    definition: str = ""


_SERVICE_COLUMNS = (
    (_("When"), "occurred_at"),
    (_("Service"), "service"),
    (_("Price tier"), "get_tier_display"),
    (_("Provider"), "provider_name"),
    (_("Person-times"), "person_times"),
)
_POSTING_COLUMNS = (
    (_("When"), "occurred_at"),
    (_("Kind"), "kind"),
    (_("Account"), "account.name"),
    (_("Amount"), "amount"),
)

BASE: tuple[Figure, ...] = (
    Figure(
        "services_free",
        _("Free services"),
        COUNT,
        "records.ServiceRecord",
        "occurred_at",
        lambda: Count("id"),
        Q(tier="free"),
        _("Service records at the free (public-welfare) tier."),
        columns=_SERVICE_COLUMNS,
    ),
    Figure(
        "services_low_cost",
        _("Low-cost services"),
        COUNT,
        "records.ServiceRecord",
        "occurred_at",
        lambda: Count("id"),
        Q(tier="low_cost"),
        _("Service records at the low-cost tier."),
        columns=_SERVICE_COLUMNS,
    ),
    Figure(
        "services_market",
        _("Market-price services"),
        COUNT,
        "records.ServiceRecord",
        "occurred_at",
        lambda: Count("id"),
        Q(tier="market"),
        _("Service records at market price."),
        columns=_SERVICE_COLUMNS,
    ),
    Figure(
        "person_times",
        _("Person-times served"),
        COUNT,
        "records.ServiceRecord",
        "occurred_at",
        lambda: Sum("person_times"),
        definition=_("The sum of person-times over all service records."),
        columns=_SERVICE_COLUMNS,
    ),
    Figure(
        "residents_served",
        _("Residents served"),
        COUNT,
        "records.ServiceRecord",
        "occurred_at",
        lambda: Count("resident_id", distinct=True),
        Q(resident__isnull=False),
        _(
            "Different registered residents with at least one service record in the period. Above a community it is "
            "the sum of the communities' counts."
        ),
        additive=False,
        columns=_SERVICE_COLUMNS,
    ),
    Figure(
        "partners_active",
        _("Partners active"),
        COUNT,
        "records.ServiceRecord",
        "occurred_at",
        lambda: Count("partner_id", distinct=True),
        Q(partner__isnull=False),
        _("Different partners who served residents in the period (at least one service record)."),
        additive=False,
        columns=_SERVICE_COLUMNS,
    ),
    Figure(
        "partner_income",
        _("Partner income"),
        FEN,
        "ledger.Posting",
        "occurred_at",
        lambda: Sum(-F("amount")),
        Q(account__owner_type="partner", account__code__endswith=":income", unit="CNY"),
        _("What partners took in, from the ledger (their income accounts, net of reversals)."),
        columns=_POSTING_COLUMNS,
    ),
    Figure(
        "revenue_shares",
        _("Revenue shares"),
        FEN,
        "ledger.Posting",
        "occurred_at",
        lambda: Sum(-F("amount")),
        Q(account__owner_type="fund", account__code__endswith=":income:revenue_share", unit="CNY"),
        _("Partners' revenue shares owed to the community fund, from the ledger."),
        columns=_POSTING_COLUMNS,
    ),
    Figure(
        "fund_in",
        _("Fund income"),
        FEN,
        "ledger.Posting",
        "occurred_at",
        lambda: Sum(-F("amount")),
        Q(account__owner_type="fund", account__code__contains=":income:", unit="CNY"),
        _(
            "Everything the community development fund received or is owed: shares, donations (also in kind), "
            "markets, workshops, the community enterprise."
        ),
        columns=_POSTING_COLUMNS,
    ),
    Figure(
        "fund_out",
        _("Fund spending"),
        FEN,
        "ledger.Posting",
        "occurred_at",
        lambda: Sum("amount"),
        Q(account__owner_type="fund", account__code__contains=":spending:", unit="CNY"),
        _("What the fund paid out on approved spending requests, from the ledger."),
        columns=_POSTING_COLUMNS,
    ),
    Figure(
        "enterprise_income",
        _("Enterprise income"),
        FEN,
        "enterprise.Income",
        "received_on",
        lambda: Sum("amount_fen"),
        definition=_("Income recorded in the community enterprises' books."),
        columns=(
            (_("Date"), "received_on"),
            (_("Source"), "get_source_display"),
            (_("Paid by"), "payer"),
            (_("Amount"), "amount_fen"),
        ),
    ),
    Figure(
        "enterprise_spending",
        _("Enterprise spending"),
        FEN,
        "enterprise.ExpenseRequest",
        "paid_at",
        lambda: Sum("amount_fen"),
        Q(status="paid"),
        _("Expenses the community enterprises paid."),
        columns=(
            (_("Paid at"), "paid_at"),
            (_("Purpose"), "purpose"),
            (_("Payee"), "payee"),
            (_("Amount"), "amount_fen"),
        ),
    ),
    Figure(
        "bookings",
        _("Room bookings"),
        COUNT,
        "spaces.Booking",
        "starts_at",
        lambda: Count("id"),
        Q(status="booked"),
        _("Room bookings that were not cancelled, on the day they take place."),
        columns=(
            (_("Starts"), "starts_at"),
            (_("Room"), "room.name"),
            (_("Holder"), "holder_name"),
            (_("Title"), "title"),
        ),
    ),
    Figure(
        "booked_minutes",
        _("Room time booked"),
        MINUTES,
        "spaces.Booking",
        "starts_at",
        lambda: _duration("ends_at", "starts_at"),
        Q(status="booked"),
        _("Minutes of room time in bookings that were not cancelled."),
        convert=_minutes,
        columns=((_("Starts"), "starts_at"), (_("Ends"), "ends_at"), (_("Room"), "room.name"), (_("Title"), "title")),
    ),
    Figure(
        "jobs_posted",
        _("Jobs posted"),
        COUNT,
        "jobs.JobPost",
        "created_at",
        lambda: Count("id"),
        definition=_("Job posts by local employers."),
        columns=((_("Posted"), "created_at"), (_("Job"), "title"), (_("Openings"), "openings")),
    ),
    Figure(
        "placements",
        _("Placements"),
        COUNT,
        "jobs.JobApplication",
        "placed_on",
        lambda: Count("id"),
        Q(status="placed"),
        _("Job seekers placed in a job."),
        columns=((_("Placed on"), "placed_on"), (_("Job"), "job.title")),
    ),
    Figure(
        "workshop_wages",
        _("Workshop wages"),
        FEN,
        "jobs.WorkRecord",
        "worked_on",
        lambda: Sum("amount_fen"),
        definition=_("Wages earned in community workshops (piece, hour and day work)."),
        columns=(
            (_("Day"), "worked_on"),
            (_("Workshop"), "workshop.name"),
            (_("Quantity"), "quantity"),
            (_("Amount"), "amount_fen"),
        ),
    ),
    Figure(
        "volunteer_minutes",
        _("Volunteer time"),
        MINUTES,
        "volunteers.Signup",
        "confirmed_at",
        lambda: Sum("minutes"),
        Q(status="confirmed"),
        _("Volunteer minutes confirmed by organisers, on the day they were confirmed."),
        columns=((_("Confirmed"), "confirmed_at"), (_("Task"), "task.title"), (_("Minutes"), "minutes")),
    ),
    Figure(
        "volunteer_points",
        _("Volunteer points"),
        POINTS,
        "volunteers.Signup",
        "confirmed_at",
        lambda: Sum("points"),
        Q(status="confirmed"),
        _("Time-bank points earned for confirmed volunteer hours."),
        columns=((_("Confirmed"), "confirmed_at"), (_("Task"), "task.title"), (_("Points"), "points")),
    ),
    Figure(
        "wishes_fulfilled",
        _("Micro-wishes fulfilled"),
        COUNT,
        "matching.Wish",
        "fulfilled_at",
        lambda: Count("id"),
        Q(status__in=("fulfilled", "thanked")),
        _("Micro-wishes fulfilled (also those since thanked)."),
        columns=((_("Fulfilled"), "fulfilled_at"), (_("Wish"), "title"), (_("Who"), "who_public")),
    ),
    Figure(
        "reports_solved",
        _("Snapshot reports solved"),
        COUNT,
        "snapshots.Report",
        "closed_at",
        lambda: Count("id"),
        Q(status="closed"),
        _("Residents' snapshot reports solved, on the day they were closed."),
        columns=((_("Reported"), "created_at"), (_("Solved"), "closed_at"), (_("Category"), "category.name")),
    ),
    Figure(
        "report_solve_minutes",
        _("Time to solve (total)"),
        MINUTES,
        "snapshots.Report",
        "closed_at",
        lambda: _duration("closed_at", "created_at"),
        Q(status="closed"),
        _("Minutes from report to solution, added up over the reports solved."),
        convert=_minutes,
        columns=((_("Reported"), "created_at"), (_("Solved"), "closed_at"), (_("Category"), "category.name")),
    ),
    Figure(
        "commitment_progress",
        _("Public-welfare commitment progress"),
        COUNT,
        "partners.CommitmentEntry",
        "occurred_on",
        lambda: Sum("quantity"),
        definition=_(
            "Units of partners' public-welfare commitments delivered (children tutored, free activities held …)."
        ),
        columns=((_("Date"), "occurred_on"), (_("Commitment"), "commitment.title"), (_("Quantity"), "quantity")),
    ),
)

DERIVED: tuple[Derived, ...] = (
    Derived(
        "services_total",
        _("Number of services"),
        COUNT,
        ("services_free", "services_low_cost", "services_market"),
        _("Free, low-cost and market-price service records together."),
    ),
    Derived(
        "free_share",
        _("Share of services free"),
        "percent",
        ("services_free", "services_low_cost", "services_market"),
        _("Free service records as a share of all service records."),
    ),
    Derived(
        "person_times_per_1000",
        _("Person-times per 1,000 residents"),
        "per_thousand",
        ("person_times",),
        _(
            "Person-times served per 1,000 registered residents (the community's population if set, else the "
            "residents on the register)."
        ),
    ),
    Derived(
        "fund_net",
        _("Fund income less spending"),
        FEN,
        ("fund_in", "fund_out"),
        _("The fund's income less its spending in the period."),
    ),
    Derived(
        "fund_balance",
        _("Fund balance"),
        FEN,
        ("fund_in", "fund_out"),
        _("All the fund's income less all its spending up to the end of the period."),
    ),
    Derived(
        "fund_in_per_resident",
        _("Fund income per resident"),
        "fen_per_resident",
        ("fund_in",),
        _("Fund income in the period divided by the registered residents."),
    ),
    Derived(
        "utilisation",
        _("Room utilisation"),
        "percent",
        ("booked_minutes",),
        _(
            "Booked room time as a share of the time rooms are available (rooms in use now × 12 hours a day × days "
            "in the period)."
        ),
    ),
    Derived(
        "average_solve_minutes",
        _("Average time to solve"),
        MINUTES,
        ("report_solve_minutes", "reports_solved"),
        _("Total time to solve divided by the reports solved."),
    ),
    Derived("volunteer_hours", _("Volunteer hours"), "hours", ("volunteer_minutes",), _("Volunteer minutes ÷ 60.")),
)

BY_KEY: dict[str, Figure] = {f.key: f for f in BASE}
DERIVED_BY_KEY: dict[str, Derived] = {d.key: d for d in DERIVED}


def figures_of_model(label: str) -> list[Figure]:
    return [f for f in BASE if f.model == label]


def source_models() -> set[str]:
    return {f.model for f in BASE}
