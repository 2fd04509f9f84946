"""An 82-year-old resident of 康平社区 orders tomorrow's lunch on her phone and sees the ¥2
elder discount; the kitchen prints the box labels and, on the day, scans her code at the
counter — once: a second scan is refused with the time it was collected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.services import user_create
from browser.pages import log_in
from catalog.models import Meal, Order, OrderStatus
from catalog.tests.factories import kitchen
from linli.testkit import PASSWORD, make_id_number
from orgs.roles import Role
from orgs.services import role_grant
from residents.services import resident_create, resolve_address

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ELDER_PHONE = "13953300082"


def elder_with_login(world):
    """孙桂兰, 82, lives alone in 1号楼; she logs in with her mobile number."""
    born = timezone.localdate().replace(year=timezone.localdate().year - 82) - dt.timedelta(days=30)
    address = resolve_address(
        scope=None, community=world.community_a, grid_name="第一网格", building_name="1号楼", unit="2", room="201"
    )
    elder = resident_create(
        actor=None,
        community=world.community_a,
        name="孙桂兰",
        id_number=make_id_number(birth=born.strftime("%Y%m%d"), seq=182),
        phone=ELDER_PHONE,
        address=address,
    )
    user = user_create(username="sun-guilan", password=PASSWORD, display_name="孙桂兰", phone=ELDER_PHONE)
    elder.user = user
    elder.save(update_fields=["user"])
    role_grant(user=user, node=elder.grid, role=Role.RESIDENT)
    return elder


def test_an_elder_orders_lunch_and_the_kitchen_hands_it_over_once(journey, world):
    k = kitchen(world)  # 康平社区's kitchen: ¥12, 60–79岁 ¥1 off, 80岁以上 ¥2 off
    elder = elder_with_login(world)
    phone = journey.phone()
    log_in(phone, ELDER_PHONE)

    phone.goto("/me/catalog/")
    journey.step(phone, "meals-and-classes")
    with phone.expect_navigation():
        phone.click(f"a[href='/me/catalog/meals/{k.meal.pk}/']")
    price = phone.locator("main").inner_text()
    assert "80岁以上" in price and "¥10.00" in price, price
    journey.step(phone, "order-form-with-discount", doc="lunch-order-phone")
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    order = Order.objects.get(resident=elder)
    assert order.amount_fen == 1000 and order.list_price_fen == 1200
    assert phone.locator(".cat-code").inner_text().strip() == order.pickup_code
    journey.step(phone, "pick-up-code", doc="lunch-pick-up-code-phone")

    # The kitchen's partner staff: the meal's page and the box labels.
    desk = journey.desktop("kitchen")
    log_in(desk, k.clerk.username)
    desk.goto(f"/console/catalog/kitchen/meals/{k.meal.pk}/")
    journey.step(desk, "kitchen-meal")
    labels = desk.locator(f"a[href='/console/catalog/kitchen/meals/{k.meal.pk}/labels.pdf']")
    assert labels.count() == 1  # the button on the page; the PDF opens in the browser's viewer
    pdf = desk.context.request.get(labels.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # The day of the meal comes (the test moves the meal to today rather than wait).
    Meal.objects.filter(pk=k.meal.pk).update(serve_date=timezone.localdate())
    counter = journey.phone("counter")
    log_in(counter, k.clerk.username)
    counter.goto("/console/catalog/kitchen/scan/")
    counter.fill("#id_code", order.pickup_code)
    with counter.expect_navigation():
        counter.click("main form button[type=submit]")
    assert counter.locator(".alert.ok").count() == 1
    journey.step(counter, "handed-over", doc="pick-up-counter-phone")
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED and order.handed_over_at is not None

    counter.fill("#id_code", order.pickup_code)
    with counter.expect_navigation():
        counter.click("main form button[type=submit]")
    assert counter.locator(".alert.error").count() == 1
    journey.step(counter, "second-scan-refused")
    assert Order.objects.filter(pk=order.pk, status=OrderStatus.COLLECTED).count() == 1
    journey.done()
