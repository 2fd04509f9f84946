"""A city's history (second slice): rooms with bookings and service records, per community per
day, inserted in bulk; then the dashboards' rollups recounted from them.

What a day of a community looks like here: three rooms (activity room, reading room, elderly
canteen) with two to four bookings each that never overlap, and 20–60 service records across
the three price tiers, most for a registered resident of the community. Records carry
``source = ("citygen.day", n)`` so a rerun never doubles them (the unique source constraint).
Ledger activity, fund requests, orders, markets, volunteers and snapshot reports are not
generated yet (docs/city.md).
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
            bulk_create_with_history(bookings, Booking, batch_size=2000)
        t_bookings += time.perf_counter() - t
        t = time.perf_counter()
        with transaction.atomic():
            ServiceRecord.objects.bulk_create(records, batch_size=2000)
        t_records += time.perf_counter() - t
        result.bookings += len(bookings)
        result.records += len(records)
        if stdout and n % 48 == 0:
            stdout.write(f"  activity: {n} communities")
    result.seconds["bookings"] = t_bookings
    result.seconds["records"] = t_records
    return result


def communities_of(city: OrgNode) -> list[OrgNode]:
    return list(OrgNode.objects.filter(kind=NodeKind.COMMUNITY, path__startswith=city.path).order_by("path"))
