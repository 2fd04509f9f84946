"""Demo data for the matching app: the three lists and micro-wishes, from the reports.

* 康平社区 (辛店街道): after-school care (四点半课堂) with university volunteers, meals for older
  people living alone with the resident-run kitchen 康小鲜社区私房, free clinics by a member unit.
* 中福社区 (礼乐街道): greening by the 绿美合伙人 礼乐加油站 and 鸿生物资 (50+ trees adopted).
* 闻韶社区 and 和平社区: a few needs and resources each.
* Micro-wishes at every stage (posted, claimed, fulfilled, thanked; a few withdrawn), most in
  康平社区 第一网格, where the demo ``grid`` login works.

Everything is made through the services; running the loader twice adds nothing (each record is
looked up by its community and title first).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from matching import services
from matching.models import Need, Project, Resource, Wish, WishStatus
from matching.services._common import covers
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope


@dataclass(frozen=True)
class NeedPlan:
    title: str
    category: str
    count: int
    groups: tuple[str, ...]
    urgency: int = 2
    source: str = "survey"
    grid_index: int | None = None
    description: str = ""
    months: int | None = None  # needed from today for this many months


@dataclass(frozen=True)
class ResourcePlan:
    title: str
    category: str
    offered_by: str
    provider: str
    quantity: int | None = None
    unit: str = ""
    partner: str = ""
    grid_index: int | None = None
    description: str = ""
    months: int | None = None


@dataclass(frozen=True)
class ProjectPlan:
    title: str
    owner: str
    plan: str
    needs: tuple[str, ...]
    resources: tuple[str, ...]
    updates: tuple[tuple[str, int], ...] = ()
    result: str = ""


@dataclass(frozen=True)
class Plan:
    community: str
    needs: tuple[NeedPlan, ...]
    resources: tuple[ResourcePlan, ...]
    projects: tuple[ProjectPlan, ...] = ()
    wishes: tuple[tuple[str, str, str, str, int], ...] = field(default=())  # title, who, category, details, yuan


KANGPING_WISHES = (
    ("一个新书包", "一名困境儿童", "goods", "开学要用，旧书包已经破了", 120),
    ("轮椅维修", "一位八旬独居老人", "repairs", "轮椅刹车失灵，出门不安全", 80),
    ("上门理发", "一位卧床老人", "repairs", "行动不便，想理个发过年", 0),
    ("一台助听器", "一位听力不好的老人", "goods", "听不清电话，怕错过子女来电", 600),
    ("陪老人聊聊天", "一位独居老人", "culture", "每周一次上门探望", 0),
    ("一套课外读物", "一名留守儿童", "education", "喜欢科普书", 150),
    ("冬天的棉被", "一户低保家庭", "goods", "家里被子太薄", 200),
    ("修好漏水的水龙头", "一位八旬独居老人", "repairs", "厨房水龙头一直滴水", 50),
    ("学会用智能手机挂号", "一位七旬老人", "education", "想自己在手机上预约看病", 0),
    ("一台电风扇", "一户残疾人家庭", "goods", "夏天屋里太热", 180),
    ("一双防滑鞋", "一位独居老人", "goods", "冬天下楼怕滑倒", 100),
    ("英语作业辅导", "一名困境儿童", "education", "每周两次线上辅导", 0),
    ("换一盏楼道感应灯", "一位视力不好的老人", "repairs", "晚上回家看不清台阶", 60),
    ("一个电饭煲", "一位独居老人", "goods", "旧电饭煲坏了", 150),
    ("体检陪诊", "一位八旬独居老人", "health", "子女在外地，想有人陪着去医院", 0),
    ("一套绘画工具", "一名喜欢画画的儿童", "education", "想参加社区画室", 90),
)
ZHONGFU_WISHES = (
    ("一辆助行车", "一位腿脚不便的长者", "goods", "买菜时可以坐下歇一歇", 300),
    ("学习用台灯", "一名困境儿童", "goods", "晚上写作业光线暗", 80),
    ("上门打扫卫生", "一位独居长者", "repairs", "年纪大了打扫不动", 0),
    ("一套新校服", "一名困境儿童", "goods", "孩子长高了旧校服太小", 150),
    ("陪长者过生日", "一位九旬长者", "culture", "子女在外打工", 0),
    ("修理电视机", "一位独居长者", "repairs", "电视是老人唯一的娱乐", 100),
    ("一副老花镜", "一位七旬长者", "goods", "看不清药品说明书", 60),
    ("一个保温饭盒", "一位独居长者", "goods", "长者饭堂打饭带回家", 50),
)
SHIYUAN_WISHES = (
    ("一个新书包", "一名困境儿童", "goods", "旧书包拉链坏了", 120),
    ("修理轮椅扶手", "一位八旬老人", "repairs", "扶手松动", 60),
    ("一盏护眼台灯", "一名困境儿童", "goods", "晚上写作业", 90),
    ("上门剪指甲、洗头", "一位卧床老人", "repairs", "每月一次", 0),
    ("一件羽绒服", "一位独居老人", "goods", "冬天出门买菜穿", 260),
    ("帮忙换燃气软管", "一位独居老人", "repairs", "软管老化，担心漏气", 40),
    ("陪老人下象棋", "一位独居老人", "culture", "每周一次", 0),
    ("一副拐杖", "一位腿脚不便的老人", "goods", "原来的拐杖断了", 80),
    ("暑假数学辅导", "一名困境儿童", "education", "每周两次", 0),
    ("一台收音机", "一位视力不好的老人", "goods", "喜欢听戏", 100),
    ("一个血压计", "一位高血压老人", "health", "每天在家量血压", 150),
    ("一双运动鞋", "一名困境儿童", "goods", "体育课穿", 120),
)
HEPING_WISHES = (
    ("一张学习书桌", "一名困境儿童", "goods", "在床上写作业", 300),
    ("上门陪伴聊天", "一位独居长者", "culture", "每周一次", 0),
    ("修理洗衣机", "一位独居长者", "repairs", "洗衣机不转了", 80),
    ("一个电热水壶", "一位独居长者", "goods", "旧的漏电", 60),
    ("一套字典", "一名困境儿童", "education", "新华字典和成语词典", 50),
    ("剪发上门", "一位卧床长者", "repairs", "行动不便", 0),
    ("一个助浴凳", "一位残疾人", "goods", "洗澡时防滑", 120),
    ("一盒彩笔", "一名困境儿童", "education", "喜欢画画", 40),
)
WENSHAO_WISHES = (
    ("一个新书包", "一名困境儿童", "goods", "开学前需要", 120),
    ("上门量血压", "一位独居老人", "health", "每月一次", 0),
    ("一床电热毯", "一位八旬老人", "goods", "冬天屋里冷", 120),
    ("修理门锁", "一位独居老人", "repairs", "门锁经常卡住", 60),
)

PLANS: tuple[Plan, ...] = (
    Plan(
        community="康平社区",
        needs=(
            NeedPlan("双职工家庭孩子放学后无人看护", "childcare", 40, ("children",), 3, "survey", None,
                     "问卷中 40 户双职工家庭希望开设四点半课堂", 6),
            NeedPlan("独居老人午餐难", "meals", 35, ("elderly_alone", "elderly"), 3, "grid_worker", 0,
                     "第一网格走访发现 35 位独居老人午餐凑合", 12),
            NeedPlan("老年人不会用智能手机", "education", 60, ("elderly",), 2, "survey", None,
                     "挂号、缴费、视频通话都需要帮助"),
            NeedPlan("楼道灯损坏、晚上回家看不清", "repairs", 24, ("elderly",), 3, "resident", 1, "", 1),
            NeedPlan("外卖骑手、快递员缺少歇脚点", "jobs", 30, ("workers",), 2, "staff", None,
                     "需要饮水、充电、休息的地方"),
            NeedPlan("慢性病老人需要定期体检", "health", 80, ("elderly",), 2, "survey", None, "", 12),
        ),
        resources=(
            ResourcePlan("大学生志愿者课后辅导", "childcare", "volunteer", "山东理工大学青年志愿者协会", 6, "人",
                         description="每周一至周五 16:30-18:00", months=6),
            ResourcePlan("社区私房助餐（老人优惠）", "meals", "partner", "", 50, "份/天", partner="康小鲜社区私房",
                         description="60-79 岁每份优惠 1 元，80 岁以上优惠 2 元"),
            ResourcePlan("区人民医院党支部义诊", "health", "member_unit", "临淄区人民医院党支部", 12, "次/年",
                         description="大党委成员单位，每月一次义诊"),
            ResourcePlan("物业维修班上门维修", "repairs", "member_unit", "康平物业服务中心", 4, "人", grid_index=1),
            ResourcePlan("爱心企业捐赠", "general", "donor", "辛店爱心企业联合会", 20000, "元"),
            ResourcePlan("巧匠友邻家电维修", "repairs", "volunteer", "巧匠友邻志愿服务队", 3, "人", grid_index=0),
        ),
        projects=(
            ProjectPlan(
                "四点半课堂", "社区党委 · 郑晓雯",
                "借用社区二楼学习角，每周一至周五 16:30-18:00，大学生志愿者辅导作业，社区私房提供点心。",
                ("双职工家庭孩子放学后无人看护",), ("大学生志愿者课后辅导",),
                (("招募 6 名大学生志愿者，完成培训", 20), ("开班，报名 28 名孩子", 45), ("每周五增加手工课", 60)),
            ),
            ProjectPlan(
                "独居老人助餐", "社区党委 · 孙雅琴",
                "社区私房每天中午为独居老人备餐，网格员和志愿者送餐上门，行动方便的老人到店就餐。",
                ("独居老人午餐难",), ("社区私房助餐（老人优惠）",),
                (("摸排 35 位独居老人的口味和忌口", 25), ("开始每日送餐", 70)),
                "三个月送餐 4,500 余份，35 位独居老人中午都吃上了热饭。",
            ),
        ),
        wishes=KANGPING_WISHES,
    ),
    Plan(
        community="中福社区",
        needs=(
            NeedPlan("社区空地缺少绿化", "greening", 3000, ("everyone",), 2, "survey", None,
                     "居民希望把闲置空地变成小公园", 6),
            NeedPlan("长者午餐和送餐", "meals", 50, ("elderly",), 3, "grid_worker", 0),
            NeedPlan("暑期孩子无人照看", "childcare", 30, ("children",), 2, "survey", None, "", 3),
        ),
        resources=(
            ResourcePlan("认养树木 30 棵", "greening", "partner", "", 30, "棵", partner="礼乐加油站",
                         description="绿美合伙人：出资种树并负责养护", months=12),
            ResourcePlan("认养树木 25 棵及绿化工具", "greening", "partner", "", 25, "棵", partner="鸿生物资",
                         description="绿美合伙人：出资种树、捐赠绿化工具", months=12),
            ResourcePlan("党员志愿者植树队", "greening", "volunteer", "中福社区党员志愿服务队", 20, "人"),
        ),
        projects=(
            ProjectPlan(
                "绿美中福·合伙人认养树木", "中福社区党委",
                "绿美合伙人出资认养，党员志愿者和居民一起种树，合伙人负责一年的养护。",
                ("社区空地缺少绿化",), ("认养树木 30 棵", "认养树木 25 棵及绿化工具", "党员志愿者植树队"),
                (("选定空地，完成规划", 30), ("植树日：种下 55 棵树", 90)),
                "礼乐加油站、鸿生物资认养树木 55 棵，空地变成了小游园。",
            ),
        ),
        wishes=ZHONGFU_WISHES,
    ),
    Plan(
        community="闻韶社区",
        needs=(
            NeedPlan("老旧小区缺少休闲座椅", "repairs", 200, ("elderly",), 1, "resident", 0),
            NeedPlan("残疾人就业技能培训", "jobs", 12, ("disabled",), 2, "staff", None),
        ),
        resources=(ResourcePlan("手工坊订单和培训", "jobs", "member_unit", "闻韶文创公司", 10, "人"),),
        wishes=WENSHAO_WISHES,
    ),
    Plan(
        community="和平社区",
        needs=(NeedPlan("长者送餐上门", "meals", 20, ("elderly_alone",), 3, "grid_worker", 0),),
        resources=(ResourcePlan("长者送餐上门", "meals", "partner", "", 30, "份/天", partner="邻里鲜厨"),),
        wishes=HEPING_WISHES,
    ),
    Plan(
        community="溡源社区",
        needs=(NeedPlan("老人就医没人陪", "health", 18, ("elderly_alone",), 3, "grid_worker", 0),),
        resources=(ResourcePlan("社区医院家庭医生签约", "health", "member_unit", "辛店街道社区卫生服务中心", 2, "名医生"),),
        wishes=SHIYUAN_WISHES,
    ),
)

# Who claims the demo wishes: demo logins (display names are invented) and how they sign.
CLAIMANTS = (("volunteer", "志愿者孙师傅"), ("partner", "康小鲜社区私房"), ("secretary", "社区党员"),
             ("committee", "爱心人士"), ("officer", "街道党员志愿者"), ("staff_zf", "中福社工"))
THANKS = (
    "老人拉着网格员的手说：谢谢好心人！",
    "孩子写了一张感谢卡：我会好好学习。",
    "“现在出门放心多了，谢谢你们。”",
    "“没想到还有人惦记着我，心里暖暖的。”",
)


class _Out:
    def __init__(self, stdout: TextIO | None) -> None:
        self.stdout = stdout

    def __call__(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")


def _photo(seed: int) -> SimpleUploadedFile:
    img = Image.new("RGB", (320, 240), (80 + seed * 13 % 150, 140, 90 + seed * 7 % 120))
    buf = io.BytesIO()
    img.save(buf, format="JPEG")
    return SimpleUploadedFile(f"demo-{seed}.jpg", buf.getvalue(), content_type="image/jpeg")


def _grids(community: OrgNode) -> list[OrgNode]:
    return list(OrgNode.objects.filter(community=community, kind=NodeKind.GRID).order_by("sort_order", "pk"))


def _grid(grids: list[OrgNode], index: int | None) -> OrgNode | None:
    if index is None or not grids:
        return None
    return grids[index % len(grids)]


def _months(n: int | None) -> tuple[dt.date | None, dt.date | None]:
    if not n:
        return None, None
    today = timezone.localdate()
    return today - dt.timedelta(days=15), today + dt.timedelta(days=30 * n)


def _needs(plan: Plan, community: OrgNode, grids: list[OrgNode]) -> dict[str, Need]:
    found = {}
    for p in plan.needs:
        need = Need.objects.filter(community=community, title=p.title).first()
        if need is None:
            start, end = _months(p.months)
            grid = _grid(grids, p.grid_index)
            if p.source == "resident":
                # Raised on a phone by a resident of that grid, when the demo has one with a login.
                from residents.models import Resident

                resident = Resident.objects.filter(community=community, user__isnull=False).first()
                if resident is not None:
                    need = services.need_raise(user=resident.user, title=p.title, category=p.category, urgency=p.urgency)
            if need is None:
                need = services.need_create(
                    actor=None,
                    community=community,
                    title=p.title,
                    category=p.category,
                    source=p.source if p.source != "resident" else "grid_worker",
                    description=p.description,
                    affected_count=p.count,
                    affected_groups=p.groups,
                    urgency=p.urgency,
                    grid=grid,
                    needed_from=start,
                    needed_until=end,
                )
        found[p.title] = need
    return found


def _resources(plan: Plan, community: OrgNode, grids: list[OrgNode]) -> dict[str, Resource]:
    from partners.models import Partner

    found = {}
    for p in plan.resources:
        resource = Resource.objects.filter(community=community, title=p.title).first()
        if resource is None:
            partner = Partner.objects.filter(community=community, name=p.partner).first() if p.partner else None
            start, end = _months(p.months)
            resource = services.resource_create(
                actor=None,
                community=community,
                title=p.title,
                category=p.category,
                offered_by=p.offered_by if partner or p.offered_by != "partner" else "donor",
                provider_name=p.provider or p.partner,
                partner=partner,
                description=p.description,
                quantity=p.quantity,
                unit=p.unit,
                grid=_grid(grids, p.grid_index),
                available_from=start,
                available_until=end,
            )
        found[p.title] = resource
    return found


def _projects(plan: Plan, community: OrgNode, needs: dict, resources: dict) -> int:
    made = 0
    for p in plan.projects:
        if Project.objects.filter(community=community, title=p.title).exists():
            continue
        project = services.project_create(
            actor=None,
            community=community,
            title=p.title,
            owner_name=p.owner,
            plan=p.plan,
            need_ids=[needs[t].pk for t in p.needs if t in needs],
            resource_ids=[resources[t].pk for t in p.resources if t in resources],
            starts_on=timezone.localdate() - dt.timedelta(days=90),
        )
        for note, progress in p.updates:
            services.project_progress(actor=None, project=project, note=note, progress=progress)
        if p.result:
            services.project_finish(actor=None, project=project, result=p.result)
        made += 1
    return made


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=[c[0] for c in CLAIMANTS] + ["grid"])}


def _wishes(plan: Plan, community: OrgNode, users: dict[str, User], counter: list[int]) -> int:
    from residents.models import GUARDIAN_AGE, Resident

    residents = list(Resident.objects.filter(community=community).select_related("grid", "building").order_by("pk"))
    # Wishes are the grid worker's: in 康平社区 the demo ``grid`` login posts those of 第一网格.
    grid_user = users.get("grid")
    claimants = [(users[name], shown) for name, shown in CLAIMANTS if name in users]
    if not residents or not claimants:
        return 0
    # The first grid's residents (in 康平社区 the demo grid worker's), those without a login first.
    first_grid = _grids(community)[:1]
    in_grid = [r for r in residents if first_grid and r.grid_id == first_grid[0].pk]
    pool = sorted(in_grid, key=lambda r: r.user_id is not None) or residents
    made = 0
    # Stages cycle over all the demo's wishes (``counter``), so there are about as many at each:
    # posted, claimed, fulfilled, thanked; every eleventh is withdrawn.
    stages = (WishStatus.POSTED, WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.THANKED)
    for i, (title, who, category, details, yuan) in enumerate(plan.wishes):
        if Wish.objects.filter(community=community, title=title).exists():
            continue
        resident = pool[i % len(pool)]
        poster = None
        if grid_user is not None and covers(Scope(grid_user), Cap.WISH_POST, resident.grid):
            poster = Scope(grid_user)
        # The consent is recorded with the wish, as the worker's form does; a child's by a parent.
        guardian = {}
        if resident.age < GUARDIAN_AGE:
            guardian = {"guardian_name": f"{resident.name[:1]}女士", "guardian_relation": "母亲"}
        wish = services.wish_post(
            actor=poster,
            resident=resident,
            title=title,
            who_public=who,
            details=details,
            category=category,
            estimated_fen=yuan * 100,
            consent_note="本人（或监护人）口头同意公开发布，网格员入户时记录",
            record_consent=True,
            consent_method="oral",
            **guardian,
        )
        made += 1
        n = counter[0]
        counter[0] += 1
        if n % 11 == 10:
            services.wish_withdraw(actor=None, wish=wish, reason="亲属已帮忙解决")
            continue
        stage = stages[n % len(stages)]
        if stage == WishStatus.POSTED:
            continue
        user, shown = claimants[i % len(claimants)]
        if resident.user_id == user.pk:
            user, shown = claimants[(i + 1) % len(claimants)]
        wish = services.wish_claim(actor=Scope(user), wish=wish, promise=True, display_name=shown)
        if stage == WishStatus.CLAIMED:
            continue
        wish = services.wish_fulfil(actor=Scope(user), wish=wish, photo=_photo(i), note="已送到老人家中，网格员陪同")
        if stage == WishStatus.THANKED:
            services.wish_thank(actor=None, wish=wish, thanks=THANKS[i % len(THANKS)])
    return made


def load_demo(*, stdout: TextIO | None = None) -> None:
    """Create the demo lists, projects and wishes (idempotent). Missing communities are skipped."""
    out = _Out(stdout)
    users = _users()
    totals = {"communities": 0, "projects": 0, "wishes": 0}
    counter = [0]
    for plan in PLANS:
        community = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name=plan.community).first()
        if community is None:
            out(f"需求资源项目：未找到{plan.community}，跳过 / matching: {plan.community} not found, skipped.")
            continue
        with transaction.atomic():
            grids = _grids(community)
            needs = _needs(plan, community, grids)
            resources = _resources(plan, community, grids)
            totals["projects"] += _projects(plan, community, needs, resources)
            totals["wishes"] += _wishes(plan, community, users, counter)
        totals["communities"] += 1
    by_status = {s: Wish.objects.filter(status=s).count() for s in WishStatus.values}
    out(
        f"需求·资源·项目 / Matching: {totals['communities']} 个社区 communities, "
        f"{Need.objects.count()} 条需求 needs, {Resource.objects.count()} 项资源 resources, "
        f"{Project.objects.count()} 个项目 projects; 微心愿 micro-wishes {by_status}."
    )
