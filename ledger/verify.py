"""Verify a book: its hash chain, its arithmetic and its cached balances.

``book_verify`` walks the book's transactions in order and, for each one, recomputes its hash
from the stored content, checks that it links to the previous one, that its postings balance
per unit, that the posting copies of transaction fields agree, and that reversals mirror what
they reverse. It then compares every account's cached balance with the sum of its postings,
the book's head with the last transaction, and checks the append-only triggers are in place.

The report says exactly where the book breaks: the first broken transaction number and, for
each problem, what broke. It reads everything through the ORM but trusts nothing the
application wrote besides the rows themselves, so it detects edits made with raw SQL after
the triggers were removed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from ledger import triggers
from ledger.chain import ChainEntry, entry_hash
from ledger.models import GENESIS_HASH, Account, Book, MonthTotal, Posting, Transaction
from ledger.money import format_amount
from ledger.services import month_of, transaction_flows

CHUNK = 2000


class ProblemKind:
    HASH_MISMATCH = "hash_mismatch"  # the content no longer matches its hash: edited
    PREV_LINK = "prev_link"  # does not point at the previous transaction's hash
    SEQ_GAP = "seq_gap"  # numbers missing or out of order: removed or inserted
    UNBALANCED = "unbalanced"  # postings do not sum to zero per unit
    POSTING_COPY = "posting_copy"  # a posting disagrees with its transaction or account
    REVERSAL = "reversal"  # a reversal does not mirror what it reverses
    BALANCE_DIFFERS = "balance_differs"  # cached account balance ≠ sum of its postings
    TOTALS_DIFFER = "totals_differ"  # a cached monthly total ≠ what its postings add up to
    HEAD = "head"  # the book's head does not match its last transaction
    PUBLISHED_HEAD = "published_head"  # a published (seq, hash) is not in the chain
    TRIGGERS_MISSING = "triggers_missing"  # append-only protection is not installed


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str
    seq: int | None = None
    account_code: str | None = None
    expected: str | int | None = None
    found: str | int | None = None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "seq": self.seq,
            "account": self.account_code,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }


@dataclass
class VerifyReport:
    book_id: int
    book_name: str
    community_id: int | None
    transactions_checked: int = 0
    accounts_checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_broken_seq(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None

    def as_dict(self) -> dict:
        return {
            "book_id": self.book_id,
            "book": self.book_name,
            "community_id": self.community_id,
            "ok": self.ok,
            "first_broken_seq": self.first_broken_seq,
            "transactions_checked": self.transactions_checked,
            "accounts_checked": self.accounts_checked,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
            "problems": [p.as_dict() for p in self.problems],
        }


_TX_FIELDS = (
    "id",
    "book_id",
    "community_id",
    "seq",
    "occurred_at",
    "recorded_at",
    "kind",
    "memo",
    "source_type",
    "source_id",
    "reverses_id",
    "reverses__seq",
    "reverses__book_id",
    "recorded_by_id",
    "idempotency_key",
    "prev_hash",
    "hash",
)
_POSTING_FIELDS = (
    "transaction_id",
    "account_id",
    "amount",
    "unit",
    "book_id",
    "community_id",
    "occurred_at",
    "kind",
    "is_reversal",
)


def _short(digest: str) -> str:
    return digest[:12] + "…" if digest and len(digest) > 12 else digest


def book_verify(*, book: Book, published_head: tuple[int, str] | None = None) -> VerifyReport:
    """Check ``book`` end to end. ``published_head`` is a (seq, hash) quoted in an earlier
    disclosure; the report says whether the chain still contains it."""
    book.refresh_from_db()
    report = VerifyReport(book_id=book.pk, book_name=book.name, community_id=book.community_id)
    problems = report.problems

    missing = triggers.missing_triggers(connection)
    if missing:
        problems.append(
            Problem(
                ProblemKind.TRIGGERS_MISSING,
                _("The append-only protection is missing in the database: %(names)s.") % {"names": ", ".join(missing)},
            )
        )

    accounts = {a["id"]: a for a in Account.objects.filter(book=book).values("id", "code", "unit", "balance", "type")}
    # Accounts of other books are looked up only if a (tampered) posting points at one.
    foreign_codes: dict[int, dict] = {}
    sums: dict[int, int] = defaultdict(int)
    expected_seq = 1
    prev_hash = GENESIS_HASH
    last_seq = 0
    published_found: str | None = None
    reversals: list[tuple[int, int, int]] = []  # (seq, reversal id, original id)
    # (month, kind, unit) → [amount, count], as ledger.services keeps MonthTotal.
    month_totals: dict[tuple[dt.date, str, str], list[int]] = defaultdict(lambda: [0, 0])

    while True:
        chunk = list(
            Transaction.objects.filter(book=book, seq__gt=last_seq).order_by("seq").values(*_TX_FIELDS)[:CHUNK]
        )
        if not chunk:
            break
        postings: dict[int, list[dict]] = defaultdict(list)
        for p in Posting.objects.filter(transaction_id__in=[t["id"] for t in chunk]).values(*_POSTING_FIELDS):
            postings[p["transaction_id"]].append(p)

        for t in chunk:
            seq = t["seq"]
            if seq != expected_seq:
                problems.append(
                    Problem(
                        ProblemKind.SEQ_GAP,
                        _("Transaction #%(found)s follows #%(prev)s: numbers are missing or out of order.")
                        % {"found": seq, "prev": expected_seq - 1},
                        seq=seq,
                        expected=expected_seq,
                        found=seq,
                    )
                )
            if t["prev_hash"] != prev_hash:
                problems.append(
                    Problem(
                        ProblemKind.PREV_LINK,
                        _("Transaction #%(seq)s does not link to the one before it.") % {"seq": seq},
                        seq=seq,
                        expected=prev_hash,
                        found=t["prev_hash"],
                    )
                )

            lines = postings.get(t["id"], [])
            codes = []
            per_unit: dict[str, int] = defaultdict(int)
            copies_ok = True
            for p in lines:
                account = accounts.get(p["account_id"])
                if account is None:
                    if p["account_id"] not in foreign_codes:
                        foreign_codes[p["account_id"]] = Account.objects.filter(pk=p["account_id"]).values(
                            "id", "code", "unit"
                        ).first() or {"code": f"?{p['account_id']}", "unit": p["unit"]}
                    account = foreign_codes[p["account_id"]]
                    copies_ok = False
                else:
                    sums[p["account_id"]] += p["amount"]
                codes.append((account["code"], p["unit"], p["amount"]))
                per_unit[p["unit"]] += p["amount"]
                if (
                    p["unit"] != account["unit"]
                    or p["book_id"] != t["book_id"]
                    or p["community_id"] != t["community_id"]
                    or p["occurred_at"] != t["occurred_at"]
                    or p["kind"] != t["kind"]
                    or p["is_reversal"] != (t["reverses_id"] is not None)
                ):
                    copies_ok = False
            if not copies_ok or t["community_id"] != book.community_id:
                problems.append(
                    Problem(
                        ProblemKind.POSTING_COPY,
                        _("A posting of transaction #%(seq)s disagrees with its transaction, account or book.")
                        % {"seq": seq},
                        seq=seq,
                    )
                )
            off = {unit: total for unit, total in per_unit.items() if total}
            if off or len(lines) < 2:
                problems.append(
                    Problem(
                        ProblemKind.UNBALANCED,
                        _("The postings of transaction #%(seq)s do not balance (%(off)s).")
                        % {"seq": seq, "off": ", ".join(f"{u} {v:+d}" for u, v in sorted(off.items())) or "—"},
                        seq=seq,
                        expected=0,
                        found=sum(off.values()),
                    )
                )

            entry = ChainEntry(
                book_id=t["book_id"],
                community_id=t["community_id"],
                seq=seq,
                occurred_at=t["occurred_at"],
                recorded_at=t["recorded_at"],
                kind=t["kind"],
                memo=t["memo"],
                source_type=t["source_type"],
                source_id=t["source_id"],
                reverses_seq=t["reverses__seq"],
                recorded_by_id=t["recorded_by_id"],
                idempotency_key=t["idempotency_key"],
                postings=tuple(codes),
                prev_hash=t["prev_hash"],
            )
            recomputed = entry_hash(entry)
            if recomputed != t["hash"]:
                problems.append(
                    Problem(
                        ProblemKind.HASH_MISMATCH,
                        _(
                            "Transaction #%(seq)s was changed after it was recorded: its content no longer matches "
                            "its hash."
                        )
                        % {"seq": seq},
                        seq=seq,
                        expected=t["hash"],
                        found=recomputed,
                    )
                )
            is_reversal = t["reverses_id"] is not None
            month = month_of(t["occurred_at"])
            flows = transaction_flows(lines=[(p["unit"], p["amount"]) for p in lines], reversal=is_reversal)
            for unit in {p["unit"] for p in lines}:
                month_totals[(month, t["kind"], unit)][0] += flows.get(unit, 0)
                month_totals[(month, t["kind"], unit)][1] += -1 if is_reversal else 1

            if t["reverses_id"] is not None:
                if t["reverses__book_id"] != book.pk or t["reverses__seq"] >= seq:
                    problems.append(
                        Problem(
                            ProblemKind.REVERSAL,
                            _("Transaction #%(seq)s reverses an entry that is not earlier in this book.")
                            % {"seq": seq},
                            seq=seq,
                        )
                    )
                else:
                    reversals.append((seq, t["id"], t["reverses_id"]))

            if published_head is not None and seq == published_head[0]:
                published_found = t["hash"]
            report.transactions_checked += 1
            prev_hash = t["hash"]
            expected_seq = seq + 1
            last_seq = seq

    # A reversal must hold exactly the opposite postings of its original. Reversals are rare,
    # so one query each is fine.
    for seq, reversal_id, original_id in reversals:
        mine = sorted(Posting.objects.filter(transaction_id=reversal_id).values_list("account_id", "amount"))
        theirs = sorted(
            (a, -amount)
            for a, amount in Posting.objects.filter(transaction_id=original_id).values_list("account_id", "amount")
        )
        if mine != theirs:
            problems.append(
                Problem(
                    ProblemKind.REVERSAL,
                    _("Transaction #%(seq)s does not exactly undo the transaction it reverses.") % {"seq": seq},
                    seq=seq,
                )
            )

    report.last_seq = last_seq
    report.last_hash = prev_hash
    if book.head_seq != last_seq or book.head_hash != prev_hash:
        problems.append(
            Problem(
                ProblemKind.HEAD,
                _(
                    "The book says its last transaction is #%(head)s (%(hash)s) but the chain ends at #%(last)s "
                    "(%(last_hash)s): transactions were removed or added behind the ledger's back."
                )
                % {
                    "head": book.head_seq,
                    "hash": _short(book.head_hash),
                    "last": last_seq,
                    "last_hash": _short(prev_hash),
                },
                seq=min(book.head_seq, last_seq) + 1,
                expected=book.head_seq,
                found=last_seq,
            )
        )

    for account_id, account in sorted(accounts.items(), key=lambda kv: kv[1]["code"]):
        report.accounts_checked += 1
        if account["balance"] != sums.get(account_id, 0):
            problems.append(
                Problem(
                    ProblemKind.BALANCE_DIFFERS,
                    _("Account %(code)s shows a balance of %(cached)s but its postings add up to %(sum)s.")
                    % {
                        "code": account["code"],
                        "cached": format_amount(account["balance"], account["unit"]),
                        "sum": format_amount(sums.get(account_id, 0), account["unit"]),
                    },
                    account_code=account["code"],
                    expected=sums.get(account_id, 0),
                    found=account["balance"],
                )
            )

    stored = {
        (row["month"], row["kind"], row["unit"]): [row["amount"], row["count"]]
        for row in MonthTotal.objects.filter(book=book).values("month", "kind", "unit", "amount", "count")
    }
    for key in sorted(set(stored) | set(month_totals)):
        expected, found = month_totals.get(key, [0, 0]), stored.get(key, [0, 0])
        if expected != found:
            month, kind, unit = key
            problems.append(
                Problem(
                    ProblemKind.TOTALS_DIFFER,
                    _(
                        "The total of %(kind)s in %(month)s (%(unit)s) shows %(found)s in %(fn)s transactions, but its "
                        "postings add up to %(expected)s in %(en)s."
                    )
                    % {
                        "kind": kind,
                        "month": f"{month:%Y-%m}",
                        "unit": unit,
                        "found": found[0],
                        "fn": found[1],
                        "expected": expected[0],
                        "en": expected[1],
                    },
                    expected=f"{expected[0]}/{expected[1]}",
                    found=f"{found[0]}/{found[1]}",
                )
            )

    if published_head is not None:
        head_seq, head_hash = published_head
        if published_found != head_hash:
            problems.append(
                Problem(
                    ProblemKind.PUBLISHED_HEAD,
                    _("The published transaction #%(seq)s with hash %(hash)s is not in this book's chain.")
                    % {"seq": head_seq, "hash": _short(head_hash)},
                    seq=head_seq,
                    expected=head_hash,
                    found=published_found,
                )
            )

    problems.sort(key=lambda p: (p.seq is None, p.seq or 0, p.kind))
    return report
