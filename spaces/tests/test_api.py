"""The JSON API: same services, same scope. Every operation refuses another community's objects."""

import datetime as dt
import json

import pytest

from spaces import services
from spaces.models import Booking, BookingSeries, BookingStatus
from spaces.tests.factories import book, day

pytestmark = pytest.mark.django_db

API = "/api/v1/spaces"


def post(client, url, body, **extra):
    return client.post(url, json.dumps(body, default=str), content_type="application/json", **extra)


@pytest.fixture
def staff(world, login):
    return login(world.user("staff_a"))


def booking_body(room, **changes):
    body = {"room_id": room.pk, "starts_at": "2030-03-04T09:00:00+08:00", "ends_at": "2030-03-04T11:00:00+08:00",
            "holder_kind": "partner", "holder_id": 5, "holder_name": "源艺文化培训中心", "title": "书法课"}
    body.update(changes)
    return body


def series_body(room, **changes):
    body = {"room_id": room.pk, "weekdays": [0, 1, 2, 3, 4], "start_time": "16:30", "end_time": "18:30",
            "first_date": "2030-03-04", "last_date": "2030-03-15", "holder_kind": "partner", "holder_id": 5,
            "holder_name": "源艺文化培训中心", "title": "四点半课堂"}
    body.update(changes)
    return body


def test_rooms(world, rooms, staff):
    listed = staff.get(f"{API}/rooms", {"community_id": world.community_a.pk}).json()
    assert [r["name"] for r in listed] == ["书法室", "多功能厅"]
    room = staff.get(f"{API}/rooms/{rooms['a'].pk}").json()
    assert room["function"] == "calligraphy" and room["area_m2"] == 45
    assert room["opening_hours"][0] == [["08:30", "12:00"], ["14:00", "21:00"]]
    assert room["hours_text"].startswith("周一至周五")


def test_book_clash_cancel_move(world, rooms, staff):
    created = post(staff, f"{API}/bookings", booking_body(rooms["a"]))
    assert created.status_code == 201, created.content
    booking = created.json()
    assert (booking["holder_kind"], booking["holder_id"], booking["status"]) == ("partner", 5, "booked")
    clash = post(staff, f"{API}/bookings", booking_body(rooms["a"], holder_name="别人"), headers={"Accept-Language": "en"})
    assert clash.status_code == 409
    body = clash.json()
    assert body["code"] == "booking_clash" and "源艺文化培训中心" in body["message"] and "09:00–11:00" in body["message"]
    outside = post(staff, f"{API}/bookings", booking_body(rooms["a"], starts_at="2030-03-04T12:00:00+08:00",
                                                             ends_at="2030-03-04T13:00:00+08:00"))
    assert outside.status_code == 422 and outside.json()["code"] == "outside_hours"
    moved = post(staff, f"{API}/bookings/{booking['id']}/move",
                 {"starts_at": "2030-03-05T09:00:00+08:00", "ends_at": "2030-03-05T10:00:00+08:00", "room_id": rooms["a2"].pk})
    assert moved.status_code == 200 and moved.json()["room_id"] == rooms["a2"].pk
    assert staff.get(f"{API}/bookings/{booking['id']}").json()["starts_at"] == "2030-03-05T09:00:00+08:00"
    cancelled = post(staff, f"{API}/bookings/{booking['id']}/cancel", {"reason": "改期"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = post(staff, f"{API}/bookings/{booking['id']}/cancel", {"reason": "改期"})
    assert again.status_code == 409 and again.json()["code"] == "already_cancelled"


def test_weekly_series_all_or_nothing(world, rooms, staff):
    book(rooms["a"], day(3), "17:00", "18:00", holder="读书会")
    refused = post(staff, f"{API}/series", series_body(rooms["a"]))
    assert refused.status_code == 409 and refused.json()["code"] == "series_clash"
    assert [d["date"] for d in refused.json()["details"]] == ["2030-03-07"]
    assert not BookingSeries.objects.exists()
    created = post(staff, f"{API}/series", series_body(rooms["a2"]))
    assert created.status_code == 201 and created.json()["booked"] == 10
    series_id = created.json()["id"]
    assert staff.get(f"{API}/series/{series_id}").json()["weekdays"] == [0, 1, 2, 3, 4]
    cancelled = post(staff, f"{API}/series/{series_id}/cancel", {"reason": "终止", "from_date": "2030-03-11"})
    assert cancelled.status_code == 200 and cancelled.json()["booked"] == 5


def test_bookings_of_a_room_in_a_window(world, rooms, staff):
    book(rooms["a"], day(0), "09:00", "10:00", title="早")
    book(rooms["a"], day(10), "09:00", "10:00", title="晚")
    found = staff.get(f"{API}/rooms/{rooms['a'].pk}/bookings",
                      {"start": "2030-03-04T00:00:00+08:00", "end": "2030-03-05T00:00:00+08:00"}).json()
    assert [b["title"] for b in found] == ["早"]


def test_utilisation_and_idle_slots(world, rooms, staff):
    book(rooms["a"], day(0), "09:00", "11:00")
    usage = staff.get(f"{API}/utilisation", {"community_id": world.community_a.pk, "period": "week", "date": "2030-03-06"}).json()
    assert (usage["first_day"], usage["last_day"]) == ("2030-03-04", "2030-03-10")
    assert usage["open_hours"] == 137.0 and usage["booked_hours"] == 2.0 and usage["percent"] == 1
    assert [(r["room_name"], r["percent"]) for r in usage["rooms"]] == [("书法室", 3), ("多功能厅", 0)]
    slots = staff.get(f"{API}/idle-slots", {"community_id": world.community_a.pk, "room_id": rooms["a"].pk, "days": 3}).json()
    assert slots and all(s["room_id"] == rooms["a"].pk and s["hours"] >= 1 for s in slots)


@pytest.fixture
def b_objects(world, rooms):
    booking = book(rooms["b"], day(1), "09:00", "10:00", holder="溡源秘密团队")
    series = services.booking_series_create(
        actor=None, room=rooms["b"], weekdays=[0], start_time=dt.time(14), end_time=dt.time(15), first_date=day(0),
        last_date=day(13), holder_kind="activity", holder_id=None, holder_name="溡源秘密团队", title="x",
    )
    return booking, series


def test_every_operation_refuses_another_community(world, rooms, b_objects, staff):
    booking, series = b_objects
    b = world.community_b.pk
    gets = [
        (f"{API}/rooms", {"community_id": b}),
        (f"{API}/rooms/{rooms['b'].pk}", {}),
        (f"{API}/rooms/{rooms['b'].pk}/bookings", {}),
        (f"{API}/bookings/{booking.pk}", {}),
        (f"{API}/series/{series.pk}", {}),
        (f"{API}/utilisation", {"community_id": b}),
        (f"{API}/idle-slots", {"community_id": b}),
        (f"{API}/idle-slots", {"community_id": world.community_a.pk, "room_id": rooms["b"].pk}),
    ]
    for url, params in gets:
        response = staff.get(url, params)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
        assert "溡源秘密团队" not in response.content.decode()
    posts = [
        (f"{API}/bookings", booking_body(rooms["b"])),
        (f"{API}/series", series_body(rooms["b"])),
        (f"{API}/bookings/{booking.pk}/cancel", {"reason": "x"}),
        (f"{API}/bookings/{booking.pk}/move", {"starts_at": "2030-03-06T09:00:00+08:00", "ends_at": "2030-03-06T10:00:00+08:00"}),
        (f"{API}/series/{series.pk}/cancel", {"reason": "x"}),
    ]
    for url, body in posts:
        assert post(staff, url, body).status_code == 404, url
    # Moving one's own booking into another community's room is refused the same way.
    own = book(rooms["a"], day(2), "09:00", "10:00")
    moved = post(staff, f"{API}/bookings/{own.pk}/move",
                 {"starts_at": "2030-03-06T09:00:00+08:00", "ends_at": "2030-03-06T10:00:00+08:00", "room_id": rooms["b"].pk})
    assert moved.status_code == 404
    assert Booking.objects.filter(community=world.community_b, status=BookingStatus.BOOKED).count() == 3


def test_viewers_may_read_but_not_book(world, rooms, login):
    officer = login(world.user("officer"))
    assert officer.get(f"{API}/rooms/{rooms['b'].pk}").status_code == 200
    refused = post(officer, f"{API}/bookings", booking_body(rooms["a"]))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_anonymous_callers_are_refused(world, rooms, client):
    assert client.get(f"{API}/rooms/{rooms['a'].pk}").status_code == 401
    assert post(client, f"{API}/bookings", booking_body(rooms["a"])).status_code == 401
