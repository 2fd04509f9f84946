"""Rooms (阵地/场室), the city's standard of room functions, and bookings of rooms.

Every row that belongs to a community carries ``community`` (the tenant key). Writes go through
``spaces.services``; nothing here holds business rules beyond what the database itself can
guarantee (unique names, positive areas, a booking ending after it starts, and — on PostgreSQL —
no two bookings of a room overlapping).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from spaces import hours
from spaces.constraints import PostgresExclusionConstraint, half_open
from spaces.text import join_list


class RoomFunction(models.Model):
    """What a room is for (瑜伽室, 阅览室, 多功能厅 …). Reference data, seeded by a migration;
    cities align it with their own standard through ``FunctionStandard``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room function")
        verbose_name_plural = _("room functions")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class StandardLevel(models.TextChoices):
    REQUIRED = "required", _("Required")
    RECOMMENDED = "recommended", _("Recommended")


class SpaceStandard(models.Model):
    """A city's standard for its party–mass service positions (e.g. 《淄博市党群服务阵地建设标准》:
    7 aspects, 41 required and recommended functions).

    ``city`` links the standard to a city node. A standard seeded before the organisation tree
    exists (by a migration, on an empty database) names its city in ``city_name`` instead; it
    applies to the city of that name until someone links it.
    """

    title = models.CharField(_("title"), max_length=100)
    city = models.OneToOneField(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "city"},
        verbose_name=_("city"),
    )
    city_name = models.CharField(_("city name"), max_length=100, blank=True)
    issued = models.CharField(_("issued"), max_length=100, blank=True, help_text=_("By whom and when."))

    class Meta:
        verbose_name = _("space standard")
        verbose_name_plural = _("space standards")

    def __str__(self) -> str:
        return self.title


class FunctionStandard(models.Model):
    """One function of a city's standard: under which aspect, and required or recommended."""

    standard = models.ForeignKey(SpaceStandard, on_delete=models.CASCADE, related_name="items", verbose_name=_("standard"))
    function = models.ForeignKey(RoomFunction, on_delete=models.PROTECT, related_name="+", verbose_name=_("function"))
    aspect = models.CharField(_("aspect"), max_length=40)
    level = models.CharField(_("level"), max_length=12, choices=StandardLevel.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("function in a standard")
        verbose_name_plural = _("functions in a standard")
        ordering = ["standard", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["standard", "function"], name="functionstandard_once_per_standard")]

    def __str__(self) -> str:
        return f"{self.aspect} · {self.function} ({self.get_level_display()})"


def room_photo_path(instance: RoomPhoto, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"spaces/{instance.community_id}/{timezone.now():%Y%m}/{instance.room_id}-{timezone.now():%d%H%M%S%f}.{extension}"


class Room(models.Model):
    """A room of a community's positions: where services happen and what partners are lent.

    Area is whole square metres: the figures people use (1,011 m² lent in six communities,
    500 m²+ per community) are whole numbers, and sums stay exact.
    """

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    building = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
        limit_choices_to={"kind": "building"},
    )
    name = models.CharField(_("name"), max_length=60)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True, help_text=_("Negative for a basement."))
    area_m2 = models.PositiveIntegerField(_("area (m²)"))
    capacity = models.PositiveIntegerField(_("capacity (people)"), default=0)
    function = models.ForeignKey(
        RoomFunction, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("main function")
    )
    also_functions = models.ManyToManyField(
        RoomFunction, blank=True, related_name="secondary_rooms", verbose_name=_("also serves as")
    )
    facilities = models.JSONField(_("facilities"), default=list, blank=True)
    opening_hours = models.JSONField(_("opening hours"), default=hours.empty_week, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Rooms no longer in use keep their history but take no bookings.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[also_functions])

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["community", "floor", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="room_unique_name_in_community"),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="room_area_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def week(self) -> hours.Week:
        return hours.from_json(self.opening_hours)

    @property
    def hours_text(self) -> str:
        return hours.week_text(self.week)

    @property
    def hours_display(self) -> list[tuple[str, str]]:
        return hours.week_display(self.week)


class RoomPhoto(models.Model):
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="photos", verbose_name=_("room"))
    image = models.ImageField(_("photo"), upload_to=room_photo_path)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room photo")
        verbose_name_plural = _("room photos")
        ordering = ["room", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class HolderKind(models.TextChoices):
    """Who holds a booking. The holder is named by kind + id + name, not by a foreign key: the
    partners app (and later volunteers, activities) own those records."""

    PARTNER = "partner", _("Partner")
    ACTIVITY = "activity", _("Community activity")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")
    RESIDENT_GROUP = "resident_group", _("Resident group")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class BookingSeries(models.Model):
    """A weekly recurring booking (every weekday 16:30–18:30 from a first date to a last date).
    Its occurrences are ordinary ``Booking`` rows, created all together or not at all."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="series", verbose_name=_("room"))
    weekdays = models.JSONField(_("weekdays"), help_text=_("0 = Monday … 6 = Sunday."))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    holder_kind = models.CharField(_("holder kind"), max_length=20, choices=HolderKind.choices)
    holder_id = models.BigIntegerField(_("holder id"), null=True, blank=True)
    holder_name = models.CharField(_("holder"), max_length=100)
    title = models.CharField(_("title"), max_length=100)
    source_type = models.CharField(_("source"), max_length=40, blank=True, help_text=_("e.g. partners.agreement"))
    source_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_from = models.DateField(_("cancelled from"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="series_ends_after_start"),
            models.CheckConstraint(condition=Q(last_date__gte=models.F("first_date")), name="series_dates_in_order"),
        ]
        indexes = [
            models.Index(fields=["holder_kind", "holder_id"], name="series_holder"),
            models.Index(fields=["source_type", "source_id"], name="series_source"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def weekdays_display(self) -> str:
        return join_list(hours.WEEKDAY_NAMES[d] for d in sorted(self.weekdays))


class Booking(models.Model):
    """A room held for a time range by a holder. Cancelled bookings stay, as history."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("room"))
    series = models.ForeignKey(
        BookingSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("recurring booking"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    holder_kind = models.CharField(_("holder kind"), max_length=20, choices=HolderKind.choices)
    holder_id = models.BigIntegerField(_("holder id"), null=True, blank=True)
    holder_name = models.CharField(_("holder"), max_length=100)
    title = models.CharField(_("title"), max_length=100)
    source_type = models.CharField(_("source"), max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"),
            models.CheckConstraint(
                condition=Q(status="booked", cancelled_at__isnull=True) | Q(status="cancelled", cancelled_at__isnull=False),
                name="booking_cancelled_has_time",
            ),
            # Two bookings of one room never overlap: PostgreSQL refuses the second row itself,
            # whatever code path wrote it (see spaces/constraints.py for SQLite).
            PostgresExclusionConstraint(
                name="booking_no_overlap",
                expressions=[("room", RangeOperators.EQUAL), (half_open("starts_at", "ends_at"), RangeOperators.OVERLAPS)],
                condition=Q(status="booked"),
            ),
        ]
        indexes = [
            models.Index(fields=["room", "starts_at"], name="booking_room_start"),
            models.Index(fields=["community", "starts_at"], name="booking_community_start"),
            models.Index(fields=["holder_kind", "holder_id", "starts_at"], name="booking_holder"),
            models.Index(fields=["source_type", "source_id"], name="booking_source"),
        ]

    def __str__(self) -> str:
        return f"{self.room} · {self.title}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == BookingStatus.CANCELLED

    @property
    def duration_hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Awaiting confirmation")
    IMPORTED = "imported", _("Imported")
    DISCARDED = "discarded", _("Discarded")


class RoomImport(models.Model):
    """An uploaded Excel file of rooms, checked row by row before anything is written."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    rows = models.JSONField(default=list, help_text="Checked rows: [{row, values, clean, errors, action}]")
    total_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("room import")
        verbose_name_plural = _("room imports")
        constraints = [
            models.CheckConstraint(condition=Q(error_rows__lte=models.F("total_rows")), name="roomimport_errors_le_total")
        ]

    def __str__(self) -> str:
        return self.filename
