"""Races on real PostgreSQL, with one database connection per thread (deselected on SQLite
runs, where a single writer at a time is the database's own rule; see conftest.py).

The claim under test (ledger/services.py): the last ¥100 of a fund can be spent once, however
many requests race for it, because the balance moves with a conditional UPDATE that the
database evaluates under the row's lock, and appends to a book are serialised by the book's
row lock so the hash chain never forks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import services
from ledger.models import Account, Book, Transaction
from ledger.tests.conftest import Chart, balance, donate, open_chart, spend
from ledger.verify import book_verify
from linli.errors import Conflict
from orgs.models import NodeKind
from orgs.services import node_create

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback: the flush after a transactional test would also remove rows that data
    # migrations created, which later tests use.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

_books = iter(range(1, 1_000_000))


def fresh_chart() -> Chart:
    """A new community with its own book: transactional tests keep what earlier examples wrote."""
    from orgs.models import OrgNode

    subdistrict = OrgNode.objects.filter(kind=NodeKind.SUBDISTRICT).first()
    if subdistrict is None:
        city = node_create(kind=NodeKind.CITY, name="并发市", parent=None)
        district = node_create(kind=NodeKind.DISTRICT, name="并发区", parent=city)
        subdistrict = node_create(kind=NodeKind.SUBDISTRICT, name="并发街道", parent=district)
    community = node_create(
        kind=NodeKind.COMMUNITY, name=f"并发社区{next(_books)}-{time.monotonic_ns()}", parent=subdistrict
    )
    return open_chart(services.book_for_community(community=community))


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions at the same moment, each in its own thread and connection; return what each
    returned, or the exception it raised."""
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


def refused(result: object) -> bool:
    return isinstance(result, Conflict) and result.code == "insufficient_balance"


def test_two_spends_race_for_the_last_100_yuan_and_exactly_one_wins():
    chart = fresh_chart()
    donate(chart, 10_000)
    results = race(lambda: spend(chart, 10_000, memo="修楼道灯"), lambda: spend(chart, 10_000, memo="买慰问品"))
    assert sum(isinstance(r, Transaction) for r in results) == 1, results
    assert sum(refused(r) for r in results) == 1, results
    assert balance(chart.fund_cash) == 0
    assert balance(chart.fund_spending) == 10_000
    assert Transaction.objects.filter(book=chart.book).count() == 2
    assert book_verify(book=chart.book).ok


def test_the_conditional_update_settles_the_race_even_without_the_book_lock(monkeypatch):
    """Take the book lock away and hold the first spender inside its transaction, after its
    balance UPDATE: the second spender's UPDATE must wait for the row and then find nothing left."""
    chart = fresh_chart()
    donate(chart, 10_000)
    monkeypatch.setattr(services, "_lock_book", lambda book_id: Book.objects.get(pk=book_id))
    first_updated = threading.Event()
    real_hash = services.entry_hash

    def slow_hash(entry):
        if not first_updated.is_set():
            first_updated.set()
            time.sleep(0.5)  # the first spender's balance UPDATE is done but not committed
        return real_hash(entry)

    monkeypatch.setattr(services, "entry_hash", slow_hash)

    def second():
        first_updated.wait(5)
        return spend(chart, 10_000, memo="second")

    results = race(lambda: spend(chart, 10_000, memo="first"), second)
    assert isinstance(results[0], Transaction), results
    assert refused(results[1]), results
    assert balance(chart.fund_cash) == 0


def test_many_posts_at_once_keep_one_unforked_chain():
    chart = fresh_chart()
    results = race(*[lambda i=i: donate(chart, 100 + i, memo=f"捐赠{i}") for i in range(8)])
    assert all(isinstance(r, Transaction) for r in results), results
    assert sorted(r.seq for r in results) == list(range(1, 9))
    assert balance(chart.fund_cash) == sum(100 + i for i in range(8))
    assert book_verify(book=chart.book).ok


def test_a_retried_request_racing_itself_posts_once():
    chart = fresh_chart()
    results = race(*[lambda: donate(chart, 5_000, idempotency_key="wechat-pay-4711") for _ in range(4)])
    assert all(isinstance(r, Transaction) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert balance(chart.fund_cash) == 5_000


def test_posts_to_two_books_in_one_transaction_do_not_deadlock():
    from django.db import transaction

    a, b = fresh_chart(), fresh_chart()

    def both(first: Chart, second: Chart):
        with transaction.atomic():
            services.books_lock(books=[first.book, second.book])
            donate(first, 100)
            time.sleep(0.1)
            donate(second, 100)
        return "ok"

    assert race(lambda: both(a, b), lambda: both(b, a)) == ["ok", "ok"]
    assert balance(a.fund_cash) == balance(b.fund_cash) == 200


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    opening=st.integers(min_value=0, max_value=20_000),
    spends=st.lists(st.integers(min_value=1, max_value=10_000), min_size=2, max_size=6),
)
def test_concurrent_spends_never_overdraw(opening, spends):
    chart = fresh_chart()
    if opening:
        donate(chart, opening)
    results = race(*[lambda amount=amount: spend(chart, amount) for amount in spends])
    won = [amount for amount, r in zip(spends, results, strict=True) if isinstance(r, Transaction)]
    lost = [amount for amount, r in zip(spends, results, strict=True) if refused(r)]
    assert len(won) + len(lost) == len(spends), results
    final = balance(chart.fund_cash)
    assert final == opening - sum(won) >= 0
    # The balance only fell during the race, so every refused spend asked for more than was
    # left when it ran, which is at least what is left now.
    assert all(amount > final for amount in lost)
    assert Account.objects.filter(pk=chart.fund_spending.pk).values_list("balance", flat=True).get() == sum(won)
    assert book_verify(book=chart.book).ok
