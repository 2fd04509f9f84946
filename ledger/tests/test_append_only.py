"""Transactions and postings can be neither changed nor removed: not by the code, not by the
admin, not by raw SQL. These tests run on SQLite and on PostgreSQL (the triggers differ)."""

import pytest
from django.db import IntegrityError, connection, transaction

from ledger import triggers
from ledger.models import Account, AppendOnlyError, Book, Posting, Transaction
from ledger.tests.conftest import donate


@pytest.fixture
def entry(chart) -> Transaction:
    return donate(chart, 10_000)


def raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_trigger_is_installed(db):
    assert triggers.missing_triggers(connection) == []


# --- The code refuses ---------------------------------------------------------------------------


def test_saving_a_recorded_transaction_is_refused(entry):
    entry.memo = "改过"
    with pytest.raises(AppendOnlyError):
        entry.save()


def test_deleting_through_the_orm_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Transaction.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        entry.postings.all().delete()
    with pytest.raises(AppendOnlyError):
        entry.postings.first().delete()


def test_bulk_updates_through_the_orm_are_refused(entry):
    with pytest.raises(AppendOnlyError):
        Transaction.objects.filter(pk=entry.pk).update(memo="x")
    with pytest.raises(AppendOnlyError):
        Posting.objects.filter(transaction=entry).update(amount=1)
    posting = entry.postings.first()
    posting.amount = 1
    with pytest.raises(AppendOnlyError):
        Posting.objects.bulk_update([posting], ["amount"])
    with pytest.raises(AppendOnlyError):
        posting.save()


# --- The database refuses, even raw SQL ---------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_transaction SET memo = 'tampered' WHERE id = %s",
        "UPDATE ledger_transaction SET hash = 'x' WHERE id = %s",
        "DELETE FROM ledger_transaction WHERE id = %s",
        "UPDATE ledger_posting SET amount = amount + 1 WHERE transaction_id = %s",
        "DELETE FROM ledger_posting WHERE transaction_id = %s",
    ],
)
def test_raw_sql_cannot_change_or_remove_history(entry, sql):
    with pytest.raises(IntegrityError, match=triggers.APPEND_ONLY_MESSAGE):
        raw(sql, [entry.pk])
    assert Transaction.objects.get(pk=entry.pk).memo == entry.memo
    assert Posting.objects.filter(transaction=entry).count() == 2


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_account SET code = 'fund:other' WHERE id = %s",
        "UPDATE ledger_account SET unit = 'PTS' WHERE id = %s",
        "UPDATE ledger_account SET type = 'income' WHERE id = %s",
        "UPDATE ledger_account SET non_negative = %s WHERE id = %s",
        "UPDATE ledger_account SET owner_id = 99 WHERE id = %s",
        "DELETE FROM ledger_account WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_what_an_account_is(chart, entry, sql):
    params = [False, chart.fund_cash.pk] if "non_negative" in sql else [chart.fund_cash.pk]
    with pytest.raises(IntegrityError, match=triggers.APPEND_ONLY_MESSAGE):
        raw(sql, params)
    assert Account.objects.get(pk=chart.fund_cash.pk).code == "fund:cash"


def test_an_account_s_name_and_cached_balance_may_change(chart, entry):
    # The name is a label; the cached balance is checked against the postings by the verifier.
    raw("UPDATE ledger_account SET name = %s WHERE id = %s", ["基金账户", chart.fund_cash.pk])
    account = Account.objects.get(pk=chart.fund_cash.pk)
    account.name = "社区发展基金"
    account.save()  # the ORM writes every column; unchanged identity columns pass the trigger
    assert Account.objects.get(pk=chart.fund_cash.pk).name == "社区发展基金"


def test_raw_sql_cannot_move_a_book_s_head_back_or_delete_it(chart, entry):
    with pytest.raises(IntegrityError, match=triggers.APPEND_ONLY_MESSAGE):
        raw("UPDATE ledger_book SET head_seq = 0, head_hash = %s WHERE id = %s", ["0" * 64, chart.book.pk])
    with pytest.raises(IntegrityError, match=triggers.APPEND_ONLY_MESSAGE):
        raw("UPDATE ledger_book SET head_hash = %s WHERE id = %s", ["f" * 64, chart.book.pk])
    with pytest.raises(IntegrityError, match=triggers.APPEND_ONLY_MESSAGE):
        raw("DELETE FROM ledger_book WHERE id = %s", [chart.book.pk])
    assert Book.objects.get(pk=chart.book.pk).head_seq == 1


def test_the_admin_cannot_add_change_or_delete(world, entry, login):
    client = login(world.user("admin"))
    assert client.get(f"/admin/ledger/transaction/{entry.pk}/change/").status_code == 200  # view only
    body = client.get(f"/admin/ledger/transaction/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in body
    assert client.get("/admin/ledger/transaction/add/").status_code == 403
    assert client.post(f"/admin/ledger/transaction/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/ledger/posting/{entry.postings.first().pk}/delete/", {"post": "yes"}).status_code == 403
    assert (
        client.post(f"/admin/ledger/account/{entry.postings.first().account_id}/change/", {"name": "x"}).status_code
        == 403
    )
    assert Transaction.objects.filter(pk=entry.pk).exists()
