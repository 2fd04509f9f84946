"""Reads of the ledger.

Two layers:

* ``*_for_user`` functions take the asker's ``Scope`` and fetch only what the user may see
  with ``Cap.LEDGER_VIEW``; another community's book, account or transaction is a NotFound
  (we never confirm it exists). Pages and the API use these.
* The computations (``balance_at``, ``statement``, ``trial_balance``, ``totals_by_kind``) take
  objects the caller already holds with access: a page's account from
  ``account_get_for_user``, or another app's service acting for its own community.

Time ranges are half-open, [start, end): a statement for May is start=1 May 00:00,
end=1 June 00:00, and an entry at exactly midnight belongs to one period only.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Count, F, Func, Q, QuerySet, Sum, Value
from django.db.models.functions import Trunc
from django.utils.translation import gettext as _

from ledger.models import Account, Book, BookKind, MonthTotal, Posting, Transaction
from linli.errors import NotFound, ValidationFailed
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope

GRANULARITIES = ("day", "month", "year")


# --- Scoped fetching --------------------------------------------------------------------------


def book_list_for_user(*, scope: Scope) -> QuerySet[Book]:
    """Community books the user may see. (The platform book is reached through the admin and
    ``ledger_verify``; the console and the API are about communities.)"""
    books = Book.objects.select_related("community").filter(kind=BookKind.COMMUNITY)
    return scope.filter(books, Cap.LEDGER_VIEW).order_by("community__path")


def book_get_for_user(*, scope: Scope, community_id: int) -> Book:
    """The book of a community the user may see; NotFound if they may not, or if it has none."""
    if not scope.has(Cap.LEDGER_VIEW, community_id):
        raise NotFound()
    book = Book.objects.select_related("community").filter(community_id=community_id, kind=BookKind.COMMUNITY).first()
    if book is None:
        raise NotFound()
    return book


def book_of_community_for_user(*, scope: Scope, community: OrgNode) -> Book | None:
    """For the console: the community's book, or None while nothing has been posted there."""
    if not scope.has(Cap.LEDGER_VIEW, community.pk):
        raise NotFound()
    return Book.objects.select_related("community").filter(community=community, kind=BookKind.COMMUNITY).first()


def account_get_for_user(*, scope: Scope, account_id: int) -> Account:
    account = (
        scope.filter(Account.objects.select_related("book", "community"), Cap.LEDGER_VIEW).filter(pk=account_id).first()
    )
    if account is None:
        raise NotFound()
    return account


def transaction_get_for_user(*, scope: Scope, transaction_id: int) -> Transaction:
    txn = (
        scope.filter(
            Transaction.objects.select_related("book", "recorded_by", "reverses", "reversed_by"), Cap.LEDGER_VIEW
        )
        .filter(pk=transaction_id)
        .first()
    )
    if txn is None:
        raise NotFound()
    return txn


def account_list(*, book: Book) -> QuerySet[Account]:
    return Account.objects.filter(book=book).order_by("owner_type", "owner_id", "code")


def transaction_list(
    *, book: Book, kind: str = "", start: dt.datetime | None = None, end: dt.datetime | None = None
) -> QuerySet[Transaction]:
    """The book's journal, newest first."""
    qs = Transaction.objects.filter(book=book)
    if kind:
        qs = qs.filter(kind=kind)
    if start is not None:
        qs = qs.filter(occurred_at__gte=start)
    if end is not None:
        qs = qs.filter(occurred_at__lt=end)
    return qs.select_related("recorded_by").order_by("-seq")


def postings_of(*, txn: Transaction) -> QuerySet[Posting]:
    return txn.postings.select_related("account").order_by("-amount", "account__code")


def kinds_of(*, book: Book) -> list[str]:
    return list(Transaction.objects.filter(book=book).order_by("kind").values_list("kind", flat=True).distinct())


def book_head(*, book: Book) -> tuple[int, str]:
    """(seq, hash) of the newest transaction: what a published disclosure should quote, so that
    anyone can later check the book still contains exactly that history (ledger.verify)."""
    book.refresh_from_db(fields=["head_seq", "head_hash"])
    return book.head_seq, book.head_hash


# --- Balances and statements ------------------------------------------------------------------


def _sum(qs: QuerySet[Posting]) -> int:
    return int(qs.aggregate(total=Sum("amount"))["total"] or 0)


def balance_at(*, account: Account, at: dt.datetime) -> int:
    """The account's signed balance including everything that occurred up to ``at``."""
    return _sum(Posting.objects.filter(account=account, occurred_at__lte=at))


@dataclass(frozen=True)
class StatementLine:
    transaction_id: int
    seq: int
    occurred_at: dt.datetime
    kind: str
    memo: str
    amount: int  # signed: positive debit, negative credit
    balance: int  # signed running balance after this line
    is_reversal: bool


@dataclass(frozen=True)
class Statement:
    account: Account
    start: dt.datetime
    end: dt.datetime
    opening: int
    closing: int
    lines: list[StatementLine]

    @property
    def debits(self) -> int:
        return sum(line.amount for line in self.lines if line.amount > 0)

    @property
    def credits(self) -> int:
        return -sum(line.amount for line in self.lines if line.amount < 0)


def statement(*, account: Account, start: dt.datetime, end: dt.datetime) -> Statement:
    """Opening balance at ``start``, every posting in [start, end), closing balance at ``end``."""
    if end < start:
        raise ValidationFailed(_("The end of the period is before its start."), code="bad_period")
    opening = _sum(Posting.objects.filter(account=account, occurred_at__lt=start))
    rows = (
        Posting.objects.filter(account=account, occurred_at__gte=start, occurred_at__lt=end)
        .order_by("occurred_at", "transaction__seq", "id")
        .values_list(
            "transaction_id",
            "transaction__seq",
            "occurred_at",
            "kind",
            "transaction__memo",
            "amount",
            "is_reversal",
        )
    )
    running = opening
    lines = []
    for txn_id, seq, occurred_at, kind, memo, amount, is_reversal in rows:
        running += amount
        lines.append(StatementLine(txn_id, seq, occurred_at, kind, memo, amount, running, is_reversal))
    return Statement(account=account, start=start, end=end, opening=opening, closing=running, lines=lines)


# --- Trial balance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialBalanceRow:
    account: Account
    balance: int  # signed

    @property
    def debit(self) -> int:
        return self.balance if self.balance > 0 else 0

    @property
    def credit(self) -> int:
        return -self.balance if self.balance < 0 else 0


@dataclass
class TrialBalance:
    book: Book
    at: dt.datetime | None
    rows: list[TrialBalanceRow]
    # unit → (total debits, total credits)
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return all(debit == credit for debit, credit in self.totals.values())


def trial_balance(*, book: Book, at: dt.datetime | None = None) -> TrialBalance:
    """Every account's balance and the debit and credit totals per unit, which must be equal.

    Without ``at``: the current balances (the accounts' cached balances, one query). With
    ``at``: recomputed from the postings that occurred up to ``at``.
    """
    accounts = list(account_list(book=book))
    if at is None:
        balances = {a.pk: a.balance for a in accounts}
    else:
        # Per account (the account/time index), not per book: there are few accounts.
        balances = dict(
            Posting.objects.filter(account__in=[a.pk for a in accounts], occurred_at__lte=at)
            .values("account")
            .annotate(total=Sum("amount"))
            .order_by()
            .values_list("account", "total")
        )
    rows = [TrialBalanceRow(account=a, balance=int(balances.get(a.pk) or 0)) for a in accounts]
    totals: dict[str, tuple[int, int]] = {}
    for row in rows:
        debit, credit = totals.get(row.account.unit, (0, 0))
        totals[row.account.unit] = (debit + row.debit, credit + row.credit)
    return TrialBalance(book=book, at=at, rows=rows, totals=totals)


# --- Totals for dashboards --------------------------------------------------------------------


_SQLITE_PERIOD_FORMAT = {"day": "%Y-%m-%d", "month": "%Y-%m-01", "year": "%Y-01-01"}


def _fixed_offset(tz: dt.tzinfo, start: dt.datetime, end: dt.datetime) -> dt.timedelta | None:
    """The zone's UTC offset if it is the same throughout [start, end] (China has had no summer
    time since 1991), else None."""
    offsets = {tz.utcoffset(start.astimezone(tz).replace(tzinfo=None))}
    moment = start
    while moment < end and len(offsets) == 1:
        offsets.add(tz.utcoffset(moment.astimezone(tz).replace(tzinfo=None)))
        moment += dt.timedelta(days=30)
    offsets.add(tz.utcoffset(end.astimezone(tz).replace(tzinfo=None)))
    return offsets.pop() if len(offsets) == 1 else None


def _period(granularity: str, tz: dt.tzinfo, start: dt.datetime, end: dt.datetime):
    """The local day/month/year an entry falls in, computed by the database.

    PostgreSQL: date_trunc over ``AT TIME ZONE``, native. SQLite: Django's ``Trunc`` with a time
    zone calls back into Python for every row, which dominates the query over a city's history
    (docs/benchmarks.md); when the zone's offset is fixed over the range, SQLite's own
    ``strftime(format, occurred_at, '+28800 seconds')`` gives the same answer in C.
    """
    if connection.vendor == "sqlite":
        offset = _fixed_offset(tz, start, end)
        if offset is not None:
            return Func(
                Value(_SQLITE_PERIOD_FORMAT[granularity]),
                F("occurred_at"),
                Value(f"{int(offset.total_seconds()):+d} seconds"),
                function="strftime",
                output_field=CharField(),
            )
    return Trunc("occurred_at", granularity, tzinfo=tz)


@dataclass(slots=True)
class KindTotal:
    period: dt.date  # first day of the day/month/year, local time
    kind: str
    unit: str
    amount: int  # gross amount moved (the sum of the debits), reversals subtracted
    count: int  # transactions, reversals subtracted
    community_id: int | None = None  # set when totals are asked for per community


def totals_by_kind(
    *,
    community_ids: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    granularity: str = "month",
    by_community: bool = False,
    book_kind: str = BookKind.COMMUNITY,
) -> list[KindTotal]:
    """How much moved, by transaction kind and period, across the given communities.

    Only the books of ``book_kind`` count: the communities' own books by default, or their
    enterprises' books (``BookKind.ENTERPRISE``), which are kept apart (收支两条线).

    A transaction's amount is the sum of its debits (what moved, e.g. the ¥1,800 of a revenue
    share). A reversal keeps the kind of what it reverses and is subtracted, so a donation
    recorded and then reversed counts zero. Periods are local (settings.TIME_ZONE) days, months
    or years; a period where everything was reversed is left out.

    By month or year, the whole months inside [start, end) come from ``MonthTotal`` (a few rows
    per community and month) and only the partial months at either end from the postings; by
    day, everything comes from the postings' period index (docs/benchmarks.md has timings).
    """
    if granularity not in GRANULARITIES:
        raise ValidationFailed(
            _("The period must be day, month or year."), code="bad_granularity", details={"allowed": GRANULARITIES}
        )
    ids = sorted(set(community_ids))
    if not ids or end <= start:
        return []
    books = _books_of_kind(ids, book_kind)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    found: dict[tuple[dt.date, str, str, int | None], list[int]] = {}

    def add(period: dt.date, kind: str, unit: str, community_id: int | None, amount: int, count: int) -> None:
        key = (period, kind, unit, community_id)
        total = found.get(key)
        if total is None:
            found[key] = [amount, count]
        else:
            total[0] += amount
            total[1] += count

    first_whole, last_whole = _whole_months(start, end, tz)
    if granularity == "day" or first_whole >= last_whole:
        _posting_totals(ids, start, end, granularity, tz, by_community, add, books)
    else:
        if start < first_whole:
            _posting_totals(ids, start, first_whole, granularity, tz, by_community, add, books)
        _month_totals(ids, first_whole.date(), last_whole.date(), granularity, by_community, add, books)
        if last_whole < end:
            _posting_totals(ids, last_whole, end, granularity, tz, by_community, add, books)

    return [
        KindTotal(period, kind, unit, amount, count, community_id)
        for (period, kind, unit, community_id), (amount, count) in sorted(
            found.items(), key=lambda item: (item[0][0], item[0][3] or 0, item[0][1], item[0][2])
        )
        if amount or count
    ]


def _month_start(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    local = moment.astimezone(tz)
    return dt.datetime(local.year, local.month, 1, tzinfo=tz)


def _whole_months(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The first and last local month boundaries inside [start, end]."""
    first = _month_start(start, tz)
    if first < start:
        first = dt.datetime(first.year + first.month // 12, first.month % 12 + 1, 1, tzinfo=tz)
    return first, _month_start(end, tz)


def _books_of_kind(ids: list[int], book_kind: str) -> list[int] | None:
    """The ids of the books of ``book_kind`` in these communities, or None when every book there
    is of that kind (then the community filter alone is exact, and the totals query keeps to the
    covering index that docs/benchmarks.md times)."""
    rows = list(Book.objects.filter(community_id__in=ids).values_list("pk", "kind"))
    if all(kind == book_kind for _pk, kind in rows):
        return None
    return [pk for pk, kind in rows if kind == book_kind]


def _posting_totals(ids, start, end, granularity, tz, by_community, add, books=None) -> None:
    group = ["period", "kind", "unit"] + (["community_id"] if by_community else [])
    postings = Posting.objects.filter(community_id__in=ids, occurred_at__gte=start, occurred_at__lt=end)
    if books is not None:
        postings = postings.filter(book_id__in=books)
    rows = (
        postings
        # The debits of ordinary transactions and the credits of reversals: a reversal's
        # negative postings mirror its original's debits (ledger.services.transaction_flows).
        .filter(Q(amount__gt=0, is_reversal=False) | Q(amount__lt=0, is_reversal=True))
        .annotate(period=_period(granularity, tz, start, end))
        .values(*group)
        .annotate(
            total=Sum("amount"),
            plain=Count("transaction", distinct=True, filter=Q(is_reversal=False)),
            reversals=Count("transaction", distinct=True, filter=Q(is_reversal=True)),
        )
        .order_by()
    )
    for row in rows:
        moment = row["period"]
        if isinstance(moment, str):
            period = dt.date.fromisoformat(moment)
        elif isinstance(moment, dt.datetime):
            period = moment.astimezone(tz).date()
        else:
            period = moment
        add(
            period,
            row["kind"],
            row["unit"],
            row.get("community_id"),
            int(row["total"] or 0),
            row["plain"] - row["reversals"],
        )


def _month_totals(ids, first: dt.date, last: dt.date, granularity, by_community, add, books=None) -> None:
    group = ["month", "kind", "unit"] + (["community_id"] if by_community else [])
    months = MonthTotal.objects.filter(community_id__in=ids, month__gte=first, month__lt=last)
    if books is not None:
        months = months.filter(book_id__in=books)
    rows = (
        months
        .values(*group)
        .annotate(total=Sum("amount"), n=Sum("count"))
        .order_by()
        .values_list(*group, "total", "n")
    )
    # Tuples, not dicts: a city's months by community are tens of thousands of rows.
    yearly = granularity == "year"
    for row in rows:
        month, kind, unit = row[0], row[1], row[2]
        community_id = row[3] if by_community else None
        add(month.replace(month=1) if yearly else month, kind, unit, community_id, int(row[-2] or 0), int(row[-1] or 0))


def totals_by_kind_for_user(
    *,
    scope: Scope,
    start: dt.datetime,
    end: dt.datetime,
    granularity: str = "month",
    community_ids: Iterable[int] | None = None,
    by_community: bool = False,
) -> list[KindTotal]:
    """``totals_by_kind`` over the communities the user may see (optionally narrowed)."""
    visible = scope.whole_community_ids(Cap.LEDGER_VIEW)
    ids = visible if community_ids is None else visible & set(community_ids)
    return totals_by_kind(community_ids=ids, start=start, end=end, granularity=granularity, by_community=by_community)
