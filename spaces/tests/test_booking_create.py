"""booking_create: the rules of a one-off booking."""

import datetime as dt

import pytest
from django.utils.translation import override

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.scope import Scope
from spaces import services
from spaces.models import Booking, BookingStatus, HolderKind
from spaces.tests.factories import at, book, day, make_room

pytestmark = pytest.mark.django_db


def test_staff_book_a_room_and_the_booking_carries_the_tenant_key_and_who(world, rooms):
    staff = Scope(world.user("staff_a"))
    booking = book(rooms["a"], day(0), "09:00", "11:00", holder="源艺文化培训中心", kind=HolderKind.PARTNER, holder_id=7,
                   title="硬笔书法", actor=staff)
    assert booking.community_id == world.community_a.pk
    assert (booking.holder_kind, booking.holder_id, booking.holder_name) == ("partner", 7, "源艺文化培训中心")
    assert booking.status == BookingStatus.BOOKED
    assert booking.created_by == world.user("staff_a")
    assert booking.history.count() == 1


def test_an_overlapping_booking_is_refused_naming_room_time_and_holder(world, rooms):
    book(rooms["a"], day(0), "09:00", "11:00", holder="银发合唱团", title="排练")
    with override("en"), pytest.raises(Conflict) as exc:
        book(rooms["a"], day(0), "10:30", "11:30", holder="另一个团队")
    assert exc.value.code == "booking_clash" and exc.value.status == 409
    message = str(exc.value.message)
    assert "书法室" in message and "2030-03-04" in message and "09:00–11:00" in message and "银发合唱团" in message
    assert exc.value.details[0]["holder_name"] == "银发合唱团"
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("start, end", [("08:30", "09:00"), ("11:00", "12:00"), ("08:30", "12:00"), ("09:30", "10:00")])
def test_only_a_real_overlap_clashes_back_to_back_is_fine(world, rooms, start, end):
    book(rooms["a"], day(0), "09:00", "11:00")
    if (start, end) in (("08:30", "09:00"), ("11:00", "12:00")):
        book(rooms["a"], day(0), start, end)
    else:
        with pytest.raises(Conflict):
            book(rooms["a"], day(0), start, end)


def test_the_same_time_in_another_room_is_fine(world, rooms):
    book(rooms["a"], day(0), "09:00", "11:00")
    book(rooms["a2"], day(0), "09:00", "11:00")
    assert Booking.objects.count() == 2


def test_a_cancelled_booking_frees_its_time(world, rooms):
    first = book(rooms["a"], day(0), "09:00", "11:00")
    services.booking_cancel(actor=None, booking=first, reason="改期")
    second = book(rooms["a"], day(0), "09:00", "11:00")
    assert second.status == BookingStatus.BOOKED


def test_outside_opening_hours_is_refused_naming_the_hours(world, rooms):
    with override("en"), pytest.raises(ValidationFailed) as exc:
        book(rooms["a"], day(0), "11:30", "14:30")  # across the lunch closure
    assert exc.value.code == "outside_hours"
    message = str(exc.value.message)
    assert "08:30–12:00, 14:00–21:00" in message and "Sat, Sun 09:00–17:00" in message


def test_a_closed_day_is_refused_saying_it_is_closed(world):
    room = make_room(world.community_a, "会议室", function="consultation", week="周一至周五 09:00-17:00")
    with override("en"), pytest.raises(ValidationFailed) as exc:
        book(room, day(5), "10:00", "11:00")
    assert exc.value.code == "outside_hours"
    assert "closed on Sat" in str(exc.value.message) and "Mon–Fri 09:00–17:00" in str(exc.value.message)


def test_a_room_without_hours_takes_no_booking(world):
    room = make_room(world.community_a, "仓库", function="storage", week="")
    with pytest.raises(ValidationFailed) as exc:
        book(room, day(0), "10:00", "11:00")
    assert exc.value.code == "outside_hours"


def test_bookings_in_the_past_are_refused(world, rooms):
    with pytest.raises(ValidationFailed) as exc:
        services.booking_create(
            actor=None, room=rooms["a"], starts_at=at(day(0), "09:00"), ends_at=at(day(0), "10:00"),
            holder_kind="activity", holder_id=None, holder_name="x", title="x", now=at(day(0), "09:30"),
        )
    assert exc.value.code == "in_the_past"


@pytest.mark.parametrize(
    "start, end, code",
    [
        (at(day(0), "10:00"), at(day(0), "09:00"), "bad_times"),
        (at(day(0), "10:00"), at(day(0), "10:00"), "bad_times"),
        (at(day(0), "20:00"), at(day(1), "09:00"), "outside_hours"),
    ],
)
def test_times_must_make_sense(world, rooms, start, end, code):
    with pytest.raises(ValidationFailed) as exc:
        services.booking_create(
            actor=None, room=rooms["a"], starts_at=start, ends_at=end, holder_kind="activity", holder_id=None,
            holder_name="x", title="x",
        )
    assert exc.value.code == code


def test_seconds_are_cut_to_the_minute(world, rooms):
    booking = services.booking_create(
        actor=None, room=rooms["a"], starts_at=at(day(0), "09:00") + dt.timedelta(seconds=42),
        ends_at=at(day(0), "10:00") + dt.timedelta(seconds=5), holder_kind="activity", holder_id=None,
        holder_name="x", title="x",
    )
    assert booking.starts_at == at(day(0), "09:00") and booking.ends_at == at(day(0), "10:00")


@pytest.mark.parametrize(
    "kind, holder_id, name, title, code",
    [
        ("landlord", None, "x", "x", "bad_holder"),
        ("partner", 0, "x", "x", "bad_holder"),
        ("partner", None, "  ", "x", "bad_holder"),
        ("partner", None, "x", "", "bad_title"),
        ("partner", None, "x" * 101, "x", "bad_holder"),
    ],
)
def test_the_holder_and_title_are_checked(world, rooms, kind, holder_id, name, title, code):
    with pytest.raises(ValidationFailed) as exc:
        services.booking_create(
            actor=None, room=rooms["a"], starts_at=at(day(0), "09:00"), ends_at=at(day(0), "10:00"),
            holder_kind=kind, holder_id=holder_id, holder_name=name, title=title,
        )
    assert exc.value.code == code


def test_a_room_out_of_use_takes_no_booking(world, rooms):
    room = rooms["a"]
    fields = services.RoomFields(name=room.name, function=room.function, area_m2=room.area_m2, week=room.week, is_active=False)
    services.room_update(actor=None, room=room, fields=fields)
    with pytest.raises(ValidationFailed) as exc:
        book(room, day(0), "09:00", "10:00")
    assert exc.value.code == "room_not_in_use"


@pytest.mark.parametrize("username, error", [("staff_b", NotFound), ("grid_a1", NotFound), ("partner_a", NotFound),
                                             ("officer", Forbidden), ("auditor_a", Forbidden)])
def test_only_people_who_manage_the_community_s_rooms_may_book(world, rooms, username, error):
    with pytest.raises(error):
        book(rooms["a"], day(0), "09:00", "10:00", actor=Scope(world.user(username)))
    assert not Booking.objects.exists()


def test_the_secretary_and_a_platform_admin_may_book(world, rooms):
    book(rooms["a"], day(0), "09:00", "10:00", actor=Scope(world.user("secretary_a")))
    book(rooms["b"], day(0), "09:00", "10:00", actor=Scope(world.user("admin")))
    assert Booking.objects.count() == 2
