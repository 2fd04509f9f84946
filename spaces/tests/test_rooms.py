"""room_create, room_update and photos."""

import pytest

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.scope import Scope
from spaces import hours, services
from spaces.models import Room, RoomFunction, RoomPhoto
from spaces.tests.factories import book, day, make_room, png

pytestmark = pytest.mark.django_db


def fields_of(room, **changes) -> services.RoomFields:
    values = dict(
        name=room.name, function=room.function, area_m2=room.area_m2, capacity=room.capacity, building=room.building,
        floor=room.floor, facilities=list(room.facilities), week=room.week, also_functions=list(room.also_functions.all()),
        description=room.description, is_active=room.is_active,
    )
    values.update(changes)
    return services.RoomFields(**values)


def test_a_room_with_building_floor_facilities_and_hours(world):
    fields = services.RoomFields(
        name=" 共享 自习室 ", function=RoomFunction.objects.get(code="study"), area_m2=60, capacity=24,
        building=world.building_a1, floor=2, facilities="书桌、台灯,  无线网络、书桌",
        week=hours.parse_week("每天 08:00-22:00"), also_functions=[RoomFunction.objects.get(code="reading")],
    )
    room = services.room_create(actor=Scope(world.user("staff_a")), community=world.community_a, fields=fields)
    assert room.name == "共享 自习室" and room.community == world.community_a and room.building == world.building_a1
    assert room.facilities == ["书桌", "台灯", "无线网络"]
    assert room.opening_hours[6] == [["08:00", "22:00"]]
    assert [f.code for f in room.also_functions.all()] == ["reading"]
    assert room.history.exists()


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"name": ""}, "bad_name"),
        ({"area_m2": 0}, "bad_area"),
        ({"capacity": -1}, "bad_capacity"),
        ({"floor": 120}, "bad_floor"),
        ({"week": [[(600, 540)]] + [[] for _ in range(6)]}, "bad_hours"),
        ({"week": [[]]}, "bad_hours"),
    ],
)
def test_room_fields_are_checked(world, changes, code):
    base = dict(name="画室", function=RoomFunction.objects.get(code="painting"), area_m2=40)
    base.update(changes)
    with pytest.raises(ValidationFailed) as exc:
        services.room_create(actor=None, community=world.community_a, fields=services.RoomFields(**base))
    assert exc.value.code == code


def test_the_building_must_be_in_the_community(world):
    fields = services.RoomFields(name="画室", function=RoomFunction.objects.get(code="painting"), area_m2=40,
                                 building=world.building_b1)
    with pytest.raises(ValidationFailed) as exc:
        services.room_create(actor=None, community=world.community_a, fields=fields)
    assert exc.value.code == "bad_building"


def test_names_are_unique_within_a_community_only(world, rooms):
    with pytest.raises(Conflict) as exc:
        make_room(world.community_a, "书法室")
    assert exc.value.code == "duplicate_room"
    make_room(world.community_b, "书法室")
    with pytest.raises(Conflict):
        services.room_update(actor=None, room=rooms["a2"], fields=fields_of(rooms["a2"], name="书法室"))


@pytest.mark.parametrize("username, error", [("staff_b", NotFound), ("officer", Forbidden), ("grid_a1", NotFound)])
def test_only_the_community_s_managers_edit_rooms(world, rooms, username, error):
    with pytest.raises(error):
        make_room(world.community_a, "新房间", actor=Scope(world.user(username)))
    with pytest.raises(error):
        services.room_update(actor=Scope(world.user(username)), room=rooms["a"], fields=fields_of(rooms["a"], area_m2=1))
    assert Room.objects.get(pk=rooms["a"].pk).area_m2 == 45


def test_update_changes_fields_and_keeps_history(world, rooms):
    room = rooms["a"]
    services.room_update(actor=Scope(world.user("staff_a")), room=room, fields=fields_of(room, area_m2=50, capacity=20))
    room.refresh_from_db()
    assert (room.area_m2, room.capacity) == (50, 20)
    assert room.history.first().area_m2 == 50


def test_hours_that_would_strand_bookings_are_refused_with_the_list(world, rooms):
    room = rooms["a"]
    book(room, day(0), "19:00", "20:30", holder="读书会")
    with pytest.raises(Conflict) as exc:
        services.room_update(actor=None, room=room, fields=fields_of(room, week=hours.parse_week("周一至周五 08:30-18:00")))
    assert exc.value.code == "bookings_outside_hours" and "读书会" in str(exc.value.message)
    # Hours that still cover it are fine.
    services.room_update(actor=None, room=room, fields=fields_of(room, week=hours.parse_week("每天 08:00-21:00")))


def test_a_room_with_future_bookings_cannot_be_taken_out_of_use(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "10:00")
    with pytest.raises(Conflict) as exc:
        services.room_update(actor=None, room=rooms["a"], fields=fields_of(rooms["a"], is_active=False))
    assert exc.value.code == "room_has_bookings"
    services.booking_cancel(actor=None, booking=booking, reason="停用")
    services.room_update(actor=None, room=rooms["a"], fields=fields_of(rooms["a"], is_active=False))
    assert not Room.objects.get(pk=rooms["a"].pk).is_active


def test_photos_are_added_and_removed(world, rooms):
    photo = services.room_photo_add(actor=Scope(world.user("staff_a")), room=rooms["a"], image=png(), caption="书法作品墙")
    assert photo.community_id == world.community_a.pk and photo.image.name.startswith(f"spaces/{world.community_a.pk}/")
    with pytest.raises(NotFound):
        services.room_photo_remove(actor=Scope(world.user("staff_b")), photo=photo)
    services.room_photo_remove(actor=Scope(world.user("staff_a")), photo=photo)
    assert not RoomPhoto.objects.exists()
