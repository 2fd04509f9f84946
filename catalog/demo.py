"""Demo data for the catalog: 康平社区's service list and kitchen, 中福社区's classes.

* 康平社区: a "便民服务清单" of paid and free services; the price rules of the report (60–79岁
  减1元, 80岁以上减2元), free meals for children in hardship, a friendly-merchant discount for
  delivery riders and couriers; 康小鲜社区私房's kitchen with two dishes a day over the last three
  weeks, 50+ orders a day ("线上预订+定点取餐"), most picked up, a few cancelled, a few no-shows,
  and tomorrow's menu open for orders (the resident login 刘桂芳 has orders of her own).
* 中福社区: 源艺文化培训中心's 四点半课堂, 周末成长营, 假期研习社, erhu and calligraphy classes and
  the community's elder day care, with about 700 enrolments (some on waiting lists) and
  attendance at the last sessions.

Everything goes through the services (prices, portions, payments, ledger, service records).
Idempotent: a day whose menu exists is skipped, a class with enrolments is skipped. Fast enough
for ``make demo``: rules and buyers are priced once per resident, not per order.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from catalog import services
from catalog.models import Category, Enrolment, Item, ItemKind, Meal, Order, OrderStatus, PriceRule
from catalog.services.items import buyer_for, rules_for
from catalog.services.meals import cutoff_for
from orgs.models import NodeKind, OrgNode, RoleGrant
from orgs.roles import Role
from orgs.scope import Scope
from partners.models import Partner
from records.models import ProviderKind, TargetGroup, Tier
from residents.models import Resident, VulnerableTag

DAYS = 14
SMALL_DAYS = 3

E, C, Y, A = TargetGroup.ELDERLY, TargetGroup.CHILDREN, TargetGroup.YOUTH, TargetGroup.EVERYONE

# (category, name, provider kind, provider name, tier, price fen, unit, place, schedule, groups, eligibility)
KANGPING_LIST = [
    ("居家养老", "助浴上门", ProviderKind.PARTNER, "康乐居家养老", Tier.LOW_COST, 3000, "次", "上门", "预约", [E], "失能、半失能老人"),
    ("居家养老", "陪诊代办", ProviderKind.VOLUNTEER, "红帽子志愿队", Tier.FREE, 0, "", "上门", "预约", [E], "独居、高龄老人"),
    ("居家养老", "健康讲座", ProviderKind.COMMUNITY, "", Tier.FREE, 0, "", "多功能厅", "每月第一个周三上午", [E], ""),
    ("就业服务", "零工招聘会", ProviderKind.COMMUNITY, "", Tier.FREE, 0, "", "社区广场", "每周三上午", [Y, A], ""),
    ("就业服务", "直播带货培训", ProviderKind.PARTNER, "知学培训", Tier.LOW_COST, 5000, "期", "多功能厅", "每月一期", [Y], ""),
    ("生活服务", "免费理发", ProviderKind.VOLUNTEER, "巧匠友邻", Tier.FREE, 0, "", "活动室", "每月15日上午", [E], ""),
    ("生活服务", "家电维修", ProviderKind.VOLUNTEER, "巧匠友邻", Tier.FREE, 0, "", "上门", "预约", [A], "特殊群体家庭免费"),
    ("生活服务", "磨刀", ProviderKind.MERCHANT, "老李磨刀", Tier.LOW_COST, 500, "把", "社区广场", "集市日", [A], ""),
    ("生活服务", "地毯清洗", ProviderKind.MERCHANT, "洁丽家政", Tier.MARKET, 8000, "块", "上门", "预约", [A], ""),
    ("宠物服务", "宠物洗护", ProviderKind.MERCHANT, "萌宠小屋", Tier.MARKET, 6000, "次", "社区底商", "每天", [A], ""),
    ("婚恋服务", "青年联谊会", ProviderKind.COMMUNITY, "", Tier.FREE, 0, "", "多功能厅", "每季度", [Y], "单身青年"),
    ("学习托管", "共享自习室", ProviderKind.PARTNER, "知学共享自习室", Tier.LOW_COST, 1000, "半天", "二楼学习角", "每天9:00-21:00", [Y, C], ""),
    ("政务帮办", "社保认证帮办", ProviderKind.GOVERNMENT, "街道便民服务中心", Tier.FREE, 0, "", "服务大厅", "工作日", [E], ""),
    ("政务帮办", "居住证代办", ProviderKind.GOVERNMENT, "街道便民服务中心", Tier.FREE, 0, "", "服务大厅", "工作日", [A], ""),
    ("义诊服务", "免费义诊", ProviderKind.MERCHANT, "区人民医院", Tier.FREE, 0, "", "社区广场", "每月集市日", [E, A], ""),
]

DISHES = [
    ("手工菠菜面套餐", "胡萝卜手擀面套餐"),
    ("紫甘蓝水饺", "番茄鸡蛋面"),
    ("三鲜馄饨", "炸酱面套餐"),
    ("西红柿打卤面", "韭菜盒子配小米粥"),
]

ZHONGFU_CLASSES = [
    ("四点半课堂", Tier.LOW_COST, 300, "天", "周一至周五 16:30-18:30", 160, [C], "小学生"),
    ("周末成长营", Tier.LOW_COST, 2000, "期", "周六 9:00-11:30", 140, [C, Y], "6–14岁"),
    ("假期研习社", Tier.LOW_COST, 3000, "期", "寒暑假 周一至周五上午", 150, [C, Y], ""),
    ("二胡班", Tier.LOW_COST, 1500, "月", "周二、周四 19:00-20:30", 90, [E, A], ""),
    ("书法班", Tier.LOW_COST, 1200, "月", "周三 15:00-16:30", 100, [E, A], ""),
    ("手工坊公益课", Tier.FREE, 0, "", "每月第二个周六下午", 60, [C], ""),
]


class _Out:
    def __init__(self, stdout: TextIO | None) -> None:
        self.stdout = stdout

    def __call__(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")


def _community(name: str) -> OrgNode | None:
    return OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name=name).first()


def _desk(community: OrgNode):
    grant = (
        RoleGrant.objects.filter(node=community, role=Role.COMMUNITY_STAFF, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    return grant.user if grant else None


def _category(community, name, order):
    return services.category_create(actor=None, community=community, name=name, sort_order=order)


def _item(community, category, name, **fields) -> Item:
    existing = Item.objects.filter(community=community, name=name).first()
    return existing or services.item_create(actor=None, community=community, category=category, name=name, **fields)


def _rule(community, label, **fields) -> None:
    if not PriceRule.objects.filter(community=community, label=label).exists():
        services.price_rule_create(actor=None, community=community, label=label, **fields)


def _kangping(out: _Out, rng: random.Random, small: bool) -> None:
    community = _community("康平社区")
    kitchen = Partner.objects.filter(community__name="康平社区", name="康小鲜社区私房").first()
    desk = _desk(community) if community else None
    if community is None or kitchen is None or desk is None:
        out("服务清单：未找到康平社区或康小鲜社区私房，跳过 / catalog: 康平社区's kitchen not found, skipped.")
        return
    with transaction.atomic():
        cats: dict[str, Category] = {}
        for i, row in enumerate(KANGPING_LIST):
            cat, name, pkind, pname, tier, price, unit, place, schedule, groups, elig = row
            cats.setdefault(cat, _category(community, cat, len(cats) * 10))
            partner = Partner.objects.filter(community=community, name=pname).first() if pkind == "partner" else None
            _item(
                community,
                cats[cat],
                name,
                provider_kind=pkind if (pkind != "partner" or partner) else ProviderKind.MERCHANT,
                partner=partner,
                provider_name="" if partner else pname,
                tier=tier,
                price_fen=price,
                price_unit=unit,
                place=place,
                schedule=schedule,
                target_groups=groups,
                eligibility=elig,
                sort_order=i,
            )
        meals_cat = _category(community, "助餐服务", 0)
        commitment = kitchen.commitments.order_by("pk").first()
        item = _item(
            community,
            meals_cat,
            "康小鲜社区助餐（线上预订+定点取餐）",
            kind=ItemKind.MEAL,
            provider_kind=ProviderKind.PARTNER,
            partner=kitchen,
            tier=Tier.LOW_COST,
            price_fen=1200,
            price_unit="份",
            place="社区一楼取餐点",
            schedule="前一天20:00前预订，次日11:00-12:30取餐",
            target_groups=[E, A],
            eligibility="本社区居民；80岁以上行动不便老人可送餐上门",
            delivery_min_age=80,
            commitment=commitment,
            description="手工蔬菜面食，菠菜、胡萝卜、紫甘蓝榨汁和面。每个餐盒贴有订单标签，凭取餐码取餐。",
        )
        _rule(community, "60–79岁长者", kind="age", min_age=60, max_age=79, effect="amount_off", amount_fen=100,
              category=meals_cat)
        _rule(community, "80岁以上长者", kind="age", min_age=80, effect="amount_off", amount_fen=200, category=meals_cat)
        child = VulnerableTag.objects.filter(code="child_hardship").first()
        if child:
            _rule(community, "困境儿童免费", kind="tag", tag=child, effect="free")
        _rule(community, "骑手、快递员友好价", kind="worker", effect="percent_off", percent=10, stacks=True)
    _kitchen_days(out, rng, community, item, kitchen, desk, small)


def _kitchen_days(out, rng, community, item, kitchen, desk, small) -> None:
    residents = list(
        Resident.objects.filter(community=community).select_related("building").prefetch_related("tags")
    )
    if not residents:
        return
    featured = next((r for r in residents if r.user_id), None)
    rules = rules_for(community.pk)
    all_tags = list(VulnerableTag.objects.all())
    # Older residents order more: they are who the kitchen serves.
    today = timezone.localdate()
    buyers = {r.pk: buyer_for(r, on=today, tags=_tags(r, all_tags)) for r in residents}
    weights = [4 if (buyers[r.pk].age or 0) >= 60 else 1 for r in residents]
    desk_scope = Scope(desk)
    days = SMALL_DAYS if small else DAYS
    per_day = (8, 12) if small else (51, 58)
    made_orders = 0
    real_now = timezone.now()
    for offset in range(-days, 2):
        day = today + dt.timedelta(days=offset)
        pair = DISHES[(day.toordinal()) % len(DISHES)]
        if Meal.objects.filter(item=item, serve_date=day).exists():
            continue
        with transaction.atomic():
            meals = []
            for n, dish in enumerate(pair):
                meals.append(
                    services.meal_create(
                        actor=None,
                        item=item,
                        serve_date=day,
                        name=dish,
                        portions=40 if not small else 10,
                        pickup_point="社区一楼取餐点",
                        pickup_start=dt.time(11, 0) if n == 0 else dt.time(17, 0),
                        pickup_end=dt.time(12, 30) if n == 0 else dt.time(18, 30),
                    )
                )
            cutoff = cutoff_for(item, day)
            wanted = rng.randint(*per_day) if offset <= 0 else rng.randint(per_day[0] // 2, per_day[0])
            chosen = _pick(rng, residents, weights, wanted)
            if featured is not None and featured not in chosen and offset % 3 == 0:
                chosen.append(featured)
            orders = []
            left = {m.pk: m.portions for m in meals}
            for i, resident in enumerate(chosen):
                meal = meals[i % 2]
                if left[meal.pk] < 1:
                    meal = meals[(i + 1) % 2]
                if left[meal.pk] < 1:
                    break
                left[meal.pk] -= 1
                placed = cutoff - dt.timedelta(hours=rng.randint(1, 30), minutes=rng.randint(0, 59))
                placed = min(placed, real_now - dt.timedelta(minutes=len(chosen) - i))
                actor = Scope(resident.user) if resident.user_id else desk_scope
                buyer = buyers[resident.pk]
                quote = services.quote_for(item=item, resident=resident, on=day, rules=rules, buyer=buyer)
                order = services.order_create(
                    actor=actor,
                    meal=meal,
                    resident=resident,
                    delivery=(buyer.age or 0) >= 85 and rng.random() < 0.5,
                    now=placed,
                    quote=quote,
                )
                orders.append((order, placed))
            made_orders += len(orders)
            if offset > 0:
                continue
            now = timezone.now()
            for order, placed in orders:
                if rng.random() < 0.03:
                    services.order_cancel(actor=desk_scope, order=order, now=placed + dt.timedelta(minutes=20))
            for meal in meals:
                start = timezone.make_aware(dt.datetime.combine(day, meal.pickup_start))
                end = timezone.make_aware(dt.datetime.combine(day, meal.pickup_end))
                if end > now:
                    continue  # today's later meal: still being picked up
                for order in Order.objects.filter(meal=meal, status=OrderStatus.PLACED).select_related(
                    "meal", "meal__item", "meal__item__category", "resident", "community", "partner"
                ):
                    if rng.random() < 0.04:
                        continue  # a no-show
                    at = start + dt.timedelta(minutes=rng.randint(0, int((end - start).total_seconds() // 60) - 1))
                    services.order_hand_over(actor=None, order=order, delivered=order.delivery, now=at)
                services.meal_record_no_shows(actor=None, meal=meal, now=end + dt.timedelta(minutes=30))
    # The kitchen settles its revenue monthly; its agreement shares none, the statement still
    # shows the month's revenue, portions and what the ledger holds.
    out(
        f"服务清单 / Catalog: 康平社区 {Item.objects.filter(community=community).count()} 项服务 services, "
        f"{made_orders} 份新订单 new meal orders over {days} days."
    )


def _tags(resident, all_tags):
    from residents.selectors import effective_tags

    return effective_tags(resident, all_tags)


def _pick(rng: random.Random, people: list, weights: list[int], n: int) -> list:
    n = min(n, len(people))
    chosen: dict[int, object] = {}
    tries = 0
    while len(chosen) < n and tries < n * 20:
        person = rng.choices(people, weights=weights, k=1)[0]
        chosen.setdefault(person.pk, person)
        tries += 1
    return list(chosen.values())


def _zhongfu(out: _Out, rng: random.Random, small: bool) -> None:
    community = _community("中福社区")
    centre = Partner.objects.filter(community__name="中福社区", name="源艺文化培训中心").first()
    desk = _desk(community) if community else None
    if community is None or centre is None or desk is None:
        out("服务清单：未找到中福社区或源艺文化培训中心，跳过 / catalog: 中福社区's classes not found, skipped.")
        return
    residents = list(Resident.objects.filter(community=community).order_by("pk"))
    with transaction.atomic():
        category = _category(community, "亲邻之家课堂", 0)
        care = _category(community, "长者照料", 10)
        items = []
        for i, (name, tier, price, unit, schedule, capacity, groups, elig) in enumerate(ZHONGFU_CLASSES):
            items.append(
                _item(
                    community,
                    category,
                    name,
                    kind=ItemKind.CLASS,
                    provider_kind=ProviderKind.PARTNER,
                    partner=centre,
                    tier=tier,
                    price_fen=price,
                    price_unit=unit,
                    place="帕佳图亲邻之家",
                    schedule=schedule,
                    capacity=capacity if not small else 4,
                    target_groups=groups,
                    eligibility=elig,
                    sort_order=i,
                    commitment=centre.commitments.order_by("pk").first() if tier == Tier.FREE else None,
                )
            )
        items.append(
            _item(
                community,
                care,
                "长者日间照料",
                kind=ItemKind.CLASS,
                provider_kind=ProviderKind.COMMUNITY,
                provider_name="中福社区居委会",
                tier=Tier.FREE,
                price_fen=0,
                place="社区长者饭堂",
                schedule="周一至周五 8:30-17:00",
                capacity=30 if not small else 3,
                target_groups=[E],
                eligibility="本社区60岁以上老人",
            )
        )
        _rule(community, "困境儿童免费", kind="tag", tag=VulnerableTag.objects.filter(code="child_hardship").first(),
              effect="free")
        _rule(community, "低保家庭半价", kind="tag", tag=VulnerableTag.objects.filter(code="dibao").first(),
              effect="percent_off", percent=50)
    desk_scope = Scope(desk)
    now = timezone.now()
    total = 0
    for item in items:
        if Enrolment.objects.filter(item=item).exists():
            continue
        with transaction.atomic():
            n = min(len(residents), (item.capacity or 10) + (6 if not small else 1))
            chosen = rng.sample(residents, n)
            enrolled = []
            for k, resident in enumerate(chosen):
                e = services.enrolment_create(
                    actor=desk_scope, item=item, resident=resident, now=now - dt.timedelta(days=28, minutes=n - k)
                )
                if e.status == "enrolled":
                    enrolled.append(e)
                    if e.amount_fen:
                        services.payment_confirm(actor=None, payable=e, at=now - dt.timedelta(days=27))
            total += n
            if enrolled and rng.random() < 0.9:
                services.enrolment_withdraw(actor=desk_scope, enrolment=enrolled[0], now=now - dt.timedelta(days=20))
            for week in (2, 1):
                starts = timezone.make_aware(
                    dt.datetime.combine(timezone.localdate() - dt.timedelta(days=7 * week), dt.time(16, 30))
                )
                session = services.session_create(actor=None, item=item, starts_at=starts, topic=f"第{3 - week}次课")
                present = {
                    e.pk
                    for e in Enrolment.objects.filter(item=item, status="enrolled").only("pk")
                    if rng.random() < 0.9
                }
                services.attendance_record(actor=None, session=session, present_ids=present)
    out(
        f"服务清单 / Catalog: 中福社区 {Enrolment.objects.filter(community=community).count()} 人次报名 enrolments "
        f"({total} new) in {len(items)} classes."
    )


def load_demo(*, stdout: TextIO | None = None) -> None:
    import time

    started = time.monotonic()
    out = _Out(stdout)
    small = Resident.objects.filter(community__name="康平社区").count() < 100
    rng = random.Random(20260501)
    _kangping(out, rng, small)
    _zhongfu(out, rng, small)
    out(f"服务清单 / Catalog demo: {time.monotonic() - started:.1f}s")
