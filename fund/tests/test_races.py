"""Races on real PostgreSQL, one connection per thread (deselected on SQLite runs, where one
writer at a time is the database's own rule).

Claims under test (fund/services/requests.py): two payments racing for the last of the approved
amount, or for the last of the fund's balance, never both succeed, and the loser leaves nothing
(no posting, no payment row, the paid amount unchanged); a member's two simultaneous votes count
once; the vote that makes the majority moves the request exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from fund import services
from fund.models import Payment, RequestStatus, SpendingRequest, StepLog, Vote
from fund.tests.conftest import PDF, donate, make_fund, propose, to_approved, voters
from ledger import chart
from ledger.models import Transaction
from ledger.verify import book_verify
from linli.errors import Conflict
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


def _pay(world, request_id: int, amount: int):
    def go():
        r = SpendingRequest.objects.get(pk=request_id)
        return services.payment_record(
            actor=Scope(world.user("charity_a")), request=r, amount_fen=amount, line="repairs", payee="某五金店", memo="感应灯",
            invoice=SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
        )

    return go


def test_two_payments_race_for_the_rest_of_the_approved_amount(world):
    make_fund(world, "a")
    donate(world, "a", 1_000_000)
    r = to_approved(world, propose(world, amount_fen=100_000))
    before = Transaction.objects.count()
    results = race(_pay(world, r.pk, 60_000), _pay(world, r.pk, 60_000), _pay(world, r.pk, 60_000))
    assert sum(isinstance(x, Payment) for x in results) == 1, results
    assert all(x.code == "over_approved" for x in results if isinstance(x, Conflict)), results
    r.refresh_from_db()
    assert r.paid_fen == 60_000
    assert Payment.objects.filter(spending_request=r).count() == 1
    assert Transaction.objects.count() == before + 1
    assert chart.fund_cash(world.community("a")).balance == 1_000_000 - 60_000
    assert book_verify(book=chart.fund_cash(world.community("a")).book).ok


def test_two_payments_race_for_the_last_of_the_balance(world):
    make_fund(world, "a")
    donate(world, "a", 100_000)
    r1 = to_approved(world, propose(world, amount_fen=100_000))
    r2 = to_approved(world, propose(world, amount_fen=100_000))
    before = Transaction.objects.count()
    results = race(_pay(world, r1.pk, 80_000), _pay(world, r2.pk, 80_000))
    assert sum(isinstance(x, Payment) for x in results) == 1, results
    assert sum(isinstance(x, Conflict) and x.code == "insufficient_balance" for x in results) == 1, results
    paid = sorted(SpendingRequest.objects.filter(pk__in=[r1.pk, r2.pk]).values_list("paid_fen", flat=True))
    assert paid == [0, 80_000]  # the loser's paid amount rolled back with its refused posting
    assert Payment.objects.count() == 1
    assert Transaction.objects.count() == before + 1
    assert chart.fund_cash(world.community("a")).balance == 20_000


def test_a_members_two_simultaneous_votes_count_once(world):
    fund = make_fund(world, "a")
    r = propose(world)
    services.spending_request_submit(actor=Scope(world.staff("a")), request=r)
    v = voters(fund)[0]

    def vote():
        return services.spending_request_vote(actor=v, request=SpendingRequest.objects.get(pk=r.pk), choice="yes")

    results = race(vote, vote, vote)
    assert sum(isinstance(x, Vote) for x in results) == 1, results
    assert all(isinstance(x, Conflict) and x.code == "already_voted" for x in results if not isinstance(x, Vote)), results
    assert Vote.objects.filter(spending_request=r).count() == 1


def test_the_deciding_votes_race_and_the_request_moves_once(world):
    fund = make_fund(world, "a")
    r = propose(world)
    services.spending_request_submit(actor=Scope(world.staff("a")), request=r)
    v = voters(fund)
    services.spending_request_vote(actor=v[0], request=SpendingRequest.objects.get(pk=r.pk), choice="yes")

    def vote(scope):
        return lambda: services.spending_request_vote(actor=scope, request=SpendingRequest.objects.get(pk=r.pk), choice="yes")

    results = race(vote(v[1]), vote(v[2]))
    r.refresh_from_db()
    # The first to commit makes the majority and opens the comment period; the other finds the
    # vote closed and is refused, with nothing written.
    assert r.status == RequestStatus.COMMENT
    assert sum(isinstance(x, Vote) for x in results) == 1, results
    assert StepLog.objects.filter(spending_request=r, action="committee_pass").count() == 1
