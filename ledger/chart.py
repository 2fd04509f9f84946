"""The standard chart of accounts: the account codes apps share.

Apps that move money between partners and a community's development fund must agree on the
accounts, so they are opened here and nowhere else. Codes follow ``<owner>:<owner id>:<purpose>``
(docs/ledger.md). All of them live in the community's book.

The fund's accounts are keyed by the **community** (``fund:<community id>:…``, owner
``(fund, community id)``): a community has at most one development fund, and money earmarked for
it (a partner's revenue share, a market's takings share) can be owed and received before the
fund app has finished setting the fund up.

Sign convention (``ledger.services.transaction_post``): positive = debit. Typical entries:

* a resident pays a partner ¥10: ``partner_cash +1000, partner_income −1000``;
* the partner's revenue share of ¥1 is owed to the fund: ``partner_share +100,
  partner_share_payable −100, fund_receivable +100, fund_income(REVENUE_SHARE) −100``;
* the partner pays it at settlement: ``partner_share_payable +100, partner_cash −100,
  fund_cash +100, fund_receivable −100``;
* a donation of ¥500: ``fund_cash +50000, fund_income(DONATION) −50000`` (the donor's side is
  outside the books);
* goods donated in kind, fair value ¥300: ``fund_goods +30000, fund_income(IN_KIND) −30000``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.models import Account, AccountType, OwnerType
from ledger.services import account_get_or_open, book_for_community
from orgs.models import OrgNode


class FundSource(models.TextChoices):
    """Where the fund's money comes from (its income accounts, and the disclosure by source)."""

    REVENUE_SHARE = "revenue_share", _("Partners' revenue shares")
    MARKET = "market", _("Neighbourhood markets")
    WORKSHOP = "workshop", _("Workshops")
    DONATION = "donation", _("Donations")
    IN_KIND = "in_kind", _("Donations in kind")
    ENTERPRISE = "enterprise", _("Community enterprise")
    OTHER = "other", _("Other income")


def _fund(community: OrgNode, purpose: str, name: str, type_: str, *, non_negative: bool = False) -> Account:
    return account_get_or_open(
        book=book_for_community(community=community),
        code=f"fund:{community.pk}:{purpose}",
        name=f"社区发展基金 · {name}",
        type=type_,
        owner_type=OwnerType.FUND,
        owner_id=community.pk,
        non_negative=non_negative,
    )


def fund_cash(community: OrgNode) -> Account:
    """The money the fund holds (kept by the hosting charity). Never below zero."""
    return _fund(community, "cash", "资金", AccountType.ASSET, non_negative=True)


def fund_receivable(community: OrgNode) -> Account:
    """Shares owed to the fund and not yet paid in (settled monthly)."""
    return _fund(community, "receivable", "应收分成", AccountType.ASSET, non_negative=True)


def fund_goods(community: OrgNode) -> Account:
    """Goods donated in kind, at fair value, until handed out."""
    return _fund(community, "goods", "捐赠物资", AccountType.ASSET, non_negative=True)


def fund_income(community: OrgNode, source: str) -> Account:
    if source not in FundSource.values:
        raise ValueError(f"unknown fund source {source!r}")
    return _fund(community, f"income:{source}", f"收入 · {FundSource(source).label}", AccountType.INCOME)


def fund_spending(community: OrgNode, line: str, name: str) -> Account:
    """An expense account per budget line (``line`` a code like ``activities``)."""
    return _fund(community, f"spending:{line}", f"支出 · {name}", AccountType.EXPENSE)


def _partner(partner, purpose: str, name: str, type_: str, *, non_negative: bool = False) -> Account:
    return account_get_or_open(
        book=book_for_community(community=partner.community),
        code=f"partner:{partner.pk}:{purpose}",
        name=f"{partner.name} · {name}",
        type=type_,
        owner_type=OwnerType.PARTNER,
        owner_id=partner.pk,
        non_negative=non_negative,
    )


def partner_cash(partner) -> Account:
    """What the partner has taken in (as far as these books know)."""
    return _partner(partner, "cash", "资金", AccountType.ASSET)


def partner_income(partner) -> Account:
    return _partner(partner, "income", "营业收入", AccountType.INCOME)


def partner_costs(partner) -> Account:
    return _partner(partner, "costs", "运营成本", AccountType.EXPENSE)


def partner_share(partner) -> Account:
    """The revenue share the partner gives (its expense)."""
    return _partner(partner, "revenue_share", "收益分成", AccountType.EXPENSE)


def partner_share_payable(partner) -> Account:
    """Revenue share owed and not yet paid."""
    return _partner(partner, "share_payable", "应付分成", AccountType.LIABILITY)
