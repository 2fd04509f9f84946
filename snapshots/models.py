"""Snapshot reports (随手拍 / 随手带): a problem seen in a community, routed to the grid worker.

A report carries 1–4 photos taken by whoever saw the problem (a resident, a delivery rider, a
courier), a category, the place (a building of the org tree or a zone of the community's plan)
and a note. It is routed to the grid worker of the grid holding that place and closed with an
after-photo. Every step is an event, so the reporter can follow it and anyone may ask who did what.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from snapshots.storage import private_storage


class Category(models.Model):
    """What kind of problem: reference data, shared by all communities, edited in the admin."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=40)
    deadline_hours = models.PositiveIntegerField(
        _("deadline (hours)"), default=72, help_text=_("An open report older than this is overdue and escalates.")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered to reporters"), default=True)

    class Meta:
        verbose_name = _("snapshot category")
        verbose_name_plural = _("snapshot categories")
        ordering = ["sort_order", "id"]
        constraints = [models.CheckConstraint(condition=Q(deadline_hours__gt=0), name="snapshot_category_deadline_positive")]

    def __str__(self) -> str:
        return self.name


def _plan_path(instance: Plan, filename: str) -> str:
    return f"snapshots/plans/{instance.community_id}/{uuid.uuid4().hex}.jpg"


class Plan(models.Model):
    """A simple drawing of the community (the estate map at the gate), with zones staff name on it."""

    community = models.OneToOneField(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    image = models.ImageField(_("plan image"), upload_to=_plan_path, storage=private_storage)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("community plan")
        verbose_name_plural = _("community plans")

    def __str__(self) -> str:
        return str(self.community)


class Zone(models.Model):
    """A named area of the plan (北门垃圾房, 3号楼前停车场) and the grid that looks after it.

    The rectangle is in thousandths of the plan's width and height, so it survives a re-scaled
    image and draws as an SVG link without any inline style (the CSP forbids those).
    """

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=40)
    grid = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid"),
        limit_choices_to={"kind": "grid"},
    )
    x = models.PositiveSmallIntegerField(_("left (‰)"), default=0)
    y = models.PositiveSmallIntegerField(_("top (‰)"), default=0)
    w = models.PositiveSmallIntegerField(_("width (‰)"), default=0)
    h = models.PositiveSmallIntegerField(_("height (‰)"), default=0)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan zone")
        verbose_name_plural = _("plan zones")
        ordering = ["community", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="snapshot_zone_unique_name"),
            models.CheckConstraint(
                condition=Q(x__lte=1000, y__lte=1000, w__lte=1000, h__lte=1000), name="snapshot_zone_within_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def on_plan(self) -> bool:
        return self.w > 0 and self.h > 0


class Status(models.TextChoices):
    NEW = "new", _("Waiting to be accepted")
    ACCEPTED = "accepted", _("Being handled")
    CLOSED = "closed", _("Solved")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_STATUSES = (Status.NEW, Status.ACCEPTED)


class Report(models.Model):
    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category"))
    building = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
        limit_choices_to={"kind": "building"},
    )
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("zone"))
    grid = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grid"),
        help_text=_("The grid holding the place, which decides who handles the report."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="snapshot_reports", verbose_name=_("reporter")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="snapshot_assignments",
        verbose_name=_("handled by"),
        help_text=_("Empty: the community staff handle it (the grid has no grid worker)."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    due_at = models.DateTimeField(_("due by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolution = models.CharField(_("what was done"), max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("snapshot report")
        verbose_name_plural = _("snapshot reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(building__isnull=False) | Q(zone__isnull=False), name="snapshot_report_has_a_place"
            ),
            # A solved report has a time it was solved: the public "time to solve" depends on it.
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="snapshot_report_closed_has_time"
            ),
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="snapshot_report_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "due_at"], name="snapshot_report_open_due"),
            models.Index(fields=["assignee", "status"], name="snapshot_report_assignee"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category} · {self.place_label}"

    @property
    def place_label(self) -> str:
        if self.zone_id:
            return self.zone.name
        if self.building_id:
            return self.building.name
        return ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        """Computed when read, so a page is right even before the escalation job has run."""
        return self.is_open and self.due_at < (now or timezone.now())

    @property
    def time_to_solve(self) -> dt.timedelta | None:
        if self.status == Status.CLOSED and self.closed_at:
            return self.closed_at - self.created_at
        return None


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("Reported")
    AFTER = "after", _("After handling")


def _photo_path(instance: Photo, filename: str) -> str:
    # Random names: nothing in a path says who reported what, or lets anyone guess the next one.
    return f"snapshots/{instance.community_id}/{timezone.now():%Y%m}/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    """A re-encoded JPEG without metadata (see snapshots/images.py), kept in private storage."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report"))
    kind = models.CharField(_("kind"), max_length=8, choices=PhotoKind.choices)
    image = models.ImageField(_("photo"), upload_to=_photo_path, storage=private_storage, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(_("bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("snapshot photo")
        verbose_name_plural = _("snapshot photos")
        ordering = ["report", "-kind", "id"]  # the problem first, then after handling

    def __str__(self) -> str:
        return f"{self.report_id}/{self.kind}/{self.pk}"


class EventKind(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ROUTED = "routed", _("Sent to")
    ACCEPTED = "accepted", _("Accepted")
    REASSIGNED = "reassigned", _("Reassigned")
    PHOTO = "photo", _("After-photo added")
    CLOSED = "closed", _("Solved")
    DISMISSED = "dismissed", _("Dismissed")
    ESCALATED = "escalated", _("Overdue: escalated to community staff")


class Event(models.Model):
    """One step of a report: what the reporter follows and what an auditor reads."""

    community = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    kind = models.CharField(_("what"), max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "created_at", "id"]
        constraints = [
            # The escalation job may run twice at once; a report escalates once.
            models.UniqueConstraint(fields=["report"], condition=Q(kind="escalated"), name="snapshot_event_one_escalation"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"
