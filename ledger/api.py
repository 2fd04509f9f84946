"""Read-only JSON API of the ledger: books, accounts, statements, trial balances, verification
and dashboard totals. Money is posted by other apps' services, never through this router.

Amounts are integers in the account's unit (fen for CNY, points for PTS), signed: positive is a
debit, negative a credit. Time ranges are half-open [start, end).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from ledger import selectors
from ledger.models import Account, Book
from ledger.selectors import KindTotal, Statement
from ledger.verify import book_verify
from linli.errors import NotFound
from orgs.roles import Cap

router = Router(tags=["ledger"])


class BookOut(Schema):
    id: int
    community_id: int
    community_name: str
    name: str
    head_seq: int
    head_hash: str

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name


class AccountOut(Schema):
    id: int
    code: str
    name: str
    type: str
    unit: str
    owner_type: str
    owner_id: int | None
    non_negative: bool
    balance: int
    normal_balance: int


class StatementLineOut(Schema):
    transaction_id: int
    seq: int
    occurred_at: dt.datetime
    kind: str
    memo: str
    amount: int
    balance: int
    is_reversal: bool


class LedgerStatementOut(Schema):
    account: AccountOut
    start: dt.datetime
    end: dt.datetime
    opening: int
    closing: int
    lines: list[StatementLineOut]


class StatementFilters(Schema):
    start: dt.datetime | None = None
    end: dt.datetime | None = None


class TrialBalanceRowOut(Schema):
    account_id: int
    code: str
    name: str
    type: str
    unit: str
    balance: int
    debit: int
    credit: int


class UnitTotalsOut(Schema):
    unit: str
    debit: int
    credit: int


class TrialBalanceOut(Schema):
    community_id: int
    at: dt.datetime | None
    balanced: bool
    rows: list[TrialBalanceRowOut]
    totals: list[UnitTotalsOut]


class ProblemOut(Schema):
    kind: str
    seq: int | None
    account: str | None
    expected: str | int | None
    found: str | int | None
    message: str


class VerifyOut(Schema):
    book_id: int
    community_id: int | None
    ok: bool
    first_broken_seq: int | None
    transactions_checked: int
    accounts_checked: int
    last_seq: int
    last_hash: str
    problems: list[ProblemOut]


class TotalsFilters(Schema):
    start: dt.datetime
    end: dt.datetime
    granularity: str = "month"
    community_id: int | None = None
    by_community: bool = False


class KindTotalOut(Schema):
    period: dt.date
    kind: str
    unit: str
    amount: int
    count: int
    community_id: int | None


@router.get("/books", response=list[BookOut], summary="Books of the communities I may see")
def book_list(request: HttpRequest) -> list[Book]:
    return list(selectors.book_list_for_user(scope=request.scope))


@router.get("/communities/{community_id}/accounts", response=list[AccountOut], summary="Accounts of a book")
def account_list(request: HttpRequest, community_id: int) -> list[Account]:
    book = selectors.book_get_for_user(scope=request.scope, community_id=community_id)
    return list(selectors.account_list(book=book))


@router.get("/accounts/{account_id}/statement", response=LedgerStatementOut, summary="Statement of an account")
def account_statement(request: HttpRequest, account_id: int, filters: Query[StatementFilters]) -> Statement:
    """Opening balance at ``start``, the postings in [start, end), closing balance at ``end``.
    Defaults: from the first day of this month to now."""
    account: Account = selectors.account_get_for_user(scope=request.scope, account_id=account_id)
    now = timezone.now()
    start = filters.start or timezone.make_aware(dt.datetime.combine(timezone.localdate().replace(day=1), dt.time.min))
    return selectors.statement(account=account, start=start, end=filters.end or now)


@router.get("/communities/{community_id}/trial-balance", response=TrialBalanceOut, summary="Trial balance of a book")
def trial_balance(request: HttpRequest, community_id: int, at: dt.datetime | None = None) -> TrialBalanceOut:
    book = selectors.book_get_for_user(scope=request.scope, community_id=community_id)
    tb = selectors.trial_balance(book=book, at=at)
    return TrialBalanceOut(
        community_id=community_id,
        at=at,
        balanced=tb.balanced,
        rows=[
            TrialBalanceRowOut(
                account_id=r.account.pk,
                code=r.account.code,
                name=r.account.name,
                type=r.account.type,
                unit=r.account.unit,
                balance=r.balance,
                debit=r.debit,
                credit=r.credit,
            )
            for r in tb.rows
        ],
        totals=[UnitTotalsOut(unit=u, debit=d, credit=c) for u, (d, c) in sorted(tb.totals.items())],
    )


@router.get("/communities/{community_id}/verify", response=VerifyOut, summary="Verify a book's chain and balances")
def verify(request: HttpRequest, community_id: int) -> dict:
    book = selectors.book_get_for_user(scope=request.scope, community_id=community_id)
    return book_verify(book=book).as_dict()


@router.get("/totals", response=list[KindTotalOut], summary="Totals by kind and period (dashboards)")
def totals(request: HttpRequest, filters: Query[TotalsFilters]) -> list[KindTotal]:
    """Across every community I may see, or one (``community_id``)."""
    ids = None
    if filters.community_id is not None:
        if not request.scope.has(Cap.LEDGER_VIEW, filters.community_id):
            raise NotFound()
        ids = [filters.community_id]
    return selectors.totals_by_kind_for_user(
        scope=request.scope,
        start=filters.start,
        end=filters.end,
        granularity=filters.granularity,
        community_ids=ids,
        by_community=filters.by_community,
    )
