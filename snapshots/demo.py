"""Demo snapshot reports (``load_demo``).

礼乐街道 (江门): the report counts "累计解决垃圾积存、楼道堆放等'微治理'难题156件", raised by the new
employment groups (delivery riders, couriers) as "流动邻里合伙人" through 随手拍/随手带. So: 156
closed reports across 中福社区 and 文苑社区 over the last eight months, mostly rubbish and
stairwell clutter, reported mostly by riders and couriers, each closed by the grid worker with an
after-photo; plus some open ones, a few past their deadline (escalated), and two dismissed.

康平社区 gets a plan with named zones and a few reports of the demo ``resident`` login (刘桂芳,
第一网格), handled by the demo ``grid`` login (韩立新), so a reviewer can try both sides.

Photos are small placeholders drawn with Pillow (no downloads). Everything goes through the
services; each report carries an idempotency key, so a second run adds nothing. Communities that
are not in the database are skipped.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from accounts.services import user_create
from orgs.models import NodeKind, OrgNode, RoleGrant
from orgs.roles import Role
from orgs.scope import Scope
from orgs.services import role_grant
from snapshots import services
from snapshots.models import Category, Plan, Report, Zone

LILE = ("江门市", "江海区", "礼乐街道")
KANGPING = ("淄博市", "临淄区", "辛店街道", "康平社区")

# How the 156 solved reports split between the two communities the report names.
SOLVED = {"中福社区": 90, "文苑社区": 66}
OPEN = {"中福社区": 7, "文苑社区": 6}  # of which the first three of each are past their deadline

CATEGORY_WEIGHTS = {
    "rubbish": 40,
    "stairwell": 25,
    "lights": 12,
    "parking": 8,
    "facilities": 6,
    "water": 4,
    "greenery": 3,
    "safety": 2,
}

NOTES = {
    "rubbish": ["垃圾桶满了溢出来，两天没人清", "绿化带里有人倒了装修垃圾", "垃圾房门口堆了好多纸箱", "快递包装堆在路边"],
    "stairwell": ["三楼楼道堆满纸箱和旧家具，挡住通道", "楼道里停了电动车在充电", "一楼楼梯口堆放杂物，影响通行", "消防通道被旧沙发堵住"],
    "lights": ["楼道灯不亮，晚上送餐看不清台阶", "路灯坏了好几天", "单元门口的灯一闪一闪"],
    "parking": ["电动车乱停堵住单元门", "小车停在消防通道上"],
    "facilities": ["单元门门禁坏了关不上", "小区健身器材螺丝松了", "井盖松动，踩上去会响"],
    "water": ["下水道堵了，路面积水", "雨后地下车库入口积水"],
    "greenery": ["树枝被风吹断挂在半空", "草坪被踩秃了一块"],
    "safety": ["楼道里飞线充电，很危险", "外墙瓷砖有松动"],
}
RESOLUTIONS = {
    "rubbish": ["已联系物业清运", "已清理干净并提醒住户分类投放"],
    "stairwell": ["已上门劝导，住户自行清理", "已联系物业清理楼道杂物"],
    "lights": ["已报修，电工已更换灯泡", "已更换声控灯"],
    "parking": ["已劝离并张贴停车提示", "已联系车主挪车"],
    "facilities": ["已报修，物业已修复", "已维修更换配件"],
    "water": ["已疏通下水道", "已安排清理积水"],
    "greenery": ["已修剪断枝", "已补种草皮"],
    "safety": ["已拆除飞线并宣传安全充电", "已设置警示并报修"],
}
# The new employment groups: "流动邻里合伙人".
REPORTERS = (
    ("lile-rider-1", "美团骑手 陈师傅"),
    ("lile-rider-2", "饿了么骑手 黄师傅"),
    ("lile-rider-3", "美团骑手 梁师傅"),
    ("lile-courier-1", "顺丰快递员 李师傅"),
    ("lile-courier-2", "中通快递员 吴师傅"),
    ("lile-courier-3", "京东快递员 何师傅"),
    ("lile-resident-1", "热心居民 谭阿姨"),
    ("lile-resident-2", "热心居民 区伯"),
)
SURNAMES = "陈黄梁李吴何谭区冯邓"
COLOURS = {
    "rubbish": (120, 110, 90),
    "stairwell": (150, 120, 80),
    "lights": (60, 60, 90),
    "parking": (90, 100, 120),
    "facilities": (110, 110, 110),
    "water": (70, 100, 130),
    "greenery": (70, 120, 60),
    "safety": (160, 80, 60),
}


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _node(names: tuple[str, ...]) -> OrgNode | None:
    node = None
    for name in names:
        node = OrgNode.objects.filter(parent=node, name=name).first()
        if node is None:
            return None
    return node


def _photo(rng: random.Random, colour: tuple[int, int, int], *, after: bool = False) -> SimpleUploadedFile:
    """A 320×240 placeholder: a wall and floor, with clutter before and a clean floor after."""
    img = Image.new("RGB", (320, 240), (200, 200, 195) if after else colour)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 170, 320, 240), fill=(170, 170, 165) if after else tuple(max(0, c - 40) for c in colour))
    if not after:
        for _i in range(rng.randint(3, 6)):
            x, y = rng.randint(10, 260), rng.randint(110, 180)
            draw.rectangle((x, y, x + rng.randint(25, 60), y + rng.randint(20, 50)), fill=(rng.randint(150, 210), rng.randint(110, 160), 70))
    else:
        draw.rectangle((130, 60, 190, 170), fill=(230, 230, 225))  # a clean door
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return SimpleUploadedFile("photo.jpg", buf.getvalue(), content_type="image/jpeg")


def _plan_image(width: int, height: int, blocks: list[tuple[int, int, int, int]]) -> SimpleUploadedFile:
    img = Image.new("RGB", (width, height), (236, 240, 228))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, height // 2 - 18, width, height // 2 + 18), fill=(210, 210, 210))  # the main road
    draw.rectangle((width // 2 - 18, 0, width // 2 + 18, height), fill=(210, 210, 210))
    for x, y, w, h in blocks:
        draw.rectangle((x, y, x + w, y + h), fill=(190, 196, 210), outline=(120, 130, 150), width=3)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile("plan.jpg", buf.getvalue(), content_type="image/jpeg")


def _user(username: str, display_name: str) -> User:
    # No password: these people exist in the demo's history, nobody logs in as them.
    return User.objects.filter(username=username).first() or user_create(username=username, password=None, display_name=display_name)


def _grid_workers(community: OrgNode) -> None:
    """One grid worker per grid that has none, so reports route the way they do in 礼乐街道."""
    short = {"中福社区": "zf", "文苑社区": "wy"}.get(community.name, str(community.pk))
    for i, grid in enumerate(OrgNode.objects.filter(community=community, kind=NodeKind.GRID).order_by("sort_order", "name")):
        if RoleGrant.objects.filter(node=grid, role=Role.GRID_WORKER, revoked_at__isnull=True).exists():
            continue
        user = _user(f"{short}-grid-{i + 1}", f"{SURNAMES[i % len(SURNAMES)]}网格员（{grid.name}）")
        role_grant(user=user, node=grid, role=Role.GRID_WORKER, title=f"{grid.name}专职网格员")


def _plan(community: OrgNode, zones: list[tuple[str, int, tuple[int, int, int, int]]]) -> None:
    """A plan drawn as blocks, with zones (name, grid index, rect in ‰) staff named on it."""
    if not Plan.objects.filter(community=community).exists():
        blocks = [(int(x * 0.8), int(y * 0.6), int(w * 0.8), int(h * 0.6)) for _n, _g, (x, y, w, h) in zones]
        services.plan_set(actor=None, community=community, image=_plan_image(800, 600, blocks))
    grids = list(OrgNode.objects.filter(community=community, kind=NodeKind.GRID).order_by("sort_order", "name"))
    for name, grid_index, (x, y, w, h) in zones:
        if grids and not Zone.objects.filter(community=community, name=name).exists():
            services.zone_create(
                actor=None, community=community, name=name, grid=grids[grid_index % len(grids)], x=x, y=y, w=w, h=h
            )


def _pick_category(rng: random.Random, categories: dict[str, Category]) -> Category:
    codes = [c for c in CATEGORY_WEIGHTS if c in categories]
    return categories[rng.choices(codes, weights=[CATEGORY_WEIGHTS[c] for c in codes])[0]]


def _handler_scope(report: Report) -> Scope | None:
    return Scope(report.assignee) if report.assignee_id else None


def _one(
    *,
    rng: random.Random,
    key: str,
    community: OrgNode,
    reporter: User,
    category: Category,
    places: list,
    reported_at: dt.datetime,
    outcome: str,
    solve_hours: float = 0,
) -> bool:
    """One report and what became of it; False when it was there already."""
    if Report.objects.filter(community=community, idempotency_key=key).exists():
        return False
    place = rng.choice(places)
    building = place if isinstance(place, OrgNode) else None
    zone = place if isinstance(place, Zone) else None
    colour = COLOURS.get(category.code, (120, 120, 120))
    with transaction.atomic():
        report = services.report_create(
            actor=Scope(reporter),
            community=community,
            category=category,
            building=building,
            zone=zone,
            note=rng.choice(NOTES.get(category.code, ["发现问题，请处理"])),
            photos=[_photo(rng, colour) for _i in range(rng.choice((1, 1, 2)))],
            idempotency_key=key,
            now=reported_at,
        )
        handler = _handler_scope(report)
        if outcome in ("accepted", "closed"):
            accept_at = reported_at + dt.timedelta(hours=min(solve_hours / 3, 6) or 1)
            report = services.report_accept(actor=handler, report=report, now=accept_at)
        if outcome == "closed":
            services.report_close(
                actor=handler,
                report=report,
                resolution=rng.choice(RESOLUTIONS.get(category.code, ["已处理"])),
                after_photos=[_photo(rng, colour, after=True)],
                now=reported_at + dt.timedelta(hours=solve_hours),
            )
        elif outcome == "dismissed":
            services.report_dismiss(
                actor=handler, report=report, reason="经核实为私人院内物品，已告知上报人", now=reported_at + dt.timedelta(hours=5)
            )
    return True


def _places(community: OrgNode) -> list:
    buildings = list(OrgNode.objects.filter(community=community, kind=NodeKind.BUILDING))
    return buildings + list(Zone.objects.filter(community=community)) * max(1, len(buildings) // 10)


def _lile(categories: dict[str, Category], now: dt.datetime, stdout) -> int:
    reporters = [_user(username, name) for username, name in REPORTERS]
    made = 0
    for name, solved in SOLVED.items():
        community = _node((*LILE, name))
        if community is None:
            continue
        _grid_workers(community)
        if name == "中福社区":
            _plan(community, [("帕佳图公建前广场", 0, (380, 380, 240, 200)), ("北门垃圾房", 1, (60, 40, 160, 140))])
        places = _places(community)
        if not places:
            continue
        short = "zf" if name == "中福社区" else "wy"
        for i in range(solved):
            key = f"demo-{short}-{i:03d}"
            rng = random.Random(key)  # one per report: a second run draws the same, and skips it
            # Spread over eight months, more in recent ones as the practice caught on.
            days_ago = int(240 * (1 - rng.random() ** 0.8)) + 2
            reported_at = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 12), minutes=rng.randint(0, 59))
            category = _pick_category(rng, categories)
            # Most within the deadline; about one in eight takes longer.
            limit = category.deadline_hours * (1.8 if rng.random() < 0.12 else 0.9)
            made += _one(
                rng=rng, key=key, community=community, reporter=rng.choice(reporters),
                category=category, places=places, reported_at=reported_at, outcome="closed",
                solve_hours=round(rng.uniform(1.5, max(2.0, limit)), 1),
            )
        for i in range(OPEN[name]):
            key = f"demo-{short}-open-{i}"
            rng = random.Random(key)
            category = _pick_category(rng, categories)
            overdue = i < 3
            hours_ago = category.deadline_hours + rng.randint(6, 48) if overdue else rng.randint(1, max(2, category.deadline_hours // 2))
            made += _one(
                rng=rng, key=key, community=community, reporter=rng.choice(reporters),
                category=category, places=places, reported_at=now - dt.timedelta(hours=hours_ago),
                outcome="accepted" if i % 2 else "new",
            )
        rng = random.Random(f"demo-{short}-dismissed")
        made += _one(
            rng=rng, key=f"demo-{short}-dismissed", community=community, reporter=rng.choice(reporters),
            category=categories["stairwell"], places=places, reported_at=now - dt.timedelta(days=20), outcome="dismissed",
        )
        services.reports_escalate_overdue(community=community, now=now)
    return made


def _kangping(categories: dict[str, Category], now: dt.datetime) -> int:
    community = _node(KANGPING)
    if community is None:
        return 0
    _plan(
        community,
        [
            ("北门垃圾分类亭", 0, (80, 60, 180, 140)),
            ("中心广场", 0, (400, 380, 220, 180)),
            ("东门快递柜", 1, (760, 120, 180, 120)),
            ("南区停车场", 2, (620, 700, 300, 220)),
        ],
    )
    resident_user = User.objects.filter(username="resident").first()
    if resident_user is None:
        return 0
    grid1 = OrgNode.objects.filter(community=community, kind=NodeKind.GRID, name="第一网格").first()
    places: list = list(OrgNode.objects.filter(parent=grid1, kind=NodeKind.BUILDING)[:3]) if grid1 else []
    places += list(Zone.objects.filter(community=community, grid=grid1))
    if not places:
        return 0
    rider = _user("kp-rider-1", "美团骑手 赵师傅")
    made = 0
    plan = [
        ("demo-kp-1", resident_user, "stairwell", 26, "closed", 20.0),
        ("demo-kp-2", resident_user, "lights", 30, "closed", 40.0),
        ("demo-kp-3", resident_user, "rubbish", 5, "accepted", 0),
        ("demo-kp-4", resident_user, "facilities", 1, "new", 0),
        ("demo-kp-5", rider, "rubbish", 2, "new", 0),  # rubbish: 24 h, so two days old is overdue
        ("demo-kp-6", rider, "parking", 0, "new", 0),
    ]
    for key, reporter, code, days_ago, outcome, hours in plan:
        made += _one(
            rng=random.Random(key), key=key, community=community, reporter=reporter, category=categories[code], places=places,
            reported_at=now - dt.timedelta(days=days_ago, hours=3), outcome=outcome, solve_hours=hours,
        )
    services.reports_escalate_overdue(community=community, now=now)
    return made


def load_demo(*, stdout: TextIO | None = None) -> None:
    services.categories_ensure_defaults()
    categories = {c.code: c for c in Category.objects.all()}
    now = timezone.now()
    made = _lile(categories, now, stdout) + _kangping(categories, now)
    _say(stdout, f"随手拍 / Snapshot reports: {made} new.")
