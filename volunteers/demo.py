"""Demo data for the volunteer bank, from the reports in /work/shared/seeds.

* 文苑社区 (礼乐街道, 江门): the mutual-aid team 巧匠友邻 — 3 electricians, 2 tailors and 5
  hairdressers — giving 8 kinds of free help to vulnerable households, led by one of the
  electricians from her phone; a 邻里守望队 of delivery riders and couriers.
* 礼乐街道: 163 邻里合伙人 (residents, party members, building leaders, property staff, delivery
  riders, couriers) across 中福社区 and 文苑社区, with tasks done over the last three months,
  hours confirmed by their organisers, points earned and some rewards redeemed.
* 康平社区: the ``volunteer`` demo login (孙志强, appliance repair) registered, with points from
  two repair days and rewards he can redeem; an upcoming task he can sign up for.

Everything goes through the services (organisers confirm the hours themselves). Idempotent: a
community whose volunteer teams exist is left as it is. Names of volunteers other than the
demo logins are invented.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import user_by_phone
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from residents.models import Resident, phone_index
from residents.services import resident_account_create
from volunteers import services
from volunteers.models import RewardKind, Skill, Task, TaskKind, Team, Volunteer, VolunteerKind

SURNAMES = "陈李黄梁张林吴何周谭伍区余冯钟郑蔡关麦罗"
GIVEN = ["伟强", "志明", "嘉欣", "丽华", "国雄", "淑仪", "建华", "秀珍", "永康", "美玲", "家豪", "婉婷",
         "文辉", "少芬", "锦荣", "惠玲", "俊杰", "颖欣", "振邦", "玉兰", "浩然", "晓琳", "伟文", "素梅"]

# The 8 kinds of free help 巧匠友邻 gives to vulnerable households.
HELP = [
    ("上门检修电路", Skill.ELECTRICIAN),
    ("更换灯具开关", Skill.ELECTRICIAN),
    ("小家电维修", Skill.ELECTRICIAN),
    ("缝补衣物", Skill.TAILOR),
    ("修改衣裤", Skill.TAILOR),
    ("上门理发", Skill.HAIRDRESSER),
    ("长者义剪", Skill.HAIRDRESSER),
    ("儿童理发", Skill.HAIRDRESSER),
]

ACTIVITIES = [
    ("楼道杂物清理", TaskKind.ENVIRONMENT, "小区各楼栋"),
    ("文明交通劝导", TaskKind.PATROL, "礼乐大道路口"),
    ("夜间治安巡逻", TaskKind.PATROL, "社区主干道"),
    ("睦邻集市志愿服务", TaskKind.ACTIVITY, "社区广场"),
    ("反诈宣传进小区", TaskKind.ACTIVITY, "党群服务中心门前"),
    ("独居长者探访", TaskKind.HOME_HELP, "社区各网格"),
    ("垃圾分类督导", TaskKind.ENVIRONMENT, "垃圾分类投放点"),
]

REWARDS = [
    ("洗衣液一瓶", RewardKind.GOODS, "", 50, 40, "社区党群服务中心领取"),
    ("大米5公斤", RewardKind.GOODS, "", 120, 20, "社区党群服务中心领取"),
    ("义剪服务券", RewardKind.SERVICE, "巧匠友邻", 30, 50, "凭券到理发点免费理发一次"),
    ("药店九折券", RewardKind.MERCHANT_DISCOUNT, "友好合伙商家·大参林药店", 40, 60, "购药九折，限用一次"),
    ("早餐店代金券10元", RewardKind.MERCHANT_DISCOUNT, "友好合伙商家·陈记肠粉", 60, 30, "门店消费抵10元"),
]

SKILL_ZH = {Skill.ELECTRICIAN: "电工", Skill.TAILOR: "裁缝", Skill.HAIRDRESSER: "理发"}

# Volunteers per community of 礼乐街道: 163 邻里合伙人 in all.
LILE = {"中福社区": 88, "文苑社区": 75}
KINDS = [
    (VolunteerKind.RESIDENT, 0.35),
    (VolunteerKind.PARTY_MEMBER, 0.15),
    (VolunteerKind.BUILDING_LEADER, 0.12),
    (VolunteerKind.DELIVERY_RIDER, 0.14),
    (VolunteerKind.COURIER, 0.12),
    (VolunteerKind.PROPERTY_STAFF, 0.12),
]


def _community(subdistrict: str, name: str) -> OrgNode | None:
    return OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name=name, parent__name=subdistrict).first()


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


class _Phones:
    """Made-up mobile numbers no account or resident uses."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def next(self) -> str:
        while True:
            phone = f"199{self.rng.randrange(10**8):08d}"
            if user_by_phone(phone) is None and not Resident.objects.filter(phone_hash=phone_index(phone)).exists():
                return phone


def _resident_volunteers(community: OrgNode, limit: int) -> list[Resident]:
    today = timezone.localdate()
    adults = Resident.objects.filter(
        community=community, user__isnull=True, birth_date__lte=today.replace(year=today.year - 20),
        birth_date__gte=today.replace(year=today.year - 70),
    ).exclude(phone_hash="").order_by("pk")
    return list(adults[:limit])


def _register_all(community: OrgNode, total: int, rng: random.Random, phones: _Phones) -> list[Volunteer]:
    volunteers = []
    for resident in _resident_volunteers(community, min(12, total // 4)):
        user = resident_account_create(actor=None, resident=resident, password=None)
        volunteers.append(
            services.volunteer_register_self(
                actor=Scope(user), community=community, kind=VolunteerKind.RESIDENT,
                availability=rng.choice(["周末", "工作日晚上", "随时"]),
            )
        )
    kinds, weights = zip(*KINDS, strict=True)
    used: set[str] = set(v.name for v in volunteers)
    while len(volunteers) < total:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name in used:
            continue
        used.add(name)
        volunteers.append(
            services.volunteer_register(
                actor=None, community=community, name=name, phone=phones.next(),
                kind=rng.choices(kinds, weights)[0], availability=rng.choice(["周末", "工作日晚上", "随时", "上午"]),
            )
        )
    return volunteers


def _past(rng: random.Random, days_back: int, hour: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_back)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.choice([0, 30]))))


def _do_task(
    *, organiser, community, title, kind, place, start, hours, volunteers, team=None, household=None, skill="",
    rng: random.Random,
) -> Task:
    """A task done in the past: published, volunteers added by the organiser, attendance marked,
    hours confirmed by the organiser."""
    scope = Scope(organiser)
    task = services.task_create(
        actor=None, community=community, title=title, kind=kind, place=place, starts_at=start,
        ends_at=start + dt.timedelta(hours=hours), slots=max(len(volunteers), 1), team=team,
        household=household, skill=skill, organiser=organiser,
    )
    for v in volunteers:
        if v.user_id == organiser.pk:
            continue
        signup = services.signup_add(actor=scope, task=task, volunteer=v)
        came = start + dt.timedelta(minutes=rng.choice([-10, 0, 5]))
        left = start + dt.timedelta(hours=hours, minutes=rng.choice([-15, 0, 10]))
        services.signup_mark_attendance(actor=scope, signup=signup, checked_in_at=came, checked_out_at=left)
        signup.refresh_from_db()
        services.signup_confirm(actor=scope, signup=signup)
    services.task_close(actor=scope, task=task)
    return task


def _rules_and_rewards(community: OrgNode) -> list:
    services.points_rule_create(actor=None, community=community, name="基础积分：每小时10分", per_hour=10)
    services.points_rule_create(
        actor=None, community=community, name="上门帮扶困难家庭加分", task_kind=TaskKind.HOME_HELP, bonus=20
    )
    services.points_rule_create(actor=None, community=community, name="义剪义修加分", task_kind=TaskKind.SERVICE, bonus=10)
    return [
        services.reward_create(
            actor=None, community=community, name=name, kind=kind, provider=provider, points=points, stock=stock,
            description=description,
        )
        for name, kind, provider, points, stock, description in REWARDS
    ]


def _redeem_some(volunteers: list[Volunteer], rewards: list, rng: random.Random, share: float) -> int:
    done = 0
    for v in volunteers:
        if rng.random() > share:
            continue
        balance = services.points_balance(v)
        affordable = [r for r in rewards if r.points <= balance]
        if affordable:
            reward = rng.choice(affordable)
            redemption = services.redemption_create(actor=Scope(v.user), volunteer=v, reward=reward)
            if rng.random() < 0.7:
                services.redemption_hand_over(actor=None, redemption=redemption)
            done += 1
    return done


def _wenyuan(community: OrgNode, rng: random.Random, phones: _Phones, stdout) -> None:
    volunteers = _register_all(community, LILE[community.name], rng, phones)
    rewards = _rules_and_rewards(community)
    crafts = services.team_create(
        actor=None, community=community, name="巧匠友邻", place="文苑社区党群服务中心",
        description="电工、裁缝、理发师组成的互助队，为困难家庭提供8类免费上门服务",
    )
    skills = [Skill.ELECTRICIAN] * 3 + [Skill.TAILOR] * 2 + [Skill.HAIRDRESSER] * 5
    members = volunteers[:10]
    for v, skill in zip(members, skills, strict=True):
        services.team_member_add(actor=None, team=crafts, volunteer=v, skill=skill)
        services.volunteer_update(actor=None, volunteer=v, kind=v.kind, skills=SKILL_ZH[skill], availability=v.availability)
    leader = members[0]
    services.team_set_leader(actor=None, team=crafts, volunteer=leader)
    by_skill = {s: [v for v, k in zip(members, skills, strict=True) if k == s] for s in set(skills)}
    watch = services.team_create(
        actor=None, community=community, name="邻里守望队", place="文苑社区",
        description="外卖骑手、快递员组成的邻里守望队，随手拍、随手带",
    )
    riders = [v for v in volunteers if v.kind in (VolunteerKind.DELIVERY_RIDER, VolunteerKind.COURIER)]
    for v in riders:
        services.team_member_add(actor=None, team=watch, volunteer=v)
    if riders:
        services.team_set_leader(actor=None, team=watch, volunteer=riders[0])
    households = list(Resident.objects.filter(community=community).order_by("birth_date")[:8])
    for week in range(12):
        for n in range(2):
            title, skill = HELP[(week * 2 + n) % len(HELP)]
            crew = rng.sample([v for v in by_skill[skill] if v.pk != leader.pk] or by_skill[skill], 1)
            _do_task(
                organiser=leader.user, community=community, team=crafts, title=title, skill=skill,
                kind=TaskKind.HOME_HELP if households else TaskKind.SERVICE,
                place="困难家庭家中", start=_past(rng, 7 * week + 2 + 3 * n, 9), hours=rng.choice([1, 1.5, 2]),
                volunteers=crew, household=households[(week + n) % len(households)] if households else None, rng=rng,
            )
    if riders:
        for week in range(0, 12, 2):
            title, kind, place = ACTIVITIES[week % len(ACTIVITIES)]
            _do_task(
                organiser=riders[0].user, community=community, team=watch, title=title, kind=kind, place=place,
                start=_past(rng, 7 * week + 4, 19), hours=2, volunteers=rng.sample(riders, min(len(riders), 6)),
                rng=rng,
            )
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=2, hours=1)
    services.task_create(
        actor=None, community=community, team=crafts, title="社区广场义剪义修", kind=TaskKind.SERVICE,
        place="文苑社区广场", starts_at=start, ends_at=start + dt.timedelta(hours=3), slots=8, organiser=leader.user,
    )
    redeemed = _redeem_some(volunteers, rewards, rng, 0.4)
    _say(stdout, f"  文苑社区: {len(volunteers)} 名志愿者, 巧匠友邻 10 人, 兑换 {redeemed} 次")


def _zhongfu(community: OrgNode, rng: random.Random, phones: _Phones, stdout) -> None:
    volunteers = _register_all(community, LILE[community.name], rng, phones)
    rewards = _rules_and_rewards(community)
    staff = User.objects.filter(username="staff_zf").first()
    leaders = [v for v in volunteers if v.kind == VolunteerKind.BUILDING_LEADER]
    team = services.team_create(
        actor=None, community=community, name="楼长志愿队", place="中福社区各楼栋",
        description="楼长和党员志愿者，联系楼栋住户、开展邻里活动",
    )
    for v in leaders + [v for v in volunteers if v.kind == VolunteerKind.PARTY_MEMBER]:
        services.team_member_add(actor=None, team=team, volunteer=v)
    head = (leaders or volunteers)[0]
    services.team_set_leader(actor=None, team=team, volunteer=head)
    if staff is not None and not Scope(staff).has(Cap.VOLUNTEER_MANAGE, community.pk):
        staff = None
    for week in range(12):
        title, kind, place = ACTIVITIES[week % len(ACTIVITIES)]
        crew = rng.sample(volunteers, 8)
        if staff is not None:
            _do_task(organiser=staff, community=community, title=title, kind=kind, place=place,
                     start=_past(rng, 7 * week + 3, 9), hours=rng.choice([2, 3]), volunteers=crew, rng=rng)
        _do_task(organiser=head.user, community=community, team=team, title="楼栋邻里走访", kind=TaskKind.ACTIVITY,
                 place="中福社区各楼栋", start=_past(rng, 7 * week + 5, 15), hours=2,
                 volunteers=rng.sample(team_members(team), min(5, len(team_members(team)))), rng=rng)
    redeemed = _redeem_some(volunteers, rewards, rng, 0.35)
    _say(stdout, f"  中福社区: {len(volunteers)} 名志愿者, 兑换 {redeemed} 次")


def team_members(team: Team) -> list[Volunteer]:
    return [m.volunteer for m in team.members.select_related("volunteer")]


def _kangping(community: OrgNode, rng: random.Random, phones: _Phones, stdout) -> None:
    """The ``volunteer`` demo login: registered, with points, and rewards within reach."""
    user = user_by_phone("13953300056")
    staff = User.objects.filter(username="staff").first()
    if user is None or staff is None:
        return
    me = services.volunteer_register_self(
        actor=Scope(user), community=community, kind=VolunteerKind.RESIDENT, skills="家电维修",
        availability="周末",
    )
    others = _register_all(community, 12, rng, phones)
    _rules_and_rewards(community)
    team = services.team_create(
        actor=None, community=community, name="康平家电义修队", place="康平社区党群服务中心",
        description="每月第一个周六为居民免费维修小家电",
    )
    services.team_member_add(actor=None, team=team, volunteer=me, skill=Skill.APPLIANCE_REPAIR)
    for v in others[:4]:
        services.team_member_add(actor=None, team=team, volunteer=v, skill=Skill.APPLIANCE_REPAIR)
    for days_back, title in ((40, "家电义务维修日"), (12, "家电义务维修日"), (20, "独居老人上门修电")):
        _do_task(
            organiser=staff, community=community, team=team, title=title,
            kind=TaskKind.SERVICE if "日" in title else TaskKind.HOME_HELP, place="康平社区党群服务中心",
            start=_past(rng, days_back, 9), hours=3, volunteers=[me, *others[:3]], rng=rng,
        )
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
    services.task_create(
        actor=None, community=community, team=team, title="家电义务维修日", kind=TaskKind.SERVICE,
        place="康平社区党群服务中心", starts_at=start.replace(hour=9), ends_at=start.replace(hour=12), slots=6,
        organiser=staff,
    )
    _say(stdout, f"  康平社区: 志愿者孙志强 {services.points_balance(me)} 积分")


def load_demo(*, stdout: TextIO | None = None) -> None:
    plans = [
        ("礼乐街道", "文苑社区", "巧匠友邻", _wenyuan, 1),
        ("礼乐街道", "中福社区", "楼长志愿队", _zhongfu, 2),
        ("辛店街道", "康平社区", "康平家电义修队", _kangping, 3),
    ]
    _say(stdout, "志愿银行 / Volunteer bank:")
    for subdistrict, name, marker, build, seed in plans:
        community = _community(subdistrict, name)
        if community is None or Team.objects.filter(community=community, name=marker).exists():
            continue
        rng = random.Random(seed)
        with transaction.atomic():
            build(community, rng, _Phones(seed * 7919), stdout)
