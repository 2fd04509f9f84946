import datetime as dt

import pytest
from django.utils import timezone

from catalog import services
from catalog.models import Meal, Order, OrderStatus, PaymentState
from catalog.selectors import my_orders, order_get_for_user, order_list_for_user, statement_for
from catalog.services.meals import order_find_by_code
from catalog.tests.factories import kitchen, me
from ledger import chart
from linli.errors import Conflict, NotFound, ValidationFailed
from linli.testkit import make_id_number
from orgs.scope import Scope
from records.models import ServiceRecord
from residents.services import resident_create, resolve_address

pytestmark = pytest.mark.django_db


def elder(world, seq=150, birth="19400301"):
    address = resolve_address(
        scope=None, community=world.community_a, grid_name="第一网格", building_name="1号楼", unit="2", room=str(seq)
    )
    return resident_create(
        actor=None, community=world.community_a, name="孙桂兰", id_number=make_id_number(birth=birth, seq=seq),
        phone="", address=address,
    )


def test_resident_orders_for_themself_with_the_elder_discount(world):
    k = kitchen(world)
    order = services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=world.residents["a1"])
    assert order.amount_fen == 1100 and order.list_price_fen == 1200
    assert order.price_lines[-1].endswith("¥11.00") and "60–79岁" in order.price_lines[1]
    assert order.payment_state == PaymentState.DUE and len(order.pickup_code) == 6
    assert Meal.objects.get(pk=k.meal.pk).portions_left == 49


def test_grid_worker_orders_for_an_elderly_resident_of_their_grid_with_delivery(world):
    k = kitchen(world)
    old = elder(world)
    order = services.order_create(actor=me(world, "grid_a1"), meal=k.meal, resident=old, delivery=True, quantity=2)
    assert order.amount_fen == 2000 and order.delivery and order.ordered_by == world.user("grid_a1")
    # Not in their grid: a2 lives in the second grid.
    with pytest.raises(NotFound):
        services.order_create(actor=me(world, "grid_a1"), meal=k.meal, resident=world.residents["a2"])
    with pytest.raises(ValidationFailed) as exc:
        services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=world.residents["a1"], delivery=True)
    assert exc.value.code == "no_delivery"


def test_nobody_orders_for_a_stranger_or_another_community(world):
    k = kitchen(world)
    with pytest.raises(NotFound):
        services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=world.residents["a2"])
    with pytest.raises(NotFound):
        services.order_create(actor=me(world, "resident_b"), meal=k.meal, resident=world.residents["b1"])
    assert Order.objects.count() == 0


def test_cut_off_and_sold_out_are_clear(world):
    k = kitchen(world, portions=2)
    a1 = world.residents["a1"]
    late = k.meal.cutoff_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationFailed) as exc:
        services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=a1, now=late)
    assert exc.value.code == "order_closed" and "20:00" in str(exc.value.message)
    services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=a1, quantity=2)
    with pytest.raises(Conflict) as exc:
        services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=a1)
    assert exc.value.code == "sold_out" and k.meal.name in str(exc.value.message)
    assert Order.objects.count() == 1


def test_idempotency_key_returns_the_first_order(world):
    k = kitchen(world)
    a1 = world.residents["a1"]
    first = services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=a1, idempotency_key="tap-1")
    again = services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=a1, idempotency_key="tap-1")
    assert again.pk == first.pk and Order.objects.count() == 1
    assert Meal.objects.get(pk=k.meal.pk).portions_left == 49


def test_cancel_before_cut_off_returns_portions_and_refunds(world):
    k = kitchen(world)
    actor = me(world, "resident_a")
    order = services.order_create(actor=actor, meal=k.meal, resident=world.residents["a1"])
    services.payment_confirm(actor=Scope(k.clerk), payable=order)
    order.refresh_from_db()
    assert order.payment_state == PaymentState.PAID
    assert chart.partner_income(k.partner).balance == -1100
    assert chart.fund_receivable(world.community_a).balance == 110  # 10% of revenue
    services.order_cancel(actor=actor, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_state == PaymentState.REFUNDED
    assert Meal.objects.get(pk=k.meal.pk).portions_left == 50
    assert chart.partner_income(k.partner).balance == 0 and chart.fund_receivable(world.community_a).balance == 0
    order2 = services.order_create(actor=actor, meal=k.meal, resident=world.residents["a1"])
    with pytest.raises(ValidationFailed) as exc:
        services.order_cancel(actor=actor, order=order2, now=k.meal.cutoff_at)
    assert exc.value.code == "cancel_closed"


def test_pick_up_once_with_a_service_record_and_payment(world):
    k = kitchen(world, serve_date=timezone.localdate())
    order = services.order_create(
        actor=me(world, "resident_a"), meal=k.meal, resident=world.residents["a1"],
        now=k.meal.cutoff_at - dt.timedelta(hours=2),
    )
    clerk = Scope(k.clerk)
    found = order_find_by_code(
        actor=clerk, code=order.pickup_code, partner_id=k.partner.pk, community_id=order.community_id,
        day=timezone.localdate(),
    )
    assert found.pk == order.pk
    assert order_find_by_code(
        actor=clerk, code=order.qr_payload, partner_id=k.partner.pk, community_id=order.community_id,
        day=timezone.localdate(),
    ).pk == order.pk
    services.order_hand_over(actor=clerk, order=found)
    with pytest.raises(Conflict) as exc:
        services.order_hand_over(actor=clerk, order=found)
    assert exc.value.code == "already_collected"
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED and order.payment_state == PaymentState.PAID
    record = ServiceRecord.objects.get(source_type="catalog.order", source_id=order.pk)
    assert record.resident == world.residents["a1"] and record.partner == k.partner and record.amount_fen == 1100
    # The discounted meal counted towards the partner's commitment.
    assert k.item.commitment.entries.count() == 1


def test_no_shows_after_the_window(world):
    k = kitchen(world, serve_date=timezone.localdate() - dt.timedelta(days=1))
    Meal.objects.filter(pk=k.meal.pk).update(cutoff_at=timezone.now() + dt.timedelta(hours=1))
    k.meal.refresh_from_db()
    o1 = services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=world.residents["a1"])
    services.order_create(actor=me(world, "staff_a"), meal=k.meal, resident=world.residents["a2"])
    services.order_hand_over(actor=Scope(k.clerk), order=o1)
    assert services.meal_record_no_shows(actor=Scope(k.clerk), meal=k.meal) == 1
    assert Order.objects.filter(status=OrderStatus.NO_SHOW).count() == 1


def test_a_resident_sees_only_their_own_orders_and_a_partner_only_theirs(world):
    k = kitchen(world)
    kb = kitchen(world, "b")
    mine = services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=world.residents["a1"])
    other = services.order_create(actor=me(world, "staff_a"), meal=k.meal, resident=world.residents["a2"])
    theirs = services.order_create(actor=me(world, "resident_b"), meal=kb.meal, resident=world.residents["b1"])
    assert list(my_orders(scope=me(world, "resident_a"))) == [mine]
    with pytest.raises(NotFound):
        order_get_for_user(scope=me(world, "resident_a"), order_id=other.pk)
    clerk_a = Scope(k.clerk)
    assert set(order_list_for_user(scope=clerk_a)) == {mine, other}
    with pytest.raises(NotFound):
        order_get_for_user(scope=clerk_a, order_id=theirs.pk)
    with pytest.raises(NotFound):
        services.order_hand_over(actor=clerk_a, order=theirs)


def test_statement_adds_up_to_the_ledger(world):
    k = kitchen(world, serve_date=timezone.localdate())
    Meal.objects.filter(pk=k.meal.pk).update(cutoff_at=timezone.now() + dt.timedelta(hours=1))
    k.meal.refresh_from_db()
    clerk = Scope(k.clerk)
    old = elder(world)
    orders = [
        services.order_create(actor=me(world, "resident_a"), meal=k.meal, resident=world.residents["a1"]),
        services.order_create(actor=me(world, "staff_a"), meal=k.meal, resident=old, quantity=2),
        services.order_create(actor=me(world, "staff_a"), meal=k.meal, resident=world.residents["a2"]),
    ]
    for o in orders[:2]:
        services.order_hand_over(actor=clerk, order=o)
    services.payment_confirm(actor=clerk, payable=orders[2])
    services.order_cancel(actor=me(world, "staff_a"), order=orders[2])
    st = statement_for(partner=k.partner, month=timezone.localdate())
    assert st["revenue_fen"] == 1100 + 2000
    assert st["revenue_share_fen"] == 110 + 200
    assert -chart.partner_income(k.partner).balance == st["revenue_fen"]
    assert -chart.partner_share_payable(k.partner).balance == st["share_owed_fen"]
    services.share_payment_record(actor=me(world, "staff_a"), partner=k.partner, month=timezone.localdate(),
                                  amount_fen=310, idempotency_key="pay-1")
    services.share_payment_record(actor=me(world, "staff_a"), partner=k.partner, month=timezone.localdate(),
                                  amount_fen=310, idempotency_key="pay-1")
    st = statement_for(partner=k.partner, month=timezone.localdate())
    assert st["share_paid_fen"] == 310 and st["share_outstanding_fen"] == 0
    assert chart.partner_share_payable(k.partner).balance == 0
    assert chart.fund_cash(world.community_a).balance == 310 and chart.fund_receivable(world.community_a).balance == 0
    with pytest.raises(Conflict):
        services.share_payment_record(actor=me(world, "staff_a"), partner=k.partner, month=timezone.localdate(),
                                      amount_fen=1)
