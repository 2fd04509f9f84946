"""What the order endpoint's hot path leaves out must not change what it answers: cached price
rules follow every edit, a repeated Idempotency-Key gets the first order even when the repeat
would now be refused, and a pick-up code drawn twice is drawn again."""

import pytest

from catalog import services
from catalog.models import Meal, Order, PriceRule
from catalog.services import meals as meal_services
from catalog.tests.factories import kitchen, me
from linli.errors import Conflict
from orgs.scope import Scope

pytestmark = pytest.mark.django_db


def price_for(world, k) -> int:
    return services.quote_for(item=k.item, resident=world.residents["a1"], on=k.meal.serve_date).total_fen


def test_cached_rules_follow_edits_through_the_services_and_any_save(world):
    k = kitchen(world)
    assert price_for(world, k) == 1100  # 60–79岁: ¥1 off (now cached)
    rule = PriceRule.objects.get(community=world.community_a, label="60–79岁")
    services.price_rule_set_active(actor=Scope(world.user("admin")), rule=rule, active=False)
    assert price_for(world, k) == 1200
    services.price_rule_set_active(actor=Scope(world.user("admin")), rule=rule, active=True)
    assert price_for(world, k) == 1100
    # A save that bypasses the services (the admin, a shell) still drops the cached rules.
    rule.amount_fen = 300
    rule.save()
    assert price_for(world, k) == 900
    services.price_rule_create(
        actor=None, community=world.community_a, label="60岁以上九折", kind="age", min_age=60, effect="percent_off",
        percent=10, stacks=True,
    )
    assert price_for(world, k) < 900


def test_a_repeat_after_the_last_portion_gets_the_first_order_not_sold_out(world):
    k = kitchen(world, portions=1)
    actor, a1 = me(world, "resident_a"), world.residents["a1"]
    first = meal_services.order_create(actor=actor, meal=k.meal, resident=a1, idempotency_key="tap")
    again = meal_services.order_create(actor=actor, meal=k.meal, resident=a1, idempotency_key="tap")
    assert again.pk == first.pk and getattr(again, "repeated", False)
    with pytest.raises(Conflict):  # a new tap is refused: sold out
        meal_services.order_create(actor=actor, meal=k.meal, resident=a1, idempotency_key="tap-2")
    assert Order.objects.count() == 1 and Meal.objects.get(pk=k.meal.pk).portions_left == 0


def test_a_pick_up_code_drawn_twice_is_drawn_again(world, monkeypatch):
    k = kitchen(world)
    actor, a1 = me(world, "resident_a"), world.residents["a1"]
    codes = iter(["123456", "123456", "654321"])
    monkeypatch.setattr(meal_services, "_new_code", lambda: next(codes))
    one = meal_services.order_create(actor=actor, meal=k.meal, resident=a1)
    two = meal_services.order_create(actor=actor, meal=k.meal, resident=a1)
    assert (one.pickup_code, two.pickup_code) == ("123456", "654321")
    # The failed attempt took no portion: two orders, two portions.
    assert Meal.objects.get(pk=k.meal.pk).portions_left == 48


def test_an_order_row_records_itself_without_a_history_copy(world):
    k = kitchen(world)
    actor = me(world, "resident_a")
    order = meal_services.order_create(actor=actor, meal=k.meal, resident=world.residents["a1"])
    assert order.history.count() == 0  # the row itself says who ordered what, when, at what price
    services.order_cancel(actor=actor, order=order)
    order.refresh_from_db()
    assert order.cancelled_at is not None and order.ordered_by == world.user("resident_a")
