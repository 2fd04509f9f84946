"""Every write to the ledger. Other apps post money through these functions and nothing else.

Authorisation is the caller's job: the fund app decides who may approve a spending, the
orders app who may pay; the ledger records what happened and who recorded it
(``recorded_by``). Each function is one database transaction: when it raises, nothing of it
was written.

How an append stays correct under concurrency:

* Appends to one book are serialised. On PostgreSQL ``_books_lock`` takes a row lock on the
  Book (``SELECT ... FOR UPDATE``); on SQLite the connection's IMMEDIATE transactions already
  hold the database's single write lock from BEGIN. Without this, two posts could read the same
  head and both write seq N+1 with the same prev_hash, forking the chain (the unique (book, seq)
  constraint would then refuse one of them, as a database error instead of a wait).
* Balances move with one conditional UPDATE per account:
  ``UPDATE account SET balance = balance + x WHERE id = … AND balance + x >= 0`` (for a
  non-negative account). The database evaluates the condition against the row as it is at that
  moment, holding the row's write lock, so two spends racing for the last ¥100 cannot both
  pass: on PostgreSQL the second UPDATE waits for the first to commit and re-checks the
  condition against the new balance; on SQLite writers are serialised. A read-check-write in
  Python would let both read ¥100 and both spend it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ledger.chain import ChainEntry, entry_hash
from ledger.models import (
    Account,
    AccountType,
    Book,
    BookKind,
    MonthTotal,
    OwnerType,
    Posting,
    Transaction,
    Unit,
    normal_sign,
)
from ledger.money import format_amount
from linli.errors import Conflict, ValidationFailed
from orgs.models import NodeKind, OrgNode

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.:\-]*$")
# ¥10 trillion in fen: far beyond any community's money, and far enough from 2**63 that no
# sum of a book's postings can overflow a BIGINT.
MAX_AMOUNT = 10**15
# Clocks of phones and servers disagree a little; an entry dated further ahead is refused,
# because the ledger records what has happened, not what is planned.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)

Source = tuple[str, str | int] | models.Model | None


# --- Books ------------------------------------------------------------------------------------


def book_for_community(*, community: OrgNode) -> Book:
    """The community's book, created on first use."""
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Only a community has a book."), code="not_a_community")
    book, _created = Book.objects.get_or_create(
        community=community, kind=BookKind.COMMUNITY, defaults={"name": community.name}
    )
    return book


def book_for_enterprise(*, community: OrgNode, name: str) -> Book:
    """The book of the community's enterprise (社区企业), created on first use.

    A community enterprise is a legal entity of its own: its money is kept in a second book of
    the community, apart from the community's book (fund, partners), so that its statements
    show exactly its own income and spending. ``name`` is used when the book is created.
    """
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Only a community has a book."), code="not_a_community")
    book, _created = Book.objects.get_or_create(
        community=community, kind=BookKind.ENTERPRISE, defaults={"name": (name or community.name)[:100]}
    )
    return book


def platform_book() -> Book:
    """The platform's own book (money that belongs to no community), created on first use."""
    book, _created = Book.objects.get_or_create(
        kind=BookKind.PLATFORM, community=None, defaults={"name": "Linli platform"}
    )
    return book


def books_lock(*, books: Iterable[Book | int]) -> list[Book]:
    """Lock books for appending, always in id order.

    ``transaction_post`` locks its one book itself. A caller that posts to several books inside
    one ``transaction.atomic()`` block must call this first with all of them: locking in a fixed
    order is what keeps two such callers from deadlocking (A waits for B's book while B waits
    for A's).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("books_lock() must be called inside transaction.atomic().")
    ids = sorted({b.pk if isinstance(b, Book) else int(b) for b in books})
    locked = list(Book.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise ValidationFailed(_("Unknown book."), code="unknown_book")
    return locked


# --- Accounts ---------------------------------------------------------------------------------


def _check_account_fields(
    *, book: Book, code: str, name: str, type: str, unit: str, owner_type: str, owner_id: int | None
) -> tuple[str, str, int | None]:
    code = (code or "").strip()
    if not CODE_PATTERN.fullmatch(code) or len(code) > 80:
        raise ValidationFailed(
            _("An account code uses lower-case letters, digits and . : _ - (80 at most), e.g. fund:cash."),
            code="bad_account_code",
        )
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(_("An account needs a name (100 characters at most)."), code="bad_account_name")
    if type not in AccountType.values:
        raise ValidationFailed(_("Unknown account type “%(type)s”.") % {"type": type}, code="bad_account_type")
    if unit not in Unit.values:
        raise ValidationFailed(_("Unknown unit “%(unit)s”.") % {"unit": unit}, code="bad_unit")
    if owner_type not in OwnerType.values:
        raise ValidationFailed(_("Unknown owner kind “%(owner)s”.") % {"owner": owner_type}, code="bad_owner")
    if owner_type == OwnerType.PLATFORM:
        if owner_id is not None:
            raise ValidationFailed(_("The platform owns accounts without an id."), code="bad_owner")
    elif owner_type == OwnerType.COMMUNITY:
        owner_id = book.community_id if owner_id is None else owner_id
        if owner_id != book.community_id:
            raise ValidationFailed(_("A community owns accounts only in its own book."), code="bad_owner")
    elif owner_id is None:
        raise ValidationFailed(_("Say which %(owner)s owns the account.") % {"owner": owner_type}, code="bad_owner")
    return code, name, owner_id


def account_open(
    *,
    book: Book,
    code: str,
    name: str,
    type: str,
    owner_type: str,
    owner_id: int | None = None,
    unit: str = Unit.CNY,
    non_negative: bool = False,
) -> Account:
    """Open an account in ``book``. A code already used in the book is a Conflict."""
    code, name, owner_id = _check_account_fields(
        book=book, code=code, name=name, type=type, unit=unit, owner_type=owner_type, owner_id=owner_id
    )
    try:
        with transaction.atomic():
            return Account.objects.create(
                book=book,
                community_id=book.community_id,
                code=code,
                name=name,
                type=type,
                unit=unit,
                owner_type=owner_type,
                owner_id=owner_id,
                non_negative=non_negative,
            )
    except IntegrityError:
        if Account.objects.filter(book=book, code=code).exists():
            raise Conflict(
                _("The book already has an account with code %(code)s.") % {"code": code}, code="account_exists"
            ) from None
        raise


def account_get_or_open(
    *,
    book: Book,
    code: str,
    name: str,
    type: str,
    owner_type: str,
    owner_id: int | None = None,
    unit: str = Unit.CNY,
    non_negative: bool = False,
) -> Account:
    """The account with ``code`` in ``book``, opened if missing. Safe to call on every post.

    An existing account must match what is asked for (type, unit, owner, rule); a mismatch
    means two apps disagree about what the code is, which is a Conflict, not something to
    paper over.
    """
    code, name, owner_id = _check_account_fields(
        book=book, code=code, name=name, type=type, unit=unit, owner_type=owner_type, owner_id=owner_id
    )
    existing = Account.objects.filter(book=book, code=code).first()
    if existing is None:
        try:
            return account_open(
                book=book,
                code=code,
                name=name,
                type=type,
                unit=unit,
                owner_type=owner_type,
                owner_id=owner_id,
                non_negative=non_negative,
            )
        except Conflict:
            # Opened by a concurrent request in the meantime: use theirs (checked below).
            existing = Account.objects.get(book=book, code=code)
    wanted = (type, unit, owner_type, owner_id, non_negative)
    found = (existing.type, existing.unit, existing.owner_type, existing.owner_id, existing.non_negative)
    if wanted != found:
        raise Conflict(
            _("Account %(code)s already exists with a different type, unit, owner or rule.") % {"code": code},
            code="account_mismatch",
        )
    return existing


# --- Transactions -----------------------------------------------------------------------------


def _check_kind(kind: str) -> str:
    kind = (kind or "").strip()
    if not KIND_PATTERN.fullmatch(kind) or len(kind) > 40:
        raise ValidationFailed(
            _("A transaction kind looks like fund.donation: lower-case words joined by dots (40 at most)."),
            code="bad_kind",
        )
    return kind


def _check_memo(memo: str) -> str:
    memo = (memo or "").strip()
    if len(memo) > 200:
        raise ValidationFailed(_("The memo is too long (200 characters at most)."), code="bad_memo")
    if "\x00" in memo:
        raise ValidationFailed(_("The memo contains a character that cannot be stored."), code="bad_memo")
    return memo


def _check_source(source: Source) -> tuple[str, str]:
    if source is None:
        return "", ""
    if isinstance(source, models.Model):
        if source.pk is None:
            raise ValidationFailed(_("The source object has not been saved."), code="bad_source")
        return source._meta.label_lower, str(source.pk)
    source_type, source_id = source
    source_type, source_id = str(source_type).strip(), str(source_id).strip()
    if not source_type or len(source_type) > 60 or len(source_id) > 64:
        raise ValidationFailed(_("The source must be a (kind, id) pair."), code="bad_source")
    return source_type, source_id


def _check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = str(key).strip()
    if not key or len(key) > 100:
        raise ValidationFailed(_("An idempotency key has 1 to 100 characters."), code="bad_idempotency_key")
    return key


def _check_lines(postings: Sequence[tuple[Account, int]]) -> list[tuple[int, int]]:
    lines: list[tuple[int, int]] = []
    for item in postings:
        try:
            account, amount = item
        except (TypeError, ValueError):
            raise ValidationFailed(_("Each posting is an (account, amount) pair."), code="bad_posting") from None
        if not isinstance(account, Account) or account.pk is None:
            raise ValidationFailed(_("Each posting needs a saved account."), code="bad_posting")
        # bool is an int in Python; True fen is a bug, not an amount.
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationFailed(
                _("Amounts are whole numbers of fen (or points), got %(amount)r.") % {"amount": amount},
                code="bad_amount",
            )
        if amount == 0:
            raise ValidationFailed(_("A posting cannot be zero."), code="bad_amount")
        if abs(amount) > MAX_AMOUNT:
            raise ValidationFailed(_("The amount is implausibly large."), code="bad_amount")
        lines.append((account.pk, amount))
    if len(lines) < 2:
        raise ValidationFailed(_("A transaction needs at least two postings."), code="too_few_postings")
    return lines


def _check_time(occurred_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if occurred_at is None:
        return now
    if timezone.is_naive(occurred_at):
        raise ValidationFailed(_("The time of a transaction must include its time zone."), code="naive_time")
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ValidationFailed(_("A transaction cannot be dated in the future."), code="future_time")
    return occurred_at


def _lock_book(book_id: int) -> Book:
    # See the module docstring: this lock is what keeps seq and prev_hash from forking.
    return books_lock(books=[book_id])[0]


def _same_request(existing: Transaction, *, kind: str, lines: list[tuple[int, int]], reverses_id: int | None) -> bool:
    stored = sorted(existing.postings.values_list("account_id", "amount"))
    return existing.kind == kind and existing.reverses_id == reverses_id and stored == sorted(lines)


def _insufficient(account: Account, amount: int) -> Conflict:
    balance = Account.objects.values_list("balance", flat=True).get(pk=account.pk)
    return Conflict(
        _("%(account)s does not have enough: it holds %(balance)s and this would take %(amount)s.")
        % {
            "account": account.name,
            "balance": format_amount(account.sign * balance, account.unit),
            "amount": format_amount(abs(amount), account.unit),
        },
        code="insufficient_balance",
        details={"account": account.code, "balance": account.sign * balance, "amount": abs(amount)},
    )


def month_of(moment: dt.datetime) -> dt.date:
    """The local (settings.TIME_ZONE) month an entry falls in, as its first day."""
    return timezone.localtime(moment).date().replace(day=1)


def transaction_flows(*, lines: Iterable[tuple[str, int]], reversal: bool) -> dict[str, int]:
    """What a transaction moved, per unit: the sum of its debits. A reversal's credits mirror its
    original's debits, so it moves their (negative) sum and cancels the original in totals."""
    flows: dict[str, int] = defaultdict(int)
    for unit, amount in lines:
        if (amount < 0) if reversal else (amount > 0):
            flows[unit] += amount
    return flows


def _add_to_month_totals(
    *,
    book: Book,
    occurred_at: dt.datetime,
    kind: str,
    units: dict[str, None],
    lines: list[tuple[str, int]],
    reversal: bool,
) -> None:
    # Runs under the book lock, which covers every MonthTotal row of the book: the
    # update-then-create below cannot race with another post (the unique constraint is the
    # backstop if it ever did).
    month = month_of(occurred_at)
    flows = transaction_flows(lines=lines, reversal=reversal)
    step = -1 if reversal else 1
    for unit in sorted(units):
        rows = MonthTotal.objects.filter(book=book, month=month, kind=kind, unit=unit)
        if not rows.update(amount=F("amount") + flows.get(unit, 0), count=F("count") + step):
            MonthTotal.objects.create(
                book=book,
                community_id=book.community_id,
                month=month,
                kind=kind,
                unit=unit,
                amount=flows.get(unit, 0),
                count=step,
            )


def _append(
    *,
    book: Book,
    kind: str,
    memo: str,
    lines: list[tuple[int, int]],
    occurred_at: dt.datetime | None,
    source: tuple[str, str],
    recorded_by: User | None,
    idempotency_key: str | None,
    reverses: Transaction | None,
) -> Transaction:
    with transaction.atomic():
        locked = _lock_book(book.pk)
        # Read the clock only once the lock is held, so recorded_at grows along the chain.
        now = timezone.now()
        occurred_at = _check_time(occurred_at, now)

        if idempotency_key is not None:
            existing = Transaction.objects.filter(book=locked, idempotency_key=idempotency_key).first()
            if existing is not None:
                if not _same_request(existing, kind=kind, lines=lines, reverses_id=reverses.pk if reverses else None):
                    raise Conflict(
                        _("This idempotency key was already used for a different transaction."),
                        code="idempotency_key_reused",
                    )
                return existing

        if reverses is not None:
            if reverses.book_id != locked.pk:
                raise ValidationFailed(_("A reversal must be in the book of what it reverses."), code="wrong_book")
            if reverses.reverses_id is not None:
                raise Conflict(
                    _("A reversal cannot itself be reversed; post the entry again instead."),
                    code="reversal_of_reversal",
                )
            if Transaction.objects.filter(reverses=reverses).exists():
                raise Conflict(
                    _("Transaction #%(seq)s has already been reversed.") % {"seq": reverses.seq},
                    code="already_reversed",
                )

        # Fresh rows, read after taking the lock: units, rules and codes come from the
        # database, never from whatever Account objects the caller holds.
        accounts = Account.objects.filter(book=locked).in_bulk({account_id for account_id, _a in lines})
        if len(accounts) != len({account_id for account_id, _a in lines}):
            raise ValidationFailed(
                _("Every account of a transaction must belong to the book it is posted in."), code="foreign_account"
            )

        sums: dict[str, int] = defaultdict(int)
        net: dict[int, int] = defaultdict(int)
        for account_id, amount in lines:
            sums[accounts[account_id].unit] += amount
            net[account_id] += amount
        off = {unit: total for unit, total in sums.items() if total != 0}
        if off:
            shown = ", ".join(format_amount(total, unit) for unit, total in sorted(off.items()))
            raise ValidationFailed(
                _("The postings do not balance: they sum to %(sum)s.") % {"sum": shown},
                code="unbalanced",
                details={unit: total for unit, total in off.items()},
            )

        # Fixed order (account id) so that, should anything ever take account locks without
        # the book lock, two transactions still cannot deadlock on them.
        for account_id in sorted(net):
            amount = net[account_id]
            if amount == 0:
                continue
            account = accounts[account_id]
            rows = Account.objects.filter(pk=account_id)
            if account.non_negative and normal_sign(account.type) * amount < 0:
                # Moving towards the wrong side: allowed only while enough remains. The
                # condition is evaluated by the database under the row's write lock (see the
                # module docstring); balance + amount >= 0 written as balance >= -amount.
                if normal_sign(account.type) > 0:
                    rows = rows.filter(balance__gte=-amount)
                else:
                    rows = rows.filter(balance__lte=-amount)
            if rows.update(balance=F("balance") + amount) != 1:
                raise _insufficient(account, amount)

        seq = locked.head_seq + 1
        entry = ChainEntry(
            book_id=locked.pk,
            community_id=locked.community_id,
            seq=seq,
            occurred_at=occurred_at,
            recorded_at=now,
            kind=kind,
            memo=memo,
            source_type=source[0],
            source_id=source[1],
            reverses_seq=reverses.seq if reverses else None,
            recorded_by_id=recorded_by.pk if recorded_by else None,
            idempotency_key=idempotency_key,
            postings=tuple((accounts[a].code, accounts[a].unit, amount) for a, amount in lines),
            prev_hash=locked.head_hash,
        )
        digest = entry_hash(entry)
        txn = Transaction.objects.create(
            book=locked,
            community_id=locked.community_id,
            seq=seq,
            occurred_at=occurred_at,
            recorded_at=now,
            kind=kind,
            memo=memo,
            source_type=source[0],
            source_id=source[1],
            recorded_by=recorded_by,
            idempotency_key=idempotency_key,
            reverses=reverses,
            prev_hash=locked.head_hash,
            hash=digest,
        )
        Posting.objects.bulk_create(
            [
                Posting(
                    transaction=txn,
                    account_id=account_id,
                    amount=amount,
                    unit=accounts[account_id].unit,
                    book_id=locked.pk,
                    community_id=locked.community_id,
                    occurred_at=occurred_at,
                    kind=kind,
                    is_reversal=reverses is not None,
                )
                for account_id, amount in lines
            ]
        )
        _add_to_month_totals(
            book=locked,
            occurred_at=occurred_at,
            kind=kind,
            units={accounts[a].unit: None for a, _n in lines},
            lines=[(accounts[a].unit, amount) for a, amount in lines],
            reversal=reverses is not None,
        )
        moved = Book.objects.filter(pk=locked.pk, head_seq=locked.head_seq).update(head_seq=seq, head_hash=digest)
        if moved != 1:  # only possible if something appended without the lock
            raise Conflict(_("The book changed while posting; try again."), code="book_moved")
    return txn


def transaction_post(
    *,
    book: Book,
    kind: str,
    memo: str,
    postings: Sequence[tuple[Account, int]],
    occurred_at: dt.datetime | None = None,
    source: Source = None,
    recorded_by: User | None = None,
    idempotency_key: str | None = None,
) -> Transaction:
    """Append a balanced transaction to ``book`` and move the accounts' balances.

    ``postings`` are (account, signed amount) pairs, positive = debit; they must sum to zero in
    each unit, and every account must be in ``book``. ``source`` names the business object
    (a model instance, or a (kind, id) pair). With an ``idempotency_key`` a retried call
    returns the transaction the first call made instead of posting again; the same key with
    different content is a Conflict. A non-negative account that would go below zero is a
    Conflict (code ``insufficient_balance``) and nothing is written.
    """
    return _append(
        book=book,
        kind=_check_kind(kind),
        memo=_check_memo(memo),
        lines=_check_lines(postings),
        occurred_at=occurred_at,
        source=_check_source(source),
        recorded_by=recorded_by,
        idempotency_key=_check_key(idempotency_key),
        reverses=None,
    )


def transaction_reverse(
    *,
    original: Transaction,
    memo: str,
    recorded_by: User | None,
    idempotency_key: str | None = None,
    occurred_at: dt.datetime | None = None,
) -> Transaction:
    """Undo ``original`` with a new transaction of opposite postings that points back at it.

    The reversal keeps the original's kind and source (so totals by kind net out and the source
    object finds both) and is dated now unless told otherwise: reports already published for
    the original's period stay as they were. A transaction is reversed at most once, a reversal
    is never reversed, and a reversal that would take a non-negative account below zero (the
    money was already spent) is refused.
    """
    lines = [(account_id, -amount) for account_id, amount in original.postings.values_list("account_id", "amount")]
    return _append(
        book=original.book,
        kind=original.kind,
        memo=_check_memo(memo) or _("Reversal of #%(seq)s") % {"seq": original.seq},
        lines=lines,
        occurred_at=occurred_at,
        source=(original.source_type, original.source_id),
        recorded_by=recorded_by,
        idempotency_key=_check_key(idempotency_key),
        reverses=original,
    )


def account_refresh(*, account: Account) -> Account:
    """Reload the cached balance of ``account`` in place (other fields never change)."""
    account.balance = Account.objects.values_list("balance", flat=True).get(pk=account.pk)
    return account
