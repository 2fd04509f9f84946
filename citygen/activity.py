"""A city's history (second slice): rooms with bookings and service records, per community per
day, inserted in bulk; then the dashboards' rollups recounted from them.

What a day of a community looks like here: three rooms (activity room, reading room, elderly
canteen) with two to four bookings each that never overlap, and 20–60 service records across
the three price tiers, most for a registered resident of the community. Records carry
``source = ("citygen.day", n)`` so a rerun never doubles them (the unique source constraint).
Two communities in three run an elderly canteen that cooks one dish a day (``build_meals``):
10–25 orders, most collected (each with its service record, as the kitchen's scan writes it),
some cancelled or not collected.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from catalog.models import Item, ItemKind, Meal, Order, OrderStatus, PaymentState
from linli import bulk
from orgs.models import NodeKind, OrgNode
from records.models import ProviderKind, ServiceRecord, Tier
from residents.models import Resident
from spaces import hours
from spaces.models import Booking, BookingStatus, HolderKind, Room, RoomFunction

ROOMS = (("activity", "多功能活动室", 120, 60), ("reading", "阅览室", 60, 30), ("canteen", "长者食堂", 150, 80))
WEEK = "周一至周日 08:00-21:00"
SLOTS = ((9, 0, 11, 0), (14, 0, 16, 30), (19, 0, 20, 30), (16, 45, 18, 0))
SERVICES = (
    ("助餐", "elderly", Tier.LOW_COST),
    ("义诊", "health", Tier.FREE),
    ("理发", "daily", Tier.FREE),
    ("四点半课堂", "children", Tier.LOW_COST),
    ("家电维修", "daily", Tier.MARKET),
    ("康复理疗", "health", Tier.MARKET),
    ("政策咨询", "advice", Tier.FREE),
    ("书法班", "culture", Tier.LOW_COST),
)


@dataclass
class Activity:
    rooms: int = 0
    bookings: int = 0
    records: int = 0
    meals: int = 0
    orders: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _aware(day: dt.date, h: int, m: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _rooms(communities: list[OrgNode]) -> dict[int, list[Room]]:
    functions = {f.code: f for f in RoomFunction.objects.filter(code__in=[code for code, *_ in ROOMS])}
    fallback = RoomFunction.objects.order_by("pk").first()
    week = hours.parse_week(WEEK)
    new = [
        Room(
            community_id=c.pk,
            name=name,
            area_m2=area,
            capacity=capacity,
            opening_hours=hours.to_json(week),
            function=functions.get(code, fallback),
        )
        for c in communities
        for code, name, area, capacity in ROOMS
        if not Room.objects.filter(community_id=c.pk, name=name).exists()
    ]
    bulk_create_with_history(new, Room, batch_size=2000)
    out: dict[int, list[Room]] = {}
    for room in Room.objects.filter(community_id__in=[c.pk for c in communities], name__in=[r[1] for r in ROOMS]):
        out.setdefault(room.community_id, []).append(room)
    return out


def build_activity(*, communities: list[OrgNode], days: int, end: dt.date, seed: int = 1, stdout=None) -> Activity:
    """``days`` days of history up to ``end`` (exclusive) for the communities."""
    rng = random.Random(seed)
    result = Activity()
    started = time.perf_counter()
    rooms = _rooms(communities)
    result.rooms = sum(len(r) for r in rooms.values())
    result.seconds["rooms"] = time.perf_counter() - started
    next_source = (ServiceRecord.objects.filter(source_type="citygen.day").aggregate(m=Max("source_id"))["m"] or 0) + 1
    first = end - dt.timedelta(days=days)
    t_bookings = t_records = 0.0
    for n, community in enumerate(communities, 1):
        residents = list(Resident.objects.filter(community_id=community.pk).values_list("pk", flat=True))
        bookings, records = [], []
        for i in range(days):
            day = first + dt.timedelta(days=i)
            for room in rooms.get(community.pk, []):
                for h1, m1, h2, m2 in SLOTS[: rng.randint(2, 4)]:
                    bookings.append(
                        Booking(
                            community_id=community.pk,
                            room=room,
                            starts_at=_aware(day, h1, m1),
                            ends_at=_aware(day, h2, m2),
                            holder_kind=HolderKind.ACTIVITY,
                            holder_name=f"{community.name}居委会",
                            title="社区活动",
                            status=BookingStatus.BOOKED,
                        )
                    )
            for _ in range(rng.randint(20, 60)):
                service, category, tier = rng.choice(SERVICES)
                resident = rng.choice(residents) if residents and rng.random() < 0.85 else None
                records.append(
                    ServiceRecord(
                        community_id=community.pk,
                        service=service,
                        category=category,
                        tier=tier,
                        occurred_at=_aware(day, rng.randint(8, 19), rng.randint(0, 59)),
                        provider_kind=rng.choice((ProviderKind.COMMUNITY, ProviderKind.VOLUNTEER)),
                        provider_name=f"{community.name}服务队",
                        resident_id=resident,
                        person_times=1 if resident else rng.randint(2, 30),
                        amount_fen={Tier.FREE: 0, Tier.LOW_COST: 500, Tier.MARKET: 3000}[tier],
                        source_type="citygen.day",
                        source_id=next_source,
                    )
                )
                next_source += 1
        t = time.perf_counter()
        with transaction.atomic():
            bulk.insert(Booking, bookings, history=True)
        t_bookings += time.perf_counter() - t
        t = time.perf_counter()
        with transaction.atomic():
            bulk.insert(ServiceRecord, records)
        t_records += time.perf_counter() - t
        result.bookings += len(bookings)
        result.records += len(records)
        if stdout and n % 48 == 0:
            stdout.write(f"  activity: {n} communities")
    bulk.reset_sequences(Booking, ServiceRecord)
    result.seconds["bookings"] = t_bookings
    result.seconds["records"] = t_records
    return result


DISHES = ("红烧肉套餐", "清蒸鱼套餐", "西红柿炒蛋套餐", "土豆炖牛肉套餐", "素三鲜水饺", "小米粥配包子", "宫保鸡丁套餐")


def canteen_item(community: OrgNode) -> Item:
    """The elderly canteen's meal service of the community, made on first use."""
    from catalog import services

    item = Item.objects.filter(community=community, kind=ItemKind.MEAL, name="长者助餐").first()
    if item is None:
        category = services.category_create(actor=None, community=community, name="助餐服务")
        item = services.item_create(
            actor=None,
            community=community,
            category=category,
            name="长者助餐",
            kind=ItemKind.MEAL,
            provider_kind=ProviderKind.COMMUNITY,
            provider_name="社区长者食堂",
            tier=Tier.LOW_COST,
            price_fen=1200,
        )
    return item


def build_meals(*, communities: list[OrgNode], days: int, end: dt.date, seed: int = 1, stdout=None) -> Activity:
    """A dish a day in each community's canteen for ``days`` days up to ``end`` (exclusive),
    with its orders and, for every box handed over, the service record the scan writes."""
    rng = random.Random(seed * 7 + 1)
    result = Activity()
    started = time.perf_counter()
    first = end - dt.timedelta(days=days)
    for n, community in enumerate(communities, 1):
        if n % 3 == 0:
            continue  # no canteen here
        item = canteen_item(community)
        taken = set(Meal.objects.filter(item=item).values_list("serve_date", flat=True))
        residents = list(Resident.objects.filter(community_id=community.pk).values_list("pk", flat=True)[:400])
        if not residents:
            continue
        meals, plans = [], []
        for i in range(days):
            day = first + dt.timedelta(days=i)
            if day in taken:
                continue
            wanted = rng.randint(10, 25)
            fates = [rng.choices(("c", "x", "n"), weights=(85, 10, 5))[0] for _ in range(wanted)]
            ordered = sum(1 for f in fates if f != "x")
            portions = ordered + rng.randint(0, 10)
            meals.append(
                Meal(
                    community_id=community.pk,
                    item=item,
                    serve_date=day,
                    name=rng.choice(DISHES),
                    portions=portions,
                    portions_left=portions - ordered,
                    cutoff_at=_aware(day - dt.timedelta(days=1), 20, 0),
                    pickup_point="社区长者食堂",
                    pickup_start=dt.time(11),
                    pickup_end=dt.time(12, 30),
                )
            )
            plans.append(fates)
        with transaction.atomic():
            bulk.insert(Meal, meals)
            orders, records = [], []
            codes = rng.sample(range(1, 1_000_000), 50)
            for meal, fates in zip(meals, plans, strict=True):
                ordered_at = _aware(meal.serve_date - dt.timedelta(days=1), 9, 0)
                for k, fate in enumerate(fates):
                    picked = _aware(meal.serve_date, 11, rng.randint(0, 29))
                    status = {"c": OrderStatus.COLLECTED, "x": OrderStatus.CANCELLED, "n": OrderStatus.NO_SHOW}[fate]
                    order = Order(
                        community_id=community.pk,
                        meal=meal,
                        resident_id=rng.choice(residents),
                        quantity=1,
                        status=status,
                        pickup_code=f"{codes[k]:06d}",
                        created_at=ordered_at + dt.timedelta(minutes=k),
                        cancelled_at=ordered_at + dt.timedelta(hours=2) if fate == "x" else None,
                        handed_over_at=picked if fate == "c" else None,
                        list_price_fen=1200,
                        amount_fen=1000,
                        price_lines=[],
                        payment_state=PaymentState.PAID if fate == "c" else PaymentState.DUE,
                        payment_method="offline",
                        paid_at=picked if fate == "c" else None,
                    )
                    orders.append(order)
            bulk.insert(Order, orders)  # as the app: no history copy of a new order (docs/benchmarks.md)
            next_record = bulk.next_id(ServiceRecord)
            for order in orders:
                if order.status != OrderStatus.COLLECTED:
                    continue
                records.append(
                    ServiceRecord(
                        community_id=community.pk,
                        service=item.name,
                        category="助餐服务",
                        tier=Tier.LOW_COST,
                        occurred_at=order.handed_over_at,
                        provider_kind=ProviderKind.COMMUNITY,
                        provider_name="社区长者食堂",
                        resident_id=order.resident_id,
                        person_times=1,
                        amount_fen=order.amount_fen,
                        source_type="catalog.order",
                        source_id=order.pk,
                    )
                )
            bulk.insert(ServiceRecord, records, start_id=next_record)
        result.meals += len(meals)
        result.orders += len(orders)
        result.records += len(records)
        if stdout and n % 48 == 0:
            stdout.write(f"  meals: {n} communities")
    bulk.reset_sequences(Meal, Order, ServiceRecord)
    result.seconds["meals"] = time.perf_counter() - started
    return result


def communities_of(city: OrgNode) -> list[OrgNode]:
    return list(OrgNode.objects.filter(kind=NodeKind.COMMUNITY, path__startswith=city.path).order_by("path"))
