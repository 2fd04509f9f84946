"""The volunteer bank (志愿银行): "奉献—积分—回报".

Volunteers (邻里合伙人: residents, party members, building leaders, delivery riders, couriers…)
register in a community, join teams by place and skill (巧匠友邻: electricians, tailors,
hairdressers), sign up for tasks that organisers publish, check in and out, and have their hours
confirmed by the task's organiser. Confirmed hours earn points by the community's rules; points
live in the ledger (unit PTS), so they can never be spent twice or go below zero, and they are
redeemed for rewards (goods, services, friendly merchants' discounts) whose stock can never go
below zero either. Every confirmed service is also a service record (``records``).

Rules the database holds: one registration per user and community, one sign-up per volunteer
and task, ``taken <= slots`` on a task, stock and costs never negative.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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


def new_token() -> str:
    return secrets.token_urlsafe(16)


class VolunteerKind(models.TextChoices):
    """Who the 邻里合伙人 are (礼乐街道: 163 of them)."""

    RESIDENT = "resident", _("Resident")
    PARTY_MEMBER = "party_member", _("Party member")
    BUILDING_LEADER = "building_leader", _("Building leader")
    DELIVERY_RIDER = "delivery_rider", _("Delivery rider")
    COURIER = "courier", _("Courier")
    PROPERTY_STAFF = "property_staff", _("Property management staff")
    OTHER = "other", _("Other")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class Volunteer(models.Model):
    community = models.ForeignKey(**_community_fk)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer_registrations", verbose_name=_("login")
    )
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident record"),
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=VolunteerKind.choices, default=VolunteerKind.RESIDENT)
    skills = models.CharField(_("skills"), max_length=200, blank=True, help_text=_("E.g. electrician, tailoring."))
    availability = models.CharField(_("when available"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE)
    # The ledger account holding the volunteer's points, fixed when first opened (its code names
    # the resident if the volunteer is one, docs/ledger.md), so a later link does not fork it.
    points_account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    registered_by = _user_fk(_("registered by"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["community", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="volunteer_once_per_community"),
        ]
        indexes = [models.Index(fields=["community", "status"], name="volunteer_community_status")]

    def __str__(self) -> str:
        return self.name


class Skill(models.TextChoices):
    """The skills of mutual-aid teams (巧匠友邻) and the kinds of free help they give."""

    ELECTRICIAN = "electrician", _("Electrician")
    TAILOR = "tailor", _("Tailor")
    HAIRDRESSER = "hairdresser", _("Hairdresser")
    PLUMBER = "plumber", _("Plumber")
    APPLIANCE_REPAIR = "appliance_repair", _("Appliance repair")
    MEDICAL = "medical", _("Health care")
    TUTOR = "tutor", _("Tutoring")
    GENERAL = "general", _("General help")


class Team(models.Model):
    community = models.ForeignKey(**_community_fk)
    name = models.CharField(_("name"), max_length=60)
    place = models.CharField(_("place"), max_length=100, blank=True, help_text=_("Where the team works."))
    grid = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("grid")
    )
    description = models.CharField(_("what the team does"), max_length=300, blank=True)
    # A team leader organises the team's tasks and confirms their hours from their phone,
    # without a staff role (see services.can_organise).
    leader = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team leader")
    )
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="volunteer_team_name_unique")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    community = models.ForeignKey(**_community_fk)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="memberships")
    skill = models.CharField(_("skill"), max_length=20, choices=Skill.choices, default=Skill.GENERAL)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "skill", "volunteer__name"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="volunteer_team_member_once")]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.volunteer_id}"


class TaskKind(models.TextChoices):
    ACTIVITY = "activity", _("Community activity")
    HOME_HELP = "home_help", _("Free help for a vulnerable household")
    SERVICE = "service", _("Free service (haircut, repair, clinic)")
    PATROL = "patrol", _("Patrol and safety")
    ENVIRONMENT = "environment", _("Clean-up and greening")
    OTHER = "other", _("Other")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open for sign-up")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """A task or activity with a place, a time and a number of places (slots)."""

    community = models.ForeignKey(**_community_fk)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.ACTIVITY)
    skill = models.CharField(_("skill needed"), max_length=20, choices=Skill.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    slots = models.PositiveIntegerField(_("places"), default=1)
    # Places taken, moved only by a conditional UPDATE (taken < slots): the database decides
    # who gets the last place.
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    # The household helped (free help for vulnerable households). Shown to a volunteer only
    # once they are assigned to the task; until then, masked.
    household = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household helped"),
    )
    # The only person who may confirm the hours of this task.
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    checkin_token = models.CharField(max_length=40, default=new_token, editable=False)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, editable=False)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("volunteer task")
        verbose_name_plural = _("volunteer tasks")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["community", "status", "starts_at"], name="volunteer_task_open")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="volunteer_task_ends_after_start"),
            models.CheckConstraint(condition=Q(slots__gte=1), name="volunteer_task_has_places"),
            models.CheckConstraint(condition=Q(taken__lte=F("slots")), name="volunteer_task_not_overfilled"),
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="volunteer_task_key_once"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int:
        return max(self.slots - self.taken, 0)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SignupStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting to be assigned")
    ASSIGNED = "assigned", _("Assigned")
    CONFIRMED = "confirmed", _("Hours confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Not assigned")


# Sign-ups holding a place on the task.
HOLDS_PLACE = (SignupStatus.REQUESTED, SignupStatus.ASSIGNED, SignupStatus.CONFIRMED)


class Signup(models.Model):
    community = models.ForeignKey(**_community_fk)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="signups", verbose_name=_("task"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(_("status"), max_length=12, choices=SignupStatus.choices)
    signed_up_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checkin_by_organiser = models.BooleanField(_("checked in by the organiser"), default=False)
    minutes = models.PositiveIntegerField(_("minutes confirmed"), null=True, blank=True)
    points = models.PositiveIntegerField(_("points earned"), default=0)
    confirmed_by = _user_fk(_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["task", "signed_up_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "volunteer"], name="volunteer_signup_once_per_task"),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(minutes__isnull=False, confirmed_by__isnull=False),
                name="volunteer_signup_confirmed_has_hours",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "status"], name="volunteer_signup_mine")]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.volunteer_id}"

    @property
    def hours(self) -> float:
        return round((self.minutes or 0) / 60, 1)


class PointsRule(models.Model):
    """How confirmed hours become points: ``per_hour`` × hours plus ``bonus`` per task, for tasks
    of ``task_kind`` (blank: every kind). Staff edit them; the rules in force when hours are
    confirmed decide the points, and the sign-up keeps the result."""

    community = models.ForeignKey(**_community_fk)
    name = models.CharField(_("name"), max_length=60)
    task_kind = models.CharField(_("for tasks of kind"), max_length=20, choices=TaskKind.choices, blank=True)
    per_hour = models.PositiveIntegerField(_("points per hour"), default=0)
    bonus = models.PositiveIntegerField(_("bonus points per task"), default=0)
    active = models.BooleanField(_("in force"), default=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["community", "task_kind", "name"]

    def __str__(self) -> str:
        return self.name


class RewardKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")
    MERCHANT_DISCOUNT = "merchant_discount", _("Friendly merchant's discount")


class Reward(models.Model):
    community = models.ForeignKey(**_community_fk)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=RewardKind.choices, default=RewardKind.GOODS)
    provider = models.CharField(_("provided by"), max_length=60, blank=True, help_text=_("E.g. a friendly merchant."))
    description = models.CharField(_("description"), max_length=300, blank=True)
    points = models.PositiveIntegerField(_("points needed"))
    # Moved only by conditional UPDATEs (stock >= 1), so two redemptions can't take the last one.
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    active = models.BooleanField(_("on offer"), default=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["community", "points", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=1), name="volunteer_reward_costs_points"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="volunteer_reward_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class RedemptionStatus(models.TextChoices):
    REDEEMED = "redeemed", _("Redeemed, to collect")
    HANDED_OVER = "handed_over", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled, points returned")


class Redemption(models.Model):
    community = models.ForeignKey(**_community_fk)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("reward"))
    points = models.PositiveIntegerField(_("points"))
    code = models.CharField(_("voucher code"), max_length=12, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RedemptionStatus.choices, default=RedemptionStatus.REDEEMED
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("redeemed at"), auto_now_add=True)
    handed_over_by = _user_fk(_("handed over by"))
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "idempotency_key"], name="volunteer_redemption_key_once"),
        ]
        indexes = [models.Index(fields=["community", "status"], name="volunteer_redemption_status")]

    def __str__(self) -> str:
        return self.code
