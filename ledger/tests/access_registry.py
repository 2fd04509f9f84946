"""What linli/tests/test_access_control.py needs to check the ledger's pages and API.

Each side's community gets a small book (a fund with one donation), made through the ledger's
services. The ids of its account and its entry fill ``account_id`` and ``transaction_id``; the
books themselves are addressed by ``community_id``, which the core registry already knows.
"""

from __future__ import annotations

from ledger import services
from ledger.models import Account, AccountType, OwnerType, Transaction
from linli.testkit import World


def _memo(side: str) -> str:
    return f"{side.upper()}-LEDGER-SECRET-MEMO"


def _account_name(side: str) -> str:
    return f"{side.upper()}-LEDGER-SECRET-ACCOUNT"


def entry(world: World, side: str) -> Transaction:
    def make() -> Transaction:
        book = services.book_for_community(community=world.community(side))
        cash = services.account_open(
            book=book,
            code="fund:cash",
            name=_account_name(side),
            type=AccountType.ASSET,
            owner_type=OwnerType.FUND,
            owner_id=1,
            non_negative=True,
        )
        income = services.account_open(
            book=book,
            code="fund:income",
            name="基金收入",
            type=AccountType.INCOME,
            owner_type=OwnerType.FUND,
            owner_id=1,
        )
        return services.transaction_post(
            book=book,
            kind="fund.donation",
            memo=_memo(side),
            postings=[(cash, 12_300), (income, -12_300)],
            recorded_by=world.staff(side),
        )

    return world.once(f"ledger.entry.{side}", make)


def account(world: World, side: str) -> Account:
    return entry(world, side).postings.get(amount__gt=0).account


REGISTRY = {
    "account_id": lambda w, s: account(w, s).pk,
    "transaction_id": lambda w, s: entry(w, s).pk,
}


def markers(world: World) -> dict[str, str]:
    entry(world, "b")
    return {
        _memo("b"): "the memo of a community B ledger entry",
        _account_name("b"): "the name of a community B ledger account",
    }
