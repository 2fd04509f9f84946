"""Reads of the volunteer bank, always inside what the asker may see.

Three kinds of people read it:

* community staff, by capability (``Cap.VOLUNTEER_VIEW`` / ``VOLUNTEER_MANAGE``) through
  ``scope.filter``;
* volunteers themselves (``*_for_self``): their own registrations, and tasks and rewards of the
  communities they are registered in — nothing of a community they have not joined;
* organisers without a staff role (team leaders): the tasks they organise or whose team they lead.

A household helped by a task is shown to a volunteer only once they are assigned to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from linli.errors import NotFound
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from volunteers.models import (
    PointsRule,
    Redemption,
    Reward,
    Signup,
    SignupStatus,
    Task,
    TaskStatus,
    Team,
    TeamMember,
    Volunteer,
    VolunteerStatus,
)


def _one(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


# --- Staff ------------------------------------------------------------------------------------


def volunteer_list_for_user(
    *, scope: Scope, community: OrgNode, query: str = "", kind: str = "", status: str = "", team: Team | None = None
) -> QuerySet[Volunteer]:
    qs = scope.filter(Volunteer.objects.filter(community=community), Cap.VOLUNTEER_VIEW)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(skills__icontains=query))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if team is not None:
        qs = qs.filter(memberships__team=team)
    return qs.select_related("points_account").annotate(
        n_services=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED), distinct=True),
        total_minutes=Sum("signups__minutes", filter=Q(signups__status=SignupStatus.CONFIRMED)),
    ).order_by("name", "pk")


def volunteer_get_for_user(*, scope: Scope, volunteer_id: int, cap: str = Cap.VOLUNTEER_VIEW) -> Volunteer:
    return _one(scope.filter(Volunteer.objects.select_related("community", "resident", "user"), cap), volunteer_id)


def team_list_for_user(*, scope: Scope, community: OrgNode) -> QuerySet[Team]:
    return (
        scope.filter(Team.objects.filter(community=community), Cap.VOLUNTEER_VIEW)
        .select_related("leader", "grid")
        .annotate(n_members=Count("members", distinct=True))
        .order_by("name")
    )


def team_get_for_user(*, scope: Scope, team_id: int, cap: str = Cap.VOLUNTEER_VIEW) -> Team:
    return _one(scope.filter(Team.objects.select_related("community", "leader", "grid"), cap), team_id)


def team_members(*, team: Team) -> QuerySet[TeamMember]:
    return team.members.select_related("volunteer").order_by("skill", "volunteer__name")


def skill_counts(*, team: Team) -> dict[str, int]:
    return dict(team.members.values_list("skill").annotate(n=Count("pk")).values_list("skill", "n"))


def task_list_for_user(
    *, scope: Scope, community: OrgNode, status: str = "", team: Team | None = None
) -> QuerySet[Task]:
    qs = scope.filter(Task.objects.filter(community=community), Cap.VOLUNTEER_VIEW)
    if status:
        qs = qs.filter(status=status)
    if team is not None:
        qs = qs.filter(team=team)
    return qs.select_related("team", "organiser").order_by("-starts_at", "-pk")


def _organised(scope: Scope) -> Q:
    """Tasks the user organises or whose team they lead (no staff role needed)."""
    if not scope.is_authenticated:
        return Q(pk__in=[])
    return Q(organiser=scope.user) | Q(
        team__leader__user=scope.user, team__leader__status=VolunteerStatus.ACTIVE
    )


def task_get_for_user(*, scope: Scope, task_id: int, cap: str = Cap.VOLUNTEER_VIEW) -> Task:
    """Staff with ``cap`` in the community, or the task's organiser or team leader."""
    base = Task.objects.select_related("community", "team", "team__leader", "organiser", "household")
    qs = scope.filter(base, cap) | base.filter(_organised(scope))
    return _one(qs.distinct(), task_id)


def task_signups(*, task: Task) -> QuerySet[Signup]:
    return task.signups.select_related("volunteer", "confirmed_by").order_by("signed_up_at", "pk")


def signup_get_for_user(*, scope: Scope, signup_id: int, cap: str = Cap.VOLUNTEER_VIEW) -> Signup:
    """A sign-up, for staff with ``cap`` or the task's organiser or team leader."""
    base = Signup.objects.select_related("task", "task__community", "task__team", "task__team__leader", "volunteer")
    organised = Q(task__organiser=scope.user) | Q(
        task__team__leader__user=scope.user, task__team__leader__status=VolunteerStatus.ACTIVE
    ) if scope.is_authenticated else Q(pk__in=[])
    return _one((scope.filter(base, cap) | base.filter(organised)).distinct(), signup_id)


def tasks_organised_by(*, scope: Scope) -> QuerySet[Task]:
    return (
        Task.objects.filter(_organised(scope))
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("community", "team")
        .annotate(n_waiting=Count("signups", filter=Q(signups__status=SignupStatus.ASSIGNED)))
        .order_by("-starts_at")
    )


def teams_led_by_self(*, scope: Scope) -> QuerySet[Team]:
    if not scope.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(leader__user=scope.user, leader__status=VolunteerStatus.ACTIVE).select_related(
        "community"
    )


def team_led_by_self(*, scope: Scope, team_id: int) -> Team:
    """A team the user leads (a platform administrator reaches any, to support people)."""
    qs = Team.objects.select_related("community", "leader")
    if not scope.is_platform_admin:
        qs = qs.filter(pk__in=teams_led_by_self(scope=scope).values("pk"))
    return _one(qs, team_id)


def points_rule_list_for_user(*, scope: Scope, community: OrgNode) -> QuerySet[PointsRule]:
    return scope.filter(PointsRule.objects.filter(community=community), Cap.VOLUNTEER_VIEW).order_by(
        "-active", "task_kind", "name"
    )


def points_rule_get_for_user(*, scope: Scope, rule_id: int, cap: str = Cap.VOLUNTEER_VIEW) -> PointsRule:
    return _one(scope.filter(PointsRule.objects.all(), cap), rule_id)


def reward_list_for_user(*, scope: Scope, community: OrgNode) -> QuerySet[Reward]:
    return scope.filter(Reward.objects.filter(community=community), Cap.VOLUNTEER_VIEW).order_by("-active", "points")


def reward_get_for_user(*, scope: Scope, reward_id: int, cap: str = Cap.VOLUNTEER_VIEW) -> Reward:
    return _one(scope.filter(Reward.objects.all(), cap), reward_id)


def redemption_list_for_user(*, scope: Scope, community: OrgNode, status: str = "") -> QuerySet[Redemption]:
    qs = scope.filter(Redemption.objects.filter(community=community), Cap.VOLUNTEER_VIEW)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("volunteer", "reward").order_by("-created_at", "-pk")


def redemption_get_for_user(*, scope: Scope, redemption_id: int, cap: str = Cap.VOLUNTEER_VIEW) -> Redemption:
    return _one(scope.filter(Redemption.objects.select_related("volunteer", "reward"), cap), redemption_id)


# --- A volunteer's record and the leaderboards ---------------------------------------------------


@dataclass
class Record:
    volunteer: Volunteer
    services: list[Signup]
    minutes: int
    points_earned: int
    balance: int
    redemptions: list[Redemption]
    teams: list[TeamMember]

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def volunteer_record(*, volunteer: Volunteer) -> Record:
    services = list(
        volunteer.signups.filter(status=SignupStatus.CONFIRMED)
        .select_related("task", "task__team")
        .order_by("-task__starts_at")
    )
    from volunteers.services.points import points_balance

    return Record(
        volunteer=volunteer,
        services=services,
        minutes=sum(s.minutes or 0 for s in services),
        points_earned=sum(s.points for s in services),
        balance=points_balance(volunteer),
        redemptions=list(volunteer.redemptions.select_related("reward").order_by("-created_at")),
        teams=list(volunteer.memberships.select_related("team")),
    )


@dataclass
class Standing:
    rank: int
    volunteer_id: int
    name: str
    minutes: int
    services: int
    points: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def leaderboard(*, community: OrgNode, team: Team | None = None, since=None, limit: int = 20) -> list[Standing]:
    """Volunteers by confirmed hours (then points), in a community or a team. The caller has
    already checked the community or team is visible."""
    qs = Signup.objects.filter(community=community, status=SignupStatus.CONFIRMED)
    if team is not None:
        qs = qs.filter(volunteer__memberships__team=team)
    if since is not None:
        qs = qs.filter(confirmed_at__gte=since)
    rows = (
        qs.values("volunteer_id", "volunteer__name")
        .annotate(minutes=Sum("minutes"), services=Count("pk"), points=Sum("points"))
        .order_by("-minutes", "-points", "volunteer__name")[:limit]
    )
    return [
        Standing(
            rank=i, volunteer_id=r["volunteer_id"], name=r["volunteer__name"], minutes=r["minutes"] or 0,
            services=r["services"], points=r["points"] or 0,
        )
        for i, r in enumerate(rows, start=1)
    ]


def community_summary(*, community: OrgNode) -> dict[str, int]:
    confirmed = Signup.objects.filter(community=community, status=SignupStatus.CONFIRMED)
    totals = confirmed.aggregate(minutes=Sum("minutes"), points=Sum("points"), services=Count("pk"))
    return {
        "volunteers": Volunteer.objects.filter(community=community, status=VolunteerStatus.ACTIVE).count(),
        "teams": Team.objects.filter(community=community).count(),
        "services": totals["services"] or 0,
        "hours": round((totals["minutes"] or 0) / 60),
        "points": totals["points"] or 0,
        "redemptions": Redemption.objects.filter(community=community).exclude(status="cancelled").count(),
    }


# --- The volunteer themselves -----------------------------------------------------------------


def registrations_for_self(*, user) -> QuerySet[Volunteer]:
    if user is None or not user.is_authenticated:
        return Volunteer.objects.none()
    return Volunteer.objects.filter(user=user).select_related("community", "points_account").order_by("community__path")


def _self_community_ids(scope: Scope) -> Q:
    """Communities whose tasks and rewards the user sees on their phone: those they volunteer in
    (a platform administrator sees all, to support people)."""
    if scope.is_platform_admin:
        return Q()
    if not scope.is_authenticated:
        return Q(pk__in=[])
    return Q(community_id__in=Volunteer.objects.filter(user=scope.user).values("community_id"))


def registration_for_self(*, scope: Scope, community_id: int) -> Volunteer:
    volunteer = registrations_for_self(user=scope.user).filter(community_id=community_id).first()
    if volunteer is None:
        raise NotFound()
    return volunteer


def open_tasks_for_self(*, scope: Scope) -> QuerySet[Task]:
    now = timezone.now()
    return (
        Task.objects.filter(_self_community_ids(scope), status=TaskStatus.OPEN, ends_at__gt=now)
        .select_related("community", "team")
        .order_by("starts_at", "pk")
    )


def task_get_for_self(*, scope: Scope, task_id: int) -> Task:
    return _one(
        Task.objects.filter(_self_community_ids(scope)).select_related("community", "team", "household", "organiser"),
        task_id,
    )


def my_signups(*, scope: Scope) -> QuerySet[Signup]:
    if not scope.is_authenticated:
        return Signup.objects.none()
    return (
        Signup.objects.filter(volunteer__user=scope.user)
        .select_related("task", "task__community", "task__team")
        .order_by("-task__starts_at")
    )


def my_signup_for(*, scope: Scope, task: Task) -> Signup | None:
    return my_signups(scope=scope).filter(task=task).first()


def household_visible(*, task: Task, signup: Signup | None) -> bool:
    """A volunteer sees who they help once the organiser has assigned them."""
    return signup is not None and signup.status in (SignupStatus.ASSIGNED, SignupStatus.CONFIRMED)


def rewards_for_self(*, scope: Scope) -> QuerySet[Reward]:
    return (
        Reward.objects.filter(_self_community_ids(scope), active=True).select_related("community").order_by("points")
    )


def reward_get_for_self(*, scope: Scope, reward_id: int) -> Reward:
    return _one(Reward.objects.filter(_self_community_ids(scope)).select_related("community"), reward_id)


def my_redemptions(*, scope: Scope) -> QuerySet[Redemption]:
    if not scope.is_authenticated:
        return Redemption.objects.none()
    return Redemption.objects.filter(volunteer__user=scope.user).select_related("reward", "community")


def points_statement(*, volunteer: Volunteer, limit: int = 50):
    """The volunteer's points entries, newest first (from the ledger)."""
    from ledger.models import Posting

    if not volunteer.points_account_id:
        return []
    return list(
        Posting.objects.filter(account_id=volunteer.points_account_id)
        .select_related("transaction")
        .order_by("-transaction__recorded_at", "-pk")[:limit]
    )


def mask_name(name: str) -> str:
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""

