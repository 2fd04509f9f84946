"""The space report: area, area lent to partners, area per function, the city's standard."""

import datetime as dt

import pytest

from orgs.scope import Scope
from spaces import selectors, services, utilisation
from spaces.models import FunctionStandard, RoomFunction, SpaceStandard, StandardLevel
from spaces.tests.factories import book, day, make_room

pytestmark = pytest.mark.django_db

MARCH = utilisation.period_of("month", dt.date(2030, 3, 1))


def report(world, user="staff_a", period=MARCH):
    return selectors.space_report(scope=Scope(world.user(user)), community=world.community_a, period=period)


def test_area_and_area_lent_to_partners_in_the_period(world, rooms):
    make_room(world.community_a, "阅览室", function="reading", area=50)
    book(rooms["a"], day(0), "09:00", "11:00", kind="partner", holder="源艺文化培训中心")
    book(rooms["a"], day(1), "09:00", "11:00", kind="partner", holder="齐学汇教育")
    book(rooms["a2"], day(0), "09:00", "11:00", kind="activity", holder="居委会")  # not a partner
    cancelled = book(rooms["a2"], day(2), "09:00", "11:00", kind="partner", holder="中康颐养")
    services.booking_cancel(actor=None, booking=cancelled, reason="x")  # cancelled: not lent
    r = report(world)
    assert r.total_m2 == 45 + 150 + 50
    assert [(lent.room.name, lent.holders, lent.booked_hours) for lent in r.lent] == [
        ("书法室", ["源艺文化培训中心", "齐学汇教育"], 4.0)
    ]
    assert r.lent_m2 == 45 and r.lent_share == 18
    # In April nothing is lent.
    assert report(world, period=MARCH.next).lent_m2 == 0


def test_area_per_function(world, rooms):
    make_room(world.community_a, "小书法室", function="calligraphy", area=15)
    r = report(world)
    assert [(f.function.code, f.rooms, f.area_m2, f.share) for f in r.by_function] == [
        ("multipurpose", 1, 150, 71),
        ("calligraphy", 2, 60, 29),
    ]


def test_the_required_functions_the_community_lacks(world, rooms):
    r = report(world)
    assert r.standard.title == "淄博市党群服务阵地建设标准"
    assert len(r.aspects) == 7
    required = {row.item.function.code for _a, rows in r.aspects for row in rows if row.item.level == StandardLevel.REQUIRED}
    missing = {row.item.function.code for row in r.missing_required}
    assert "multipurpose" in required and "multipurpose" not in missing  # 多功能厅 is there
    assert missing == required - {"multipurpose"}
    # A room that also serves as a reading room covers 阅览室.
    make_room(world.community_a, "共享自习室", function="study", area=60, also=("reading",))
    assert "reading" not in {row.item.function.code for row in report(world).missing_required}


def test_a_standard_linked_to_the_city_wins_over_one_named_after_it(world, rooms):
    own = SpaceStandard.objects.create(title="自定标准", city=world.city)
    FunctionStandard.objects.create(standard=own, function=RoomFunction.objects.get(code="psych"), aspect="健康", level="required")
    r = report(world)
    assert r.standard == own
    assert [row.item.function.code for row in r.missing_required] == ["psych"]


def test_no_standard_for_a_city_without_one(world, rooms):
    SpaceStandard.objects.all().delete()
    r = report(world)
    assert r.standard is None and r.aspects == [] and r.missing_required == []


def test_the_seeded_function_list_and_zibo_standard():
    names = set(RoomFunction.objects.values_list("name", flat=True))
    assert {"瑜伽室", "阅览室", "书法室", "画室", "心理咨询室", "自习室", "社区厨房", "仓库", "多功能厅"} <= names
    zibo = SpaceStandard.objects.get(city_name="淄博市")
    assert zibo.items.values("aspect").distinct().count() == 7
    assert zibo.items.filter(level="required").count() >= 10 and zibo.items.filter(level="recommended").count() >= 10
