"""The money core: books, accounts, transactions (journal entries) and postings.

Conventions (docs/ledger.md explains them with a worked example):

* Amounts are signed integers in the account's unit: fen (分) for CNY, whole points for PTS.
  Positive is a debit (借), negative a credit (贷). A transaction's postings sum to zero in
  each unit, so every book always sums to zero.
* An account's ``balance`` is the sum of its postings. Asset and expense accounts normally
  carry a positive (debit) balance; liability, equity and income accounts a negative (credit)
  one. ``normal_balance`` turns the sign around so people read "¥1,800 in the fund".
* Transactions and postings are append-only: the code refuses to update or delete them
  (``AppendOnlyQuerySet`` and ``save``/``delete`` below) and so does the database (triggers in
  ``ledger.triggers``, installed by migration 0002). Corrections are reversal transactions.
* Each transaction stores the SHA-256 of its own content and of the previous transaction in
  its book (``ledger.chain``), so an edit made behind the application's back is detected by
  ``ledger.verify``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class Unit(models.TextChoices):
    CNY = "CNY", _("Yuan (in fen)")
    PTS = "PTS", _("Volunteer points")


class AccountType(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


# Accounts whose normal balance is a debit (positive); the others are credit-normal (negative).
DEBIT_NORMAL = frozenset({AccountType.ASSET, AccountType.EXPENSE})


def normal_sign(account_type: str) -> int:
    """+1 for debit-normal account types, -1 for credit-normal ones."""
    return 1 if account_type in DEBIT_NORMAL else -1


class OwnerType(models.TextChoices):
    """Who an account belongs to. The owner is referenced as (owner_type, owner_id) rather than
    by foreign keys, so apps that come later (fund, enterprise, partners, volunteers) can own
    accounts without the ledger depending on them."""

    PLATFORM = "platform", _("Platform")
    COMMUNITY = "community", _("Community")
    FUND = "fund", _("Community development fund")
    ENTERPRISE = "enterprise", _("Community enterprise")
    PARTNER = "partner", _("Partner")
    RESIDENT = "resident", _("Resident")


class BookKind(models.TextChoices):
    COMMUNITY = "community", _("Community book")
    # A community enterprise (社区企业) is its own legal entity with its own books (收支两条线):
    # a second book in the same community, kept apart from the community's book.
    ENTERPRISE = "enterprise", _("Community enterprise book")
    PLATFORM = "platform", _("Platform book")


class Book(models.Model):
    """One community's books (or its enterprise's): one hash chain, one sequence of transactions.

    ``head_seq``/``head_hash`` point at the newest transaction. Posting locks this row, which is
    what serialises appends to the book (see ``ledger.services``); keeping the head here also
    lets the verifier notice transactions removed from the end of the chain.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=BookKind.choices, default=BookKind.COMMUNITY)
    community = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    name = models.CharField(_("name"), max_length=100)
    head_seq = models.PositiveBigIntegerField(_("last sequence number"), default=0, editable=False)
    head_hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("book")
        verbose_name_plural = _("books")
        constraints = [
            # One book of each kind per community: the community's own and, if it has one, its
            # enterprise's.
            models.UniqueConstraint(fields=["community", "kind"], name="ledger_book_one_per_community_and_kind"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="platform"), name="ledger_book_one_platform_book"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["community", "enterprise"], community__isnull=False)
                | Q(kind="platform", community__isnull=True),
                name="ledger_book_community_iff_community_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """An account in one book.

    ``balance`` is a cache of the sum of the account's postings, kept by the posting service in
    the same database transaction as the postings (a conditional UPDATE, so the non-negative
    rule holds under concurrency). The verifier recomputes it from the postings. The columns
    that give an account its identity (book, code, type, unit, owner, the non-negative rule)
    cannot be changed once it exists: a database trigger refuses it, because the hash chain
    names accounts by code.
    """

    # db_index=False on foreign keys that lead a composite index or unique constraint below:
    # a second, single-column index would only slow every insert down.
    book = models.ForeignKey(
        Book, on_delete=models.PROTECT, related_name="accounts", db_index=False, verbose_name=_("book")
    )
    # The tenant key (the book's community; empty for the platform book).
    community = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("community"),
    )
    code = models.CharField(_("code"), max_length=80, help_text=_("Unique in the book, e.g. fund:cash."))
    name = models.CharField(_("name"), max_length=100)
    type = models.CharField(_("type"), max_length=10, choices=AccountType.choices)
    unit = models.CharField(_("unit"), max_length=3, choices=Unit.choices, default=Unit.CNY)
    owner_type = models.CharField(_("owner kind"), max_length=12, choices=OwnerType.choices)
    owner_id = models.BigIntegerField(_("owner id"), null=True, blank=True)
    non_negative = models.BooleanField(
        _("may not go below zero"),
        default=False,
        help_text=_("The balance on the account's normal side may never become negative."),
    )
    balance = models.BigIntegerField(_("balance"), default=0, editable=False)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["book", "code"]
        constraints = [
            models.UniqueConstraint(fields=["book", "code"], name="ledger_account_code_unique_in_book"),
            # The last line of defence for the non-negative rule; the posting service's
            # conditional UPDATE normally refuses first, with a readable message.
            models.CheckConstraint(
                condition=Q(non_negative=False)
                | Q(type__in=sorted(DEBIT_NORMAL), balance__gte=0)
                | (~Q(type__in=sorted(DEBIT_NORMAL)) & Q(balance__lte=0)),
                name="ledger_account_non_negative_holds",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "owner_type", "owner_id"], name="ledger_account_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def sign(self) -> int:
        return normal_sign(self.type)

    @property
    def normal_balance(self) -> int:
        """The balance as people read it: positive when on the account's normal side."""
        return self.sign * self.balance


class AppendOnlyError(Exception):
    """Raised by the code when something tries to change or remove a ledger row."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk changes. The database triggers refuse them too; this fails earlier and
    says why, instead of a database error."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they cannot be updated.")

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they cannot be deleted.")

    def update_or_create(self, *args: Any, **kwargs: Any):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they cannot be updated.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only: they cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only: they cannot be deleted.")


class Transaction(AppendOnlyModel):
    """A journal entry. Created only by ``ledger.services``; never updated or deleted."""

    book = models.ForeignKey(
        Book, on_delete=models.PROTECT, related_name="transactions", db_index=False, verbose_name=_("book")
    )
    community = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("community"),
    )
    seq = models.PositiveBigIntegerField(_("number in the book"))
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(_("recorded at"))
    kind = models.CharField(_("kind"), max_length=40)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    source_type = models.CharField(_("source kind"), max_length=60, blank=True)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["book", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["book", "seq"], name="ledger_transaction_seq_unique_in_book"),
            models.UniqueConstraint(
                fields=["book", "idempotency_key"], name="ledger_transaction_idempotency_key_unique_in_book"
            ),
            models.CheckConstraint(condition=Q(seq__gte=1), name="ledger_transaction_seq_positive"),
        ]
        indexes = [
            # The journal filtered by kind (console, API).
            models.Index(fields=["book", "kind", "occurred_at"], name="ledger_tx_book_kind_time"),
            # "Which entries came from this order / spending request?"
            models.Index(fields=["source_type", "source_id"], name="ledger_tx_source"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.memo}".strip()

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class Posting(AppendOnlyModel):
    """One line of a transaction: an amount on one account.

    ``book``, ``community``, ``occurred_at``, ``kind`` and ``is_reversal`` are copies of the
    transaction's values. They are immutable like the transaction (same triggers), checked by
    the verifier, and they let balances, statements and the dashboard totals read this one table
    through an index without joining the transactions: that is what keeps "income by kind and
    month over a city's whole history" fast (docs/benchmarks.md).
    """

    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="postings", verbose_name=_("transaction")
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="postings", db_index=False, verbose_name=_("account")
    )
    amount = models.BigIntegerField(_("amount"), help_text=_("Positive: debit (借). Negative: credit (贷)."))
    unit = models.CharField(_("unit"), max_length=3, choices=Unit.choices)
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("book"))
    community = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("community"),
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    kind = models.CharField(_("kind"), max_length=40)
    is_reversal = models.BooleanField(_("part of a reversal"), default=False)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["transaction", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_posting_amount_not_zero"),
        ]
        indexes = [
            # Balance at a time, statements, and trial balances at a past time (per account).
            models.Index(fields=["account", "occurred_at"], name="ledger_posting_account_time"),
            # Totals by kind for a period (selectors.totals_by_kind): the time range seeks within
            # each community, and every column the query reads is in the index, so both databases
            # answer it from the index alone. occurred_at comes before kind because dashboards ask
            # for all kinds in a period far more often than for one kind over all time.
            models.Index(
                fields=["community", "occurred_at", "kind", "unit", "is_reversal", "amount", "transaction"],
                name="ledger_posting_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount} {self.unit}"


class MonthTotal(models.Model):
    """Per book, local month, kind and unit: how much moved and in how many transactions.

    A cache of the postings, like ``Account.balance``: the posting service adds to it in the
    same database transaction as the postings (under the book lock, so without races), and the
    verifier recomputes it. Dashboards over a city's history read these rows — at most
    communities × months × kinds — instead of every posting (docs/benchmarks.md). ``amount``
    is the sum of the debits (reversals subtracted); ``count`` counts a transaction once per
    unit it moves (a reversal counts −1).
    """

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("book"))
    community = models.ForeignKey(
        "orgs.OrgNode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("community"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month, local time."))
    kind = models.CharField(_("kind"), max_length=40)
    unit = models.CharField(_("unit"), max_length=3, choices=Unit.choices)
    amount = models.BigIntegerField(_("amount"), default=0)
    count = models.BigIntegerField(_("transactions"), default=0)

    class Meta:
        verbose_name = _("monthly total")
        verbose_name_plural = _("monthly totals")
        constraints = [
            models.UniqueConstraint(fields=["book", "month", "kind", "unit"], name="ledger_monthtotal_unique"),
        ]
        indexes = [
            models.Index(
                fields=["community", "month", "kind", "unit", "amount", "count"], name="ledger_monthtotal_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind} {self.unit}: {self.amount} ({self.count})"
