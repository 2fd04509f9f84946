"""Races on real PostgreSQL, one connection per thread (deselected on SQLite, see conftest.py).

* N residents racing for the last K portions: exactly K orders succeed, the rest are told it
  is sold out, and the meal ends at 0 left, never below;
* two clerks scanning the same label at once: the order is collected once, one service record;
* a double tap racing with itself: one order;
* two withdrawals at once: two different people promoted from the waiting list.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from catalog import services
from catalog.models import Enrolment, EnrolmentStatus, Item, Meal, Order, OrderStatus
from catalog.tests.factories import clazz, kitchen
from linli.errors import Conflict
from linli.testkit import build_world, make_id_number
from orgs.scope import Scope
from records.models import ServiceRecord
from residents.services import resident_create, resolve_address

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def race(*actions):
    start = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i, action):
        try:
            start.wait()
            results[i] = action()
        except Exception as exc:  # the outcome under test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results




def _residents(world, n: int):
    out = []
    for i in range(n):
        address = resolve_address(
            scope=None, community=world.community_a, grid_name="第一网格", building_name="1号楼", unit="3",
            room=str(500 + i),
        )
        out.append(
            resident_create(
                actor=None, community=world.community_a, name=f"抢餐居民{i}",
                id_number=make_id_number(seq=500 + i), phone="", address=address,
            )
        )
    return out


def test_n_residents_race_for_the_last_k_portions():
    world = build_world()
    k = kitchen(world, portions=5)
    people = _residents(world, 12)
    staff = world.staff("a")

    def order(resident):
        return lambda: services.order_create(actor=Scope(staff), meal=k.meal, resident=resident)

    results = race(*(order(r) for r in people))
    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if isinstance(r, Conflict) and r.code == "sold_out"]
    assert len(won) == 5 and len(lost) == 7, results
    assert Meal.objects.get(pk=k.meal.pk).portions_left == 0
    assert Order.objects.filter(meal=k.meal).count() == 5


def test_an_order_is_collected_at_most_once():
    world = build_world()
    k = kitchen(world, serve_date=timezone.localdate())
    Meal.objects.filter(pk=k.meal.pk).update(cutoff_at=timezone.now() + dt.timedelta(hours=1))
    k.meal.refresh_from_db()
    order = services.order_create(actor=Scope(world.staff("a")), meal=k.meal, resident=world.residents["a1"])
    clerks = [k.clerk] * 3 + [world.staff("a")] * 3

    results = race(*(lambda u=u: services.order_hand_over(actor=Scope(u), order=Order.objects.get(pk=order.pk))
                     for u in clerks))
    done = [r for r in results if isinstance(r, Order)]
    again = [r for r in results if isinstance(r, Conflict) and r.code == "already_collected"]
    assert len(done) == 1 and len(again) == 5, results
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COLLECTED
    assert ServiceRecord.objects.filter(source_type="catalog.order", source_id=order.pk).count() == 1


def test_a_double_tap_racing_with_itself_makes_one_order():
    world = build_world()
    k = kitchen(world)
    actor_user = world.user("resident_a")
    results = race(*(
        lambda: services.order_create(
            actor=Scope(actor_user), meal=k.meal, resident=world.residents["a1"], idempotency_key="same-tap"
        )
        for _ in range(4)
    ))
    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Order.objects.count() == 1 and Meal.objects.get(pk=k.meal.pk).portions_left == 49


def test_two_withdrawals_promote_two_different_people():
    world = build_world()
    item = clazz(world, capacity=2)
    people = _residents(world, 5)
    staff = Scope(world.staff("a"))
    enrolments = []
    for r in people:
        enrolments.append(services.enrolment_create(actor=staff, item=item, resident=r))
        time.sleep(0.001)
    assert [e.status for e in enrolments] == ["enrolled", "enrolled", "waiting", "waiting", "waiting"]
    results = race(
        lambda: services.enrolment_withdraw(actor=Scope(world.staff("a")), enrolment=enrolments[0]),
        lambda: services.enrolment_withdraw(actor=Scope(world.staff("a")), enrolment=enrolments[1]),
    )
    assert all(isinstance(r, Enrolment) for r in results), results
    assert {r.pk for r in results} == {enrolments[2].pk, enrolments[3].pk}
    assert Enrolment.objects.filter(item=item, status=EnrolmentStatus.ENROLLED).count() == 2
    assert Item.objects.get(pk=item.pk).seats_taken == 2


def test_n_residents_race_for_the_last_seats():
    world = build_world()
    item = clazz(world, capacity=3)
    people = _residents(world, 10)
    results = race(*(lambda r=r: services.enrolment_create(actor=Scope(world.staff("a")), item=item, resident=r)
                     for r in people))
    assert all(isinstance(r, Enrolment) for r in results), results
    assert sum(r.status == EnrolmentStatus.ENROLLED for r in results) == 3
    assert Item.objects.get(pk=item.pk).seats_taken == 3
