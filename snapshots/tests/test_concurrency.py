"""Races on real PostgreSQL, one connection per thread (deselected on SQLite runs).

Claims under test (snapshots/services/reports.py): two handlers tapping "accept" or "close" at
the same moment change a report once; the escalation job run twice at once escalates each
overdue report once; a double tap with one Idempotency-Key files one report.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from linli.errors import Conflict
from orgs.scope import Scope
from snapshots import services
from snapshots.models import Event, EventKind, Report, Status
from snapshots.tests.factories import jpeg, report

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def race(*actions: Callable[[], object]) -> list[object]:
    start = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        try:
            start.wait()
            results[i] = action()
        except Exception as exc:  # the outcome under test, whatever it is
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_accepts_at_once_accept_once(world):
    r = report(world)
    grid, staff = Scope(world.user("grid_a1")), Scope(world.user("staff_a"))
    results = race(lambda: services.report_accept(actor=grid, report=r), lambda: services.report_accept(actor=staff, report=r))
    assert sum(isinstance(x, Report) for x in results) == 1, results
    assert sum(isinstance(x, Conflict) for x in results) == 1, results
    assert Event.objects.filter(report=r, kind=EventKind.ACCEPTED).count() == 1


def test_two_closes_at_once_close_once(world):
    r = report(world)
    grid, staff = Scope(world.user("grid_a1")), Scope(world.user("staff_a"))
    results = race(
        lambda: services.report_close(actor=grid, report=r, after_photos=[jpeg()]),
        lambda: services.report_close(actor=staff, report=r, after_photos=[jpeg()]),
    )
    assert sum(isinstance(x, Report) for x in results) == 1, results
    assert sum(isinstance(x, Conflict) for x in results) == 1, results
    r.refresh_from_db()
    assert r.status == Status.CLOSED
    assert Event.objects.filter(report=r, kind=EventKind.CLOSED).count() == 1
    # The loser's after-photo was never stored.
    assert r.photos.filter(kind="after").count() == 1


def test_the_escalation_job_twice_at_once_escalates_once(world):
    past = timezone.now() - dt.timedelta(days=5)
    late = [report(world, now=past) for _ in range(3)]
    results = race(services.reports_escalate_overdue, services.reports_escalate_overdue)
    assert sum(results) == 3, results
    assert Event.objects.filter(kind=EventKind.ESCALATED).count() == 3
    assert all(Report.objects.get(pk=r.pk).escalated_at for r in late)


def test_a_double_tap_with_one_key_files_one_report(world):
    results = race(lambda: report(world, idempotency_key="tap"), lambda: report(world, idempotency_key="tap"))
    assert all(isinstance(x, Report) for x in results), results
    assert results[0].pk == results[1].pk and Report.objects.count() == 1
