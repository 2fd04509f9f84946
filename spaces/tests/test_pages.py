"""The console pages: each renders for the community's staff, and another community's objects are 404."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs.selectors import SESSION_KEY
from spaces import services
from spaces.forms import RoomForm
from spaces.models import Booking, BookingSeries, BookingStatus, Room, RoomFunction, RoomPhoto
from spaces.tests.factories import book, day, make_room, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(world, rooms):
    """A booking and a weekly series in each community."""
    series = {}
    for side in ("a", "b"):
        series[side] = services.booking_series_create(
            actor=None, room=rooms[side], weekdays=[0, 2], start_time=dt.time(16, 30), end_time=dt.time(18, 30),
            first_date=day(0), last_date=day(13), holder_kind="partner", holder_id=1, holder_name=f"合伙人{side.upper()}",
            title=f"四点半课堂{side.upper()}",
        )
    return {
        "booking_a": book(rooms["a"], day(1), "09:00", "11:00", holder="康平合唱团", title="合唱排练"),
        "booking_b": book(rooms["b"], day(1), "09:00", "11:00", holder="溡源秘密团队", title="溡源排练"),
        "series_a": series["a"],
        "series_b": series["b"],
    }


def test_every_page_renders_for_the_community_s_staff(world, rooms, objects, login):
    staff = login(world.user("staff_a"))
    room, booking, series = rooms["a"], objects["booking_a"], objects["series_a"]
    pages = [
        "/console/spaces/",
        "/console/spaces/rooms/new/",
        f"/console/spaces/rooms/{room.pk}/",
        f"/console/spaces/rooms/{room.pk}/edit/",
        f"/console/spaces/rooms/{room.pk}/calendar/",
        f"/console/spaces/rooms/{room.pk}/calendar/?week=2030-03-06",
        f"/console/spaces/rooms/{room.pk}/book/?date=2030-03-05&start=14:00&end=15:00",
        "/console/spaces/bookings/",
        "/console/spaces/bookings/?from=2030-03-01&cancelled=1&holder_kind=partner",
        f"/console/spaces/bookings/{booking.pk}/",
        f"/console/spaces/bookings/{booking.pk}/move/",
        f"/console/spaces/series/{series.pk}/",
        "/console/spaces/import/",
        "/console/spaces/report/",
        "/console/spaces/report/?period=month&date=2030-03-01",
        "/console/spaces/utilisation/",
        "/console/spaces/utilisation/?period=week&date=2030-03-04",
        "/console/spaces/utilisation/?period=month&date=2030-03-04",
        "/console/spaces/compare/",
    ]
    for url in pages:
        response = staff.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "溡源秘密团队" not in body and "手工坊" not in body, url


def test_the_week_calendar_shows_bookings_and_free_blocks(world, rooms, objects, login):
    page = login(world.user("staff_a")).get(f"/console/spaces/rooms/{rooms['a'].pk}/calendar/?week=2030-03-05").content.decode()
    assert "合唱排练" in page and "康平合唱团" in page and "四点半课堂A" in page
    assert "?date=2030-03-05&amp;start=11:00&amp;end=12:00" in page  # the free block after the booking


def test_another_community_s_objects_are_404(world, rooms, objects, login):
    staff = login(world.user("staff_a"))
    room, booking, series = rooms["b"], objects["booking_b"], objects["series_b"]
    for url in [
        f"/console/spaces/rooms/{room.pk}/",
        f"/console/spaces/rooms/{room.pk}/edit/",
        f"/console/spaces/rooms/{room.pk}/calendar/",
        f"/console/spaces/rooms/{room.pk}/book/",
        f"/console/spaces/bookings/{booking.pk}/",
        f"/console/spaces/bookings/{booking.pk}/move/",
        f"/console/spaces/series/{series.pk}/",
    ]:
        assert staff.get(url).status_code == 404, url
        assert staff.post(url, {"name": "x"}).status_code == 404, url
    for url in [f"/console/spaces/bookings/{booking.pk}/cancel/", f"/console/spaces/series/{series.pk}/cancel/"]:
        assert staff.post(url, {"reason": "x"}).status_code == 404, url
    assert Booking.objects.filter(community=world.community_b, status=BookingStatus.BOOKED).count() == 5
    # A room id of B in a filter shows nothing of B.
    listed = staff.get(f"/console/spaces/bookings/?room={room.pk}").content.decode()
    assert "溡源排练" not in listed and "溡源秘密团队" not in listed


def test_people_without_a_spaces_role_get_404(world, rooms, objects, login):
    for username in ("grid_a1", "partner_a", "committee_a", "charity_a"):
        client = login(world.user(username))
        for url in ("/console/spaces/", "/console/spaces/bookings/", "/console/spaces/utilisation/",
                    f"/console/spaces/rooms/{rooms['a'].pk}/", "/console/spaces/report/", "/console/spaces/export.xlsx"):
            assert client.get(url).status_code == 404, (username, url)


def test_viewers_see_but_cannot_change(world, rooms, objects, login):
    officer = login(world.user("officer"))
    assert officer.get(f"/console/spaces/rooms/{rooms['a'].pk}/").status_code == 200
    assert officer.get(f"/console/spaces/bookings/{objects['booking_a'].pk}/").status_code == 200
    assert officer.get(f"/console/spaces/rooms/{rooms['a'].pk}/edit/").status_code == 404
    assert officer.get(f"/console/spaces/rooms/{rooms['a'].pk}/book/").status_code == 404
    assert officer.get("/console/spaces/rooms/new/").status_code == 404
    assert officer.post(f"/console/spaces/bookings/{objects['booking_a'].pk}/cancel/", {"reason": "x"}).status_code == 404
    assert officer.get("/console/spaces/import/").status_code == 404


def test_create_and_edit_a_room(world, login):
    staff = login(world.user("staff_a"))
    form = {
        "name": "瑜伽室", "function": RoomFunction.objects.get(code="yoga").pk, "area_m2": "80", "capacity": "20",
        "building": str(world.building_a1.pk), "floor": "3", "facilities": "瑜伽垫、镜墙", "description": "",
        "is_active": "on", "hours_0": "08:30-12:00, 14:00-21:00", "hours_5": "09:00-17:00",
    }
    response = staff.post("/console/spaces/rooms/new/", form)
    assert response.status_code == 302
    room = Room.objects.get(name="瑜伽室")
    assert room.week[0] == [(510, 720), (840, 1260)] and room.week[5] == [(540, 1020)] and room.week[1] == []
    assert room.building == world.building_a1 and room.facilities == ["瑜伽垫", "镜墙"]
    bad = staff.post(f"/console/spaces/rooms/{room.pk}/edit/", {**form, "hours_0": "21:00-08:00"})
    assert bad.status_code == 200 and "hours_0" in bad.context["form"].errors
    form["area_m2"] = "85"
    assert staff.post(f"/console/spaces/rooms/{room.pk}/edit/", form).status_code == 302
    room.refresh_from_db()
    assert room.area_m2 == 85
    # A building of another community is ignored, not attached.
    staff.post(f"/console/spaces/rooms/{room.pk}/edit/", {**form, "building": str(world.building_b1.pk)})
    room.refresh_from_db()
    assert room.building == world.building_a1


def test_book_once_and_weekly_through_the_form(world, rooms, login):
    staff = login(world.user("staff_a"))
    url = f"/console/spaces/rooms/{rooms['a'].pk}/book/"
    once = {"repeat": "once", "date": "2030-03-05", "start": "14:00", "end": "15:30", "holder_kind": "resident_group",
            "holder_name": "银发合唱团", "title": "排练"}
    response = staff.post(url, once)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert response["Location"] == f"/console/spaces/bookings/{booking.pk}/"
    clash = staff.post(url, once)
    assert clash.status_code == 200 and "银发合唱团" in str(clash.context["form"].non_field_errors())
    weekly = {**once, "repeat": "weekly", "weekdays": ["0", "4"], "first_date": "2030-03-04", "last_date": "2030-03-29",
              "start": "16:30", "end": "18:30", "title": "四点半课堂"}
    response = staff.post(url, weekly)
    assert response.status_code == 302
    series = BookingSeries.objects.get()
    assert series.bookings.count() == 8
    missing = staff.post(url, {**weekly, "weekdays": []})
    assert missing.status_code == 200 and "weekdays" in missing.context["form"].errors


def test_cancel_and_move_through_the_pages(world, rooms, objects, login):
    staff = login(world.user("staff_a"))
    booking = objects["booking_a"]
    moved = staff.post(f"/console/spaces/bookings/{booking.pk}/move/",
                       {"room": str(rooms["a2"].pk), "date": "2030-03-06", "start": "09:00", "end": "10:00"})
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.room == rooms["a2"] and timezone.localtime(booking.starts_at).date() == dt.date(2030, 3, 6)
    assert staff.post(f"/console/spaces/bookings/{booking.pk}/cancel/", {"reason": ""}).status_code == 422
    assert staff.post(f"/console/spaces/bookings/{booking.pk}/cancel/", {"reason": "下雨"}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    again = staff.post(f"/console/spaces/bookings/{booking.pk}/cancel/", {"reason": "下雨"})
    assert again.status_code == 409
    series = objects["series_a"]
    response = staff.post(f"/console/spaces/series/{series.pk}/cancel/", {"reason": "协议终止", "from_date": "2030-03-11"})
    assert response.status_code == 302
    assert series.bookings.filter(status=BookingStatus.BOOKED).count() == 2


def test_the_officer_compares_the_subdistrict_s_communities(world, rooms, objects, login):
    officer = login(world.user("officer"))
    page = officer.get("/console/spaces/compare/?period=week&date=2030-03-04").content.decode()
    assert "康平社区" in page and "溡源社区" in page and "辛店街道" in page
    for url in ("/console/spaces/", "/console/spaces/utilisation/", "/console/spaces/report/"):
        assert 'href="/console/spaces/compare/"' in officer.get(url).content.decode(), url
    assert 'href="/console/spaces/compare/"' not in login(world.user("staff_a")).get("/console/spaces/").content.decode()
    staff_page = login(world.user("staff_a")).get("/console/spaces/compare/").content.decode()
    assert "溡源社区" not in staff_page


def test_the_menu_offers_the_spaces_pages_to_those_who_may_see_them(world, rooms, login):
    home = login(world.user("staff_a")).get("/console/").content.decode()
    for url in ("/console/spaces/", "/console/spaces/bookings/", "/console/spaces/utilisation/"):
        assert f'href="{url}"' in home
    assert 'href="/console/spaces/"' not in login(world.user("grid_a1")).get("/console/").content.decode()


def test_the_overview_and_lists_do_not_grow_queries_with_rooms(world, login):
    """Pin: a page asks the same number of queries for 3 rooms as for 12 (no query per room)."""
    staff = login(world.user("staff_a"))
    urls = ("/console/spaces/", "/console/spaces/bookings/?from=2030-03-01", "/console/spaces/utilisation/",
            "/console/spaces/report/", "/console/spaces/compare/")

    def add_rooms(start, stop):
        for i in range(start, stop):
            room = make_room(world.community_a, f"活动室{i}", function="multipurpose", also=("reading", "music"))
            book(room, day(0), "09:00", "10:00")

    def counts():
        found = {}
        for url in urls:
            staff.get(url)  # warm the session
            with CaptureQueriesContext(connection) as queries:
                assert staff.get(url).status_code == 200
            found[url] = len(queries)
        return found

    add_rooms(0, 3)
    few = counts()
    add_rooms(3, 12)
    assert counts() == few
    assert few["/console/spaces/"] <= 25


def test_switching_community_changes_the_rooms_shown(world, rooms, client):
    client.force_login(world.user("admin"), backend="accounts.backends.PhoneOrUsernameBackend")
    session = client.session
    session[SESSION_KEY] = world.community_b.pk
    session.save()
    page = client.get("/console/spaces/").content.decode()
    assert "手工坊" in page and "书法室" not in page


def test_photos_through_the_edit_form(world, rooms, login):
    staff = login(world.user("staff_a"))
    room = rooms["a"]
    form = {k: v for k, v in RoomForm.initial_for(room).items() if v is not None}
    form["also_functions"] = []
    form["is_active"] = "on"
    response = staff.post(f"/console/spaces/rooms/{room.pk}/edit/", {**form, "photo": png(), "photo_caption": "作品墙"})
    assert response.status_code == 302
    photo = RoomPhoto.objects.get(room=room)
    assert photo.caption == "作品墙"
    page = staff.get(f"/console/spaces/rooms/{room.pk}/").content.decode()
    assert photo.image.url in page
    not_an_image = staff.post(f"/console/spaces/rooms/{room.pk}/edit/", {**form, "photo": SimpleUploadedFile("x.png", b"no", "image/png")})
    assert not_an_image.status_code == 200 and "photo" in not_an_image.context["form"].errors
    staff.post(f"/console/spaces/rooms/{room.pk}/edit/", {**form, "remove_photos": [str(photo.pk)]})
    assert not RoomPhoto.objects.filter(room=room).exists()
