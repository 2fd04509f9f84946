"""Benchmark of the ledger's read paths over a generated city history (docs/benchmarks.md).

``generate`` builds a plausible history for N communities: books, a chart of accounts each, and
transactions of the kinds the model has (partner income and revenue shares, market takings,
workshop income, donations, fund spending, enterprise income and costs, volunteer points),
including reversals. It writes rows in bulk, not through ``ledger.services`` (posting a million
entries one by one would take an hour), but it builds them exactly as the service would: the
same hash chain, per-unit balance, non-negative fund and points accounts, cached balances and
book heads, so the generated books pass ``ledger.verify`` (``measure`` checks one).

``measure`` times each query several times and reports the median next to a baseline measured
in the same run on the same data: ``SELECT count(*)`` over the postings table. The ratio is
what travels between machines; the milliseconds describe this one.

Only for a scratch database: ``ledger_bench`` refuses to run where ledger rows already exist.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from ledger import selectors, services
from ledger.chain import ChainEntry, entry_hash
from ledger.models import Account, AccountType, Book, MonthTotal, OwnerType, Posting, Transaction, Unit
from ledger.verify import book_verify
from linli import bulk
from orgs.models import NodeKind, OrgNode
from orgs.services import node_create

# (code, name, type, owner kind, unit, non-negative)
CHART = [
    ("fund:cash", "社区发展基金 · 资金", AccountType.ASSET, OwnerType.FUND, Unit.CNY, True),
    ("fund:income", "社区发展基金 · 收入", AccountType.INCOME, OwnerType.FUND, Unit.CNY, False),
    ("fund:spending", "社区发展基金 · 支出", AccountType.EXPENSE, OwnerType.FUND, Unit.CNY, False),
    ("partner:cash", "合伙人 · 资金", AccountType.ASSET, OwnerType.PARTNER, Unit.CNY, False),
    ("partner:income", "合伙人 · 收入", AccountType.INCOME, OwnerType.PARTNER, Unit.CNY, False),
    ("partner:costs", "合伙人 · 成本", AccountType.EXPENSE, OwnerType.PARTNER, Unit.CNY, False),
    ("partner:share", "合伙人 · 收益分成", AccountType.EXPENSE, OwnerType.PARTNER, Unit.CNY, False),
    ("enterprise:cash", "社区企业 · 资金", AccountType.ASSET, OwnerType.ENTERPRISE, Unit.CNY, True),
    ("enterprise:income", "社区企业 · 收入", AccountType.INCOME, OwnerType.ENTERPRISE, Unit.CNY, False),
    ("enterprise:costs", "社区企业 · 支出", AccountType.EXPENSE, OwnerType.ENTERPRISE, Unit.CNY, False),
    ("volunteers:points", "志愿者积分", AccountType.ASSET, OwnerType.RESIDENT, Unit.PTS, True),
    ("volunteers:issued", "已发放积分", AccountType.LIABILITY, OwnerType.COMMUNITY, Unit.PTS, False),
]


@dataclass
class Generated:
    communities: int
    transactions: int
    postings: int
    seconds: float
    community_ids: list[int]
    start: dt.datetime
    end: dt.datetime


def _communities(n: int) -> list[OrgNode]:
    city = node_create(kind=NodeKind.CITY, name="基准市", parent=None)
    district = node_create(kind=NodeKind.DISTRICT, name="基准区", parent=city)
    found: list[OrgNode] = []
    sub = None
    for i in range(n):
        if i % 32 == 0:
            sub = node_create(kind=NodeKind.SUBDISTRICT, name=f"基准街道{i // 32 + 1:02d}", parent=district)
        found.append(node_create(kind=NodeKind.COMMUNITY, name=f"基准社区{i + 1:03d}", parent=sub))
    return found


def _next_ids() -> tuple[int, int]:
    last_t = Transaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_p = Posting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last_t + 1, last_p + 1


def generate(
    *,
    communities: int,
    per_community: int,
    months: int = 36,
    seed: int = 1,
    progress: Callable[[str], None] = print,
    nodes: list[OrgNode] | None = None,
    days: int | None = None,
    until: dt.datetime | None = None,
) -> Generated:
    """``nodes``: write into these communities (a generated city's) instead of making
    ``communities`` new ones; ``days`` instead of ``months``: the history's length, ending
    ``until`` (default now)."""
    rng = random.Random(seed)
    began = time.perf_counter()
    end = (until or timezone.now()).replace(microsecond=0)
    start = end - dt.timedelta(days=days if days is not None else 30 * months)
    span = (end - start).total_seconds()
    nodes = nodes if nodes is not None else _communities(communities)
    next_t, next_p = _next_ids()
    total_t = total_p = 0

    for index, community in enumerate(nodes):
        book = services.book_for_community(community=community)
        accounts = {
            code: services.account_open(
                book=book,
                code=code,
                name=name,
                type=type_,
                owner_type=owner,
                owner_id=None if owner in (OwnerType.COMMUNITY, OwnerType.PLATFORM) else 1,
                unit=unit,
                non_negative=nonneg,
            )
            for code, name, type_, owner, unit, nonneg in CHART
        }
        balance = {code: 0 for code in accounts}
        times = sorted(start + dt.timedelta(seconds=rng.random() * span) for _ in range(per_community))
        txs: list[Transaction] = []
        posts: list[Posting] = []
        reversible: list[tuple[int, int, str, list[tuple[str, int]]]] = []  # (id, seq, kind, lines)
        prev = book.head_hash
        month_totals: dict[tuple[dt.date, str, str], list[int]] = defaultdict(lambda: [0, 0])

        for seq, occurred_at in enumerate(times, start=book.head_seq + 1):
            roll = rng.random()
            reverses: tuple[int, int, str, list[tuple[str, int]]] | None = None
            if roll < 0.01 and reversible:
                candidate = reversible.pop(rng.randrange(len(reversible)))
                # Only reverse income that is still there to take back (the fund's rule).
                if all(balance[c] - a >= 0 or not accounts[c].non_negative for c, a in candidate[3] if a > 0):
                    reverses = candidate
            if reverses is not None:
                kind, lines = reverses[2], [(c, -a) for c, a in reverses[3]]
            else:
                kind, lines = _random_entry(rng, balance)
            for code, amount in lines:
                balance[code] += amount
            entry = ChainEntry(
                book_id=book.pk,
                community_id=community.pk,
                seq=seq,
                occurred_at=occurred_at,
                recorded_at=occurred_at,
                kind=kind,
                memo="",
                source_type="",
                source_id="",
                reverses_seq=reverses[1] if reverses else None,
                recorded_by_id=None,
                idempotency_key=None,
                postings=tuple((code, accounts[code].unit, amount) for code, amount in lines),
                prev_hash=prev,
            )
            digest = entry_hash(entry)
            txs.append(
                Transaction(
                    id=next_t,
                    book=book,
                    community=community,
                    seq=seq,
                    occurred_at=occurred_at,
                    recorded_at=occurred_at,
                    kind=kind,
                    memo="",
                    reverses_id=reverses[0] if reverses else None,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            for code, amount in lines:
                posts.append(
                    Posting(
                        id=next_p,
                        transaction_id=next_t,
                        account=accounts[code],
                        amount=amount,
                        unit=accounts[code].unit,
                        book=book,
                        community=community,
                        occurred_at=occurred_at,
                        kind=kind,
                        is_reversal=reverses is not None,
                    )
                )
                next_p += 1
            flows = services.transaction_flows(
                lines=[(accounts[c].unit, a) for c, a in lines], reversal=reverses is not None
            )
            for unit in {accounts[c].unit for c, _a in lines}:
                total = month_totals[(services.month_of(occurred_at), kind, unit)]
                total[0] += flows.get(unit, 0)
                total[1] += -1 if reverses else 1
            if reverses is None and kind in ("fund.donation", "market.proceeds", "workshop.income"):
                reversible.append((next_t, seq, kind, lines))
            prev = digest
            next_t += 1

        with transaction.atomic():
            bulk.insert(Transaction, txs)
            bulk.insert(Posting, posts)
            MonthTotal.objects.bulk_create(
                [
                    MonthTotal(book=book, community=community, month=m, kind=k, unit=u, amount=a, count=n)
                    for (m, k, u), (a, n) in month_totals.items()
                ],
                batch_size=2000,
            )
            for code, account in accounts.items():
                Account.objects.filter(pk=account.pk).update(balance=balance[code])
            Book.objects.filter(pk=book.pk).update(head_seq=book.head_seq + len(txs), head_hash=prev)
        total_t += len(txs)
        total_p += len(posts)
        if (index + 1) % 32 == 0 or index + 1 == len(nodes):
            progress(f"  {index + 1}/{len(nodes)} communities, {total_t:,} transactions, {total_p:,} postings")

    # Explicit ids were used above; move the id sequences past them (PostgreSQL).
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Transaction, Posting]):
            cursor.execute(sql)
        # Fresh planner statistics and (PostgreSQL) a visibility map for index-only scans, as
        # autovacuum would give a production database after a bulk load.
        if connection.vendor == "postgresql":
            tables = "ledger_transaction, ledger_posting, ledger_account, ledger_book, ledger_monthtotal"
            # VACUUM cannot run inside a transaction (a test's, for one); ANALYZE can.
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {tables}")
        else:
            cursor.execute("ANALYZE")
    return Generated(
        communities=len(nodes),
        transactions=total_t,
        postings=total_p,
        seconds=time.perf_counter() - began,
        community_ids=[c.pk for c in nodes],
        start=start,
        end=end,
    )


def existing() -> Generated:
    """The history a previous ``generate`` left in this database, to measure it again."""
    from django.db.models import Max, Min

    ids = list(
        Book.objects.filter(community__name__startswith="基准社区")
        .order_by("pk")
        .values_list("community_id", flat=True)
    )
    span = Transaction.objects.filter(community_id__in=ids).aggregate(start=Min("occurred_at"), end=Max("occurred_at"))
    if not ids or span["start"] is None:
        raise ValueError("No generated benchmark history in this database.")
    return Generated(
        communities=len(ids),
        transactions=Transaction.objects.filter(community_id__in=ids).count(),
        postings=Posting.objects.filter(community_id__in=ids).count(),
        seconds=0.0,
        community_ids=ids,
        start=span["start"],
        end=span["end"] + dt.timedelta(seconds=1),
    )


def _random_entry(rng: random.Random, balance: dict[str, int]) -> tuple[str, list[tuple[str, int]]]:
    """One entry of a random kind, never taking a non-negative account below zero."""
    roll = rng.random()
    yuan = lambda lo, hi: rng.randint(lo, hi) * 100  # noqa: E731
    if roll < 0.30:
        amount = yuan(20, 3000)
        return "partner.income", [("partner:cash", amount), ("partner:income", -amount)]
    if roll < 0.45:
        amount = yuan(10, 1500)
        return "partner.expense", [("partner:costs", amount), ("partner:cash", -amount)]
    if roll < 0.52:
        amount = yuan(100, 2000)
        return "partner.revenue_share", [
            ("partner:share", amount),
            ("partner:cash", -amount),
            ("fund:cash", amount),
            ("fund:income", -amount),
        ]
    if roll < 0.57:
        amount = yuan(200, 3000)
        return "market.proceeds", [("fund:cash", amount), ("fund:income", -amount)]
    if roll < 0.60:
        amount = yuan(500, 5000)
        return "workshop.income", [("fund:cash", amount), ("fund:income", -amount)]
    if roll < 0.66:
        amount = yuan(50, 2000)
        return "fund.donation", [("fund:cash", amount), ("fund:income", -amount)]
    if roll < 0.72 and balance["fund:cash"] >= 100:
        amount = min(yuan(50, 3000), balance["fund:cash"])
        return "fund.spending", [("fund:spending", amount), ("fund:cash", -amount)]
    if roll < 0.80:
        amount = yuan(100, 4000)
        return "enterprise.income", [("enterprise:cash", amount), ("enterprise:income", -amount)]
    if roll < 0.86 and balance["enterprise:cash"] >= 100:
        amount = min(yuan(50, 3000), balance["enterprise:cash"])
        return "enterprise.expense", [("enterprise:costs", amount), ("enterprise:cash", -amount)]
    if roll < 0.95 or balance["volunteers:points"] < 10:
        points = rng.randint(1, 20)
        return "volunteer.points_earned", [("volunteers:points", points), ("volunteers:issued", -points)]
    points = rng.randint(1, balance["volunteers:points"])
    return "volunteer.points_redeemed", [("volunteers:issued", points), ("volunteers:points", -points)]


@dataclass
class Timing:
    name: str
    median_ms: float
    ratio: float  # median / baseline median
    rows: int  # rows the query returned (problems found, for book_verify)


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    samples = []
    result: object = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), result


def measure(gen: Generated, *, repeat: int = 5) -> list[Timing]:
    ids = gen.community_ids
    busiest = Book.objects.filter(community_id=ids[0]).get()
    fund_cash = Account.objects.get(book=busiest, code="fund:cash")
    mid = gen.start + (gen.end - gen.start) / 2
    year_start = gen.end - dt.timedelta(days=365)
    month_start = gen.end - dt.timedelta(days=30)

    def baseline() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM ledger_posting")
            return [cursor.fetchone()[0]]

    cases: list[tuple[str, Callable[[], object]]] = [
        ("baseline: SELECT count(*) FROM ledger_posting", baseline),
        (
            f"totals_by_kind: {len(ids)} communities, whole history, by month",
            lambda: selectors.totals_by_kind(community_ids=ids, start=gen.start, end=gen.end, granularity="month"),
        ),
        (
            f"totals_by_kind: {len(ids)} communities, last 12 months, by month and community",
            lambda: selectors.totals_by_kind(
                community_ids=ids, start=year_start, end=gen.end, granularity="month", by_community=True
            ),
        ),
        (
            f"totals_by_kind: {len(ids)} communities, last 30 days, by day",
            lambda: selectors.totals_by_kind(community_ids=ids, start=month_start, end=gen.end, granularity="day"),
        ),
        (
            "totals_by_kind: 1 community, last 12 months, by day",
            lambda: selectors.totals_by_kind(community_ids=ids[:1], start=year_start, end=gen.end, granularity="day"),
        ),
        ("trial_balance: 1 book, now (cached balances)", lambda: selectors.trial_balance(book=busiest).rows),
        ("trial_balance: 1 book, at a past time", lambda: selectors.trial_balance(book=busiest, at=mid).rows),
        ("balance_at: 1 account, at a past time", lambda: [selectors.balance_at(account=fund_cash, at=mid)]),
        (
            "statement: 1 account, last 30 days",
            lambda: selectors.statement(account=fund_cash, start=month_start, end=gen.end).lines,
        ),
        (
            "totals_by_kind: 1 community, last 12 months, by month",
            lambda: selectors.totals_by_kind(community_ids=ids[:1], start=year_start, end=gen.end, granularity="month"),
        ),
        ("book_verify: 1 book, whole chain", lambda: book_verify(book=busiest).problems),
    ]
    base_ms, _ = _time(baseline, repeat)
    timings = []
    for name, fn in cases:
        ms, result = _time(fn, repeat)
        rows = len(result) if hasattr(result, "__len__") else 0
        timings.append(Timing(name=name, median_ms=ms, ratio=ms / base_ms if base_ms else 0.0, rows=rows))
    report = book_verify(book=busiest)
    if not report.ok:
        raise AssertionError(f"The generated book does not verify: {report.problems[:3]}")
    return timings
