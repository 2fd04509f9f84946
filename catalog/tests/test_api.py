import datetime as dt

import pytest
from django.utils import timezone

from catalog.models import Enrolment, Meal, Order, PriceRule
from catalog.tests.factories import clazz, kitchen

pytestmark = pytest.mark.django_db


def test_a_repeated_idempotency_key_returns_the_first_order(world, login):
    k = kitchen(world)
    client = login(world.user("resident_a"))
    body = {"meal_id": k.meal.pk, "resident_id": world.residents["a1"].pk}
    first = client.post("/api/v1/catalog/orders", body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    again = client.post("/api/v1/catalog/orders", body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and Order.objects.count() == 1
    assert first.json()["amount_fen"] == 1100 and first.json()["price_lines"][-1].endswith("¥11.00")
    other = client.post("/api/v1/catalog/orders", body, content_type="application/json", headers={"Idempotency-Key": "k2"})
    assert other.status_code == 201 and Order.objects.count() == 2
    assert Meal.objects.get(pk=k.meal.pk).portions_left == 48
    # My orders, newest first; ``limit`` says how many (30 unless asked, 1 to 200).
    mine = client.get("/api/v1/catalog/orders").json()
    assert [o["id"] for o in mine] == [other.json()["id"], first.json()["id"]]
    assert [o["id"] for o in client.get("/api/v1/catalog/orders?limit=1").json()] == [other.json()["id"]]
    for bad in ("0", "201", "x"):
        r = client.get(f"/api/v1/catalog/orders?limit={bad}")
        assert r.status_code == 422 and "limit" in str(r.json())


def test_orders_are_private_and_errors_are_json(world, login):
    k = kitchen(world)
    kb = kitchen(world, "b")
    client = login(world.user("resident_a"))
    # Another community's meal, or a stranger: not found.
    r = client.post("/api/v1/catalog/orders", {"meal_id": kb.meal.pk, "resident_id": world.residents["a1"].pk},
                    content_type="application/json")
    assert r.status_code == 404
    r = client.post("/api/v1/catalog/orders", {"meal_id": k.meal.pk, "resident_id": world.residents["a2"].pk},
                    content_type="application/json")
    assert r.status_code == 404
    Meal.objects.filter(pk=k.meal.pk).update(cutoff_at=timezone.now() - dt.timedelta(minutes=1))
    r = client.post("/api/v1/catalog/orders", {"meal_id": k.meal.pk, "resident_id": world.residents["a1"].pk},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "order_closed"
    assert client.get("/api/v1/catalog/orders").json() == []


def test_kitchen_scans_once_through_the_api(world, login):
    k = kitchen(world, serve_date=timezone.localdate())
    Meal.objects.filter(pk=k.meal.pk).update(cutoff_at=timezone.now() + dt.timedelta(hours=1))
    resident = login(world.user("resident_a"))
    order = resident.post("/api/v1/catalog/orders", {"meal_id": k.meal.pk, "resident_id": world.residents["a1"].pk},
                          content_type="application/json").json()
    clerk = login(k.clerk)
    body = {"community_id": world.community_a.pk, "code": order["pickup_code"]}
    r = clerk.post("/api/v1/catalog/kitchen/pickups", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "collected" and r.json()["payment_state"] == "paid"
    r = clerk.post("/api/v1/catalog/kitchen/pickups", body, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "already_collected"
    prod = clerk.get("/api/v1/catalog/kitchen/production").json()
    assert prod[0]["collected"] == 1


def test_enrol_and_waiting_list_with_idempotency(world, login):
    item = clazz(world, capacity=1)
    client = login(world.user("resident_a"))
    body = {"item_id": item.pk, "resident_id": world.residents["a1"].pk}
    r1 = client.post("/api/v1/catalog/enrolments", body, content_type="application/json", headers={"Idempotency-Key": "e"})
    r2 = client.post("/api/v1/catalog/enrolments", body, content_type="application/json", headers={"Idempotency-Key": "e"})
    assert r1.json()["id"] == r2.json()["id"] and r1.json()["status"] == "enrolled"
    staff = login(world.staff("a"))
    r3 = staff.post("/api/v1/catalog/enrolments", {"item_id": item.pk, "resident_id": world.residents["a2"].pk},
                    content_type="application/json")
    assert r3.json()["status"] == "waiting"
    client = login(world.user("resident_a"))
    assert client.post(f"/api/v1/catalog/enrolments/{r1.json()['id']}/withdraw").status_code == 200
    assert Enrolment.objects.get(pk=r3.json()["id"]).status == "enrolled"


def test_staff_create_rules_once_per_key(world, login):
    client = login(world.staff("a"))
    body = {"community_id": world.community_a.pk, "label": "骑手友好", "kind": "worker", "effect": "amount_off",
            "amount_fen": 200}
    a = client.post("/api/v1/catalog/rules", body, content_type="application/json", headers={"Idempotency-Key": "r"})
    b = client.post("/api/v1/catalog/rules", body, content_type="application/json", headers={"Idempotency-Key": "r"})
    assert a.status_code == 201 and a.json()["id"] == b.json()["id"] and PriceRule.objects.count() == 1
    other = login(world.staff("b"))
    body["community_id"] = world.community_a.pk
    assert other.post("/api/v1/catalog/rules", body, content_type="application/json").status_code == 404


def test_public_catalogue_api_and_page(world, client):
    k = kitchen(world)
    r = client.get(f"/api/v1/catalog/public/communities/{world.community_a.pk}/items?q=助餐")
    assert r.status_code == 200 and [i["name"] for i in r.json()] == [k.item.name]
    assert client.get(f"/api/v1/catalog/public/communities/{world.community_a.pk}/items?tier=free").json() == []
    page = client.get(f"/c/catalog/{world.community_a.pk}/?group=elderly")
    assert page.status_code == 200 and k.item.name in page.content.decode()
