"""The verifier finds edits made behind the application's back and says where.

To play an attacker with database access, a test drops the append-only trigger first (inside
the test's transaction, so it comes back when the test ends), then edits a row with raw SQL.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import selectors, services, triggers
from ledger.models import Book
from ledger.tests.conftest import donate, spend
from ledger.verify import ProblemKind, book_verify


@pytest.fixture
def history(chart):
    """Five entries in 康平社区's book, one of them reversed."""
    donate(chart, 10_000)
    spend(chart, 2_500)
    third = donate(chart, 4_000, memo="集市收入")
    spend(chart, 1_000)
    services.transaction_reverse(original=third, memo="录错", recorded_by=None)
    return chart


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def seq_id(chart, seq: int) -> int:
    return chart.book.transactions.get(seq=seq).pk


def kinds(report) -> list[tuple[int | None, str]]:
    """What broke and where, leaving out the missing trigger the test itself dropped."""
    return [(p.seq, p.kind) for p in report.problems if p.kind != ProblemKind.TRIGGERS_MISSING]


def test_an_untouched_book_verifies(history):
    report = book_verify(book=history.book)
    assert report.ok, report.problems
    assert (report.transactions_checked, report.accounts_checked, report.last_seq) == (5, 8, 5)
    assert report.first_broken_seq is None
    assert report.last_hash == Book.objects.get(pk=history.book.pk).head_hash


def test_an_edited_memo_is_pinpointed(history):
    triggers.drop_trigger(connection, "ledger_transaction_no_update")
    sql("UPDATE ledger_transaction SET memo = %s WHERE id = %s", ["捐赠（改）", seq_id(history, 3)])
    report = book_verify(book=history.book)
    assert not report.ok
    assert report.first_broken_seq == 3
    assert (3, ProblemKind.HASH_MISMATCH) in kinds(report)
    # The trigger's absence is itself reported.
    missing = [p.message for p in report.problems if p.kind == ProblemKind.TRIGGERS_MISSING]
    assert len(missing) == 1 and "ledger_transaction_no_update" in missing[0]
    # Entries after #3 still link to #3's stored hash: only #3 is wrong.
    assert {p.seq for p in report.problems if p.seq is not None} == {3}


def test_an_edited_amount_is_pinpointed(history):
    triggers.drop_trigger(connection, "ledger_posting_no_update")
    txn_id = seq_id(history, 2)
    sql(
        "UPDATE ledger_posting SET amount = -1000 WHERE transaction_id = %s AND amount = -2500",
        [txn_id],
    )
    report = book_verify(book=history.book)
    assert report.first_broken_seq == 2
    assert (2, ProblemKind.HASH_MISMATCH) in kinds(report)
    assert (2, ProblemKind.UNBALANCED) in kinds(report)
    differs = [p for p in report.problems if p.kind == ProblemKind.BALANCE_DIFFERS]
    assert [p.account_code for p in differs] == ["fund:cash"]
    assert (differs[0].expected, differs[0].found) == (10_000 - 1_000 + 4_000 - 1_000 - 4_000, 10_000 - 2_500 - 1_000)


def test_a_rewritten_hash_breaks_the_next_link(history):
    triggers.drop_trigger(connection, "ledger_transaction_no_update")
    sql("UPDATE ledger_transaction SET hash = %s WHERE id = %s", ["a" * 64, seq_id(history, 4)])
    report = book_verify(book=history.book)
    assert report.first_broken_seq == 4
    assert (4, ProblemKind.HASH_MISMATCH) in kinds(report)
    assert (5, ProblemKind.PREV_LINK) in kinds(report)


def test_a_removed_entry_is_pinpointed(history):
    triggers.drop_trigger(connection, "ledger_transaction_no_delete")
    triggers.drop_trigger(connection, "ledger_posting_no_delete")
    txn_id = seq_id(history, 2)
    sql("DELETE FROM ledger_posting WHERE transaction_id = %s", [txn_id])
    sql("DELETE FROM ledger_transaction WHERE id = %s", [txn_id])
    report = book_verify(book=history.book)
    assert report.first_broken_seq == 3
    assert (3, ProblemKind.SEQ_GAP) in kinds(report)
    assert (3, ProblemKind.PREV_LINK) in kinds(report)


def test_a_removed_last_entry_is_caught_by_the_book_head(history):
    triggers.drop_trigger(connection, "ledger_transaction_no_delete")
    triggers.drop_trigger(connection, "ledger_posting_no_delete")
    txn_id = seq_id(history, 5)
    sql("DELETE FROM ledger_posting WHERE transaction_id = %s", [txn_id])
    sql("DELETE FROM ledger_transaction WHERE id = %s", [txn_id])
    report = book_verify(book=history.book)
    assert (5, ProblemKind.HEAD) in kinds(report)
    assert report.first_broken_seq == 5


def test_a_renamed_account_code_breaks_every_entry_that_uses_it(history):
    triggers.drop_trigger(connection, "ledger_account_fixed_identity")
    sql("UPDATE ledger_account SET code = 'fund:petty' WHERE id = %s", [history.fund_cash.pk])
    report = book_verify(book=history.book)
    assert [p.seq for p in report.problems if p.kind == ProblemKind.HASH_MISMATCH] == [1, 2, 3, 4, 5]


def test_a_changed_cached_balance_is_reported_with_the_account(history):
    # No trigger to drop: the cached balance may be written, and the verifier checks it.
    sql("UPDATE ledger_account SET balance = balance + 100 WHERE id = %s", [history.partner_cash.pk])
    report = book_verify(book=history.book)
    assert not report.ok
    assert report.first_broken_seq is None
    (problem,) = report.problems
    assert (problem.kind, problem.account_code, problem.expected, problem.found) == (
        ProblemKind.BALANCE_DIFFERS,
        "partner:12:cash",
        0,
        100,
    )


def test_a_moved_posting_copy_is_reported(history):
    triggers.drop_trigger(connection, "ledger_posting_no_update")
    sql("UPDATE ledger_posting SET kind = 'fund.other' WHERE transaction_id = %s", [seq_id(history, 1)])
    report = book_verify(book=history.book)
    assert kinds(report) == [(1, ProblemKind.POSTING_COPY)]


def test_a_reversal_that_no_longer_mirrors_its_original_is_reported(history):
    triggers.drop_trigger(connection, "ledger_posting_no_update")
    # Shift the reversal's postings from fund:cash to partner:cash: still balanced, still
    # the same amounts, but no longer undoing entry #3.
    sql(
        "UPDATE ledger_posting SET account_id = %s WHERE transaction_id = %s AND account_id = %s",
        [history.partner_cash.pk, seq_id(history, 5), history.fund_cash.pk],
    )
    report = book_verify(book=history.book)
    assert (5, ProblemKind.REVERSAL) in kinds(report)
    assert (5, ProblemKind.HASH_MISMATCH) in kinds(report)


def test_a_published_head_is_checked_against_the_chain(history):
    seq, digest = selectors.book_head(book=history.book)
    assert book_verify(book=history.book, published_head=(seq, digest)).ok
    report = book_verify(book=history.book, published_head=(3, digest))
    assert kinds(report) == [(3, ProblemKind.PUBLISHED_HEAD)]


def test_the_command_succeeds_on_good_books(history, chart_b):
    donate(chart_b, 100)
    out = __import__("io").StringIO()
    call_command("ledger_verify", "--all", stdout=out)
    assert out.getvalue().count("OK ") == 2


def test_the_command_fails_and_says_where(world, history):
    import io

    triggers.drop_trigger(connection, "ledger_transaction_no_update")
    sql("UPDATE ledger_transaction SET memo = 'x' WHERE id = %s", [seq_id(history, 2)])
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 book"):
        call_command("ledger_verify", "--community", str(world.community_a.pk), stdout=out)
    assert "first broken at #2" in out.getvalue()
    assert "hash_mismatch" in out.getvalue()


def test_the_command_can_speak_json(world, history):
    import io
    import json

    out = io.StringIO()
    call_command("ledger_verify", "--book", str(history.book.pk), "--json", stdout=out)
    (report,) = json.loads(out.getvalue())
    assert report["ok"] is True and report["transactions_checked"] == 5


def test_the_command_refuses_an_unknown_book(db):
    with pytest.raises(CommandError, match="No such book"):
        call_command("ledger_verify", "--book", "12345")


def test_a_changed_monthly_total_is_reported(history):
    sql("UPDATE ledger_monthtotal SET amount = amount + 1 WHERE kind = 'fund.donation'", [])
    report = book_verify(book=history.book)
    (problem,) = report.problems
    assert problem.kind == ProblemKind.TOTALS_DIFFER
    assert "fund.donation" in problem.message


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=12),
    target=st.integers(min_value=0),
    column=st.sampled_from(["memo", "kind", "occurred_at", "source_id", "amount"]),
)
def test_any_edited_entry_is_pinpointed(chart, amounts, target, column):
    from django.db import transaction

    with transaction.atomic():
        entries = [donate(chart, amount, memo=f"第{i}笔") for i, amount in enumerate(amounts)]
        victim = entries[target % len(entries)]
        triggers.drop_trigger(connection, "ledger_transaction_no_update")
        triggers.drop_trigger(connection, "ledger_posting_no_update")
        if column == "amount":
            # Both postings, so the entry still balances: only the hash can tell.
            sql("UPDATE ledger_posting SET amount = amount * 2 WHERE transaction_id = %s", [victim.pk])
        elif column == "occurred_at":
            sql(
                "UPDATE ledger_transaction SET occurred_at = recorded_at - INTERVAL '1 day' WHERE id = %s"
                if connection.vendor == "postgresql"
                else "UPDATE ledger_transaction SET occurred_at = datetime(occurred_at, '-1 day') WHERE id = %s",
                [victim.pk],
            )
        else:
            value = {"memo": "改过的", "kind": "fund.other", "source_id": "999"}[column]
            sql(f"UPDATE ledger_transaction SET {column} = %s WHERE id = %s", [value, victim.pk])
        report = book_verify(book=chart.book)
        assert report.first_broken_seq == victim.seq
        assert (victim.seq, ProblemKind.HASH_MISMATCH) in kinds(report)
        transaction.set_rollback(True)
