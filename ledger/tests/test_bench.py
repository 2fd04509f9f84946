"""The benchmark's generated history is a valid ledger (its speed is measured in docs/benchmarks.md,
never asserted here)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger import bench, selectors
from ledger.models import Book, MonthTotal, Transaction
from ledger.verify import book_verify


def test_the_generated_history_verifies_and_can_be_measured(db):
    gen = bench.generate(communities=3, per_community=120, months=6, seed=7, progress=lambda _line: None)
    assert (gen.communities, gen.transactions) == (3, 360)
    for book in Book.objects.all():
        report = book_verify(book=book)
        assert report.ok, report.problems
        assert selectors.trial_balance(book=book).balanced
    assert Transaction.objects.filter(reverses__isnull=False).exists()
    assert MonthTotal.objects.exists()
    timings = bench.measure(bench.existing(), repeat=1)
    assert timings[0].name.startswith("baseline") and timings[0].rows == 1
    assert all(t.median_ms >= 0 for t in timings)


def test_the_command_refuses_a_database_with_ledger_rows(chart):
    from ledger.tests.conftest import donate

    donate(chart, 100)
    with pytest.raises(CommandError, match="scratch database"):
        call_command("ledger_bench", "--communities", "1", "--per-community", "1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No generated benchmark history"):
        call_command("ledger_bench", "--measure-only", stdout=io.StringIO())


def test_the_command_prints_a_table(db):
    out = io.StringIO()
    call_command(
        "ledger_bench", "--communities", "2", "--per-community", "30", "--months", "3", "--repeat", "1", stdout=out
    )
    assert "| baseline: SELECT count(*) FROM ledger_posting |" in out.getvalue()
    assert "book_verify" in out.getvalue()
