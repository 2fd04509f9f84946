"""The public page of a community's rooms: facts and free times, never who booked what."""

import pytest

from spaces import services
from spaces.tests.factories import book, day

pytestmark = pytest.mark.django_db


def test_anyone_sees_rooms_with_function_area_hours_and_free_times(world, rooms, client):
    book(rooms["a"], day(0), "09:00", "11:00", holder="张丽君的私人课", title="秘密课程")
    response = client.get(f"/c/spaces/{world.community_a.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "康平社区" in page and "书法室" in page and "多功能厅" in page
    assert "45 m²" in page and "08:30–12:00, 14:00–21:00" in page
    assert "张丽君的私人课" not in page and "秘密课程" not in page
    assert "手工坊" not in page  # 溡源社区's room
    rows = response.context["rows"]
    assert [room.name for room, _slots, _n in rows] == ["书法室", "多功能厅"]


def test_rooms_out_of_use_are_not_listed(world, rooms, client):
    room = rooms["a2"]
    fields = services.RoomFields(name=room.name, function=room.function, area_m2=room.area_m2, week=room.week, is_active=False)
    services.room_update(actor=None, room=room, fields=fields)
    page = client.get(f"/c/spaces/{world.community_a.pk}/").content.decode()
    assert "多功能厅" not in page


def test_only_communities_have_a_page(world, client):
    assert client.get(f"/c/spaces/{world.grid_a1.pk}/").status_code == 404
    assert client.get(f"/c/spaces/{world.subdistrict.pk}/").status_code == 404
    assert client.get("/c/spaces/999999/").status_code == 404
