"""Workshops (社区微业 / 共富工坊) and gig jobs (零工招聘).

A **workshop** is work brought to residents: a merchant supplies material and sells the product,
the community lends a room and organises residents (mothers, older people) to do the work at
piece or day rates. The workshop lead enters each day's work on a phone; wage statements are
the rates × the records, nothing else; the community's share and handicraft sales go to the
community development fund.

**Gig jobs**: employers (``markets.Merchant``) post jobs; a weekly job fair (every Wednesday
morning) offers them; residents keep a job-seeker profile and apply; employers shortlist and
record placements, which never exceed the openings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PayUnit(models.TextChoices):
    PIECE = "piece", _("per piece")
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    MONTH = "month", _("per month")


WORK_UNITS = (PayUnit.PIECE, PayUnit.HOUR, PayUnit.DAY)


class Workshop(models.Model):
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=100)
    merchant = models.ForeignKey(
        "markets.Merchant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("merchant (supplies material, sells the product)"),
    )
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("room")
    )
    product = models.CharField(_("work and product"), max_length=200)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_workshops",
        verbose_name=_("workshop lead"),
    )
    # Only a workshop whose work is itself a service to residents (mending their clothes, say)
    # records service records; wages paid for making products are not services.
    serves_residents = models.BooleanField(_("the work is a service to residents"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workshop")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="workshop_name_unique_in_community")]

    def __str__(self) -> str:
        return self.name


class Rate(models.Model):
    """What one unit of a kind of work pays: ¥0.50 a button sewn, ¥120 a day of assembly."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="rates")
    name = models.CharField(_("work"), max_length=60)
    unit = models.CharField(_("unit"), max_length=8, choices=[(u.value, u.label) for u in WORK_UNITS])
    rate_fen = models.BigIntegerField(_("rate (fen)"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["workshop", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "name"], name="rate_name_unique_in_workshop"),
            models.CheckConstraint(condition=Q(rate_fen__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_unit_display()})"


class Worker(models.Model):
    """A resident on a workshop's roster."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="workers")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField(_("joined on"))
    is_active = models.BooleanField(_("on the roster"), default=True)

    class Meta:
        ordering = ["workshop", "pk"]
        constraints = [models.UniqueConstraint(fields=["workshop", "resident"], name="worker_once_per_workshop")]

    def __str__(self) -> str:
        return str(self.resident_id)


class WageStatement(models.Model):
    """A worker's wages for a period: exactly the sum of their work records in it."""

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="statements")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="statements")
    period_start = models.DateField()
    period_end = models.DateField()
    days_worked = models.PositiveIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "worker"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "period_start", "period_end"], name="statement_once_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="statement_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.period_start}–{self.period_end}"


class WorkRecord(models.Model):
    """One worker's work of one kind on one day, as the lead entered it."""

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="records")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="records")
    rate = models.ForeignKey(Rate, on_delete=models.PROTECT, related_name="+")
    worked_on = models.DateField(_("day"))
    quantity = models.PositiveIntegerField(_("pieces, hours or days"))
    # The rate when the work was done: a later change of rate does not change past wages.
    rate_fen = models.BigIntegerField()
    amount_fen = models.BigIntegerField()
    statement = models.ForeignKey(
        WageStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-worked_on", "worker", "pk"]
        indexes = [models.Index(fields=["workshop", "worked_on"], name="workrecord_workshop_day")]
        constraints = [
            models.UniqueConstraint(fields=["worker", "rate", "worked_on"], name="workrecord_once_per_day_and_rate"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="workrecord_quantity_positive"),
            # Wages are rates × records, also for the database.
            models.CheckConstraint(condition=Q(amount_fen=F("rate_fen") * F("quantity")), name="workrecord_amount_is_rate_times_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.worked_on} {self.quantity}"


class IncomeKind(models.TextChoices):
    SHARE = "share", _("The community's share")
    SALE = "sale", _("Products sold")


class SaleChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    MARKET = "market", _("At a market")
    SHOP = "shop", _("In a shop or the centre")


class WorkshopIncome(models.Model):
    """Money from a workshop into the community development fund (FundSource.WORKSHOP)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="incomes")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=IncomeKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=SaleChannel.choices, blank=True)
    item = models.CharField(_("item or period"), max_length=100)
    quantity = models.PositiveIntegerField(_("count"), default=0)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    occurred_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="workshop_income_positive"),
            models.UniqueConstraint(
                fields=["workshop", "idempotency_key"], condition=~Q(idempotency_key=""), name="workshop_income_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.amount_fen}"


# --- Gig jobs ------------------------------------------------------------------------------------


class JobStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class JobPost(models.Model):
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    merchant = models.ForeignKey("markets.Merchant", on_delete=models.PROTECT, related_name="jobs", verbose_name=_("employer"))
    title = models.CharField(_("job"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    pay_min_fen = models.BigIntegerField(_("pay from (fen)"))
    pay_max_fen = models.BigIntegerField(_("pay up to (fen)"))
    pay_unit = models.CharField(_("pay unit"), max_length=8, choices=PayUnit.choices, default=PayUnit.DAY)
    hours = models.CharField(_("working hours"), max_length=100)
    place = models.CharField(_("place of work"), max_length=100)
    skills = models.CharField(_("skills wanted"), max_length=200, blank=True)
    openings = models.PositiveIntegerField(_("openings"), default=1)
    placed_count = models.PositiveIntegerField(_("placed"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.OPEN)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("job")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pay_min_fen__gt=0, pay_max_fen__gte=F("pay_min_fen")), name="job_pay_range"),
            models.CheckConstraint(condition=Q(openings__gt=0), name="job_has_openings"),
            # Capacity: a job never places more people than it has openings.
            models.CheckConstraint(condition=Q(placed_count__lte=F("openings")), name="job_placed_within_openings"),
        ]

    def __str__(self) -> str:
        return self.title


class JobFair(models.Model):
    """A job fair (零工招聘会), e.g. every Wednesday morning, with the jobs on offer."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=100)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=100)
    room = models.ForeignKey("spaces.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    jobs = models.ManyToManyField(JobPost, blank=True, related_name="fairs", verbose_name=_("jobs on offer"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["community", "held_on", "starts_at"], name="job_fair_once_per_time"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="job_fair_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.held_on}"


class SeekerProfile(models.Model):
    """A resident looking for work: what they can do, when, and for how much."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    resident = models.OneToOneField("residents.Resident", on_delete=models.CASCADE, related_name="job_profile")
    skills = models.CharField(_("skills"), max_length=200)
    availability = models.CharField(_("when I can work"), max_length=100)
    wanted_pay_fen = models.BigIntegerField(_("pay I want (fen)"), default=0)
    wanted_unit = models.CharField(_("per"), max_length=8, choices=PayUnit.choices, default=PayUnit.DAY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_looking = models.BooleanField(_("looking for work"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return str(self.resident_id)


class JobApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    PLACED = "placed", _("Placed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JobApplication(models.Model):
    job = models.ForeignKey(JobPost, on_delete=models.PROTECT, related_name="applications")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="applications")
    fair = models.ForeignKey(JobFair, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications")
    status = models.CharField(
        _("status"), max_length=12, choices=JobApplicationStatus.choices, default=JobApplicationStatus.APPLIED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    placed_on = models.DateField(_("placed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["job", "seeker"], name="job_application_once"),
            models.CheckConstraint(
                condition=~Q(status="placed") | Q(placed_on__isnull=False), name="job_placement_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seeker_id} → {self.job_id}"
