"""What linli/tests/test_access_control.py needs to check the volunteers endpoints
(residents/tests/access_registry.py describes the contract).

In each community: the resident (a1 / b1) registered as a volunteer, a team, a task helping
resident a2 / b1's household organised by the community's staff member, the volunteer's sign-up
(assigned, hours confirmed), a points rule, a reward and a redemption of it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.testkit import World
from orgs.scope import Scope
from volunteers import services
from volunteers.models import PointsRule, Redemption, Reward, Signup, Task, TaskKind, Team, Volunteer

SECRET = {"a": "康平", "b": "溡源秘密"}


def volunteer(world: World, side: str) -> Volunteer:
    def make() -> Volunteer:
        user = world.user(f"resident_{side}")
        return services.volunteer_register_self(actor=Scope(user), community=world.community(side), skills="理发")

    return world.once(f"volunteers.volunteer.{side}", make)


def team(world: World, side: str) -> Team:
    def make() -> Team:
        t = services.team_create(
            actor=Scope(world.staff(side)), community=world.community(side), name=f"{SECRET[side]}巧匠友邻队"
        )
        services.team_set_leader(actor=Scope(world.staff(side)), team=t, volunteer=volunteer(world, side))
        return t

    return world.once(f"volunteers.team.{side}", make)


def points_rule(world: World, side: str) -> PointsRule:
    return world.once(
        f"volunteers.rule.{side}",
        lambda: services.points_rule_create(
            actor=Scope(world.staff(side)), community=world.community(side), name=f"{SECRET[side]}积分规则", per_hour=10
        ),
    )


def task(world: World, side: str) -> Task:
    def make() -> Task:
        points_rule(world, side)
        start = timezone.now() - dt.timedelta(hours=1)
        household = world.residents["a2" if side == "a" else "b1"]
        return services.task_create(
            actor=Scope(world.staff(side)), community=world.community(side), title=f"{SECRET[side]}上门维修",
            place=f"{SECRET[side]}3号楼", starts_at=start, ends_at=start + dt.timedelta(hours=3), slots=3,
            kind=TaskKind.HOME_HELP, household=household, team=team(world, side),
        )

    return world.once(f"volunteers.task.{side}", make)


def signup(world: World, side: str) -> Signup:
    def make() -> Signup:
        v, t, staff = volunteer(world, side), task(world, side), Scope(world.staff(side))
        s = services.signup_create(actor=Scope(v.user), volunteer=v, task=t)
        services.signup_assign(actor=staff, signup=s)
        s.refresh_from_db()
        return services.signup_confirm(actor=staff, signup=s, minutes=120)

    return world.once(f"volunteers.signup.{side}", make)


def reward(world: World, side: str) -> Reward:
    return world.once(
        f"volunteers.reward.{side}",
        lambda: services.reward_create(
            actor=Scope(world.staff(side)), community=world.community(side), name=f"{SECRET[side]}洗衣液", points=5,
            stock=10, provider=f"{SECRET[side]}超市",
        ),
    )


def redemption(world: World, side: str) -> Redemption:
    def make() -> Redemption:
        signup(world, side)
        v = volunteer(world, side)
        return services.redemption_create(actor=Scope(v.user), volunteer=v, reward=reward(world, side))

    return world.once(f"volunteers.redemption.{side}", make)


REGISTRY = {
    "volunteer_id": lambda w, s: volunteer(w, s).pk,
    "volunteer_team_id": lambda w, s: team(w, s).pk,
    "volunteer_task_id": lambda w, s: task(w, s).pk,
    "volunteer_signup_id": lambda w, s: signup(w, s).pk,
    "points_rule_id": lambda w, s: points_rule(w, s).pk,
    "volunteer_reward_id": lambda w, s: reward(w, s).pk,
    "volunteer_redemption_id": lambda w, s: redemption(w, s).pk,
}


def markers(world: World) -> dict[str, str]:
    return {
        team(world, "b").name: "community B's volunteer team",
        task(world, "b").title: "community B's volunteer task",
        reward(world, "b").name: "community B's reward",
        points_rule(world, "b").name: "community B's points rule",
        redemption(world, "b").code: "community B's voucher code",
    }
