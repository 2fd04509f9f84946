"""The worked example of docs/ledger.md, posting for posting.

A 康平社区 shared study room (run by partner 12) earns ¥10,000 in a month with ¥4,000 costs;
30% of the profit (¥1,800) goes to the community development fund; the fund pays ¥1,500 to
repair a stairwell light. If this test changes, change the document too.
"""

import datetime as dt
import zoneinfo

import pytest

from ledger import selectors, services
from ledger.models import Account, AccountType, OwnerType
from ledger.verify import book_verify
from linli.errors import Conflict

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
PARTNER = 12  # the study room's operator (partners.Partner id)
FUND = 1  # 康平社区's development fund (fund.Fund id)


def test_the_study_room_month(world):
    book = services.book_for_community(community=world.community_a)

    def account(code, name, type_, owner, owner_id, **kw) -> Account:
        return services.account_open(
            book=book, code=code, name=name, type=type_, owner_type=owner, owner_id=owner_id, **kw
        )

    room_cash = account("partner:12:cash", "共享自习室 · 资金", AccountType.ASSET, OwnerType.PARTNER, PARTNER)
    room_income = account("partner:12:income", "共享自习室 · 营业收入", AccountType.INCOME, OwnerType.PARTNER, PARTNER)
    room_costs = account("partner:12:costs", "共享自习室 · 运营成本", AccountType.EXPENSE, OwnerType.PARTNER, PARTNER)
    room_share = account(
        "partner:12:revenue_share", "共享自习室 · 收益分成", AccountType.EXPENSE, OwnerType.PARTNER, PARTNER
    )
    fund_cash = account(
        "fund:1:cash", "社区发展基金 · 资金", AccountType.ASSET, OwnerType.FUND, FUND, non_negative=True
    )
    fund_income = account("fund:1:income", "社区发展基金 · 收入", AccountType.INCOME, OwnerType.FUND, FUND)
    fund_repairs = account("fund:1:repairs", "社区发展基金 · 维修支出", AccountType.EXPENSE, OwnerType.FUND, FUND)
    staff = world.user("staff_a")

    # 1. The month's takings: ¥10,000.
    services.transaction_post(
        book=book,
        kind="partner.income",
        memo="共享自习室 5月营业收入",
        postings=[(room_cash, 1_000_000), (room_income, -1_000_000)],
        occurred_at=dt.datetime(2026, 5, 31, 20, tzinfo=TZ),
        recorded_by=staff,
    )
    # 2. The month's costs: ¥4,000.
    services.transaction_post(
        book=book,
        kind="partner.expense",
        memo="共享自习室 5月水电、保洁、耗材",
        postings=[(room_costs, 400_000), (room_cash, -400_000)],
        occurred_at=dt.datetime(2026, 5, 31, 20, 5, tzinfo=TZ),
        recorded_by=staff,
    )
    # 3. 30% of the profit (¥10,000 − ¥4,000 = ¥6,000) to the fund, in one entry with both sides.
    share = (1_000_000 - 400_000) * 30 // 100
    assert share == 180_000
    services.transaction_post(
        book=book,
        kind="partner.revenue_share",
        memo="共享自习室 5月利润30%转入社区发展基金",
        postings=[(room_share, share), (room_cash, -share), (fund_cash, share), (fund_income, -share)],
        occurred_at=dt.datetime(2026, 6, 3, 10, tzinfo=TZ),
        recorded_by=staff,
        idempotency_key="share-2026-05-partner-12",
    )
    # 4. The fund pays ¥1,500 to repair a stairwell light.
    services.transaction_post(
        book=book,
        kind="fund.spending",
        memo="3号楼楼道灯维修",
        postings=[(fund_repairs, 150_000), (fund_cash, -150_000)],
        occurred_at=dt.datetime(2026, 6, 10, 15, tzinfo=TZ),
        recorded_by=staff,
    )

    balances = dict(Account.objects.filter(book=book).values_list("code", "balance"))
    assert balances == {
        "partner:12:cash": 420_000,  # ¥4,200 left with the study room
        "partner:12:income": -1_000_000,  # ¥10,000 earned (credit)
        "partner:12:costs": 400_000,  # ¥4,000 spent
        "partner:12:revenue_share": 180_000,  # ¥1,800 given to the fund
        "fund:1:cash": 30_000,  # ¥300 left in the fund
        "fund:1:income": -180_000,  # ¥1,800 received (credit)
        "fund:1:repairs": 150_000,  # ¥1,500 spent on the light
    }
    tb = selectors.trial_balance(book=book)
    assert tb.balanced and tb.totals == {"CNY": (1_180_000, 1_180_000)}

    # The fund holds ¥300: a second ¥1,500 repair is refused and nothing is written.
    with pytest.raises(Conflict):
        services.transaction_post(
            book=book, kind="fund.spending", memo="再修一次", postings=[(fund_repairs, 150_000), (fund_cash, -150_000)]
        )
    assert book_verify(book=book).ok
    june = selectors.statement(
        account=fund_cash, start=dt.datetime(2026, 6, 1, tzinfo=TZ), end=dt.datetime(2026, 7, 1, tzinfo=TZ)
    )
    assert (june.opening, june.closing, [line.amount for line in june.lines]) == (0, 30_000, [180_000, -150_000])
