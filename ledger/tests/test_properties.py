"""Property-based tests: random sequences of postings, spends, point redemptions, reversals and
retries, checked against a simple model after every step.

Invariants: every book balances in every unit; no non-negative account goes below zero (a
refused spend is refused exactly when the model says it would overdraw); every reversal
restores the balances as they were without its original; cached balances, balances at a time,
monthly totals and the hash chain all verify. Concurrent spends are the same property on real
PostgreSQL (test_concurrency.py).

Each example runs in a savepoint that is rolled back, so examples start from the same empty
chart of accounts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import selectors, services
from ledger.models import Account, Transaction
from ledger.tests.conftest import Chart
from ledger.verify import book_verify
from linli.errors import Conflict

pytestmark = pytest.mark.django_db

CNY_ACCOUNTS = ["fund_cash", "fund_income", "fund_spending", "partner_cash", "partner_income", "partner_costs"]
PTS_ACCOUNTS = ["points_wallet", "points_issued"]

amounts = st.integers(min_value=1, max_value=50_000)
hours_ago = st.integers(min_value=0, max_value=24 * 400)  # entries up to ~13 months back, across months

operations = st.lists(
    st.one_of(
        # Move money from one CNY account to another (may hit the fund's non-negative rule).
        st.tuples(
            st.just("transfer"), st.sampled_from(CNY_ACCOUNTS), st.sampled_from(CNY_ACCOUNTS), amounts, hours_ago
        ),
        # Donations and spending, the fund's two directions.
        st.tuples(st.just("donate"), amounts, hours_ago),
        st.tuples(st.just("spend"), amounts, hours_ago),
        # Volunteer points earned and redeemed.
        st.tuples(st.just("earn"), st.integers(1, 50), hours_ago),
        st.tuples(st.just("redeem"), st.integers(1, 80), hours_ago),
        # Reverse the n-th entry made so far (if any), or retry it with its idempotency key.
        st.tuples(st.just("reverse"), st.integers(0, 40)),
        st.tuples(st.just("retry"), st.integers(0, 40)),
    ),
    max_size=25,
)


def lines_for(chart: Chart, op: tuple) -> tuple[str, list[tuple[Account, int]]]:
    kind = op[0]
    if kind == "transfer":
        _k, source, target, amount, _h = op
        if source == target:
            target = "partner_costs" if source != "partner_costs" else "fund_spending"
        return "test.transfer", [(getattr(chart, target), amount), (getattr(chart, source), -amount)]
    if kind == "donate":
        return "fund.donation", [(chart.fund_cash, op[1]), (chart.fund_income, -op[1])]
    if kind == "spend":
        return "fund.spending", [(chart.fund_spending, op[1]), (chart.fund_cash, -op[1])]
    if kind == "earn":
        return "volunteer.points_earned", [(chart.points_wallet, op[1]), (chart.points_issued, -op[1])]
    return "volunteer.points_redeemed", [(chart.points_issued, op[1]), (chart.points_wallet, -op[1])]


def would_overdraw(model: dict[int, int], accounts: dict[int, Account], lines: list[tuple[int, int]]) -> bool:
    net: dict[int, int] = defaultdict(int)
    for account_id, amount in lines:
        net[account_id] += amount
    return any(accounts[a].non_negative and accounts[a].sign * (model[a] + n) < 0 for a, n in net.items())


def actual_balances(chart: Chart) -> dict[int, int]:
    return dict(Account.objects.filter(book=chart.book).values_list("id", "balance"))


def check_invariants(chart: Chart, model: dict[int, int], accounts: dict[int, Account]) -> None:
    actual = actual_balances(chart)
    assert actual == {a: model[a] for a in actual}
    per_unit: dict[str, int] = defaultdict(int)
    for account_id, value in actual.items():
        per_unit[accounts[account_id].unit] += value
        if accounts[account_id].non_negative:
            assert accounts[account_id].sign * value >= 0
    assert all(total == 0 for total in per_unit.values())
    assert selectors.trial_balance(book=chart.book).balanced


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(ops=operations)
def test_random_histories_keep_every_invariant(chart, ops):
    accounts = {a.pk: a for a in Account.objects.filter(book=chart.book)}
    with transaction.atomic():
        now = timezone.now()
        model: dict[int, int] = defaultdict(int)
        entries: list[tuple[Transaction, list[tuple[int, int]], str]] = []  # (entry, lines, key)
        reversed_ids: set[int] = set()

        for step, op in enumerate(ops):
            if op[0] in ("reverse", "retry"):
                if not entries:
                    continue
                original, lines, key = entries[op[1] % len(entries)]
                if op[0] == "retry":
                    again = services.transaction_post(
                        book=chart.book,
                        kind=original.kind,
                        memo="retry",
                        postings=[(accounts[a], n) for a, n in lines],
                        idempotency_key=key,
                    )
                    assert again.pk == original.pk
                    assert actual_balances(chart) == {a: model[a] for a in accounts}
                    continue
                undo = [(a, -n) for a, n in lines]
                try:
                    services.transaction_reverse(original=original, memo="冲正", recorded_by=None)
                except Conflict as exc:
                    if exc.code == "insufficient_balance":
                        assert would_overdraw(model, accounts, undo)
                    else:
                        assert exc.code in ("already_reversed", "reversal_of_reversal")
                        assert original.pk in reversed_ids or original.reverses_id is not None
                    continue
                assert not would_overdraw(model, accounts, undo)
                reversed_ids.add(original.pk)
                for a, n in undo:
                    model[a] += n
                # The reversal restores the balances: they are now exactly those of the history
                # replayed without the reversed entry.
                replayed: dict[int, int] = defaultdict(int)
                for entry, entry_lines, _key in entries:
                    if entry.pk not in reversed_ids:
                        for a, n in entry_lines:
                            replayed[a] += n
                assert actual_balances(chart) == {a: replayed[a] for a in accounts}
            else:
                kind, postings = lines_for(chart, op)
                lines = [(acc.pk, n) for acc, n in postings]
                key = f"op-{step}"
                try:
                    txn = services.transaction_post(
                        book=chart.book,
                        kind=kind,
                        memo=f"step {step}",
                        postings=postings,
                        occurred_at=now - dt.timedelta(hours=op[-1]),
                        idempotency_key=key,
                    )
                except Conflict as exc:
                    assert exc.code == "insufficient_balance"
                    assert would_overdraw(model, accounts, lines)
                    assert actual_balances(chart) == {a: model[a] for a in accounts}
                    continue
                assert not would_overdraw(model, accounts, lines)
                for a, n in lines:
                    model[a] += n
                entries.append((txn, lines, key))
            check_invariants(chart, model, accounts)

        check_invariants(chart, model, accounts)
        report = book_verify(book=chart.book)
        assert report.ok, report.problems
        later = timezone.now() + dt.timedelta(minutes=10)
        for account_id, account in accounts.items():
            assert selectors.balance_at(account=account, at=later) == model[account_id]
        transaction.set_rollback(True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    gifts=st.lists(st.tuples(amounts, hours_ago, st.booleans()), min_size=1, max_size=12),
    start_hours=hours_ago,
    length_hours=st.integers(min_value=1, max_value=24 * 400),
    granularity=st.sampled_from(["day", "month", "year"]),
)
def test_totals_by_kind_add_up_to_what_was_posted_in_the_period(
    world, chart, gifts, start_hours, length_hours, granularity
):
    with transaction.atomic():
        now = timezone.now()
        start = now - dt.timedelta(hours=start_hours)
        end = start + dt.timedelta(hours=length_hours)
        expected_amount = expected_count = 0
        for amount, ago, reverse in gifts:
            occurred_at = now - dt.timedelta(hours=ago)
            txn = services.transaction_post(
                book=chart.book,
                kind="fund.donation",
                memo="",
                occurred_at=occurred_at,
                postings=[(chart.fund_cash, amount), (chart.fund_income, -amount)],
            )
            inside = start <= occurred_at < end
            expected_amount += amount if inside else 0
            expected_count += 1 if inside else 0
            if reverse:
                # Nothing is spent here, so a reversal always has the money to take back.
                services.transaction_reverse(original=txn, memo="", recorded_by=None, occurred_at=occurred_at)
                expected_amount -= amount if inside else 0
                expected_count -= 1 if inside else 0
        totals = selectors.totals_by_kind(
            community_ids=[world.community_a.pk], start=start, end=end, granularity=granularity
        )
        assert sum(t.amount for t in totals) == expected_amount
        assert sum(t.count for t in totals) == expected_count
        assert book_verify(book=chart.book).ok
        transaction.set_rollback(True)
