"""A stall is never given twice, even when two staff allocate it at the same moment (real
PostgreSQL, one connection per thread; deselected on SQLite, where one writer at a time is the
database's own rule)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from linli.errors import Conflict
from markets import selectors, services
from markets.models import ApplicationStatus, StallApplication, StallKind
from markets.tests.conftest import make_market, make_merchant
from orgs.scope import Scope

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def race(*actions: Callable[[], object]) -> list[object]:
    start = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
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


def test_two_staff_allocate_the_same_stall_at_once_and_exactly_one_wins(world, monkeypatch):
    market = make_market(world, "a")
    merchants = [make_merchant(world, "a", f"商户{i}", f"race-merchant-{i}") for i in range(4)]
    staff = Scope(world.staff("a"))
    apps = [
        services.stall_apply(actor=staff, market=market, merchant=m, kind=StallKind.SELLING, offer="蔬菜")
        for m in merchants
    ]
    stall = selectors.stall_get(market=market, stall_number=1)
    # Both pass the friendly pre-check together: only the database's partial unique index is
    # left to settle the race, which is the guarantee under test.
    real_filter = StallApplication.objects.filter
    barrier = threading.Barrier(len(apps))

    def filter_then_wait(*args, **kwargs):
        qs = real_filter(*args, **kwargs)
        if kwargs.get("stall") == stall and kwargs.get("status") == ApplicationStatus.ALLOCATED:
            result = qs.exists()
            barrier.wait(timeout=10)
            return real_filter(pk__in=[]) if not result else qs
        return qs

    monkeypatch.setattr(StallApplication.objects, "filter", filter_then_wait)
    results = race(*[lambda a=a: services.stall_allocate(actor=Scope(world.staff("a")), application=a, stall=stall) for a in apps])
    monkeypatch.undo()
    winners = [r for r in results if isinstance(r, StallApplication)]
    losers = [r for r in results if isinstance(r, Conflict) and r.code == "stall_taken"]
    assert len(winners) == 1 and len(losers) == len(apps) - 1, results
    assert StallApplication.objects.filter(stall=stall, status=ApplicationStatus.ALLOCATED).count() == 1


def test_racing_allocations_without_help_also_give_the_stall_once(world):
    market = make_market(world, "a")
    merchants = [make_merchant(world, "a", f"摊主{i}", f"race2-merchant-{i}") for i in range(6)]
    staff = Scope(world.staff("a"))
    apps = [
        services.stall_apply(actor=staff, market=market, merchant=m, kind=StallKind.SELLING, offer="日用品")
        for m in merchants
    ]
    stall = selectors.stall_get(market=market, stall_number=2)
    results = race(*[lambda a=a: services.stall_allocate(actor=Scope(world.staff("a")), application=a, stall=stall) for a in apps])
    assert sum(isinstance(r, StallApplication) for r in results) == 1, results
    assert all(isinstance(r, (StallApplication, Conflict)) for r in results), results
    assert StallApplication.objects.filter(stall=stall, status=ApplicationStatus.ALLOCATED).count() == 1
