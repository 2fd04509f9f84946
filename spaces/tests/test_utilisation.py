"""Utilisation, heatmap and idle slots, computed by hand.

The room 书法室 is open 延时错时: Monday–Friday 08:30–12:00 and 14:00–21:00 (3.5 h + 7 h = 10.5 h =
630 min a day), Saturday and Sunday 09:00–17:00 (8 h = 480 min). One week: 5 × 630 + 2 × 480 = 4,110
min = 68.5 h open.
"""

import datetime as dt

import pytest

from orgs.scope import Scope
from spaces import selectors, services, utilisation
from spaces.models import Booking
from spaces.tests.factories import at, book, day, make_room

pytestmark = pytest.mark.django_db

WEEK = utilisation.period_of("week", dt.date(2030, 3, 6))
MARCH = utilisation.period_of("month", dt.date(2030, 3, 20))


@pytest.fixture
def booked(world, rooms):
    room = rooms["a"]
    book(room, day(0), "09:00", "11:00")  # 120 min
    book(room, day(1), "16:30", "18:30")  # 120 min
    book(room, day(5), "09:00", "12:00")  # 180 min
    cancelled = book(room, day(2), "14:00", "21:00")
    services.booking_cancel(actor=None, booking=cancelled, reason="取消")  # does not count
    book(room, day(7), "09:00", "12:00")  # next week: outside WEEK
    return room


def test_periods():
    assert (WEEK.first, WEEK.last) == (dt.date(2030, 3, 4), dt.date(2030, 3, 10))
    assert (MARCH.first, MARCH.last) == (dt.date(2030, 3, 1), dt.date(2030, 3, 31))
    assert WEEK.previous.first == dt.date(2030, 2, 25) and WEEK.next.first == dt.date(2030, 3, 11)
    assert MARCH.next.first == dt.date(2030, 4, 1) and MARCH.previous.last == dt.date(2030, 2, 28)
    assert [p.first for p in utilisation.recent_periods("week", dt.date(2030, 3, 6), 3)] == [
        dt.date(2030, 2, 18), dt.date(2030, 2, 25), dt.date(2030, 3, 4)
    ]


def test_a_room_in_a_week(booked):
    usage = utilisation.usage_table([booked], WEEK).total
    assert usage.open_minutes == 4110 and usage.booked_minutes == 420
    assert (usage.open_hours, usage.booked_hours, usage.idle_hours) == (68.5, 7.0, 61.5)
    assert usage.percent == 10  # 420 / 4110 = 10.2 %


def test_a_room_in_a_month(booked):
    # March 2030 has 21 weekdays and 10 weekend days: 21 × 630 + 10 × 480 = 18,030 min.
    usage = utilisation.usage_table([booked], MARCH).total
    assert usage.open_minutes == 18030 and usage.booked_minutes == 600
    assert usage.percent == 3  # 600 / 18030 = 3.3 %


def test_only_the_booked_time_inside_opening_hours_counts(world, booked):
    # Written straight to the table, as if the hours had been different when it was booked:
    # Thursday 11:30–14:30 overlaps the opening hours by 11:30–12:00 and 14:00–14:30 only.
    Booking.objects.create(
        community=world.community_a, room=booked, starts_at=at(day(3), "11:30"), ends_at=at(day(3), "14:30"),
        holder_kind="activity", holder_name="x", title="x",
    )
    assert utilisation.usage_table([booked], WEEK).total.booked_minutes == 420 + 60


def test_a_community_is_weighted_by_hours_not_the_mean_of_rooms(world, booked):
    small = make_room(world.community_a, "调解室", function="mediation", area=20, week="周一至周五 09:00-11:00")
    book(small, day(0), "09:00", "11:00")  # 120 of 600 min: 20 %
    table = utilisation.usage_table([booked, small], WEEK)
    assert [row.usage.percent for row in table.rooms] == [10, 20]
    assert (table.total.open_minutes, table.total.booked_minutes) == (4710, 540)
    assert table.total.percent == 11  # 540 / 4710 = 11.5 %, not (10.2 + 20) / 2 = 15 %


def test_a_room_closed_all_period_has_no_utilisation_not_zero(world):
    room = make_room(world.community_a, "仓库", function="storage", week="")
    usage = utilisation.usage_table([room], WEEK).total
    assert usage.percent is None and usage.ratio is None and usage.level is None


@pytest.mark.parametrize(
    "booked_min, open_min, percent, level",
    [(0, 600, 0, 0), (1, 600, 0, 1), (120, 600, 20, 1), (121, 600, 20, 2), (300, 600, 50, 3), (75, 600, 13, 1),
     (480, 600, 80, 4), (481, 600, 80, 5), (600, 600, 100, 5)],
)
def test_percent_rounds_half_up_and_levels_step_by_fifths(booked_min, open_min, percent, level):
    usage = utilisation.Usage(open_minutes=open_min, booked_minutes=booked_min)
    assert usage.percent == percent and usage.level == level


def test_the_trend_counts_each_period_on_its_own(booked):
    trend = utilisation.trend([booked], [WEEK, WEEK.next])
    assert [(u.booked_minutes, u.open_minutes) for _p, u in trend] == [(420, 4110), (180, 4110)]


def test_heatmap_cells(booked):
    heat = utilisation.heatmap([booked], WEEK)
    assert heat.hours == list(range(8, 21))  # 08:00 … the hour starting 20:00
    monday = heat.rows[0].cells[0]
    cell = {c.hour: c for c in monday}
    assert (cell[9].usage.open_minutes, cell[9].usage.booked_minutes, cell[9].css) == (60, 60, "h5")
    assert (cell[8].usage.open_minutes, cell[8].css) == (30, "h0")  # open from 08:30
    assert cell[12].css == "closed" and cell[13].css == "closed"
    saturday = {c.hour: c for c in heat.rows[0].cells[5]}
    assert saturday[11].css == "h5" and saturday[8].css == "closed" and saturday[17].css == "closed"
    assert heat.rows[0].usage.percent == 10
    # Over March, Monday 09:00–10:00 is booked on two Mondays of four (4 and 11 March): 50 %, level 3;
    # 11:00–12:00 only on 11 March: 25 %, level 2.
    march = {c.hour: c for c in utilisation.heatmap([booked], MARCH).rows[0].cells[0]}
    assert (march[9].usage.booked_minutes, march[9].usage.open_minutes, march[9].css) == (120, 240, "h3")
    assert (march[11].usage.booked_minutes, march[11].css) == (60, "h2")


def test_idle_slots_are_free_blocks_of_an_hour_or_more_from_now(world, rooms):
    room = rooms["a"]
    book(room, day(0), "14:00", "16:00")
    book(room, day(0), "17:00", "20:15")  # leaves 16:00–17:00 (an hour) and 20:15–21:00 (too short)
    book(room, day(1), "08:30", "12:00")
    slots = utilisation.idle_slots([room], now=at(day(0), "10:07"), days=2)
    assert [(s.day, s.start_text, s.end_text) for s in slots] == [
        (day(0), "10:15", "12:00"),  # from now, rounded up to the quarter hour
        (day(0), "16:00", "17:00"),
        (day(1), "14:00", "21:00"),
    ]
    assert slots[2].hours == 7.0


def test_idle_slots_skip_rooms_out_of_use(world, rooms):
    room = rooms["a"]
    fields = services.RoomFields(name=room.name, function=room.function, area_m2=room.area_m2, week=room.week, is_active=False)
    services.room_update(actor=None, room=room, fields=fields)
    room.refresh_from_db()
    assert utilisation.idle_slots([room], now=at(day(0), "08:00"), days=1) == []


def test_subdistrict_officers_see_their_communities_compared(world, booked, rooms):
    book(rooms["b"], day(0), "09:00", "12:00", kind="partner", holder="暖奶奶手工坊")  # 180 of 4110
    groups = selectors.communities_compared(scope=Scope(world.user("officer")), period=WEEK)
    assert len(groups) == 1 and groups[0].subdistrict == world.subdistrict
    by_name = {c.community.name: c for c in groups[0].communities}
    assert set(by_name) == {"康平社区", "溡源社区"}
    # 康平: 书法室 420 of 4110 and 多功能厅 0 of 4110 → 420 / 8220 = 5.1 %.
    assert (by_name["康平社区"].usage.booked_minutes, by_name["康平社区"].usage.open_minutes) == (420, 8220)
    assert by_name["康平社区"].usage.percent == 5
    assert by_name["溡源社区"].usage.percent == 4 and by_name["溡源社区"].lent_m2 == 80
    assert groups[0].usage.booked_minutes == 600 and groups[0].area_m2 == 45 + 150 + 80
    # Staff of one community see only their own.
    own = selectors.communities_compared(scope=Scope(world.user("staff_a")), period=WEEK)
    assert [c.community.name for g in own for c in g.communities] == ["康平社区"]
