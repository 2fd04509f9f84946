"""Races on real PostgreSQL, one connection per thread (deselected on SQLite, whose single writer
serialises them anyway).

The claims: points never go below zero and stock never below zero, however many redemptions
race (the reward's conditional UPDATE and the ledger's non-negative conditional UPDATE, in one
transaction); the last place on a task goes to exactly one volunteer.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from ledger.models import Account
from ledger.verify import book_verify
from linli.errors import Conflict
from linli.testkit import build_world
from orgs.scope import Scope
from volunteers import services
from volunteers.models import Redemption, Reward, Signup, Task
from volunteers.tests.conftest import build, make_task

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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


def rich(vw, volunteer, minutes=600):
    task = make_task(Scope(vw.world.user("staff_a")), vw.world.community_a, slots=1, title=f"任务{volunteer.pk}")
    signup = services.signup_create(actor=Scope(volunteer.user), volunteer=volunteer, task=task)
    services.signup_confirm(actor=Scope(task.organiser), signup=signup, minutes=minutes)


def redeem(volunteer, reward, key=None):
    return lambda: services.redemption_create(
        actor=Scope(volunteer.user), volunteer=volunteer, reward=reward, idempotency_key=key
    )


def test_concurrent_redemptions_never_take_points_below_zero():
    vw = build(build_world())
    rich(vw, vw.va)  # 10 × 10 h + 5 = 105 points
    reward = services.reward_create(actor=None, community=vw.world.community_a, name="米", points=20, stock=50)
    results = race(*[redeem(vw.va, reward) for _ in range(8)])
    won = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, Conflict) and r.code == "insufficient_balance"]
    assert (len(won), len(refused)) == (5, 3), results
    assert services.points_balance(vw.va) == 5
    assert Account.objects.get(pk=vw.va.points_account_id).balance >= 0
    reward.refresh_from_db()
    assert reward.stock == 45  # the refused ones took nothing
    assert Redemption.objects.filter(volunteer=vw.va).count() == 5
    assert book_verify(book=vw.va.points_account.book).ok


def test_concurrent_redemptions_never_take_stock_below_zero():
    vw = build(build_world())
    volunteers = [vw.va, vw.vb, vw.rider]
    for v in volunteers:
        rich(vw, v)
    reward = services.reward_create(actor=None, community=vw.world.community_a, name="理发券", points=10, stock=2)
    results = race(*[redeem(v, reward) for v in volunteers for _ in range(2)])
    won = [r for r in results if isinstance(r, Redemption)]
    assert len(won) == 2, results
    assert all(isinstance(r, Conflict) and r.code == "out_of_stock" for r in results if r not in won), results
    reward.refresh_from_db()
    assert reward.stock == 0
    assert sum(105 - services.points_balance(v) for v in volunteers) == 20


def test_a_double_tap_redeems_once():
    vw = build(build_world())
    rich(vw, vw.va)
    results = race(*[redeem(vw.va, vw.reward, key="tap-1") for _ in range(4)])
    assert len({r.pk for r in results if isinstance(r, Redemption)}) == 1, results
    assert services.points_balance(vw.va) == 85
    assert Reward.objects.get(pk=vw.reward.pk).stock == 2


def test_the_last_place_on_a_task_goes_to_one_volunteer():
    vw = build(build_world())
    task = make_task(Scope(vw.world.user("staff_a")), vw.world.community_a, slots=1, title="最后一个名额")
    volunteers = [vw.va, vw.vb, vw.rider]
    results = race(*[
        (lambda v=v: services.signup_create(actor=Scope(v.user), volunteer=v, task=task)) for v in volunteers
    ])
    assert sum(isinstance(r, Signup) for r in results) == 1, results
    assert Task.objects.get(pk=task.pk).taken == 1
    assert Signup.objects.filter(task=task).count() == 1
