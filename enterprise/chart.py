"""The enterprise's accounts in its own book (``ledger.BookKind.ENTERPRISE``).

Codes follow the ledger's convention ``enterprise:<enterprise id>:<purpose>``:

* ``cash`` (asset, never below zero): the enterprise's bank account;
* ``rent_receivable`` (asset): rent invoiced and not yet paid — the arrears;
* ``income:<source>`` (income), one per ``IncomeSource``: 收支两条线 keeps income by source;
* ``expense:<category>`` (expense), one per ``SpendingCategory``: spending by budget line.

Entries (positive = debit):

* income received: ``cash +x, income:<source> −x`` (kind ``enterprise.income``);
* rent invoiced: ``rent_receivable +x, income:rent −x`` (``enterprise.rent_invoice``);
* rent paid: ``cash +x, rent_receivable −x`` (``enterprise.rent_payment``);
* an approved expense paid: ``expense:<category> +x, cash −x`` (``enterprise.expense``).
"""

from __future__ import annotations

from enterprise.models import Enterprise, IncomeSource, SpendingCategory
from ledger.models import Account, AccountType, OwnerType
from ledger.services import account_get_or_open

KIND_INCOME = "enterprise.income"
KIND_RENT_INVOICE = "enterprise.rent_invoice"
KIND_RENT_PAYMENT = "enterprise.rent_payment"
KIND_EXPENSE = "enterprise.expense"
INCOME_KINDS = (KIND_INCOME, KIND_RENT_INVOICE)


def _account(enterprise: Enterprise, purpose: str, name: str, type_: str, *, non_negative: bool = False) -> Account:
    return account_get_or_open(
        book=enterprise.book,
        code=f"enterprise:{enterprise.pk}:{purpose}",
        name=f"{enterprise.name} · {name}"[:100],
        type=type_,
        owner_type=OwnerType.ENTERPRISE,
        owner_id=enterprise.pk,
        non_negative=non_negative,
    )


def cash(enterprise: Enterprise) -> Account:
    return _account(enterprise, "cash", "银行存款", AccountType.ASSET, non_negative=True)


def rent_receivable(enterprise: Enterprise) -> Account:
    return _account(enterprise, "rent_receivable", "应收租金", AccountType.ASSET)


def income(enterprise: Enterprise, source: str) -> Account:
    label = {
        IncomeSource.RENT: "租金收入",
        IncomeSource.SERVICES: "经营服务收入",
        IncomeSource.GOVERNMENT: "政府购买服务收入",
        IncomeSource.DONATION: "捐赠赞助收入",
        IncomeSource.OTHER: "其他合法收入",
    }[IncomeSource(source)]
    return _account(enterprise, f"income:{source}", label, AccountType.INCOME)


def expense(enterprise: Enterprise, category: str) -> Account:
    label = {
        SpendingCategory.RUNNING: "运营支出（水电等）",
        SpendingCategory.VULNERABLE: "困难群体帮扶支出",
        SpendingCategory.WISHES: "居民微心愿支出",
        SpendingCategory.ACTIVITIES: "社区活动支出",
    }[SpendingCategory(category)]
    return _account(enterprise, f"expense:{category}", label, AccountType.EXPENSE)


def income_code(enterprise_id: int, source: str) -> str:
    return f"enterprise:{enterprise_id}:income:{source}"


def expense_code(enterprise_id: int, category: str) -> str:
    return f"enterprise:{enterprise_id}:expense:{category}"
