"""Ledger test fixtures: a small chart of accounts in 康平社区's book, built with the services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ledger import services
from ledger.models import Account, AccountType, Book, OwnerType, Transaction, Unit

FUND_ID = 1
PARTNER_ID = 12
RESIDENT_ID = 7


@dataclass
class Chart:
    book: Book
    fund_cash: Account  # non-negative: the fund cannot spend more than it holds
    fund_income: Account
    fund_spending: Account
    partner_cash: Account
    partner_income: Account
    partner_costs: Account
    points_wallet: Account  # a volunteer's points, non-negative
    points_issued: Account


def open_chart(book: Book) -> Chart:
    def acc(code: str, name: str, type_: str, owner: str, owner_id: int | None, **kw) -> Account:
        return services.account_open(
            book=book, code=code, name=name, type=type_, owner_type=owner, owner_id=owner_id, **kw
        )

    return Chart(
        book=book,
        fund_cash=acc("fund:cash", "基金 · 资金", AccountType.ASSET, OwnerType.FUND, FUND_ID, non_negative=True),
        fund_income=acc("fund:income", "基金 · 收入", AccountType.INCOME, OwnerType.FUND, FUND_ID),
        fund_spending=acc("fund:spending", "基金 · 支出", AccountType.EXPENSE, OwnerType.FUND, FUND_ID),
        partner_cash=acc("partner:12:cash", "自习室 · 资金", AccountType.ASSET, OwnerType.PARTNER, PARTNER_ID),
        partner_income=acc("partner:12:income", "自习室 · 收入", AccountType.INCOME, OwnerType.PARTNER, PARTNER_ID),
        partner_costs=acc("partner:12:costs", "自习室 · 成本", AccountType.EXPENSE, OwnerType.PARTNER, PARTNER_ID),
        points_wallet=acc(
            "resident:7:points",
            "志愿者积分",
            AccountType.ASSET,
            OwnerType.RESIDENT,
            RESIDENT_ID,
            unit=Unit.PTS,
            non_negative=True,
        ),
        points_issued=acc(
            "community:points_issued", "已发放积分", AccountType.LIABILITY, OwnerType.COMMUNITY, None, unit=Unit.PTS
        ),
    )


@pytest.fixture
def book_a(world) -> Book:
    return services.book_for_community(community=world.community_a)


@pytest.fixture
def book_b(world) -> Book:
    return services.book_for_community(community=world.community_b)


@pytest.fixture
def chart(book_a) -> Chart:
    return open_chart(book_a)


@pytest.fixture
def chart_b(book_b) -> Chart:
    return open_chart(book_b)


def donate(chart: Chart, fen: int, **kwargs) -> Transaction:
    """Money into the fund: Dr fund cash, Cr fund income."""
    return services.transaction_post(
        book=chart.book,
        kind=kwargs.pop("kind", "fund.donation"),
        memo=kwargs.pop("memo", "捐赠"),
        postings=[(chart.fund_cash, fen), (chart.fund_income, -fen)],
        **kwargs,
    )


def spend(chart: Chart, fen: int, **kwargs) -> Transaction:
    """Money out of the fund: Dr fund spending, Cr fund cash."""
    return services.transaction_post(
        book=chart.book,
        kind=kwargs.pop("kind", "fund.spending"),
        memo=kwargs.pop("memo", "支出"),
        postings=[(chart.fund_spending, fen), (chart.fund_cash, -fen)],
        **kwargs,
    )


def balance(account: Account) -> int:
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)
