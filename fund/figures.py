"""The fund's figures, read from the ledger and nowhere else.

Other apps (catalog orders' revenue shares, markets, workshops) post straight into the fund's
chart accounts, so the fund's own tables do not know every yuan; the ledger does. Every figure
on the public page, in the reports and in the API comes from here: balances of the
``fund:<community>:…`` accounts and their statements for a period (``ledger.selectors``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger import selectors as ledger_selectors
from ledger.chart import FundSource
from ledger.models import Account, AccountType, Book
from ledger.verify import book_verify
from orgs.models import OrgNode

# The chart's source names (ledger/chart.py), listed here too so that the fund's catalogue
# carries their translations for the disclosure pages.
SOURCE_LABELS = (
    _("Partners' revenue shares"),
    _("Neighbourhood markets"),
    _("Workshops"),
    _("Donations"),
    _("Donations in kind"),
    _("Community enterprise"),
    _("Other income"),
)


def _book(community: OrgNode) -> Book | None:
    return Book.objects.filter(community=community).first()


def fund_accounts(community: OrgNode) -> list[Account]:
    book = _book(community)
    if book is None:
        return []
    return list(ledger_selectors.account_list(book=book).filter(code__startswith=f"fund:{community.pk}:"))


def _purpose(account: Account, community: OrgNode) -> str:
    return account.code[len(f"fund:{community.pk}:") :]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, n: int) -> dt.date:
    y, m = divmod(day.month - 1 + n, 12)
    return dt.date(day.year + y, m + 1, 1)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class Figures:
    """Balances now (``at`` None) or for a period [start, end)."""

    cash: int = 0  # the money the charity holds for the fund
    goods: int = 0  # donated goods at fair value, not yet handed out
    receivable: int = 0  # shares owed to the fund
    income: dict[str, int] = field(default_factory=dict)  # by FundSource, positive = received
    spending: dict[str, int] = field(default_factory=dict)  # by budget line code, positive = spent
    spending_names: dict[str, str] = field(default_factory=dict)
    opening_cash: int = 0
    opening_goods: int = 0
    opening_receivable: int = 0
    monthly_income: dict[str, dict[str, int]] = field(default_factory=dict)  # "2026-05" → source → fen

    @property
    def income_total(self) -> int:
        return sum(self.income.values())

    @property
    def spending_total(self) -> int:
        return sum(self.spending.values())

    def as_dict(self) -> dict:
        return {
            "cash": self.cash,
            "goods": self.goods,
            "receivable": self.receivable,
            "opening_cash": self.opening_cash,
            "opening_goods": self.opening_goods,
            "opening_receivable": self.opening_receivable,
            "income": dict(self.income),
            "income_total": self.income_total,
            "spending": dict(self.spending),
            "spending_names": dict(self.spending_names),
            "spending_total": self.spending_total,
            "monthly_income": {k: dict(v) for k, v in self.monthly_income.items()},
        }


def current(community: OrgNode) -> Figures:
    """Balances as they stand (each account's balance: the sum of its postings)."""
    f = Figures(income={s: 0 for s in FundSource.values})
    for account in fund_accounts(community):
        purpose = _purpose(account, community)
        value = account.normal_balance
        _place(f, account, purpose, value, closing=True)
    return f


def _place(f: Figures, account: Account, purpose: str, value: int, *, closing: bool, opening: int = 0) -> None:
    if purpose == "cash":
        f.cash, f.opening_cash = value, opening
    elif purpose == "goods":
        f.goods, f.opening_goods = value, opening
    elif purpose == "receivable":
        f.receivable, f.opening_receivable = value, opening
    elif purpose.startswith("income:") and account.type == AccountType.INCOME:
        f.income[purpose.split(":", 1)[1]] = value
    elif purpose.startswith("spending:") and account.type == AccountType.EXPENSE:
        line = purpose.split(":", 1)[1]
        f.spending[line] = value
        f.spending_names[line] = account.name.split("·")[-1].strip()


def period(community: OrgNode, start: dt.date, end: dt.date) -> Figures:
    """What moved in [start, end) (local dates), with opening and closing balances, and income
    by month. Each figure is the difference of the account's statement's closing and opening."""
    f = Figures(income={s: 0 for s in FundSource.values})
    t0, t1 = local_midnight(start), local_midnight(end)
    for account in fund_accounts(community):
        st = ledger_selectors.statement(account=account, start=t0, end=t1)
        sign = account.sign
        purpose = _purpose(account, community)
        if purpose in ("cash", "goods", "receivable"):
            _place(f, account, purpose, sign * st.closing, closing=True, opening=sign * st.opening)
            continue
        _place(f, account, purpose, sign * (st.closing - st.opening), closing=False)
        if purpose.startswith("income:"):
            source = purpose.split(":", 1)[1]
            for line in st.lines:
                month = timezone.localtime(line.occurred_at).strftime("%Y-%m")
                bucket = f.monthly_income.setdefault(month, {})
                bucket[source] = bucket.get(source, 0) + sign * line.amount
    f.monthly_income = dict(sorted(f.monthly_income.items()))
    return f


def last_months(community: OrgNode, months: int = 12) -> Figures:
    today = timezone.localdate()
    end = add_months(month_start(today), 1)
    return period(community, add_months(end, -months), end)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    last_seq: int
    last_hash: str
    first_broken_seq: int | None
    checked_at: str


def chain_check(community: OrgNode) -> ChainCheck:
    """The book's verification (ledger.verify.book_verify), cached per head: a new entry gives a
    new head and so a fresh check, and a page view does not walk the whole chain every time."""
    book = _book(community)
    if book is None:
        return ChainCheck(True, 0, "0" * 64, None, timezone.now().isoformat())
    key = f"fund:verify:{book.pk}:{book.head_seq}:{book.head_hash}"
    found = cache.get(key)
    if found is not None:
        return ChainCheck(**found)
    report = book_verify(book=book)
    result = ChainCheck(report.ok, report.last_seq, report.last_hash, report.first_broken_seq, timezone.now().isoformat())
    cache.set(key, result.__dict__, 600)
    return result
