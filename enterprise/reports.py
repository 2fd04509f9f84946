"""The enterprise's figures, read from its ledger book: the monthly income and expense statement
and the year's budget against actual spending.

Everything here is computed from the ledger's postings (never from the enterprise's own tables),
so a statement's totals are the ledger's by construction; ``enterprise/tests`` checks them
against ``ledger.selectors.totals_by_kind`` as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Sum

from enterprise import chart
from enterprise.models import (
    OPEN_STATUSES,
    BudgetLine,
    Enterprise,
    ExpenseRequest,
    IncomeSource,
    RentInvoice,
    RequestStatus,
    SpendingCategory,
)
from enterprise.periods import local_midnight, month_start, next_month
from ledger.models import Account, Posting, Transaction


@dataclass
class Row:
    key: str
    label: str
    amount: int


@dataclass
class Entry:
    transaction_id: int
    seq: int
    occurred_at: dt.datetime
    kind: str
    memo: str
    income: int
    expense: int
    hash: str


@dataclass
class MonthReport:
    enterprise: Enterprise
    month: dt.date
    income_rows: list[Row]
    expense_rows: list[Row]
    entries: list[Entry] = field(default_factory=list)
    cash_opening: int = 0
    cash_closing: int = 0
    arrears: int = 0

    @property
    def income_total(self) -> int:
        return sum(r.amount for r in self.income_rows)

    @property
    def expense_total(self) -> int:
        return sum(r.amount for r in self.expense_rows)

    @property
    def balance(self) -> int:
        return self.income_total - self.expense_total


def _accounts(enterprise: Enterprise) -> dict[str, Account]:
    return {a.code: a for a in Account.objects.filter(book=enterprise.book)}


def _sums(account_ids: list[int], start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    return dict(
        Posting.objects.filter(account_id__in=account_ids, occurred_at__gte=start, occurred_at__lt=end)
        .values("account")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("account", "total")
    )


def month_report(*, enterprise: Enterprise, month: dt.date, with_entries: bool = True) -> MonthReport:
    first = month_start(month)
    start, end = local_midnight(first), local_midnight(next_month(first))
    return period_report(enterprise=enterprise, start=start, end=end, month=first, with_entries=with_entries)


def period_report(
    *, enterprise: Enterprise, start: dt.datetime, end: dt.datetime, month: dt.date, with_entries: bool = True
) -> MonthReport:
    accounts = _accounts(enterprise)
    sums = _sums([a.pk for a in accounts.values()], start, end)
    income_rows = []
    for source in IncomeSource:
        acc = accounts.get(chart.income_code(enterprise.pk, source))
        # Income accounts are credit-normal: their postings are negative.
        income_rows.append(Row(source.value, str(source.label), -int(sums.get(acc.pk, 0)) if acc else 0))
    expense_rows = []
    for category in SpendingCategory:
        acc = accounts.get(chart.expense_code(enterprise.pk, category))
        expense_rows.append(Row(category.value, str(category.label), int(sums.get(acc.pk, 0)) if acc else 0))
    report = MonthReport(enterprise=enterprise, month=month, income_rows=income_rows, expense_rows=expense_rows)
    cash = accounts.get(f"enterprise:{enterprise.pk}:cash")
    if cash is not None:
        before = Posting.objects.filter(account=cash, occurred_at__lt=start).aggregate(t=Sum("amount"))["t"] or 0
        report.cash_opening = int(before)
        report.cash_closing = int(before) + int(sums.get(cash.pk, 0))
    receivable = accounts.get(f"enterprise:{enterprise.pk}:rent_receivable")
    if receivable is not None:
        report.arrears = int(
            Posting.objects.filter(account=receivable, occurred_at__lt=end).aggregate(t=Sum("amount"))["t"] or 0
        )
    if with_entries:
        report.entries = entries_of(enterprise=enterprise, start=start, end=end, accounts=accounts)
    return report


def entries_of(*, enterprise: Enterprise, start: dt.datetime, end: dt.datetime, accounts=None) -> list[Entry]:
    """The book's entries in [start, end), each with what it adds to income and to spending."""
    accounts = accounts or _accounts(enterprise)
    kind_of = {a.pk: a.type for a in accounts.values()}
    txns = list(
        Transaction.objects.filter(book=enterprise.book, occurred_at__gte=start, occurred_at__lt=end).order_by(
            "occurred_at", "seq"
        )
    )
    postings: dict[int, list[tuple[int, int]]] = {}
    for txn_id, account_id, amount in Posting.objects.filter(transaction__in=[t.pk for t in txns]).values_list(
        "transaction_id", "account_id", "amount"
    ):
        postings.setdefault(txn_id, []).append((account_id, amount))
    out = []
    for t in txns:
        income = -sum(a for acc, a in postings.get(t.pk, []) if kind_of.get(acc) == "income")
        expense = sum(a for acc, a in postings.get(t.pk, []) if kind_of.get(acc) == "expense")
        out.append(Entry(t.pk, t.seq, t.occurred_at, t.kind, t.memo, income, expense, t.hash))
    return out


@dataclass
class BudgetRow:
    line: BudgetLine
    label: str
    budget: int
    committed: int  # waiting or approved, not yet paid
    actual: int  # paid, from the ledger
    alert_percent: int

    @property
    def used(self) -> int:
        return self.committed + self.actual

    @property
    def remaining(self) -> int:
        return self.budget - self.used

    @property
    def percent(self) -> int:
        return round(self.used * 100 / self.budget) if self.budget else (100 if self.used else 0)

    @property
    def actual_percent(self) -> int:
        return round(self.actual * 100 / self.budget) if self.budget else 0

    @property
    def alert(self) -> bool:
        return self.budget > 0 and self.used * 100 >= self.budget * self.alert_percent

    @property
    def exceeded(self) -> bool:
        return self.used > self.budget


def budget_report(*, enterprise: Enterprise, year: int, alert_percent: int = 90) -> list[BudgetRow]:
    lines = list(BudgetLine.objects.filter(enterprise=enterprise, year=year).order_by("category"))
    start, end = local_midnight(dt.date(year, 1, 1)), local_midnight(dt.date(year + 1, 1, 1))
    accounts = _accounts(enterprise)
    sums = _sums([a.pk for a in accounts.values()], start, end)
    pending = dict(
        ExpenseRequest.objects.filter(
            budget_line__in=lines, status__in=[s for s in OPEN_STATUSES if s != RequestStatus.PAID]
        )
        .values("budget_line")
        .annotate(total=Sum("amount_fen"))
        .order_by()
        .values_list("budget_line", "total")
    )
    rows = []
    for line in lines:
        acc = accounts.get(chart.expense_code(enterprise.pk, line.category))
        rows.append(
            BudgetRow(
                line=line,
                label=line.get_category_display(),
                budget=line.amount_fen,
                committed=int(pending.get(line.pk, 0)),
                actual=int(sums.get(acc.pk, 0)) if acc else 0,
                alert_percent=alert_percent,
            )
        )
    return rows


@dataclass
class Arrears:
    partner_name: str
    invoices: int
    owed: int
    oldest: dt.date


def arrears_of(*, enterprise: Enterprise) -> list[Arrears]:
    """Who owes rent, oldest debt first."""
    found: dict[int, Arrears] = {}
    for inv in RentInvoice.objects.filter(enterprise=enterprise).select_related("partner").order_by("period"):
        if inv.outstanding_fen <= 0:
            continue
        row = found.get(inv.partner_id)
        if row is None:
            found[inv.partner_id] = Arrears(inv.partner.name, 1, inv.outstanding_fen, inv.period)
        else:
            row.invoices += 1
            row.owed += inv.outstanding_fen
    return sorted(found.values(), key=lambda a: (a.oldest, -a.owed))
