"""spaces.demo.load_demo: rooms from the reports, activity bookings, safe to run twice."""

import io

import pytest

from spaces import demo, hours
from spaces.models import Booking, BookingSeries, Room, RoomFunction, SpaceStandard

pytestmark = pytest.mark.django_db


def test_heshan_lent_rooms_add_up_to_the_reported_1011_m2():
    assert demo.lent_area_m2() == 1011
    fenghuang = demo.PLANS["凤凰社区"]
    assert sum(r.area for r in fenghuang.rooms) == 1830 and len(fenghuang.rooms) >= 20


def test_every_plan_names_known_functions_valid_hours_and_its_own_rooms():
    codes = set(RoomFunction.objects.values_list("code", flat=True))
    for name, plan in demo.PLANS.items():
        names = [r.name for r in plan.rooms]
        assert len(names) == len(set(names)), name
        for room in plan.rooms:
            assert room.function in codes and set(room.also) <= codes, room.name
            assert any(hours.parse_week(room.hours)), room.name
        assert {s.room for s in plan.series} | {o.room for o in plan.one_offs} <= set(names), name


def test_load_demo_makes_rooms_and_bookings_for_the_communities_present_and_is_idempotent(world):
    out = io.StringIO()
    demo.load_demo(stdout=out)
    kangping = Room.objects.filter(community=world.community_a)
    assert {"康小鲜社区私房", "共享自习室", "书法室", "多功能厅"} <= set(kangping.values_list("name", flat=True))
    assert Room.objects.filter(community=world.community_b, name="暖奶奶手工坊").exists()
    assert BookingSeries.objects.filter(room__community=world.community_a, title="银发合唱团排练").exists()
    assert Booking.objects.filter(title="零工招聘会").exists()
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("场室")  # the summary only: no booking was refused
    assert SpaceStandard.objects.get(city_name="淄博市").city == world.city
    counts = (Room.objects.count(), BookingSeries.objects.count(), Booking.objects.count())
    demo.load_demo()
    assert (Room.objects.count(), BookingSeries.objects.count(), Booking.objects.count()) == counts
