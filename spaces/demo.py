"""Demo rooms and bookings for the communities of the reports (``load_demo``).

The rooms are the ones the reports name: 康平社区's 社区私房 kitchen (康小鲜) and the shared study
room made from a learning corner on the first floor up; 溡源社区's 暖奶奶 workshop, dental room and
Wednesday-morning gig-job fair; 中福社区's 亲邻之家 in the 帕佳图 public building (book corner, craft
workshop, ball pool, science hall, after-school classroom); 凤凰社区's new centre of 1,830 m² with 20+
rooms; 和平社区's forklift training base; 城南社区's neighbourhood centre; 闻韶社区's red post.

Heshan's six community enterprises rented out "瑜伽室、阅览室、书法室、画室等 … 1011m²": the rooms
marked ``lent`` below, across 凤凰, 谷埠, 雁山, 桂林, 南山 and 和平社区, add up to exactly 1,011 m². The
partners app's agreements book them for partners; this module books only community activities,
volunteer teams and resident groups, at times chosen not to take the partners' likely slots
(weekday 16:30–18:30 after-school classes and the lent rooms are left alone).

Bookings run from four weeks ago to eight weeks ahead, so utilisation has a history on the first
day. The past ones are made with ``now`` set to their first date: the services refuse the past
otherwise. Safe to run again: rooms are matched by name and series by title, and nothing that
exists is touched. Communities that are not in the database are skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from linli.errors import DomainError
from orgs.models import NodeKind, OrgNode
from spaces import hours, services
from spaces.models import BookingSeries, HolderKind, Room, RoomFunction, SpaceStandard

SOURCE = "spaces.demo"

OFFICE = "周一至周五 08:30-12:00、14:00-17:30"
# 延时错时: open through lunch on some days, into the evening on weekdays, and at weekends.
EXTENDED = "周一至周五 08:30-12:00、14:00-21:00；周六、周日 09:00-17:00"
EVENINGS = "周一至周五 14:00-21:00；周六、周日 09:00-21:00"
LONG_DAY = "每天 08:00-21:00"
KITCHEN = "每天 06:00-19:00"
CENTRE = "周一至周五 08:30-20:30；周六、周日 08:30-17:30"


@dataclass(frozen=True)
class RoomPlan:
    name: str
    function: str  # RoomFunction.code
    area: int
    capacity: int
    hours: str
    floor: int | None = 1
    facilities: str = ""
    also: tuple[str, ...] = ()
    description: str = ""
    lent: bool = False  # rented out to a partner (Heshan's 1,011 m²)


@dataclass(frozen=True)
class SeriesPlan:
    room: str
    title: str
    holder_kind: str
    holder_name: str
    weekdays: tuple[int, ...]
    start: str
    end: str


@dataclass(frozen=True)
class OneOffPlan:
    room: str
    title: str
    holder_kind: str
    holder_name: str
    weekday: int  # the next such weekday after today
    start: str
    end: str


@dataclass(frozen=True)
class CommunitySpaces:
    rooms: tuple[RoomPlan, ...]
    series: tuple[SeriesPlan, ...] = ()
    one_offs: tuple[OneOffPlan, ...] = field(default=())


A, RG, VT = HolderKind.ACTIVITY, HolderKind.RESIDENT_GROUP, HolderKind.VOLUNTEER_TEAM

PLANS: dict[str, CommunitySpaces] = {
    "康平社区": CommunitySpaces(
        rooms=(
            RoomPlan("康小鲜社区私房", "kitchen", 40, 6, KITCHEN, floor=1, facilities="灶台、和面机、冷藏柜、消毒柜",
                     description="居民张丽君创业的社区厨房，线上预订、定点取餐，不设堂食"),
            RoomPlan("共享自习室", "study", 60, 24, "每天 08:00-22:00", floor=2, facilities="书桌、台灯、无线网络、储物柜",
                     also=("reading",), description="由二楼社区学习角改造，与专业机构合作运营，利润的30%纳入社区发展基金"),
            RoomPlan("书法室", "calligraphy", 45, 16, EXTENDED, floor=2, facilities="书法桌、笔墨纸砚、作品展示墙"),
            RoomPlan("多功能厅", "multipurpose", 150, 80, EXTENDED, floor=1, facilities="投影仪、音响、折叠椅、舞台"),
            RoomPlan("党员活动室", "party_activity", 60, 30, OFFICE, floor=3, facilities="会议桌、投影仪", also=("consultation",)),
            RoomPlan("便民服务大厅", "service_hall", 120, 20, OFFICE, floor=1, facilities="自助服务终端、叫号机"),
            RoomPlan("阅览室", "reading", 50, 20, EXTENDED, floor=2, facilities="书架、阅读桌、图书3000册"),
        ),
        series=(
            SeriesPlan("书法室", "硬笔书法公益课", A, "康平社区居委会", (5,), "09:00", "11:00"),
            SeriesPlan("多功能厅", "银发合唱团排练", RG, "康平银发合唱团", (1, 3), "14:30", "16:30"),
            SeriesPlan("多功能厅", "周末亲子活动", A, "康平社区居委会", (6,), "09:30", "11:30"),
            SeriesPlan("阅览室", "读书分享会", RG, "康平读书会", (2,), "19:00", "20:30"),
            SeriesPlan("党员活动室", "党员学习日", A, "康平社区党委", (4,), "09:00", "11:00"),
            SeriesPlan("多功能厅", "太极拳晨练", RG, "康平太极拳队", (0, 2, 4), "08:30", "10:30"),
            SeriesPlan("阅览室", "长者读报", VT, "康平志愿服务队", (0, 1, 2, 3, 4), "09:00", "11:00"),
            SeriesPlan("书法室", "老年书法班", A, "康平社区老年学校", (0, 2), "09:00", "11:00"),
        ),
        one_offs=(OneOffPlan("多功能厅", "居民议事会", A, "康平社区居委会", 4, "19:00", "20:30"),),
    ),
    "溡源社区": CommunitySpaces(
        rooms=(
            RoomPlan("暖奶奶手工坊", "workshop", 80, 20, EXTENDED, floor=1, facilities="缝纫机、工作台、展示柜",
                     description="老人制作棉衣、编织手工艺品，线上线下销售，收益反哺社区"),
            RoomPlan("溡源口腔", "health_station", 50, 6, CENTRE, floor=1, facilities="牙科综合治疗台、消毒间"),
            RoomPlan("多功能厅", "multipurpose", 120, 60, EXTENDED, floor=2, facilities="投影仪、音响、桌椅"),
            RoomPlan("乐爷爷维修室", "workshop", 25, 4, OFFICE, floor=1, facilities="工具墙、焊台"),
            RoomPlan("党员活动室", "party_activity", 50, 25, OFFICE, floor=2),
        ),
        series=(
            SeriesPlan("多功能厅", "零工招聘会", A, "溡源社区就业服务站", (2,), "08:30", "11:30"),
            SeriesPlan("多功能厅", "太极拳队训练", RG, "溡源太极拳队", (0, 4), "15:00", "16:30"),
        ),
    ),
    "中福社区": CommunitySpaces(
        rooms=(
            RoomPlan("亲邻之家·图书角", "reading", 40, 15, EVENINGS, floor=1, facilities="绘本、书架、阅读垫",
                     description="帕佳图小区公建配套房活化利用"),
            RoomPlan("亲邻之家·手工坊", "painting", 45, 16, EVENINGS, floor=1, also=("workshop",), facilities="手工桌、画架、材料柜"),
            RoomPlan("亲邻之家·波波池", "children_home", 35, 12, EVENINGS, floor=1, facilities="波波池、软垫"),
            RoomPlan("亲邻之家·科普展馆", "safety", 60, 25, EVENINGS, floor=1, facilities="科普展板、互动装置"),
            RoomPlan("亲邻之家·课堂", "after_school", 55, 30, EVENINGS, floor=1, facilities="课桌椅、白板",
                     description="四点半课堂、周末成长营、假期研习社"),
            RoomPlan("党群服务中心会议室", "consultation", 50, 30, OFFICE, floor=2),
        ),
        series=(
            SeriesPlan("亲邻之家·手工坊", "亲子手工公益课", A, "中福社区", (5,), "10:00", "11:30"),
            SeriesPlan("亲邻之家·科普展馆", "科普开放日", VT, "中福社区志愿服务队", (6,), "14:00", "16:00"),
        ),
    ),
    "凤凰社区": CommunitySpaces(
        rooms=(
            RoomPlan("便民服务大厅", "service_hall", 200, 30, OFFICE, floor=1),
            RoomPlan("党员活动室", "party_activity", 90, 40, OFFICE, floor=2),
            RoomPlan("议事协商室", "consultation", 45, 20, OFFICE, floor=2),
            RoomPlan("网格工作站", "grid_station", 30, 6, OFFICE, floor=1),
            RoomPlan("调解室", "mediation", 25, 6, OFFICE, floor=1),
            RoomPlan("多功能厅", "multipurpose", 260, 150, EXTENDED, floor=1, facilities="舞台、LED屏、音响"),
            RoomPlan("七叶树下文祯图书中心", "reading", 120, 40, LONG_DAY, floor=2, facilities="书架、阅读桌、电脑",
                     description="居民李莉入伙建设的图书中心，服务全龄段读者", lent=True),
            RoomPlan("瑜伽室", "yoga", 80, 20, EXTENDED, floor=3, facilities="瑜伽垫、镜墙、音响", lent=True),
            RoomPlan("书法室", "calligraphy", 60, 20, EXTENDED, floor=3, facilities="书法桌、笔墨纸砚", lent=True),
            RoomPlan("画室", "painting", 70, 20, EXTENDED, floor=3, facilities="画架、水池", lent=True,
                     description="暑假与暑托机构合作提供作业辅导"),
            RoomPlan("生命健康安全体验馆", "safety", 150, 40, OFFICE, floor=1, facilities="逃生演练、急救模拟设备"),
            RoomPlan("日间照料中心", "elder_day_care", 180, 40, CENTRE, floor=1, facilities="休息床位、康复器材"),
            RoomPlan("长者食堂", "elder_canteen", 120, 60, "每天 10:30-13:00、16:30-18:30", floor=1),
            RoomPlan("儿童之家", "children_home", 90, 30, EXTENDED, floor=2),
            RoomPlan("心理咨询室", "psych", 30, 4, OFFICE, floor=2),
            RoomPlan("健康小屋", "health_hut", 30, 4, OFFICE, floor=1, facilities="自助体检一体机、血压计"),
            RoomPlan("就业服务站", "job_service", 40, 10, OFFICE, floor=1),
            RoomPlan("志愿服务站", "volunteer", 35, 10, EXTENDED, floor=1),
            RoomPlan("新就业群体驿站", "new_employment", 45, 12, "每天 08:00-22:00", floor=1, facilities="充电柜、饮水机、微波炉"),
            RoomPlan("仓库", "storage", 90, 0, OFFICE, floor=-1),
            RoomPlan("办公室", "office", 40, 8, OFFICE, floor=2),
        ),
        series=(
            SeriesPlan("多功能厅", "银发合唱团", RG, "凤凰银发合唱团", (1,), "09:30", "11:30"),
            SeriesPlan("生命健康安全体验馆", "安全体验开放日", VT, "凤凰社区志愿服务队", (2,), "14:30", "16:30"),
            SeriesPlan("儿童之家", "周末亲子阅读", A, "凤凰社区居委会", (5,), "09:30", "11:00"),
            SeriesPlan("日间照料中心", "长者健康讲座", A, "凤凰社区居委会", (3,), "09:30", "11:00"),
        ),
    ),
    "雁山社区": CommunitySpaces(
        rooms=(
            RoomPlan("心理咨询室", "psych", 45, 10, EXTENDED, floor=2, also=("music",), lent=True,
                     description="与培训机构合作开设二胡培训班"),
            RoomPlan("舞蹈室", "dance", 85, 25, EXTENDED, floor=2, facilities="把杆、镜墙、木地板", lent=True),
            RoomPlan("党群服务中心活动室", "children_home", 70, 30, EXTENDED, floor=1, description="假期小朋友写作业、做游戏"),
        ),
        series=(SeriesPlan("党群服务中心活动室", "假期学习角", VT, "雁山社区志愿服务队", (0, 2, 4), "09:00", "11:30"),),
    ),
    "谷埠社区": CommunitySpaces(
        rooms=(
            RoomPlan("茶饮文创室", "workshop", 55, 15, EXTENDED, floor=1, lent=True),
            RoomPlan("音乐室", "music", 70, 30, EXTENDED, floor=2, facilities="钢琴、合唱台阶", lent=True),
            RoomPlan("多功能厅", "multipurpose", 110, 60, EXTENDED, floor=1),
        ),
    ),
    "桂林社区": CommunitySpaces(
        rooms=(
            RoomPlan("画室", "painting", 50, 15, EXTENDED, floor=2, lent=True),
            RoomPlan("阅览室", "reading", 60, 20, EXTENDED, floor=1),
        ),
    ),
    "南山社区": CommunitySpaces(
        rooms=(
            RoomPlan("舞蹈室", "dance", 56, 15, EXTENDED, floor=2, description="芭蕾形体私教课", lent=True),
            RoomPlan("党员活动室", "party_activity", 60, 30, OFFICE, floor=1),
        ),
    ),
    "和平社区": CommunitySpaces(
        rooms=(
            RoomPlan("叉车培训基地", "training", 260, 20, "周一至周六 08:00-18:00", floor=1, facilities="叉车3台、训练场地",
                     description="与鹤山市瑞腾特种作业安全技术培训有限公司合作", lent=True),
            RoomPlan("托管教室", "after_school", 60, 30, EXTENDED, floor=2, facilities="课桌椅、五子棋", lent=True,
                     description="与优阅托管合作的暑托班"),
            RoomPlan("就业服务站", "job_service", 45, 20, OFFICE, floor=1, also=("training",), description="直播带货培训"),
            RoomPlan("党群服务中心活动室", "multipurpose", 100, 50, EXTENDED, floor=1),
        ),
        series=(SeriesPlan("党群服务中心活动室", "五子棋擂台", A, "和平社区居委会", (5,), "14:30", "16:30"),),
    ),
    "城南社区": CommunitySpaces(
        rooms=(
            RoomPlan("社区老年大学教室", "multipurpose", 120, 50, CENTRE, floor=2),
            RoomPlan("技能培训课堂", "training", 80, 30, CENTRE, floor=2),
            RoomPlan("时尚健身中心", "fitness", 200, 40, "每天 06:30-21:30", floor=1, facilities="跑步机、力量器械、淋浴"),
            RoomPlan("瑜伽室", "yoga", 70, 20, CENTRE, floor=3),
            RoomPlan("亲子娱乐空间", "children_home", 90, 30, CENTRE, floor=1),
            RoomPlan("读书漂流区", "reading", 60, 20, LONG_DAY, floor=1),
            RoomPlan("康养护理室", "care_room", 80, 12, CENTRE, floor=1),
            RoomPlan("邻里餐厅", "elder_canteen", 150, 80, "每天 10:30-13:30、16:30-19:00", floor=1),
        ),
        series=(
            SeriesPlan("社区老年大学教室", "老年大学·书画班", A, "城南社区老年大学", (0, 2), "09:00", "11:00"),
            SeriesPlan("瑜伽室", "宝妈瑜伽公益课", RG, "城南宝妈互助群", (1, 3), "19:00", "20:00"),
        ),
    ),
    "闻韶社区": CommunitySpaces(
        rooms=(
            RoomPlan("红色驿站·暖心茶室", "consultation", 50, 20, EXTENDED, floor=1),
            RoomPlan("“闻”暖手工坊", "workshop", 70, 20, EXTENDED, floor=1, description="宝妈和闲置劳动力做手工创收"),
            RoomPlan("党员活动室", "party_activity", 60, 30, OFFICE, floor=2),
            RoomPlan("多功能厅", "multipurpose", 140, 80, EXTENDED, floor=1),
        ),
        series=(SeriesPlan("“闻”暖手工坊", "手工技能培训", A, "闻韶社区", (3,), "14:30", "16:30"),),
    ),
}


def _minutes(text: str) -> dt.time:
    hh, mm = text.split(":")
    return dt.time(int(hh), int(mm))


def _write(stdout, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def _link_standards() -> None:
    """A standard seeded under a city's name is linked to that city once the city exists."""
    for standard in SpaceStandard.objects.filter(city__isnull=True).exclude(city_name=""):
        city = OrgNode.objects.filter(kind=NodeKind.CITY, name=standard.city_name).first()
        if city is not None and not SpaceStandard.objects.filter(city=city).exists():
            standard.city = city
            standard.save(update_fields=["city"])


def _room(community: OrgNode, plan: RoomPlan, functions: dict[str, RoomFunction]) -> tuple[Room, bool]:
    existing = Room.objects.filter(community=community, name=plan.name).first()
    if existing is not None:
        return existing, False
    fields = services.RoomFields(
        name=plan.name,
        function=functions[plan.function],
        area_m2=plan.area,
        capacity=plan.capacity,
        floor=plan.floor,
        facilities=plan.facilities,
        week=hours.parse_week(plan.hours),
        also_functions=[functions[code] for code in plan.also],
        description=plan.description,
    )
    return services.room_create(actor=None, community=community, fields=fields), True


def load_demo(*, stdout=None) -> None:
    """Rooms and activity bookings for every demo community that exists; idempotent."""
    functions = {f.code: f for f in RoomFunction.objects.all()}
    today = timezone.localdate()
    first = today - dt.timedelta(days=today.weekday() + 28)  # the Monday four weeks back
    last = today + dt.timedelta(weeks=8)
    rooms_made = series_made = 0
    with transaction.atomic():
        _link_standards()
        for name, plan in PLANS.items():
            community = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name=name).order_by("path").first()
            if community is None:
                continue
            rooms: dict[str, Room] = {}
            for room_plan in plan.rooms:
                rooms[room_plan.name], made = _room(community, room_plan, functions)
                rooms_made += made
            for s in plan.series:
                room = rooms[s.room]
                if BookingSeries.objects.filter(room=room, title=s.title, source_type=SOURCE).exists():
                    continue
                try:
                    services.booking_series_create(
                        actor=None, room=room, weekdays=list(s.weekdays), start_time=_minutes(s.start),
                        end_time=_minutes(s.end), first_date=first, last_date=last, holder_kind=s.holder_kind,
                        holder_id=None, holder_name=s.holder_name, title=s.title, source_type=SOURCE,
                        # Dates from four weeks back: demo history for the utilisation pages.
                        now=timezone.make_aware(dt.datetime.combine(first, dt.time())),
                    )
                    series_made += 1
                except DomainError as exc:
                    _write(stdout, f"{name} {s.room} {s.title}: {exc.message}")
            for o in plan.one_offs:
                room = rooms[o.room]
                if room.bookings.filter(title=o.title, source_type=SOURCE).exists():
                    continue
                day = today + dt.timedelta(days=(o.weekday - today.weekday() - 1) % 7 + 1)
                try:
                    services.booking_create(
                        actor=None, room=room,
                        starts_at=timezone.make_aware(dt.datetime.combine(day, _minutes(o.start))),
                        ends_at=timezone.make_aware(dt.datetime.combine(day, _minutes(o.end))),
                        holder_kind=o.holder_kind, holder_id=None, holder_name=o.holder_name, title=o.title,
                        source_type=SOURCE,
                    )
                except DomainError as exc:
                    _write(stdout, f"{name} {o.room} {o.title}: {exc.message}")
    _write(stdout, f"场室 / Rooms: {rooms_made} new; 每周预约 / weekly bookings: {series_made} new.")


def lent_area_m2() -> int:
    """The area of the rooms the plans mark as rented out (Heshan: 1,011 m²)."""
    return sum(room.area for plan in PLANS.values() for room in plan.rooms if room.lent)
