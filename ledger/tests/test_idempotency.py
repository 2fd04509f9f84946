import pytest

from ledger import services
from ledger.models import Transaction
from ledger.tests.conftest import balance, donate, spend
from linli.errors import Conflict


def test_a_retried_post_returns_the_first_transaction_and_posts_nothing(chart):
    first = donate(chart, 2_000, idempotency_key="order-77-payment")
    again = donate(chart, 2_000, idempotency_key="order-77-payment")
    assert again.pk == first.pk
    assert Transaction.objects.count() == 1
    assert balance(chart.fund_cash) == 2_000


def test_a_retry_is_recognised_even_after_other_entries(chart):
    first = donate(chart, 2_000, idempotency_key="k1")
    spend(chart, 500)
    assert donate(chart, 2_000, idempotency_key="k1").pk == first.pk
    assert balance(chart.fund_cash) == 1_500


def test_the_same_key_for_a_different_transaction_is_a_conflict(chart):
    donate(chart, 2_000, idempotency_key="k1")
    with pytest.raises(Conflict) as exc:
        donate(chart, 2_500, idempotency_key="k1")
    assert exc.value.code == "idempotency_key_reused"
    with pytest.raises(Conflict):
        spend(chart, 2_000, idempotency_key="k1")
    assert Transaction.objects.count() == 1


def test_keys_are_per_book(chart, chart_b):
    a = donate(chart, 100, idempotency_key="same")
    b = donate(chart_b, 100, idempotency_key="same")
    assert a.pk != b.pk


def test_a_retried_reversal_returns_the_first_reversal(chart):
    original = donate(chart, 100)
    first = services.transaction_reverse(original=original, memo="错了", recorded_by=None, idempotency_key="r1")
    again = services.transaction_reverse(original=original, memo="错了", recorded_by=None, idempotency_key="r1")
    assert first.pk == again.pk
    assert Transaction.objects.count() == 2


def test_a_refused_post_does_not_use_up_its_key(chart):
    with pytest.raises(Conflict):
        spend(chart, 100, idempotency_key="pay-1")
    donate(chart, 100)
    assert spend(chart, 100, idempotency_key="pay-1").seq == 2
