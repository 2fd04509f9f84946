"""Claims racing on real PostgreSQL: exactly one claimant wins, the others are told.

Each thread has its own connection and transaction, released together by a barrier. On SQLite
these are deselected (IMMEDIATE transactions serialise writers there anyway).
"""

import threading

import pytest
from django.db import connection

from accounts.services import user_create
from linli.errors import Conflict
from matching import services
from matching.models import Wish, WishEvent
from matching.tests.conftest import post_wish
from orgs.scope import Scope

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def together(*actions):
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=30)
            results[i] = action()
        except Exception as exc:  # every outcome is collected and judged below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_six_people_claiming_one_wish_at_once_make_one_claim(world):
    wish = post_wish(world)
    donors = [user_create(username=f"donor{i}", password="x-linli-2026", display_name=f"捐赠人{i}") for i in range(6)]

    def claim(user):
        return lambda: services.wish_claim(
            actor=Scope(user), wish=Wish.objects.get(pk=wish.pk), promise=True, display_name=user.display_name
        )

    results = together(*(claim(u) for u in donors))
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception)), results
    final = Wish.objects.get(pk=wish.pk)
    assert final.status == "claimed" and final.claimant_id == winners[0].claimant_id
    assert WishEvent.objects.filter(wish=wish, action="claimed").count() == 1


def test_a_claim_racing_a_withdrawal_ends_in_one_consistent_state(world):
    wish = post_wish(world)
    results = together(
        lambda: services.wish_claim(actor=Scope(world.user("volunteer_a")), wish=Wish.objects.get(pk=wish.pk), promise=True),
        lambda: services.wish_withdraw(actor=Scope(world.user("grid_a1")), wish=Wish.objects.get(pk=wish.pk), reason="撤回"),
    )
    final = Wish.objects.get(pk=wish.pk)
    assert final.status in ("claimed", "withdrawn")
    assert (final.claimant_id is not None) == (final.status == "claimed")
    assert WishEvent.objects.filter(wish=wish).exclude(action="posted").count() == sum(
        not isinstance(r, Exception) for r in results
    )
