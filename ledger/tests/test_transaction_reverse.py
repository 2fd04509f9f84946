import pytest
from django.utils import translation

from ledger import services
from ledger.models import Transaction
from ledger.tests.conftest import balance, donate, spend
from linli.errors import Conflict


def test_a_reversal_restores_the_balances_and_points_back(world, chart):
    donate(chart, 5_000)
    before = {a: balance(a) for a in (chart.fund_cash, chart.fund_spending)}
    original = spend(chart, 1_200, source=("fund.spending_request", 9))
    reversal = services.transaction_reverse(original=original, memo="重复录入", recorded_by=world.user("staff_a"))
    assert {a: balance(a) for a in before} == before
    assert reversal.reverses == original
    assert original.reversed_by == reversal
    assert (reversal.kind, reversal.source_type, reversal.source_id) == ("fund.spending", "fund.spending_request", "9")
    assert sorted(reversal.postings.values_list("account_id", "amount")) == sorted(
        (a, -n) for a, n in original.postings.values_list("account_id", "amount")
    )
    assert reversal.postings.filter(is_reversal=True).count() == 2
    assert reversal.seq == 3 and reversal.prev_hash == original.hash


def test_a_reversal_gets_a_default_memo(chart):
    original = donate(chart, 100)
    with translation.override("en"):
        assert services.transaction_reverse(original=original, memo="", recorded_by=None).memo == "Reversal of #1"


def test_a_transaction_is_reversed_at_most_once(chart):
    original = donate(chart, 100)
    services.transaction_reverse(original=original, memo="错了", recorded_by=None)
    with pytest.raises(Conflict) as exc:
        services.transaction_reverse(original=original, memo="又错了", recorded_by=None)
    assert exc.value.code == "already_reversed"
    assert Transaction.objects.count() == 2


def test_a_reversal_cannot_be_reversed(chart):
    reversal = services.transaction_reverse(original=donate(chart, 100), memo="错了", recorded_by=None)
    with pytest.raises(Conflict) as exc:
        services.transaction_reverse(original=reversal, memo="", recorded_by=None)
    assert exc.value.code == "reversal_of_reversal"


def test_income_already_spent_cannot_be_reversed(chart):
    gift = donate(chart, 1_000)
    spend(chart, 800)
    with pytest.raises(Conflict) as exc:
        services.transaction_reverse(original=gift, memo="退回捐赠", recorded_by=None)
    assert exc.value.code == "insufficient_balance"
    assert balance(chart.fund_cash) == 200
    assert not Transaction.objects.filter(reverses=gift).exists()
