"""Neighbourhood markets (睦邻集市 / 党群服务集市) and the merchants who take part in them.

A market is held on one day at one place with a layout of numbered stalls. Merchants and member
units (大党委 member units, volunteer teams) apply for a stall; staff allocate stalls; stall
holders check in on the day; selling stalls report their takings and the agreed share goes to the
community development fund; free service stalls count the people they served (服务人次); goods
donated at the market are recorded in kind.

``Merchant`` also stands for an employer in the jobs app (workshops, gig jobs): one register of
businesses per community, each with its own logins (``MerchantMember``) who reach only their own
records (``selectors.merchant_ids_for_user``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

BASIS_POINTS = 10_000


class MerchantKind(models.TextChoices):
    SHOP = "shop", _("Shop or stallholder")
    MEMBER_UNIT = "member_unit", _("Member unit (hospital, company, property manager…)")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")
    EMPLOYER = "employer", _("Employer")
    INDIVIDUAL = "individual", _("Individual")


class MerchantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class Merchant(models.Model):
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    name = models.CharField(_("business name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=MerchantKind.choices, default=MerchantKind.SHOP)
    business = models.CharField(_("what they sell or do"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("also a community partner"),
    )
    status = models.CharField(_("status"), max_length=12, choices=MerchantStatus.choices, default=MerchantStatus.PENDING)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="merchant_name_unique_in_community")]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_phone_masked(self) -> str:
        p = self.contact_phone
        return f"{p[:3]}****{p[-4:]}" if len(p) >= 11 else ("****" if p else "")


class MerchantMember(models.Model):
    """A login that acts for a merchant (its owner, a clerk, a workshop lead)."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="members")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "user"], name="merchant_member_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.merchant}"


class MarketStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Market(models.Model):
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=100)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("room")
    )
    place = models.CharField(_("place"), max_length=100, blank=True, help_text=_("An outdoor place, e.g. the square."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MarketStatus.choices, default=MarketStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["community", "held_on"], name="market_community_day")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="market_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.title} · {self.held_on:%Y-%m-%d}"

    @property
    def where(self) -> str:
        return self.room.name if self.room_id else self.place


class StallKind(models.TextChoices):
    SELLING = "selling", _("Selling stall")
    SERVICE = "service", _("Free service stall")


class ServiceKind(models.TextChoices):
    """The free stalls of the reports (12 kinds in one community); ``other`` names itself."""

    CLINIC = "clinic", _("Free clinic")
    HAIRCUT = "haircut", _("Haircut")
    APPLIANCE_REPAIR = "appliance_repair", _("Appliance repair")
    POLICY_ADVICE = "policy_advice", _("Policy advice")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    KNIFE_SHARPENING = "knife_sharpening", _("Knife sharpening")
    CLOTHES_MENDING = "clothes_mending", _("Clothes mending")
    BLOOD_PRESSURE = "blood_pressure", _("Blood pressure check")
    ANTI_FRAUD = "anti_fraud", _("Anti-fraud advice")
    JOB_ADVICE = "job_advice", _("Job advice")
    PHONE_HELP = "phone_help", _("Smartphone help")
    OTHER = "other", _("Other service")


class Stall(models.Model):
    """A numbered place in a market's layout, with the terms a holder agrees to."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="stalls")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("stall number"))
    kind = models.CharField(_("kind"), max_length=10, choices=StallKind.choices, default=StallKind.SELLING)
    fee_fen = models.BigIntegerField(_("fee (fen)"), default=0)
    share_bp = models.PositiveIntegerField(_("share of takings (basis points)"), default=0)

    class Meta:
        ordering = ["market", "number"]
        constraints = [
            models.UniqueConstraint(fields=["market", "number"], name="stall_number_unique_in_market"),
            models.CheckConstraint(condition=Q(fee_fen__gte=0), name="stall_fee_not_negative"),
            models.CheckConstraint(condition=Q(share_bp__lte=BASIS_POINTS), name="stall_share_at_most_all"),
            # A free service stall is free: no fee, no share.
            models.CheckConstraint(
                condition=Q(kind="selling") | Q(fee_fen=0, share_bp=0), name="stall_service_is_free"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}"


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ALLOCATED = "allocated", _("Stall allocated")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (ApplicationStatus.APPLIED, ApplicationStatus.ALLOCATED)


class StallApplication(models.Model):
    """A merchant's request for a stall at one market, and — once allocated — their stall there."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="applications")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="stall_applications")
    kind = models.CharField(_("kind"), max_length=10, choices=StallKind.choices)
    service_kind = models.CharField(_("free service"), max_length=20, choices=ServiceKind.choices, blank=True)
    offer = models.CharField(_("what they offer"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED)
    stall = models.ForeignKey(Stall, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The terms copied from the stall when it is allocated: changing the layout later does not
    # change what a holder agreed to.
    fee_fen = models.BigIntegerField(default=0)
    share_bp = models.PositiveIntegerField(default=0)
    checkin_code = models.CharField(max_length=32, unique=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    takings_fen = models.BigIntegerField(_("takings (fen)"), null=True, blank=True)
    due_fen = models.BigIntegerField(_("due to the fund (fen)"), default=0)
    paid = models.BooleanField(_("paid to the fund"), default=False)
    reported_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["market", "stall__number", "pk"]
        constraints = [
            # The guarantee behind "a stall is never given twice": whatever the code does, the
            # database holds at most one allocated application per stall.
            models.UniqueConstraint(
                fields=["stall"], condition=Q(status="allocated"), name="stall_allocated_once"
            ),
            models.UniqueConstraint(
                fields=["market", "merchant"],
                condition=Q(status__in=["applied", "allocated"]),
                name="stall_one_open_application_per_merchant",
            ),
            models.CheckConstraint(
                condition=Q(status="allocated", stall__isnull=False) | ~Q(status="allocated"),
                name="stall_allocated_has_stall",
            ),
            models.CheckConstraint(condition=Q(due_fen__gte=0), name="stall_due_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.merchant} @ {self.market}"


class VisitCount(models.Model):
    """People served at a free service stall, counted by its holder or staff (服务人次)."""

    application = models.ForeignKey(StallApplication, on_delete=models.PROTECT, related_name="visit_counts")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    person_times = models.PositiveIntegerField(_("person-times"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(person_times__gt=0), name="visit_count_positive"),
            models.UniqueConstraint(
                fields=["application", "idempotency_key"], condition=~Q(idempotency_key=""), name="visit_count_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_times}"


class Donation(models.Model):
    """Goods given to the fund at a market (rice, oil, clothes…), at a fair value."""

    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="donations")
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    donor_name = models.CharField(_("donor"), max_length=100)
    item = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveIntegerField(_("count"))
    value_fen = models.BigIntegerField(_("fair value (fen)"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["market", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="donation_quantity_positive"),
            models.CheckConstraint(condition=Q(value_fen__gte=0), name="donation_value_not_negative"),
            models.UniqueConstraint(
                fields=["market", "idempotency_key"], condition=~Q(idempotency_key=""), name="donation_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"
