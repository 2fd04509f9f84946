import datetime as dt

import pytest
from django.utils import timezone

from catalog.models import Meal, Order
from catalog.tests.factories import clazz, kitchen

pytestmark = pytest.mark.django_db


def test_resident_orders_on_the_phone_page(world, login):
    k = kitchen(world)
    client = login(world.user("resident_a"))
    home = client.get("/me/catalog/")
    assert home.status_code == 200 and k.meal.name in home.content.decode()
    form = client.get(f"/me/catalog/meals/{k.meal.pk}/")
    assert "¥11.00" in form.content.decode()
    r = client.post(f"/me/catalog/meals/{k.meal.pk}/", {"resident": world.residents["a1"].pk, "quantity": 1,
                                                       "idempotency_key": "form-1"})
    order = Order.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/me/catalog/orders/{order.pk}/")
    client.post(f"/me/catalog/meals/{k.meal.pk}/", {"resident": world.residents["a1"].pk, "quantity": 1,
                                                   "idempotency_key": "form-1"})
    assert Order.objects.count() == 1
    detail = client.get(f"/me/catalog/orders/{order.pk}/").content.decode()
    assert order.pickup_code in detail and "data:image/svg+xml" in detail
    client.post(f"/me/catalog/orders/{order.pk}/cancel/")
    assert Order.objects.get().status == "cancelled"


def test_kitchen_portal_labels_and_scan(world, login):
    k = kitchen(world, serve_date=timezone.localdate())
    Meal.objects.filter(pk=k.meal.pk).update(cutoff_at=timezone.now() + dt.timedelta(hours=1))
    client = login(world.user("resident_a"))
    client.post(f"/me/catalog/meals/{k.meal.pk}/", {"resident": world.residents["a1"].pk, "quantity": 1})
    order = Order.objects.get()
    clerk = login(k.clerk)
    home = clerk.get("/console/catalog/kitchen/").content.decode()
    assert k.meal.name in home
    meal_page = clerk.get(f"/console/catalog/kitchen/meals/{k.meal.pk}/").content.decode()
    assert "张*君" in meal_page and "张丽君" not in meal_page
    pdf = clerk.get(f"/console/catalog/kitchen/meals/{k.meal.pk}/labels.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    r = clerk.post("/console/catalog/kitchen/scan/", {"code": order.qr_payload})
    assert "张*君" in r.content.decode()
    r = clerk.post("/console/catalog/kitchen/scan/", {"code": order.pickup_code})
    assert "alert error" in r.content.decode()
    assert Order.objects.get().status == "collected"


def test_staff_pages_and_settlement_exports(world, login):
    k = kitchen(world)
    clazz(world)
    client = login(world.staff("a"))
    for url in ("/console/catalog/", "/console/catalog/rules/", "/console/catalog/settlement/",
                f"/console/catalog/items/{k.item.pk}/", "/console/catalog/items/new/",
                f"/console/catalog/settlement/{k.partner.pk}/"):
        assert client.get(url).status_code == 200, url
    xlsx = client.get(f"/console/catalog/settlement/{k.partner.pk}/statement.xlsx")
    assert xlsx.content.startswith(b"PK")
    assert client.get(f"/console/catalog/settlement/{k.partner.pk}/statement.pdf").content.startswith(b"%PDF")
    r = client.post("/console/catalog/items/new/", {"name": "免费理发", "category": "便民服务", "kind": "service",
                                                   "provider_kind": "volunteer", "provider_name": "巧匠友邻", "tier": "free",
                                                   "price": "", "target_groups": ["elderly"], "is_active": "1"})
    assert r.status_code == 302
    r = client.post("/console/catalog/rules/", {"label": "困境儿童", "kind": "tag", "tag": "child_hardship",
                                               "effect": "free"})
    assert r.status_code == 302
