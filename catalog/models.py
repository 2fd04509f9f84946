"""The service catalogue (便民服务清单), price rules, meals, orders, classes and payments.

What the database itself guarantees (not just the code):

* a meal's ``portions_left`` never goes below zero nor above what was made (CHECK), and the
  order service takes portions with one conditional UPDATE (``portions_left >= n``);
* a class's ``seats_taken`` never exceeds its capacity (CHECK), taken the same way;
* an order or enrolment is made once per (person ordering, Idempotency-Key) (UNIQUE);
* a pick-up code is unique within its meal (UNIQUE), a resident is enrolled once per class.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from records.models import ProviderKind, TargetGroup, Tier

_community_fk = dict(to="orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))


def _user_fk(verbose_name, **extra):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **extra,
    )


class ItemKind(models.TextChoices):
    SERVICE = "service", _("Service")
    MEAL = "meal", _("Meals (pre-order and pick up)")
    CLASS = "class", _("Class or care (enrolment)")


class Category(models.Model):
    community = models.ForeignKey(**_community_fk)
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="catalog_category_unique_name")]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One service of the catalogue: who provides it, at which tier and price, where and when."""

    community = models.ForeignKey(**_community_fk)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items", verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices, default=ItemKind.SERVICE)
    provider_kind = models.CharField(_("provided by"), max_length=12, choices=ProviderKind.choices)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    provider_name = models.CharField(_("provider"), max_length=100, blank=True)
    tier = models.CharField(_("price tier"), max_length=10, choices=Tier.choices)
    price_fen = models.BigIntegerField(_("list price (fen)"), default=0)
    price_unit = models.CharField(_("per"), max_length=20, blank=True, help_text=_("e.g. 份, 次, 学期"))
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("room")
    )
    place = models.CharField(_("place"), max_length=100, blank=True, help_text=_("When it is not one of the rooms."))
    schedule = models.CharField(_("times"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    target_groups = models.JSONField(_("for"), default=list, blank=True)
    eligibility = models.CharField(_("who may use it"), max_length=200, blank=True)
    # Meals: when ordering closes (days before the meal, at this time) and who gets door delivery.
    cutoff_days_before = models.PositiveSmallIntegerField(_("order closes, days before"), default=1)
    cutoff_time = models.TimeField(_("order closes at"), default=dt.time(20, 0))
    delivery_min_age = models.PositiveSmallIntegerField(
        _("door delivery from age"), null=True, blank=True, help_text=_("Empty: no door delivery.")
    )
    commitment = models.ForeignKey(
        "partners.Commitment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counts towards commitment"),
        help_text=_("Free or discounted services given count towards this public-welfare commitment."),
    )
    is_active = models.BooleanField(_("published"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["category__sort_order", "sort_order", "name"]
        indexes = [models.Index(fields=["community", "is_active"], name="catalog_item_community")]
        constraints = [
            models.CheckConstraint(condition=Q(price_fen__gte=0), name="catalog_item_price_not_negative"),
            models.CheckConstraint(condition=~Q(tier="free") | Q(price_fen=0), name="catalog_item_free_costs_nothing"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="catalog_item_seats_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels.get(g, g)) for g in self.target_groups]

    @property
    def where(self) -> str:
        return self.room.name if self.room_id else self.place

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else self.capacity - self.seats_taken


class RuleKind(models.TextChoices):
    AGE = "age", _("Age band")
    TAG = "tag", _("Vulnerable group")
    WORKER = "worker", _("New-employment worker (rider, courier)")


class RuleEffect(models.TextChoices):
    AMOUNT_OFF = "amount_off", _("Amount off")
    PERCENT_OFF = "percent_off", _("Percent off")
    FREE = "free", _("Free")


class PriceRule(models.Model):
    """A discount as data: who gets it (an age band, a vulnerable-group tag, a worker card),
    what (an amount or percent off, or free), on what (a tier, a category or one item).

    How rules combine is in ``catalog.pricing`` (and docs/catalog.md): the best non-stacking
    rule, plus every stacking one, never below zero."""

    community = models.ForeignKey(**_community_fk)
    label = models.CharField(_("shown as"), max_length=50, help_text=_("e.g. 80岁以上"))
    kind = models.CharField(_("who"), max_length=8, choices=RuleKind.choices)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age (inclusive)"), null=True, blank=True)
    tag = models.ForeignKey(
        "residents.VulnerableTag", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("group")
    )
    effect = models.CharField(_("discount"), max_length=12, choices=RuleEffect.choices)
    amount_fen = models.BigIntegerField(_("amount off (fen)"), default=0)
    percent = models.PositiveSmallIntegerField(_("percent off"), default=0)
    stacks = models.BooleanField(_("adds to other discounts"), default=False)
    tier = models.CharField(_("only tier"), max_length=10, choices=Tier.choices, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("only category")
    )
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("only item")
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")
        ordering = ["kind", "min_age", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="catalog_rule_amount_not_negative"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="catalog_rule_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.label


class WorkerKind(models.TextChoices):
    RIDER = "rider", _("Delivery rider")
    COURIER = "courier", _("Courier")


class WorkerCard(models.Model):
    """A resident recognised as a new-employment worker (外卖骑手, 快递员) for friendly-merchant
    discounts; recorded by staff, who have seen the platform's proof."""

    community = models.ForeignKey(**_community_fk)
    resident = models.OneToOneField(
        "residents.Resident", on_delete=models.CASCADE, related_name="+", verbose_name=_("resident")
    )
    worker_kind = models.CharField(_("works as"), max_length=8, choices=WorkerKind.choices)
    employer = models.CharField(_("platform or company"), max_length=50, blank=True)
    valid_until = models.DateField(_("valid until"))
    recorded_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("new-employment worker card")
        verbose_name_plural = _("new-employment worker cards")

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_worker_kind_display()}"


class Meal(models.Model):
    """One dish on one day's menu, with the portions the kitchen will make."""

    community = models.ForeignKey(**_community_fk)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="meals", verbose_name=_("service"))
    serve_date = models.DateField(_("date"))
    name = models.CharField(_("dish"), max_length=100)
    portions = models.PositiveIntegerField(_("portions made"))
    portions_left = models.PositiveIntegerField(_("portions left"))
    cutoff_at = models.DateTimeField(_("orders close at"))
    pickup_point = models.CharField(_("pick-up point"), max_length=100)
    pickup_start = models.TimeField(_("pick-up from"))
    pickup_end = models.TimeField(_("pick-up until"))
    no_shows_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meal")
        verbose_name_plural = _("meals")
        ordering = ["serve_date", "pickup_start", "name"]
        indexes = [models.Index(fields=["community", "serve_date"], name="catalog_meal_day")]
        constraints = [
            models.UniqueConstraint(fields=["item", "serve_date", "name"], name="catalog_meal_once_a_day"),
            models.CheckConstraint(condition=Q(portions_left__lte=F("portions")), name="catalog_meal_left_le_made"),
            models.CheckConstraint(condition=Q(pickup_end__gt=F("pickup_start")), name="catalog_meal_window"),
        ]

    def __str__(self) -> str:
        return f"{self.serve_date:%m-%d} {self.name}"


class PaymentState(models.TextChoices):
    FREE = "free", _("Nothing to pay")
    DUE = "due", _("To pay")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")


class Payable(models.Model):
    """What an order or an enrolment costs and how it was paid (recorded, not processed)."""

    list_price_fen = models.BigIntegerField(_("list price (fen)"))
    amount_fen = models.BigIntegerField(_("to pay (fen)"))
    price_lines = models.JSONField(_("how the price was worked out"), default=list)
    payment_state = models.CharField(_("payment"), max_length=10, choices=PaymentState.choices)
    payment_method = models.CharField(_("paid by"), max_length=20, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_confirmed_by = _user_fk(_("payment confirmed by"))
    share_fen = models.BigIntegerField(_("revenue share owed (fen)"), default=0)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Ordered")
    CANCELLED = "cancelled", _("Cancelled")
    COLLECTED = "collected", _("Collected")
    DELIVERED = "delivered", _("Delivered to the door")
    NO_SHOW = "no_show", _("Not collected")


class Order(Payable):
    community = models.ForeignKey(**_community_fk)
    meal = models.ForeignKey(Meal, on_delete=models.PROTECT, related_name="orders", verbose_name=_("meal"))
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kitchen")
    )
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("for")
    )
    ordered_by = _user_fk(_("ordered by"))
    quantity = models.PositiveSmallIntegerField(_("portions"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    delivery = models.BooleanField(_("door delivery"), default=False)
    pickup_code = models.CharField(_("pick-up code"), max_length=6)
    note = models.CharField(_("note"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("ordered at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    handed_over_by = _user_fk(_("handed over by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meal order")
        verbose_name_plural = _("meal orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["meal", "status"], name="catalog_order_meal_status"),
            models.Index(fields=["resident", "created_at"], name="catalog_order_resident"),
            models.Index(fields=["partner", "paid_at"], name="catalog_order_partner_paid"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["meal", "pickup_code"], name="catalog_order_code_unique_in_meal"),
            models.UniqueConstraint(
                fields=["ordered_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="catalog_order_idempotent",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="catalog_order_quantity_positive"),
            models.CheckConstraint(
                condition=Q(amount_fen__gte=0) & Q(amount_fen__lte=F("list_price_fen")),
                name="catalog_order_amount_within_list",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """Printed on the box label: the day and the row id, e.g. DC1124-00042."""
        return f"DC{self.meal.serve_date:%m%d}-{self.pk:05d}"

    @property
    def qr_payload(self) -> str:
        return f"LINLI-MEAL:{self.pk}:{self.pickup_code}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(Payable):
    community = models.ForeignKey(**_community_fk)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("class"))
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("student")
    )
    ordered_by = _user_fk(_("enrolled by"))
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices)
    created_at = models.DateTimeField(_("applied at"))
    enrolled_at = models.DateTimeField(_("seat given at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["item", "status", "created_at"], name="catalog_enrol_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "resident"],
                condition=Q(status__in=["enrolled", "waiting"]),
                name="catalog_enrol_once",
            ),
            models.UniqueConstraint(
                fields=["ordered_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="catalog_enrol_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.item}"


class ClassSession(models.Model):
    community = models.ForeignKey(**_community_fk)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("class"))
    starts_at = models.DateTimeField(_("starts at"))
    topic = models.CharField(_("topic"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        ordering = ["-starts_at"]
        constraints = [models.UniqueConstraint(fields=["item", "starts_at"], name="catalog_session_once")]

    def __str__(self) -> str:
        return f"{self.item} · {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    community = models.ForeignKey(**_community_fk)
    session = models.ForeignKey(ClassSession, on_delete=models.PROTECT, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(_("present"))
    recorded_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="catalog_attendance_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.enrolment_id}"


class SharePayment(models.Model):
    """A partner paying the revenue share it owes to the community fund (at settlement)."""

    community = models.ForeignKey(**_community_fk)
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    paid_at = models.DateTimeField(_("paid at"))
    note = models.CharField(_("note"), max_length=100, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("revenue share payment")
        verbose_name_plural = _("revenue share payments")
        ordering = ["-paid_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="catalog_sharepay_positive"),
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="catalog_sharepay_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.month:%Y-%m} · {self.amount_fen}"


class ProfitShare(models.Model):
    """For an agreement that shares profit: the month's costs declared at settlement and the
    share they make owed (posted then, since profit is only known at the end of the month)."""

    community = models.ForeignKey(**_community_fk)
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    revenue_fen = models.BigIntegerField(_("revenue (fen)"))
    cost_fen = models.BigIntegerField(_("costs (fen)"))
    share_fen = models.BigIntegerField(_("share owed (fen)"))
    recorded_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "month"], name="catalog_profitshare_once")]

    def __str__(self) -> str:
        return f"{self.partner} · {self.month:%Y-%m}"


class IdempotentRequest(models.Model):
    """The answer to a creating API request made with an ``Idempotency-Key``: a repeat of the
    same key by the same user returns the object the first request made (orders and enrolments
    keep their key on their own row, so their race is settled by their own unique index)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="catalog_idempotent_request_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
