"""The volunteer bank's JSON API: the same selectors and services as the pages, thin.

Staff operations need ``volunteer.view`` / ``volunteer.manage`` in the record's community; a
task's organiser (a team leader without a staff role) reaches their tasks and sign-ups through
the same operations. ``/me/…`` is the volunteer's own: registrations, open tasks of the
communities they volunteer in, sign-up, check-in/out, points and redemption. Creating requests
(tasks, redemptions) honour an ``Idempotency-Key`` header.
"""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from accounts.models import User
from linli.errors import NotFound
from orgs.roles import Cap
from orgs.selectors import community_get_for_user
from residents.selectors import resident_get_for_user
from volunteers import selectors, services
from volunteers.models import Skill, Task, Team, Volunteer, VolunteerKind
from volunteers.pdf import certificate_pdf
from volunteers.services._common import leads

router = Router(tags=["volunteers"])

IDEMPOTENCY_HEADER = "Idempotency-Key"


def _key(request) -> str | None:
    return (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()[:100] or None


# --- Schemas -----------------------------------------------------------------------------------


class VolunteerCommunityQuery(Schema):
    community_id: int


class VolunteerFilters(VolunteerCommunityQuery):
    q: str = ""
    kind: str = ""
    status: str = ""


class VolunteerOut(Schema):
    id: int
    community_id: int
    name: str
    kind: str
    skills: str
    availability: str
    status: str
    is_resident: bool
    points: int
    registered_at: dt.datetime

    @staticmethod
    def resolve_is_resident(obj) -> bool:
        return obj.resident_id is not None

    @staticmethod
    def resolve_points(obj) -> int:
        return obj.points_account.balance if obj.points_account_id else 0


class VolunteerIn(Schema):
    community_id: int
    name: str
    phone: str
    kind: str = VolunteerKind.RESIDENT
    skills: str = ""
    availability: str = ""


class VolunteerPatch(Schema):
    kind: str
    skills: str = ""
    availability: str = ""


class VolunteerStatusIn(Schema):
    status: str


class ServiceOut(Schema):
    volunteer_task_id: int
    title: str
    starts_at: dt.datetime
    minutes: int
    points: int

    @staticmethod
    def resolve_volunteer_task_id(obj) -> int:
        return obj.task_id

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.task.title

    @staticmethod
    def resolve_starts_at(obj) -> dt.datetime:
        return obj.task.starts_at


class RedemptionOut(Schema):
    id: int
    community_id: int
    volunteer_id: int
    volunteer_name: str
    reward_id: int
    reward_name: str
    points: int
    code: str
    status: str
    created_at: dt.datetime
    handed_over_at: dt.datetime | None

    @staticmethod
    def resolve_volunteer_name(obj) -> str:
        return obj.volunteer.name

    @staticmethod
    def resolve_reward_name(obj) -> str:
        return obj.reward.name


class VolunteerRecordOut(Schema):
    volunteer: VolunteerOut
    hours: float
    services: list[ServiceOut]
    points_earned: int
    points_balance: int
    redemptions: list[RedemptionOut]
    teams: list[str]


def _record(volunteer: Volunteer) -> dict:
    record = selectors.volunteer_record(volunteer=volunteer)
    return {
        "volunteer": volunteer,
        "hours": record.hours,
        "services": record.services,
        "points_earned": record.points_earned,
        "points_balance": record.balance,
        "redemptions": record.redemptions,
        "teams": [m.team.name for m in record.teams],
    }


class TeamOut(Schema):
    id: int
    community_id: int
    name: str
    place: str
    description: str
    grid_id: int | None
    leader_id: int | None
    leader_name: str | None

    @staticmethod
    def resolve_leader_name(obj) -> str | None:
        return obj.leader.name if obj.leader_id else None


class TeamIn(Schema):
    community_id: int
    name: str
    place: str = ""
    description: str = ""


class VolunteerMemberOut(Schema):
    volunteer_id: int
    name: str
    skill: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.volunteer.name


class TeamDetailOut(TeamOut):
    members: list[VolunteerMemberOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return list(selectors.team_members(team=obj))


class VolunteerMemberIn(Schema):
    volunteer_id: int
    skill: str = Skill.GENERAL


class LeaderIn(Schema):
    volunteer_id: int | None = None


class TaskOut(Schema):
    id: int
    community_id: int
    team_id: int | None
    title: str
    kind: str
    skill: str
    description: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    slots: int
    taken: int
    status: str
    organiser_id: int
    household: str | None

    @staticmethod
    def resolve_household(obj) -> str | None:
        # Masked in lists and to staff alike; the assigned volunteers see it on their phone.
        return selectors.mask_name(obj.household.name) if obj.household_id else None


class TaskIn(Schema):
    community_id: int
    title: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    slots: int = 1
    kind: str = "activity"
    skill: str = ""
    description: str = ""
    volunteer_team_id: int | None = None
    household_resident_id: int | None = None
    organiser_user_id: int | None = None


class TaskFilters(VolunteerCommunityQuery):
    status: str = ""


class SignupOut(Schema):
    id: int
    volunteer_task_id: int
    volunteer_id: int
    volunteer_name: str
    status: str
    signed_up_at: dt.datetime
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    minutes: int | None
    points: int
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_volunteer_task_id(obj) -> int:
        return obj.task_id

    @staticmethod
    def resolve_volunteer_name(obj) -> str:
        return obj.volunteer.name


class VolunteerAttendanceIn(Schema):
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None = None


class ConfirmIn(Schema):
    minutes: int | None = None
    note: str = ""


class VolunteerRuleOut(Schema):
    id: int
    community_id: int
    name: str
    task_kind: str
    per_hour: int
    bonus: int
    active: bool


class VolunteerRuleIn(Schema):
    community_id: int
    name: str
    task_kind: str = ""
    per_hour: int = 0
    bonus: int = 0


class VolunteerActiveIn(Schema):
    active: bool


class RewardOut(Schema):
    id: int
    community_id: int
    name: str
    kind: str
    provider: str
    description: str
    points: int
    stock: int
    active: bool


class RewardIn(Schema):
    community_id: int
    name: str
    points: int
    stock: int = 0
    kind: str = "goods"
    provider: str = ""
    description: str = ""


class RewardPatch(Schema):
    name: str
    points: int
    kind: str = "goods"
    provider: str = ""
    description: str = ""
    active: bool = True


class RestockIn(Schema):
    change: int


class RedemptionFilters(VolunteerCommunityQuery):
    status: str = ""


class VolunteerReasonIn(Schema):
    reason: str = ""


class StandingOut(Schema):
    rank: int
    volunteer_id: int
    name: str
    hours: float
    services: int
    points: int


class LeaderboardQuery(Schema):
    community_id: int
    volunteer_team_id: int | None = None


# --- Volunteers (staff) ---------------------------------------------------------------------------


@router.get("/volunteers", response=list[VolunteerOut], summary="Volunteers of a community")
@paginate(LimitOffsetPagination)
def volunteer_list(request, filters: Query[VolunteerFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.VOLUNTEER_VIEW)
    return selectors.volunteer_list_for_user(
        scope=request.scope, community=community, query=filters.q, kind=filters.kind, status=filters.status
    )


@router.post("/volunteers", response={201: VolunteerOut}, summary="Register a volunteer by mobile number (staff)")
def volunteer_create(request, payload: VolunteerIn):
    community = community_get_for_user(
        scope=request.scope, community_id=payload.community_id, cap=Cap.VOLUNTEER_MANAGE
    )
    volunteer = services.volunteer_register(
        actor=request.scope, community=community, **payload.dict(exclude={"community_id"})
    )
    return Status(201, volunteer)


@router.get("/volunteers/{volunteer_id}", response=VolunteerRecordOut, summary="A volunteer's record: hours, services, points")
def volunteer_detail(request, volunteer_id: int):
    return _record(selectors.volunteer_get_for_user(scope=request.scope, volunteer_id=volunteer_id))


@router.patch("/volunteers/{volunteer_id}", response=VolunteerOut)
def volunteer_patch(request, volunteer_id: int, payload: VolunteerPatch):
    volunteer = selectors.volunteer_get_for_user(
        scope=request.scope, volunteer_id=volunteer_id, cap=Cap.VOLUNTEER_MANAGE
    )
    return services.volunteer_update(actor=request.scope, volunteer=volunteer, **payload.dict())


@router.post("/volunteers/{volunteer_id}/status", response=VolunteerOut, summary="Suspend or reactivate")
def volunteer_status(request, volunteer_id: int, payload: VolunteerStatusIn):
    volunteer = selectors.volunteer_get_for_user(
        scope=request.scope, volunteer_id=volunteer_id, cap=Cap.VOLUNTEER_MANAGE
    )
    return services.volunteer_set_status(actor=request.scope, volunteer=volunteer, status=payload.status)


def _pdf(volunteer: Volunteer) -> HttpResponse:
    response = HttpResponse(certificate_pdf(volunteer), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=volunteer-{volunteer.pk}.pdf"
    return response


@router.get("/volunteers/{volunteer_id}/certificate.pdf", summary="The volunteer's certificate of service (PDF)")
def volunteer_certificate(request, volunteer_id: int):
    return _pdf(selectors.volunteer_get_for_user(scope=request.scope, volunteer_id=volunteer_id))


# --- Teams ------------------------------------------------------------------------------------


def _team_detail(team):
    return team


@router.get("/teams", response=list[TeamOut], summary="Teams of a community")
def team_list(request, filters: Query[VolunteerCommunityQuery]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.VOLUNTEER_VIEW)
    return list(selectors.team_list_for_user(scope=request.scope, community=community))


@router.post("/teams", response={201: TeamOut})
def team_create(request, payload: TeamIn):
    community = community_get_for_user(
        scope=request.scope, community_id=payload.community_id, cap=Cap.VOLUNTEER_MANAGE
    )
    return Status(201, services.team_create(actor=request.scope, community=community, **payload.dict(exclude={"community_id"})))


@router.get("/teams/{volunteer_team_id}", response=TeamDetailOut)
def team_detail(request, volunteer_team_id: int):
    return _team_detail(selectors.team_get_for_user(scope=request.scope, team_id=volunteer_team_id))


@router.post("/teams/{volunteer_team_id}/members", response=TeamDetailOut, summary="Add a volunteer (or change skill)")
def team_member_add(request, volunteer_team_id: int, payload: VolunteerMemberIn):
    team = selectors.team_get_for_user(scope=request.scope, team_id=volunteer_team_id, cap=Cap.VOLUNTEER_MANAGE)
    volunteer = selectors.volunteer_get_for_user(scope=request.scope, volunteer_id=payload.volunteer_id)
    services.team_member_add(actor=request.scope, team=team, volunteer=volunteer, skill=payload.skill)
    return _team_detail(team)


@router.post("/teams/{volunteer_team_id}/leader", response=TeamDetailOut, summary="Designate (or clear) the team leader")
def team_leader(request, volunteer_team_id: int, payload: LeaderIn):
    team = selectors.team_get_for_user(scope=request.scope, team_id=volunteer_team_id, cap=Cap.VOLUNTEER_MANAGE)
    volunteer = None
    if payload.volunteer_id is not None:
        volunteer = selectors.volunteer_get_for_user(scope=request.scope, volunteer_id=payload.volunteer_id)
    services.team_set_leader(actor=request.scope, team=team, volunteer=volunteer)
    return _team_detail(team)


# --- Tasks and sign-ups (staff and organisers) ---------------------------------------------------


@router.get("/tasks", response=list[TaskOut], summary="Tasks of a community")
@paginate(LimitOffsetPagination)
def task_list(request, filters: Query[TaskFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.VOLUNTEER_VIEW)
    return selectors.task_list_for_user(scope=request.scope, community=community, status=filters.status)


@router.get("/tasks/organised", response=list[TaskOut], summary="Tasks I organise (organisers and team leaders)")
def task_organised(request):
    return list(selectors.tasks_organised_by(scope=request.scope)[:200])


@router.post(
    "/tasks", response={201: TaskOut, 200: TaskOut}, summary="Publish a task (Idempotency-Key honoured)"
)
def task_create(request, payload: TaskIn):
    scope = request.scope
    team = _team_for_task(request, payload.volunteer_team_id) if payload.volunteer_team_id is not None else None
    if scope.has(Cap.VOLUNTEER_MANAGE, payload.community_id):
        community = community_get_for_user(scope=scope, community_id=payload.community_id, cap=Cap.VOLUNTEER_MANAGE)
    elif team is not None and team.community_id == payload.community_id and leads(scope, team):
        community = team.community
    else:
        raise NotFound()
    household = None
    if payload.household_resident_id is not None:
        household = resident_get_for_user(scope=scope, resident_id=payload.household_resident_id)
    organiser = None
    if payload.organiser_user_id is not None:
        organiser = User.objects.filter(pk=payload.organiser_user_id, is_active=True).first()
        if organiser is None:
            raise NotFound()
    key = _key(request)
    repeat = key is not None and Task.objects.filter(created_by=request.user, idempotency_key=key).exists()
    task = services.task_create(
        actor=scope,
        community=community,
        team=team,
        household=household,
        organiser=organiser,
        idempotency_key=key,
        **payload.dict(exclude={"community_id", "volunteer_team_id", "household_resident_id", "organiser_user_id"}),
    )
    return Status(200 if repeat else 201, task)


def _team_for_task(request, team_id: int) -> Team:
    """A team the user sees as staff, or leads."""
    try:
        return selectors.team_get_for_user(scope=request.scope, team_id=team_id)
    except NotFound:
        team = Team.objects.select_related("leader", "community").filter(pk=team_id).first()
        if team is None or not leads(request.scope, team):
            raise
        return team


@router.get("/tasks/{volunteer_task_id}", response=TaskOut)
def task_detail(request, volunteer_task_id: int):
    return selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id)


@router.get("/tasks/{volunteer_task_id}/signups", response=list[SignupOut])
def task_signups(request, volunteer_task_id: int):
    task = selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id)
    return list(selectors.task_signups(task=task))


@router.post("/tasks/{volunteer_task_id}/close", response=TaskOut, summary="Stop sign-ups")
def task_close(request, volunteer_task_id: int):
    task = selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id)
    return services.task_close(actor=request.scope, task=task)


@router.post("/tasks/{volunteer_task_id}/reopen", response=TaskOut)
def task_reopen(request, volunteer_task_id: int):
    task = selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id)
    return services.task_reopen(actor=request.scope, task=task)


@router.post("/tasks/{volunteer_task_id}/cancel", response=TaskOut)
def task_cancel(request, volunteer_task_id: int):
    task = selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id)
    return services.task_cancel(actor=request.scope, task=task)


class OrganiserIn(Schema):
    organiser_user_id: int


@router.post("/tasks/{volunteer_task_id}/organiser", response=TaskOut, summary="Hand the task to another organiser")
def task_organiser(request, volunteer_task_id: int, payload: OrganiserIn):
    task = selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id, cap=Cap.VOLUNTEER_MANAGE)
    organiser = User.objects.filter(pk=payload.organiser_user_id, is_active=True).first()
    if organiser is None:
        raise NotFound()
    return services.task_set_organiser(actor=request.scope, task=task, organiser=organiser)


@router.post("/tasks/{volunteer_task_id}/new-qr-code", response=TaskOut, summary="Replace the check-in QR code")
def task_new_qr(request, volunteer_task_id: int):
    task = selectors.task_get_for_user(scope=request.scope, task_id=volunteer_task_id)
    return services.regenerate_checkin_token(actor=request.scope, task=task)


@router.post("/signups/{volunteer_signup_id}/assign", response=SignupOut)
def signup_assign(request, volunteer_signup_id: int):
    signup = selectors.signup_get_for_user(scope=request.scope, signup_id=volunteer_signup_id)
    return services.signup_assign(actor=request.scope, signup=signup)


@router.post("/signups/{volunteer_signup_id}/decline", response=SignupOut)
def signup_decline(request, volunteer_signup_id: int):
    signup = selectors.signup_get_for_user(scope=request.scope, signup_id=volunteer_signup_id)
    return services.signup_decline(actor=request.scope, signup=signup)


@router.post("/signups/{volunteer_signup_id}/attendance", response=SignupOut, summary="Mark check-in/out (organiser)")
def signup_attendance(request, volunteer_signup_id: int, payload: VolunteerAttendanceIn):
    signup = selectors.signup_get_for_user(scope=request.scope, signup_id=volunteer_signup_id)
    return services.signup_mark_attendance(actor=request.scope, signup=signup, **payload.dict())


@router.post(
    "/signups/{volunteer_signup_id}/confirm",
    response=SignupOut,
    summary="Confirm the hours (the task's organiser only): points and a service record",
)
def signup_confirm(request, volunteer_signup_id: int, payload: ConfirmIn):
    signup = selectors.signup_get_for_user(scope=request.scope, signup_id=volunteer_signup_id)
    return services.signup_confirm(actor=request.scope, signup=signup, minutes=payload.minutes, note=payload.note)


# --- Points rules, rewards, redemptions (staff) ---------------------------------------------------


@router.get("/rules", response=list[VolunteerRuleOut], summary="Points rules of a community")
def rule_list(request, filters: Query[VolunteerCommunityQuery]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.VOLUNTEER_VIEW)
    return list(selectors.points_rule_list_for_user(scope=request.scope, community=community))


@router.post("/rules", response={201: VolunteerRuleOut})
def rule_create(request, payload: VolunteerRuleIn):
    community = community_get_for_user(
        scope=request.scope, community_id=payload.community_id, cap=Cap.VOLUNTEER_MANAGE
    )
    rule = services.points_rule_create(actor=request.scope, community=community, **payload.dict(exclude={"community_id"}))
    return Status(201, rule)


@router.post("/rules/{points_rule_id}/active", response=VolunteerRuleOut, summary="Switch a rule on or off")
def rule_active(request, points_rule_id: int, payload: VolunteerActiveIn):
    rule = selectors.points_rule_get_for_user(scope=request.scope, rule_id=points_rule_id, cap=Cap.VOLUNTEER_MANAGE)
    return services.points_rule_set_active(actor=request.scope, rule=rule, active=payload.active)


@router.get("/rewards", response=list[RewardOut], summary="The reward catalogue of a community")
def reward_list(request, filters: Query[VolunteerCommunityQuery]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.VOLUNTEER_VIEW)
    return list(selectors.reward_list_for_user(scope=request.scope, community=community))


@router.post("/rewards", response={201: RewardOut})
def reward_create(request, payload: RewardIn):
    community = community_get_for_user(
        scope=request.scope, community_id=payload.community_id, cap=Cap.VOLUNTEER_MANAGE
    )
    reward = services.reward_create(actor=request.scope, community=community, **payload.dict(exclude={"community_id"}))
    return Status(201, reward)


@router.put("/rewards/{volunteer_reward_id}", response=RewardOut)
def reward_update(request, volunteer_reward_id: int, payload: RewardPatch):
    reward = selectors.reward_get_for_user(scope=request.scope, reward_id=volunteer_reward_id, cap=Cap.VOLUNTEER_MANAGE)
    return services.reward_update(actor=request.scope, reward=reward, **payload.dict())


@router.post("/rewards/{volunteer_reward_id}/restock", response=RewardOut, summary="Add to (or write off) the stock")
def reward_restock(request, volunteer_reward_id: int, payload: RestockIn):
    reward = selectors.reward_get_for_user(scope=request.scope, reward_id=volunteer_reward_id, cap=Cap.VOLUNTEER_MANAGE)
    return services.reward_restock(actor=request.scope, reward=reward, change=payload.change)


@router.get("/redemptions", response=list[RedemptionOut], summary="Redemptions in a community")
@paginate(LimitOffsetPagination)
def redemption_list(request, filters: Query[RedemptionFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.VOLUNTEER_VIEW)
    return selectors.redemption_list_for_user(scope=request.scope, community=community, status=filters.status)


@router.post("/redemptions/{volunteer_redemption_id}/hand-over", response=RedemptionOut)
def redemption_hand_over(request, volunteer_redemption_id: int):
    redemption = selectors.redemption_get_for_user(
        scope=request.scope, redemption_id=volunteer_redemption_id, cap=Cap.VOLUNTEER_MANAGE
    )
    return services.redemption_hand_over(actor=request.scope, redemption=redemption)


@router.post("/redemptions/{volunteer_redemption_id}/cancel", response=RedemptionOut, summary="Points and stock back")
def redemption_cancel(request, volunteer_redemption_id: int, payload: VolunteerReasonIn):
    redemption = selectors.redemption_get_for_user(
        scope=request.scope, redemption_id=volunteer_redemption_id, cap=Cap.VOLUNTEER_MANAGE
    )
    return services.redemption_cancel(actor=request.scope, redemption=redemption, reason=payload.reason)


@router.get("/leaderboard", response=list[StandingOut], summary="Volunteers by confirmed hours, in a community or team")
def leaderboard(request, filters: Query[LeaderboardQuery]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.VOLUNTEER_VIEW)
    team = None
    if filters.volunteer_team_id is not None:
        team = selectors.team_get_for_user(scope=request.scope, team_id=filters.volunteer_team_id)
        if team.community_id != community.pk:
            raise NotFound()
    return selectors.leaderboard(community=community, team=team)


# --- The volunteer's own (/me) -------------------------------------------------------------------


class RegisterIn(Schema):
    community_id: int
    kind: str = VolunteerKind.RESIDENT
    skills: str = ""
    availability: str = ""


class MyTaskOut(Schema):
    id: int
    community_id: int
    community_name: str
    team_name: str | None
    title: str
    kind: str
    skill: str
    description: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    slots: int
    taken: int
    status: str
    household: str | None
    household_address: str | None
    my_signup_id: int | None
    my_status: str | None


def _my_task(scope, task) -> dict:
    signup = selectors.my_signup_for(scope=scope, task=task)
    visible = task.household_id and selectors.household_visible(task=task, signup=signup)
    return {
        **{f: getattr(task, f) for f in (
            "id", "community_id", "title", "kind", "skill", "description", "place", "starts_at", "ends_at",
            "slots", "taken", "status",
        )},
        "community_name": task.community.name,
        "team_name": task.team.name if task.team_id else None,
        "household": (task.household.name if visible else selectors.mask_name(task.household.name))
        if task.household_id else None,
        "household_address": task.household.address if visible else None,
        "my_signup_id": signup.pk if signup else None,
        "my_status": signup.status if signup else None,
    }


class CheckInIn(Schema):
    token: str


class PointsLineOut(Schema):
    occurred_at: dt.datetime
    memo: str
    amount: int


@router.get("/me", response=list[VolunteerRecordOut], summary="My registrations, hours and points")
def me(request):
    return [_record(v) for v in selectors.registrations_for_self(user=request.user)]


@router.post("/me/register", response={201: VolunteerOut}, summary="Register myself as a volunteer")
def me_register(request, payload: RegisterIn):
    community = _my_community(request, payload.community_id)
    volunteer = services.volunteer_register_self(
        actor=request.scope, community=community, **payload.dict(exclude={"community_id"})
    )
    return Status(201, volunteer)


def _my_community(request, community_id: int):
    from orgs.models import OrgNode

    if community_id not in services.self_community_ids(request.user):
        raise NotFound()
    return OrgNode.objects.get(pk=community_id)


@router.get("/me/tasks", response=list[MyTaskOut], summary="Open tasks where I volunteer")
def me_tasks(request):
    return [_my_task(request.scope, t) for t in selectors.open_tasks_for_self(scope=request.scope)[:200]]


@router.get("/me/tasks/{volunteer_task_id}", response=MyTaskOut)
def me_task(request, volunteer_task_id: int):
    return _my_task(request.scope, selectors.task_get_for_self(scope=request.scope, task_id=volunteer_task_id))


def _my_volunteer(request, task):
    return selectors.registration_for_self(scope=request.scope, community_id=task.community_id)


@router.post("/me/tasks/{volunteer_task_id}/sign-up", response=MyTaskOut, summary="Sign up (a repeat is the same sign-up)")
def me_sign_up(request, volunteer_task_id: int):
    task = selectors.task_get_for_self(scope=request.scope, task_id=volunteer_task_id)
    services.signup_create(actor=request.scope, volunteer=_my_volunteer(request, task), task=task)
    task.refresh_from_db()
    return _my_task(request.scope, task)


def _my_signup(request, volunteer_task_id: int):
    task = selectors.task_get_for_self(scope=request.scope, task_id=volunteer_task_id)
    signup = selectors.my_signup_for(scope=request.scope, task=task)
    if signup is None:
        raise NotFound()
    return task, signup


@router.post("/me/tasks/{volunteer_task_id}/withdraw", response=MyTaskOut)
def me_withdraw(request, volunteer_task_id: int):
    task, signup = _my_signup(request, volunteer_task_id)
    services.signup_cancel(actor=request.scope, signup=signup)
    task.refresh_from_db()
    return _my_task(request.scope, task)


@router.post("/me/tasks/{volunteer_task_id}/check-in", response=MyTaskOut, summary="Check in with the task's QR code")
def me_check_in(request, volunteer_task_id: int, payload: CheckInIn):
    task, signup = _my_signup(request, volunteer_task_id)
    services.check_in(actor=request.scope, signup=signup, token=payload.token)
    return _my_task(request.scope, task)


@router.post("/me/tasks/{volunteer_task_id}/check-out", response=MyTaskOut)
def me_check_out(request, volunteer_task_id: int, payload: CheckInIn):
    task, signup = _my_signup(request, volunteer_task_id)
    services.check_out(actor=request.scope, signup=signup, token=payload.token)
    return _my_task(request.scope, task)


@router.get("/me/points", response=list[PointsLineOut], summary="My points entries (from the ledger)")
def me_points(request):
    lines = []
    for volunteer in selectors.registrations_for_self(user=request.user):
        for p in selectors.points_statement(volunteer=volunteer):
            lines.append({"occurred_at": p.occurred_at, "memo": p.transaction.memo, "amount": p.amount})
    return sorted(lines, key=lambda line: line["occurred_at"], reverse=True)


@router.get("/me/rewards", response=list[RewardOut], summary="Rewards I can redeem")
def me_rewards(request):
    return list(selectors.rewards_for_self(scope=request.scope))


@router.post(
    "/me/rewards/{volunteer_reward_id}/redeem",
    response={201: RedemptionOut, 200: RedemptionOut},
    summary="Redeem a reward with my points (Idempotency-Key honoured)",
)
def me_redeem(request, volunteer_reward_id: int):
    reward = selectors.reward_get_for_self(scope=request.scope, reward_id=volunteer_reward_id)
    volunteer = selectors.registration_for_self(scope=request.scope, community_id=reward.community_id)
    key = _key(request)
    repeat = key is not None and volunteer.redemptions.filter(idempotency_key=key).exists()
    redemption = services.redemption_create(
        actor=request.scope, volunteer=volunteer, reward=reward, idempotency_key=key
    )
    return Status(200 if repeat else 201, redemption)


@router.get("/me/redemptions", response=list[RedemptionOut])
def me_redemptions(request):
    return list(selectors.my_redemptions(scope=request.scope)[:200])


@router.get("/me/certificate.pdf", summary="My certificate of service (PDF), for my first registration")
def me_certificate(request):
    volunteer = selectors.registrations_for_self(user=request.user).first()
    if volunteer is None:
        raise NotFound()
    return _pdf(volunteer)
