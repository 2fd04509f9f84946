"""What linli/tests/test_access_control.py needs to check the catalog endpoints.

Each side gets, through the catalog services: a kitchen (a meal service of the side's partner,
a dish on the menu two days ahead) with one order by the side's resident, a class with one
enrolment and one session, and a price rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from catalog import services
from catalog.models import ClassSession, Enrolment, Item, Meal, Order, PriceRule
from catalog.tests.factories import clazz, kitchen
from linli.testkit import World
from orgs.scope import Scope


@dataclass
class Objects:
    item: Item
    meal: Meal
    order: Order
    klass: Item
    enrolment: Enrolment
    session: ClassSession
    rule: PriceRule


def objects(world: World, side: str) -> Objects:
    def make() -> Objects:
        k = kitchen(world, side)
        resident = world.residents[{"a": "a1", "b": "b1"}[side]]
        user = world.user(f"resident_{side}")
        order = services.order_create(actor=Scope(user), meal=k.meal, resident=resident, note=f"{side.upper()}侧订单备注")
        klass = clazz(world, side)
        enrolment = services.enrolment_create(actor=Scope(user), item=klass, resident=resident)
        session = services.session_create(
            actor=None, item=klass, starts_at=timezone.now() - dt.timedelta(hours=1), topic=f"{side.upper()}侧课次"
        )
        rule = services.price_rule_create(
            actor=None, community=world.community(side), label=f"{side.upper()}侧低保优惠", kind="worker",
            effect="percent_off", percent=10,
        )
        return Objects(k.item, k.meal, order, klass, enrolment, session, rule)

    return world.once(f"catalog.objects.{side}", make)


REGISTRY = {
    "catalog_item_id": lambda w, s: objects(w, s).item.pk,
    "class_item_id": lambda w, s: objects(w, s).klass.pk,
    "meal_id": lambda w, s: objects(w, s).meal.pk,
    "meal_order_id": lambda w, s: objects(w, s).order.pk,
    "enrolment_id": lambda w, s: objects(w, s).enrolment.pk,
    "class_session_id": lambda w, s: objects(w, s).session.pk,
    "price_rule_id": lambda w, s: objects(w, s).rule.pk,
}

# The public catalogue: a community's published services (names, prices, providers, places,
# discounts by group). Public facts; never orders, residents or meals.
PUBLIC_PAGES = {"catalog_public:catalogue", "catalog_public:item"}
PUBLIC_OPERATIONS = {
    "GET /api/v1/catalog/public/communities/{community_id}/items",
    "GET /api/v1/catalog/public/items/{catalog_item_id}",
}
PUBLIC_MARKERS = {"community B's price rule"}


def markers(world: World) -> dict[str, str]:
    b = objects(world, "b")
    return {
        b.order.number: "community B's meal order number",
        b.order.note: "community B's order note",
        b.session.topic: "community B's class session",
        b.rule.label: "community B's price rule",
    }
