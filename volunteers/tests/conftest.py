"""The volunteers' test world, on the shared ``world``, built through the real services.

康平社区 (A): resident_a (张丽君, resident a1) and volunteer_a registered as volunteers, a rider
registered by staff; a team 巧匠友邻 with volunteer_a as leader; a points rule (10 an hour, +5 a
task); a reward (20 points, 3 in stock); a task organised by staff_a (2 places, started an hour
ago). 溡源社区 (B): resident_b registered, a team, a task and a reward of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from linli.testkit import World
from orgs.scope import Scope
from volunteers import services
from volunteers.models import Reward, Skill, Task, TaskKind, Team, Volunteer


@dataclass
class VW:
    world: World
    va: Volunteer  # resident_a, a resident of A
    vb: Volunteer  # volunteer_a, team leader in A
    rider: Volunteer  # a delivery rider registered by staff in A
    other: Volunteer  # resident_b in B
    team: Team
    team_b: Team
    task: Task
    task_b: Task
    reward: Reward
    reward_b: Reward

    def scope(self, username: str) -> Scope:
        return Scope(self.world.user(username))


def make_task(staff: Scope, community, *, title="楼道清扫", hours_ago=1, length=3, slots=2, **extra) -> Task:
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    return services.task_create(
        actor=staff,
        community=community,
        title=title,
        place="社区广场",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=length),
        slots=slots,
        **extra,
    )


def build(world: World) -> VW:
    staff_a, staff_b = Scope(world.user("staff_a")), Scope(world.user("staff_b"))
    va = services.volunteer_register_self(actor=Scope(world.user("resident_a")), community=world.community_a)
    vb = services.volunteer_register_self(
        actor=Scope(world.user("volunteer_a")), community=world.community_a, kind="building_leader", skills="电工"
    )
    rider = services.volunteer_register(
        actor=staff_a, community=world.community_a, name="陈骑手", phone="13700000999", kind="delivery_rider"
    )
    other = services.volunteer_register_self(actor=Scope(world.user("resident_b")), community=world.community_b)
    team = services.team_create(actor=staff_a, community=world.community_a, name="巧匠友邻", place="党群服务中心")
    services.team_member_add(actor=staff_a, team=team, volunteer=vb, skill=Skill.ELECTRICIAN)
    services.team_set_leader(actor=staff_a, team=team, volunteer=vb)
    team_b = services.team_create(actor=staff_b, community=world.community_b, name="溡源理发队")
    services.points_rule_create(actor=staff_a, community=world.community_a, name="基础积分", per_hour=10, bonus=5)
    services.points_rule_create(actor=staff_b, community=world.community_b, name="基础积分", per_hour=10)
    reward = services.reward_create(actor=staff_a, community=world.community_a, name="洗衣液", points=20, stock=3)
    reward_b = services.reward_create(actor=staff_b, community=world.community_b, name="溡源理发券", points=10, stock=5)
    task = make_task(staff_a, world.community_a)
    task_b = make_task(staff_b, world.community_b, title="溡源助老活动", kind=TaskKind.ACTIVITY)
    return VW(world, va, vb, rider, other, team, team_b, task, task_b, reward, reward_b)


@pytest.fixture
def vw(world) -> VW:
    return build(world)
