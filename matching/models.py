"""The three lists (需求、资源、项目) and micro-wishes (微心愿).

A need says what residents lack (never who they are on a shared list: counts and groups only);
a resource says what a member unit, partner, volunteer or donor offers; a project brings
resources to needs. A micro-wish is one vulnerable resident's small wish, posted by their grid
worker with their consent and shown publicly without identifying them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Category(models.TextChoices):
    """Shared by needs, resources and wishes, so that matching compares like with like."""

    ELDER_CARE = "elder_care", _("Elder care")
    MEALS = "meals", _("Meals")
    CHILDCARE = "childcare", _("After-school care and childcare")
    EDUCATION = "education", _("Tutoring and classes")
    HEALTH = "health", _("Health and clinics")
    REPAIRS = "repairs", _("Repairs and home help")
    GREENING = "greening", _("Greening and environment")
    JOBS = "jobs", _("Jobs and skills")
    CULTURE = "culture", _("Culture and activities")
    GOODS = "goods", _("Goods and daily necessities")
    GENERAL = "general", _("Any kind (money, general help)")


class AffectedGroup(models.TextChoices):
    ELDERLY = "elderly", _("Older people")
    ELDERLY_ALONE = "elderly_alone", _("Older people living alone")
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")
    DISABLED = "disabled", _("People with disabilities")
    LOW_INCOME = "low_income", _("Low-income households")
    WORKERS = "workers", _("New-employment workers")
    EVERYONE = "everyone", _("Everyone")


class Urgency(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class NeedSource(models.TextChoices):
    RESIDENT = "resident", _("Raised by a resident")
    GRID_WORKER = "grid_worker", _("Raised by a grid worker")
    SURVEY = "survey", _("From a survey")
    STAFF = "staff", _("Recorded by community staff")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROJECT = "in_project", _("Being met by a project")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed")


def _node_fk(verbose, *, null: bool = True):
    return models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, null=null, blank=null, related_name="+", verbose_name=verbose
    )


class Need(models.Model):
    community = _node_fk(_("community"), null=False)
    grid = _node_fk(_("grid"))
    building = _node_fk(_("building"))
    title = models.CharField(_("need"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    source = models.CharField(_("source"), max_length=12, choices=NeedSource.choices)
    affected_count = models.PositiveIntegerField(_("people affected"), default=1)
    affected_groups = models.JSONField(_("groups affected"), default=list, blank=True)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    needed_from = models.DateField(_("needed from"), null=True, blank=True)
    needed_until = models.DateField(_("needed until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    # Who raised it: for the resident's own "my needs" page only, never shown on shared lists.
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("resident")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A double tap on a slow phone raises one need: (who, Idempotency-Key) is unique.
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-urgency", "-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="need_community_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(needed_until__isnull=True) | Q(needed_from__isnull=True) | Q(needed_until__gte=models.F("needed_from")),
                name="need_dates_in_order",
            ),
            models.CheckConstraint(condition=Q(affected_count__gte=1), name="need_affects_someone"),
            models.UniqueConstraint(
                fields=["raised_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="need_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_affected_groups_display(self) -> list[str]:
        labels = dict(AffectedGroup.choices)
        return [str(labels.get(g, g)) for g in self.affected_groups]


class OfferedBy(models.TextChoices):
    MEMBER_UNIT = "member_unit", _("大党委 member unit")
    PARTNER = "partner", _("Community partner")
    VOLUNTEER = "volunteer", _("Volunteer or volunteer team")
    DONOR = "donor", _("Donor")
    COMMUNITY = "community", _("The community")


class ResourceStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    COMMITTED = "committed", _("Committed to a project")
    USED_UP = "used_up", _("Used up")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Resource(models.Model):
    community = _node_fk(_("community"), null=False)
    grid = _node_fk(_("grid"))
    building = _node_fk(_("building"))
    title = models.CharField(_("what is offered"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    offered_by = models.CharField(_("offered by"), max_length=12, choices=OfferedBy.choices)
    provider_name = models.CharField(_("provider"), max_length=100)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    quantity = models.PositiveIntegerField(_("how much"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ResourceStatus.choices, default=ResourceStatus.AVAILABLE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="resource_community_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="resource_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def amount_text(self) -> str:
        return f"{self.quantity}{self.unit}" if self.quantity is not None else ""


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Project(models.Model):
    community = _node_fk(_("community"), null=False)
    title = models.CharField(_("project"), max_length=100)
    owner_name = models.CharField(_("owner"), max_length=100, help_text=_("Who is responsible: a person or a unit."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("owner's login")
    )
    plan = models.TextField(_("plan"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.TextField(_("result"), blank=True)
    needs = models.ManyToManyField(Need, related_name="projects", blank=True, verbose_name=_("needs"))
    resources = models.ManyToManyField(Resource, related_name="projects", blank=True, verbose_name=_("resources"))
    # The fund app's spending request, when the project draws on the community fund.
    fund_request_id = models.BigIntegerField(_("fund spending request"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[needs, resources])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="project_community_status")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_percent"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="project_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectUpdate(models.Model):
    """A progress note: what was done, and the progress after it."""

    community = _node_fk(_("community"), null=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    note = models.TextField(_("what was done"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="projectupdate_progress_percent")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.progress}%"


class WishStatus(models.TextChoices):
    POSTED = "posted", _("Waiting for someone to claim it")
    CLAIMED = "claimed", _("Claimed")
    FULFILLED = "fulfilled", _("Fulfilled")
    THANKED = "thanked", _("Fulfilled and thanked")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which a wish has a claimant; the database holds this rule (constraint below).
CLAIMED_STATES = (WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.THANKED)


def wish_proof_path(instance: Wish, filename: str) -> str:
    # The name says nothing about the resident; the extension is the one we re-encoded to.
    return f"matching/wishes/{instance.community_id}/{instance.pk or 'new'}-proof.jpg"


class Wish(models.Model):
    """A micro-wish (微心愿). ``who_public`` and ``title``/``details`` are shown to everyone; the
    resident behind the wish is known only to the grid worker and community staff."""

    community = _node_fk(_("community"), null=False)
    grid = _node_fk(_("grid"), null=False)
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    title = models.CharField(_("wish"), max_length=60)
    details = models.CharField(_("details"), max_length=300, blank=True)
    who_public = models.CharField(
        _("who (as shown publicly)"), max_length=40, help_text=_("e.g. 一位八旬独居老人. No name, building or room.")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.GOODS)
    estimated_fen = models.BigIntegerField(_("estimated value (fen)"), default=0)
    consent_note = models.CharField(
        _("how the resident consented"), max_length=200, help_text=_("e.g. 本人口头同意，家访时 2026-03-02")
    )
    status = models.CharField(_("status"), max_length=10, choices=WishStatus.choices, default=WishStatus.POSTED)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("claimed by")
    )
    claimant_display = models.CharField(_("claimant as shown publicly"), max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilment_note = models.CharField(_("how it was fulfilled"), max_length=300, blank=True)
    proof = models.ImageField(_("proof photo"), upload_to=wish_proof_path, blank=True)
    thanks = models.CharField(_("the resident's thanks"), max_length=300, blank=True)
    thanked_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=200, blank=True)
    service_record_id = models.BigIntegerField(null=True, blank=True)
    fund_request_id = models.BigIntegerField(_("fund spending request"), null=True, blank=True)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["proof"])

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="wish_community_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CLAIMED_STATES], claimant__isnull=False)
                | (~Q(status__in=[s.value for s in CLAIMED_STATES]) & Q(claimant__isnull=True)),
                name="wish_claimant_iff_claimed",
            ),
            models.CheckConstraint(condition=Q(estimated_fen__gte=0), name="wish_value_not_negative"),
            models.UniqueConstraint(
                fields=["posted_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="wish_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == WishStatus.POSTED


class WishAction(models.TextChoices):
    POSTED = "posted", _("Posted")
    CLAIMED = "claimed", _("Claimed")
    RELEASED = "released", _("Claim released")
    FULFILLED = "fulfilled", _("Fulfilled")
    THANKED = "thanked", _("Thanks recorded")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FUNDING = "funding", _("Funding requested")


class WishEvent(models.Model):
    """Every step of a wish, with who took it."""

    community = _node_fk(_("community"), null=False)
    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("what"), max_length=10, choices=WishAction.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.wish_id}: {self.action}"
