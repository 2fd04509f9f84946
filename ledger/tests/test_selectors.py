import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from ledger import selectors, services
from ledger.selectors import _fixed_offset
from ledger.tests.conftest import donate, spend
from linli.errors import NotFound, ValidationFailed
from orgs.scope import Scope

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def spring(chart):
    """A fund's spring 2026: ¥1,000 in March, ¥300 out in April, ¥500 in April, ¥200 out in May."""
    donate(chart, 100_000, occurred_at=at(2026, 3, 10, 9))
    spend(chart, 30_000, occurred_at=at(2026, 4, 2, 15))
    donate(chart, 50_000, occurred_at=at(2026, 4, 30, 23, 59))
    spend(chart, 20_000, occurred_at=at(2026, 5, 1, 0, 0))
    return chart


def test_balance_at_any_time(spring):
    cash = spring.fund_cash
    assert selectors.balance_at(account=cash, at=at(2026, 3, 1)) == 0
    assert selectors.balance_at(account=cash, at=at(2026, 3, 10, 9)) == 100_000  # inclusive
    assert selectors.balance_at(account=cash, at=at(2026, 4, 30)) == 70_000
    assert selectors.balance_at(account=cash, at=at(2026, 5, 1)) == 100_000
    assert selectors.balance_at(account=cash, at=timezone.now()) == 100_000
    assert selectors.balance_at(account=spring.fund_income, at=timezone.now()) == -150_000


def test_a_statement_has_opening_lines_and_closing(spring):
    st = selectors.statement(account=spring.fund_cash, start=at(2026, 4, 1), end=at(2026, 5, 1))
    assert (st.opening, st.closing) == (100_000, 120_000)
    assert [(line.seq, line.amount, line.balance) for line in st.lines] == [(2, -30_000, 70_000), (3, 50_000, 120_000)]
    assert (st.debits, st.credits) == (50_000, 30_000)
    # The entry at exactly midnight on 1 May belongs to May only.
    may = selectors.statement(account=spring.fund_cash, start=at(2026, 5, 1), end=at(2026, 6, 1))
    assert (may.opening, may.closing, [line.seq for line in may.lines]) == (120_000, 100_000, [4])


def test_a_statement_period_must_not_end_before_it_starts(spring):
    with pytest.raises(ValidationFailed):
        selectors.statement(account=spring.fund_cash, start=at(2026, 5, 1), end=at(2026, 4, 1))


def test_trial_balance_now_and_in_the_past(spring):
    now = selectors.trial_balance(book=spring.book)
    assert now.balanced
    by_code = {row.account.code: row for row in now.rows}
    assert (by_code["fund:cash"].debit, by_code["fund:cash"].credit) == (100_000, 0)
    assert (by_code["fund:income"].debit, by_code["fund:income"].credit) == (0, 150_000)
    assert by_code["fund:spending"].debit == 50_000
    assert now.totals["CNY"] == (150_000, 150_000)
    march = selectors.trial_balance(book=spring.book, at=at(2026, 3, 31, 23, 59))
    assert {r.account.code: r.balance for r in march.rows if r.balance} == {
        "fund:cash": 100_000,
        "fund:income": -100_000,
    }
    assert march.balanced


def test_totals_by_kind_per_month_net_out_reversals(world, spring, chart_b):
    gift = donate(spring, 7_000, occurred_at=at(2026, 4, 15))
    services.transaction_reverse(original=gift, memo="退回", recorded_by=None, occurred_at=at(2026, 4, 16))
    donate(chart_b, 999, occurred_at=at(2026, 4, 3))
    totals = selectors.totals_by_kind(
        community_ids=[world.community_a.pk], start=at(2026, 1, 1), end=at(2027, 1, 1), granularity="month"
    )
    assert [(t.period, t.kind, t.unit, t.amount, t.count) for t in totals] == [
        (dt.date(2026, 3, 1), "fund.donation", "CNY", 100_000, 1),
        (dt.date(2026, 4, 1), "fund.donation", "CNY", 50_000, 1),  # 50,000 + 7,000 − 7,000 reversed
        (dt.date(2026, 4, 1), "fund.spending", "CNY", 30_000, 1),
        (dt.date(2026, 5, 1), "fund.spending", "CNY", 20_000, 1),
    ]


def test_periods_are_local_days(world, chart):
    # 16:30 UTC on 31 January is 00:30 on 1 February in Shanghai.
    donate(chart, 100, occurred_at=dt.datetime(2026, 1, 31, 16, 30, tzinfo=dt.UTC))
    donate(chart, 200, occurred_at=dt.datetime(2026, 1, 31, 15, 59, tzinfo=dt.UTC))
    ids = [world.community_a.pk]
    by_day = selectors.totals_by_kind(community_ids=ids, start=at(2026, 1, 1), end=at(2026, 3, 1), granularity="day")
    assert [(t.period, t.amount) for t in by_day] == [(dt.date(2026, 1, 31), 200), (dt.date(2026, 2, 1), 100)]
    by_year = selectors.totals_by_kind(community_ids=ids, start=at(2025, 1, 1), end=at(2027, 1, 1), granularity="year")
    assert [(t.period, t.amount, t.count) for t in by_year] == [(dt.date(2026, 1, 1), 300, 2)]


def test_totals_per_community_and_across_communities(world, chart, chart_b):
    donate(chart, 100, occurred_at=at(2026, 2, 1))
    donate(chart_b, 250, occurred_at=at(2026, 2, 2))
    ids = [world.community_a.pk, world.community_b.pk]
    both = selectors.totals_by_kind(community_ids=ids, start=at(2026, 1, 1), end=at(2026, 3, 1))
    assert [(t.amount, t.count, t.community_id) for t in both] == [(350, 2, None)]
    split = selectors.totals_by_kind(community_ids=ids, start=at(2026, 1, 1), end=at(2026, 3, 1), by_community=True)
    assert sorted((t.community_id, t.amount) for t in split) == sorted(
        [(world.community_a.pk, 100), (world.community_b.pk, 250)]
    )
    assert selectors.totals_by_kind(community_ids=[], start=at(2026, 1, 1), end=at(2026, 3, 1)) == []
    with pytest.raises(ValidationFailed):
        selectors.totals_by_kind(community_ids=ids, start=at(2026, 1, 1), end=at(2026, 3, 1), granularity="week")


def test_a_zone_with_summer_time_is_not_treated_as_fixed():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert _fixed_offset(berlin, at(2026, 1, 1), at(2026, 12, 31)) is None
    assert _fixed_offset(berlin, at(2026, 1, 1), at(2026, 2, 1)) == dt.timedelta(hours=1)
    assert _fixed_offset(SHANGHAI, at(2000, 1, 1), at(2030, 1, 1)) == dt.timedelta(hours=8)


def test_totals_for_a_user_cover_only_their_communities(world, chart, chart_b):
    donate(chart, 100, occurred_at=at(2026, 2, 1))
    donate(chart_b, 250, occurred_at=at(2026, 2, 2))
    span = {"start": at(2026, 1, 1), "end": at(2026, 3, 1)}
    staff_a = Scope(world.user("staff_a"))
    assert [t.amount for t in selectors.totals_by_kind_for_user(scope=staff_a, **span)] == [100]
    assert selectors.totals_by_kind_for_user(scope=staff_a, community_ids=[world.community_b.pk], **span) == []
    officer = Scope(world.user("officer"))
    assert [t.amount for t in selectors.totals_by_kind_for_user(scope=officer, **span)] == [350]
    assert selectors.totals_by_kind_for_user(scope=Scope(world.user("partner_a")), **span) == []


def test_scoped_fetching_hides_other_communities(world, chart, chart_b):
    entry_b = donate(chart_b, 100)
    staff_a = Scope(world.user("staff_a"))
    assert list(selectors.book_list_for_user(scope=staff_a)) == [chart.book]
    assert selectors.book_get_for_user(scope=staff_a, community_id=world.community_a.pk) == chart.book
    for fetch in (
        lambda: selectors.book_get_for_user(scope=staff_a, community_id=world.community_b.pk),
        lambda: selectors.account_get_for_user(scope=staff_a, account_id=chart_b.fund_cash.pk),
        lambda: selectors.transaction_get_for_user(scope=staff_a, transaction_id=entry_b.pk),
        lambda: selectors.book_of_community_for_user(scope=staff_a, community=world.community_b),
    ):
        with pytest.raises(NotFound):
            fetch()
    officer = Scope(world.user("officer"))
    assert set(selectors.book_list_for_user(scope=officer)) == {chart.book, chart_b.book}
    assert selectors.transaction_get_for_user(scope=officer, transaction_id=entry_b.pk) == entry_b
    # Partner staff have a console but no ledger capability.
    with pytest.raises(NotFound):
        selectors.account_get_for_user(scope=Scope(world.user("partner_a")), account_id=chart.fund_cash.pk)


def test_a_community_without_entries_has_no_book_yet(world):
    staff_a = Scope(world.user("staff_a"))
    assert selectors.book_of_community_for_user(scope=staff_a, community=world.community_a) is None
    with pytest.raises(NotFound):
        selectors.book_get_for_user(scope=staff_a, community_id=world.community_a.pk)


def test_journal_and_kinds(spring):
    assert [t.seq for t in selectors.transaction_list(book=spring.book)] == [4, 3, 2, 1]
    assert [t.seq for t in selectors.transaction_list(book=spring.book, kind="fund.spending")] == [4, 2]
    assert [t.seq for t in selectors.transaction_list(book=spring.book, start=at(2026, 4, 1), end=at(2026, 5, 1))] == [
        3,
        2,
    ]
    assert selectors.kinds_of(book=spring.book) == ["fund.donation", "fund.spending"]


def test_month_totals_from_the_rollup_equal_totals_from_the_postings(world, chart):
    moments = [at(2025, 12, 31, 23, 30), at(2026, 1, 1), at(2026, 1, 20), at(2026, 2, 14, 12), at(2026, 3, 1, 0, 1)]
    entries = [donate(chart, 100 * (i + 1), occurred_at=m) for i, m in enumerate(moments)]
    spend(chart, 50, occurred_at=at(2026, 2, 15))
    services.transaction_reverse(original=entries[2], memo="", recorded_by=None, occurred_at=at(2026, 2, 20))
    ids = [world.community_a.pk]
    tz = SHANGHAI

    def from_postings(start, end, granularity):
        found = {}

        def add(period, kind, unit, community_id, amount, count):
            found[(period, kind, unit)] = (amount, count)

        selectors._posting_totals(ids, start, end, granularity, tz, False, add)
        return {k: v for k, v in found.items() if v != (0, 0)}

    for start, end in [
        (at(2025, 12, 1), at(2026, 4, 1)),  # whole months only
        (at(2025, 12, 31, 12), at(2026, 3, 1, 0, 30)),  # partial months at both ends
        (at(2026, 1, 10), at(2026, 1, 25)),  # inside one month
        (at(2025, 1, 1), at(2027, 1, 1)),
    ]:
        for granularity in ("month", "year"):
            totals = selectors.totals_by_kind(community_ids=ids, start=start, end=end, granularity=granularity)
            assert {(t.period, t.kind, t.unit): (t.amount, t.count) for t in totals} == from_postings(
                start, end, granularity
            ), (start, end, granularity)
