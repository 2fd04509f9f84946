import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import api_token_create
from linli.testkit import PASSWORD, make_id_number
from residents.models import Resident, RevealLog, id_number_index

pytestmark = pytest.mark.django_db

BASE = "/api/v1/residents/"


def test_the_list_is_masked_and_paginated(world, login):
    body = login(world.user("staff_a")).get(BASE, {"community_id": world.community_a.pk, "limit": 1}).json()
    assert body["count"] == 2 and len(body["items"]) == 1
    item = body["items"][0]
    assert set(item) >= {"id_number_masked", "phone_masked"} and "id_number" not in item and "phone" not in item
    everyone = login(world.user("staff_a")).get(BASE, {"community_id": world.community_a.pk, "q": "zlj"}).json()
    assert [r["name"] for r in everyone["items"]] == ["张丽君"]
    assert everyone["items"][0]["phone_masked"] == "138****0101"


def test_register_through_the_api(world, login):
    client = login(world.user("staff_a"))
    number = make_id_number(birth="19660606", seq=606)
    payload = {"community_id": world.community_a.pk, "name": "周芳", "id_number": number, "phone": "13700000606",
               "grid": "第二网格", "building": "2号楼", "unit": "1", "room": "606"}
    response = client.post(BASE, payload, content_type="application/json")
    assert response.status_code == 201
    created = Resident.objects.get(id_number_hash=id_number_index(number))
    assert response.json()["id"] == created.pk and response.json()["id_number_masked"] == created.id_number_masked
    again = client.post(BASE, payload, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate_resident"
    unknown = client.post(BASE, {**payload, "id_number": make_id_number(seq=607), "grid": "第九网格"}, content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_grid"
    assert Resident.objects.filter(community=world.community_a).count() == 3


def test_patch_through_a_token_is_recorded_with_the_user(world):
    _token, raw = api_token_create(user=world.user("staff_a"), name="小程序")
    a1 = world.residents["a1"]
    response = Client().patch(
        f"{BASE}{a1.pk}", {"note": "需要上门"}, content_type="application/json", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 200
    a1.refresh_from_db()
    assert a1.note == "需要上门"
    assert a1.history.first().history_user == world.user("staff_a")


def test_patch_refuses_a_bad_name_and_changes_nothing(world, login):
    a1 = world.residents["a1"]
    response = login(world.user("staff_a")).patch(f"{BASE}{a1.pk}", {"name": "名" * 60}, content_type="application/json")
    assert response.status_code == 422
    a1.refresh_from_db()
    assert a1.name == "张丽君"


def test_reveal_through_the_api_is_logged(world, login):
    a1 = world.residents["a1"]
    client = login(world.user("staff_a"))
    response = client.post(f"{BASE}{a1.pk}/reveal", {"field": "id_number", "reason": "核对身份", "password": PASSWORD}, content_type="application/json")
    assert response.json() == {"field": "id_number", "value": a1.id_number}
    assert RevealLog.objects.get().reason == "核对身份"
    no_reason = client.post(f"{BASE}{a1.pk}/reveal", {"field": "phone", "reason": ""}, content_type="application/json")
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "no_reason"
    officer = login(world.user("officer")).post(f"{BASE}{a1.pk}/reveal", {"field": "phone", "reason": "看"}, content_type="application/json")
    assert officer.status_code == 403
    assert RevealLog.objects.count() == 1


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_lists_need_no_query_per_resident(world, login):
    from residents.services import resident_create, resolve_address

    client = login(world.user("staff_a"))
    client.get("/console/residents/")  # warm the session
    params = {"community_id": world.community_a.pk, "limit": 30}
    few = (_queries(client, "/console/residents/"), _queries(client, BASE, params))
    address = resolve_address(scope=None, community=world.community_a, grid_name="第一网格", building_name="1号楼", room="1")
    for i in range(30):
        resident_create(actor=None, community=world.community_a, name=f"测试{i}", id_number=make_id_number(seq=700 + i), address=address)
    many = (_queries(client, "/console/residents/"), _queries(client, BASE, params))
    assert many == few
    assert few[0] <= 25 and few[1] <= 15, few


def test_a_token_client_sends_the_password_with_every_reveal(world):
    a1 = world.residents["a1"]
    _token, raw = api_token_create(user=world.user("staff_a"), name="desk")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"field": "phone", "reason": "电话回访"}
    refused = client.post(f"{BASE}{a1.pk}/reveal", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "reauth_required"
    ok = client.post(f"{BASE}{a1.pk}/reveal", {**body, "password": PASSWORD}, content_type="application/json")
    assert ok.json()["value"] == a1.phone
    assert client.post(f"{BASE}{a1.pk}/reveal", body, content_type="application/json").status_code == 403
    assert RevealLog.objects.count() == 1
