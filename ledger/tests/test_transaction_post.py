import datetime as dt

import pytest
from django.utils import timezone

from ledger import services
from ledger.chain import ChainEntry, entry_hash
from ledger.models import GENESIS_HASH, Account, Book, Posting, Transaction
from ledger.tests.conftest import balance, donate, spend
from linli.errors import Conflict, ValidationFailed


def counts() -> tuple[int, int]:
    return Transaction.objects.count(), Posting.objects.count()


def test_a_balanced_transaction_is_recorded_and_moves_the_balances(world, chart):
    txn = services.transaction_post(
        book=chart.book,
        kind="fund.donation",
        memo="爱心企业捐赠",
        postings=[(chart.fund_cash, 50_000), (chart.fund_income, -50_000)],
        recorded_by=world.user("staff_a"),
        source=("fund.donation", 17),
    )
    assert (txn.seq, txn.prev_hash, txn.community_id) == (1, GENESIS_HASH, world.community_a.pk)
    assert (txn.source_type, txn.source_id, txn.recorded_by) == ("fund.donation", "17", world.user("staff_a"))
    assert sorted(txn.postings.values_list("amount", flat=True)) == [-50_000, 50_000]
    assert balance(chart.fund_cash) == 50_000
    assert balance(chart.fund_income) == -50_000
    book = Book.objects.get(pk=chart.book.pk)
    assert (book.head_seq, book.head_hash) == (1, txn.hash)


def test_each_transaction_links_to_the_previous_one(chart):
    first = donate(chart, 100)
    second = spend(chart, 40)
    assert second.seq == 2
    assert second.prev_hash == first.hash
    assert second.hash != first.hash


def test_the_hash_is_sha256_of_the_documented_content(world, chart):
    txn = donate(chart, 12_345, memo="集市收入", source=("markets.market", "3"))
    expected = entry_hash(
        ChainEntry(
            book_id=chart.book.pk,
            community_id=world.community_a.pk,
            seq=1,
            occurred_at=txn.occurred_at,
            recorded_at=txn.recorded_at,
            kind="fund.donation",
            memo="集市收入",
            source_type="markets.market",
            source_id="3",
            reverses_seq=None,
            recorded_by_id=None,
            idempotency_key=None,
            postings=(("fund:income", "CNY", -12_345), ("fund:cash", "CNY", 12_345)),
            prev_hash=GENESIS_HASH,
        )
    )
    assert txn.hash == expected


def test_a_model_instance_can_name_the_source(world, chart):
    txn = donate(chart, 100, source=world.residents["a1"])
    assert (txn.source_type, txn.source_id) == ("residents.resident", str(world.residents["a1"].pk))


def test_unbalanced_postings_are_refused_and_nothing_is_written(chart):
    donate(chart, 1_000)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.transaction_post(
            book=chart.book, kind="fund.donation", memo="", postings=[(chart.fund_cash, 500), (chart.fund_income, -400)]
        )
    assert exc.value.code == "unbalanced"
    assert "¥1.00" in str(exc.value.message)
    assert counts() == before
    assert balance(chart.fund_cash) == 1_000
    assert Book.objects.get(pk=chart.book.pk).head_seq == 1


def test_postings_must_balance_in_each_unit_separately(chart):
    # ¥5 against 5 points: the numbers sum to zero but yuan and points do not mix.
    with pytest.raises(ValidationFailed) as exc:
        services.transaction_post(
            book=chart.book, kind="test.mixed", memo="", postings=[(chart.fund_cash, 5), (chart.points_issued, -5)]
        )
    assert exc.value.code == "unbalanced"
    assert counts() == (0, 0)


def test_a_transaction_may_move_two_units_if_each_balances(chart):
    txn = services.transaction_post(
        book=chart.book,
        kind="test.mixed",
        memo="",
        postings=[
            (chart.fund_cash, 300),
            (chart.fund_income, -300),
            (chart.points_wallet, 5),
            (chart.points_issued, -5),
        ],
    )
    assert sorted(txn.postings.values_list("unit", "amount")) == [
        ("CNY", -300),
        ("CNY", 300),
        ("PTS", -5),
        ("PTS", 5),
    ]


@pytest.mark.parametrize(
    ("postings", "code"),
    [
        ([], "too_few_postings"),
        ([("fund_cash", 100)], "too_few_postings"),
        ([("fund_cash", 0), ("fund_income", 0)], "bad_amount"),
        ([("fund_cash", 1.5), ("fund_income", -1.5)], "bad_amount"),
        ([("fund_cash", True), ("fund_income", -1)], "bad_amount"),
        ([("fund_cash", 10**16), ("fund_income", -(10**16))], "bad_amount"),
    ],
)
def test_malformed_postings_are_refused(chart, postings, code):
    with pytest.raises(ValidationFailed) as exc:
        services.transaction_post(
            book=chart.book, kind="fund.donation", memo="", postings=[(getattr(chart, a), n) for a, n in postings]
        )
    assert exc.value.code == code
    assert counts() == (0, 0)


def test_an_account_of_another_book_is_refused(chart, chart_b):
    with pytest.raises(ValidationFailed) as exc:
        services.transaction_post(
            book=chart.book,
            kind="fund.donation",
            memo="",
            postings=[(chart.fund_cash, 100), (chart_b.fund_income, -100)],
        )
    assert exc.value.code == "foreign_account"
    assert counts() == (0, 0)
    assert balance(chart.fund_cash) == 0


@pytest.mark.parametrize("kind", ["", "Fund.Donation", "fund donation", "fund..x", "1fund", "x" * 41])
def test_a_kind_must_look_like_a_dotted_name(chart, kind):
    with pytest.raises(ValidationFailed) as exc:
        donate(chart, 100, kind=kind)
    assert exc.value.code == "bad_kind"


def test_memo_source_and_key_are_checked(chart):
    with pytest.raises(ValidationFailed):
        donate(chart, 100, memo="长" * 201)
    with pytest.raises(ValidationFailed):
        donate(chart, 100, memo="a\x00b")
    with pytest.raises(ValidationFailed):
        donate(chart, 100, source=("", "1"))
    with pytest.raises(ValidationFailed):
        donate(chart, 100, idempotency_key=" ")
    assert counts() == (0, 0)


def test_times_must_be_aware_and_not_in_the_future(chart):
    with pytest.raises(ValidationFailed) as exc:
        donate(chart, 100, occurred_at=dt.datetime(2026, 1, 1, 9, 0))
    assert exc.value.code == "naive_time"
    with pytest.raises(ValidationFailed) as exc:
        donate(chart, 100, occurred_at=timezone.now() + dt.timedelta(hours=1))
    assert exc.value.code == "future_time"
    past = timezone.now() - dt.timedelta(days=40)
    assert donate(chart, 100, occurred_at=past).occurred_at == past


def test_a_fund_cannot_spend_more_than_it_holds(chart):
    donate(chart, 10_000)
    before = counts()
    with pytest.raises(Conflict) as exc:
        spend(chart, 10_001)
    assert exc.value.code == "insufficient_balance"
    assert "¥100.00" in str(exc.value.message) and "¥100.01" in str(exc.value.message)
    assert exc.value.details == {"account": "fund:cash", "balance": 10_000, "amount": 10_001}
    assert counts() == before
    assert balance(chart.fund_cash) == 10_000
    assert balance(chart.fund_spending) == 0  # its update, made before the refusal, was rolled back
    spend(chart, 10_000)
    assert balance(chart.fund_cash) == 0


def test_a_volunteer_cannot_redeem_more_points_than_earned(chart):
    services.transaction_post(
        book=chart.book,
        kind="volunteer.points_earned",
        memo="",
        postings=[(chart.points_wallet, 8), (chart.points_issued, -8)],
    )
    with pytest.raises(Conflict) as exc:
        services.transaction_post(
            book=chart.book,
            kind="volunteer.points_redeemed",
            memo="",
            postings=[(chart.points_issued, 9), (chart.points_wallet, -9)],
        )
    assert exc.value.code == "insufficient_balance"
    assert "8" in str(exc.value.message)
    assert balance(chart.points_wallet) == 8


def test_a_credit_normal_account_can_be_non_negative_too(chart):
    owed = services.account_open(
        book=chart.book,
        code="partner:12:deposit",
        name="押金",
        type="liability",
        owner_type="partner",
        owner_id=12,
        non_negative=True,
    )
    services.transaction_post(
        book=chart.book, kind="partner.deposit", memo="", postings=[(chart.partner_cash, 500), (owed, -500)]
    )
    with pytest.raises(Conflict):
        services.transaction_post(
            book=chart.book, kind="partner.deposit_refund", memo="", postings=[(owed, 600), (chart.partner_cash, -600)]
        )
    services.transaction_post(
        book=chart.book, kind="partner.deposit_refund", memo="", postings=[(owed, 500), (chart.partner_cash, -500)]
    )
    assert balance(owed) == 0


def test_accounts_without_the_rule_may_go_either_way(chart):
    services.transaction_post(
        book=chart.book,
        kind="partner.expense",
        memo="",
        postings=[(chart.partner_costs, 400), (chart.partner_cash, -400)],
    )
    assert balance(chart.partner_cash) == -400


def test_the_database_refuses_a_negative_balance_even_without_the_service(chart):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=chart.fund_cash.pk).update(balance=-1)


def test_several_postings_to_one_account_count_by_their_net(chart):
    donate(chart, 100)
    txn = services.transaction_post(
        book=chart.book,
        kind="test.net",
        memo="",
        postings=[(chart.fund_cash, -100), (chart.fund_cash, 50), (chart.fund_income, 50)],
    )
    assert txn.postings.count() == 3
    assert balance(chart.fund_cash) == 50
