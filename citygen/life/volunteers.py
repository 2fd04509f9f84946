"""The volunteer bank: 20–30 volunteers a community (residents, party members, building leaders,
riders, couriers, property staff), in three teams with a leader each; a weekly evening patrol and
a fortnightly Saturday clean-up with 2–3 volunteers, a Sunday activity every four weeks with 3–4,
whose hours the team leader (the task's organiser) confirmed; each confirmed sign-up is a free
service record, as ``signup_confirm`` makes.

Points: the community's one rule gives points for free help to vulnerable households only, so
the patrols, clean-ups and activities earn none and imply no ledger posting. Home visits, which
do earn points, go through the real ``signup_confirm`` (it posts the points to the ledger), one a
year per community; its confirmation time is then set to the day of the visit.
"""

from __future__ import annotations

import datetime as dt

from citygen.life.common import World, at, insert, person, users_create
from orgs.scope import Scope
from records.models import ProviderKind, ServiceRecord, Tier
from volunteers.models import (
    PointsRule,
    Reward,
    RewardKind,
    Signup,
    SignupStatus,
    Skill,
    Task,
    TaskKind,
    TaskStatus,
    Team,
    TeamMember,
    Volunteer,
    VolunteerKind,
)
from volunteers.services import signup_confirm

K = VolunteerKind
KINDS = (
    (K.RESIDENT, 35),
    (K.PARTY_MEMBER, 15),
    (K.BUILDING_LEADER, 12),
    (K.DELIVERY_RIDER, 14),
    (K.COURIER, 12),
    (K.PROPERTY_STAFF, 12),
)
CRAFTS, WATCH, GREEN = "巧匠友邻互助队", "邻里守望队", "环境美化志愿队"
TEAMS = (
    (CRAFTS, "社区各网格", "电工、裁缝、理发师，上门为困难家庭免费服务"),
    (WATCH, "社区主干道及各楼栋", "外卖骑手、快递员和物业人员组成，夜间巡逻、随手拍"),
    (GREEN, "小区公共区域", "楼道杂物清理、垃圾分类督导、绿化养护"),
)
TEAM_OF = {
    K.DELIVERY_RIDER: WATCH,
    K.COURIER: WATCH,
    K.PROPERTY_STAFF: WATCH,
    K.BUILDING_LEADER: GREEN,
    K.PARTY_MEMBER: GREEN,
    K.RESIDENT: CRAFTS,
}
SKILLS = (Skill.ELECTRICIAN, Skill.TAILOR, Skill.HAIRDRESSER, Skill.APPLIANCE_REPAIR)
# (title, kind, team, place, weekday, start, end, every n weeks, volunteers (low, high))
ROUTINE = (
    ("夜间治安巡逻", TaskKind.PATROL, WATCH, "社区主干道", 4, dt.time(19, 0), dt.time(21, 0), 1, (2, 3)),
    ("楼道杂物清理", TaskKind.ENVIRONMENT, GREEN, "小区各楼栋", 5, dt.time(9, 0), dt.time(11, 0), 2, (2, 3)),
    ("反诈宣传进小区", TaskKind.ACTIVITY, CRAFTS, "党群服务中心门前", 6, dt.time(14, 0), dt.time(16, 0), 4, (3, 4)),
)
HOME_HELP = (
    ("上门检修电路", Skill.ELECTRICIAN),
    ("缝补衣物", Skill.TAILOR),
    ("上门理发", Skill.HAIRDRESSER),
    ("小家电维修", Skill.APPLIANCE_REPAIR),
)
REWARDS = (
    ("洗衣液一瓶", RewardKind.GOODS, "", 50, 40),
    ("大米5公斤", RewardKind.GOODS, "", 120, 20),
    ("义剪服务券", RewardKind.SERVICE, CRAFTS, 30, 50),
)


def build_volunteers(world: World) -> dict[str, int]:
    rng, community = world.rng, world.community
    registered = at(world.first - dt.timedelta(days=rng.randint(30, 200)), 10)
    kinds = rng.choices([k for k, _w in KINDS], weights=[w for _k, w in KINDS], k=rng.randint(11, 21))
    kinds += [K.RESIDENT, K.DELIVERY_RIDER, K.BUILDING_LEADER] * 3  # every team has a leader and people
    users = users_create(world, "volunteer", [person(rng) for _k in kinds], joined=registered)
    volunteers = insert(
        [
            Volunteer(community_id=community.pk, user=u, name=u.display_name, kind=kind, registered_at=registered)
            for u, kind in zip(users, kinds, strict=True)
        ],
        Volunteer,
        when="registered_at",
    )
    teams = {name: [] for name, *_r in TEAMS}
    for v in volunteers:
        teams[TEAM_OF.get(v.kind, CRAFTS)].append(v)
    team_rows = insert(
        [
            Team(
                community_id=community.pk,
                name=name,
                place=place,
                description=text,
                leader=teams[name][0],
                created_at=registered,
            )
            for name, place, text in TEAMS
        ],
        Team,
        when="created_at",
    )
    team_of = {t.name: t for t in team_rows}
    skill_of = {v.pk: rng.choice(SKILLS) if team == CRAFTS else Skill.GENERAL for team, vs in teams.items() for v in vs}
    insert(
        [
            TeamMember(
                community_id=community.pk, team=team_of[team], volunteer=v, skill=skill_of[v.pk], joined_at=registered
            )
            for team, vs in teams.items()
            for v in vs
        ],
        TeamMember,
    )
    insert(
        [
            PointsRule(
                community_id=community.pk,
                name="入户帮扶积分",
                task_kind=TaskKind.HOME_HELP,
                per_hour=10,
                bonus=5,
                created_at=registered,
            )
        ],
        PointsRule,
        when="created_at",
    )
    insert(
        [
            Reward(
                community_id=community.pk,
                name=name,
                kind=kind,
                provider=provider,
                points=points,
                stock=stock,
                created_at=registered,
            )
            for name, kind, provider, points, stock in REWARDS
        ],
        Reward,
        when="created_at",
    )
    tasks, signups = _routine(world, teams, team_of)
    visits = _home_visits(world, teams[CRAFTS], team_of[CRAFTS], skill_of)
    return {
        "volunteers": len(volunteers),
        "volunteer_tasks": tasks + visits,
        "volunteer_signups_confirmed": signups + visits,
        "volunteer_points_posted": visits,
    }


def _routine(world: World, teams: dict[str, list[Volunteer]], team_of: dict[str, Team]) -> tuple[int, int]:
    rng, community = world.rng, world.community
    tasks, plans = [], []
    for title, kind, team, place, weekday, start, end, every, (low, high) in ROUTINE:
        leader = teams[team][0]
        for n, day in enumerate(world.weekdays(weekday)):
            if n % every:
                continue
            tasks.append(
                Task(
                    community_id=community.pk,
                    team=team_of[team],
                    title=title,
                    kind=kind,
                    place=place,
                    starts_at=at(day, start.hour, start.minute),
                    ends_at=at(day, end.hour, end.minute),
                    slots=6,
                    organiser_id=leader.user_id,
                    status=TaskStatus.CLOSED,
                    created_at=at(day - dt.timedelta(days=rng.randint(4, 9)), rng.randint(9, 17)),
                )
            )
            others = teams[team][1:]
            plans.append(rng.sample(others, k=min(len(others), rng.randint(low, high))))
    for task, people in zip(tasks, plans, strict=True):
        task.taken = len(people)
    tasks = insert(tasks, Task, when="created_at")
    signups = []
    for task, people in zip(tasks, plans, strict=True):
        for v in people:
            came = task.starts_at + dt.timedelta(minutes=rng.randint(-10, 10))
            left = task.ends_at + dt.timedelta(minutes=rng.randint(-15, 10))
            confirmed = min(left + dt.timedelta(minutes=rng.randint(20, 120)), at(task.starts_at.date(), 23, 50))
            signups.append(
                Signup(
                    community_id=community.pk,
                    task=task,
                    volunteer=v,
                    status=SignupStatus.CONFIRMED,
                    signed_up_at=task.created_at + dt.timedelta(hours=rng.randint(2, 60)),
                    checked_in_at=came,
                    checked_out_at=left,
                    minutes=int((left - came).total_seconds() // 60),
                    points=0,
                    confirmed_by_id=task.organiser_id,
                    confirmed_at=confirmed,
                )
            )
    signups = insert(signups, Signup, when="confirmed_at")
    task_of = {t.pk: t for t in tasks}
    # What signup_confirm writes for each confirmed sign-up (records.services.service_record_create).
    insert(
        [
            ServiceRecord(
                community_id=community.pk,
                occurred_at=s.checked_out_at,
                service=task_of[s.task_id].title,
                category=str(TaskKind(task_of[s.task_id].kind).label),
                tier=Tier.FREE,
                provider_kind=ProviderKind.VOLUNTEER,
                provider_name=task_of[s.task_id].team.name,
                served_by_id=s.volunteer.user_id,
                source_type="volunteers.signup",
                source_id=s.pk,
                recorded_by_id=s.confirmed_by_id,
                created_at=s.confirmed_at,
            )
            for s in signups
        ],
        ServiceRecord,
    )
    return len(tasks), len(signups)


def _home_visits(world: World, crafts: list[Volunteer], team: Team, skill_of: dict[int, str]) -> int:
    """Free help at home for an older resident, once a year; the hours confirmed through the
    volunteers' own service, which posts the points."""
    rng, community = world.rng, world.community
    leader, helpers = crafts[0], crafts[1:]
    if not world.residents or not helpers:
        return 0
    visits = max(1, world.days // 365)
    made = 0
    for q in range(visits):
        day = world.day(min(world.days - 1, int((q + rng.random()) * world.days / visits)))
        helper = rng.choice(helpers)
        title = next((t for t, skill in HOME_HELP if skill == skill_of[helper.pk]), HOME_HELP[0][0])
        start = at(day, rng.choice((9, 10, 14, 15)))
        (task,) = insert(
            [
                Task(
                    community_id=community.pk,
                    team=team,
                    title=title,
                    kind=TaskKind.HOME_HELP,
                    place="居民家中",
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=1),
                    slots=1,
                    taken=1,
                    household_id=rng.choice(world.residents[:50]),
                    organiser_id=leader.user_id,
                    status=TaskStatus.CLOSED,
                    created_at=start - dt.timedelta(days=rng.randint(2, 5)),
                )
            ],
            Task,
            when="created_at",
        )
        left = start + dt.timedelta(minutes=rng.randint(50, 80))
        (signup,) = insert(
            [
                Signup(
                    community_id=community.pk,
                    task=task,
                    volunteer=helper,
                    status=SignupStatus.ASSIGNED,
                    signed_up_at=task.created_at + dt.timedelta(hours=2),
                    checked_in_at=start,
                    checked_out_at=left,
                    checkin_by_organiser=True,
                )
            ],
            Signup,
            when="signed_up_at",
        )
        signup_confirm(actor=Scope(leader.user), signup=signup)
        Signup.objects.filter(pk=signup.pk).update(confirmed_at=left + dt.timedelta(minutes=rng.randint(20, 90)))
        made += 1
    return made
