"""Demo ledger activity: the worked example of docs/ledger.md, month by month, in 康平社区.

The shared study room (知学共享自习室) earns and spends, gives 30% of its profit to the
community development fund, and the fund pays for small repairs. Every entry carries an
idempotency key, so loading the demo twice posts nothing new.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from ledger import services
from ledger.models import AccountType, OwnerType
from orgs.models import NodeKind, OrgNode

# (month offset back from this month, takings in fen, costs in fen, repair in fen, repair memo)
MONTHS = [
    (3, 920_000, 380_000, 120_000, "2号楼楼道灯维修"),
    (2, 1_000_000, 400_000, 150_000, "3号楼楼道灯维修"),
    (1, 1_060_000, 410_000, 90_000, "慰问高龄独居老人（中秋）"),
]


def _month_end(months_back: int) -> dt.datetime:
    today = timezone.localdate()
    first = today.replace(day=1)
    for _ in range(months_back - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    last_day = first - dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(last_day, dt.time(20, 0)))


def load_demo(*, stdout: TextIO | None = None) -> None:
    community = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name="康平社区").first()
    if community is None:
        return
    from partners.models import Partner

    room = Partner.objects.filter(community=community, name__contains="自习室").first()
    if room is None:
        return
    with transaction.atomic():
        book = services.book_for_community(community=community)
        first_seq = book.head_seq

        def account(code: str, name: str, type_: str, owner: str, owner_id: int | None, **kw):
            return services.account_get_or_open(
                book=book, code=code, name=name, type=type_, owner_type=owner, owner_id=owner_id, **kw
            )

        p = room.pk
        cash = account(f"partner:{p}:cash", f"{room.name} · 资金", AccountType.ASSET, OwnerType.PARTNER, p)
        income = account(f"partner:{p}:income", f"{room.name} · 营业收入", AccountType.INCOME, OwnerType.PARTNER, p)
        costs = account(f"partner:{p}:costs", f"{room.name} · 运营成本", AccountType.EXPENSE, OwnerType.PARTNER, p)
        share_acc = account(
            f"partner:{p}:revenue_share", f"{room.name} · 收益分成", AccountType.EXPENSE, OwnerType.PARTNER, p
        )
        # The fund app (a later issue) will own these accounts; the demo opens them for the community.
        fund_cash = account(
            "fund:demo:cash", "社区发展基金 · 资金", AccountType.ASSET, OwnerType.COMMUNITY, community.pk,
            non_negative=True,
        )
        fund_income = account("fund:demo:income", "社区发展基金 · 收入", AccountType.INCOME, OwnerType.COMMUNITY, community.pk)
        fund_spend = account("fund:demo:spending", "社区发展基金 · 支出", AccountType.EXPENSE, OwnerType.COMMUNITY, community.pk)

        for back, takings, spent, repair, repair_memo in MONTHS:
            end = _month_end(back)
            label = f"{end:%Y-%m}"
            share = (takings - spent) * 30 // 100
            entries = [
                ("partner.income", f"{room.name} {label} 营业收入", [(cash, takings), (income, -takings)], end),
                ("partner.expense", f"{room.name} {label} 水电、保洁、耗材", [(costs, spent), (cash, -spent)], end),
                (
                    "partner.revenue_share",
                    f"{room.name} {label} 利润30%转入社区发展基金",
                    [(share_acc, share), (cash, -share), (fund_cash, share), (fund_income, -share)],
                    end + dt.timedelta(days=3),
                ),
                ("fund.spending", repair_memo, [(fund_spend, repair), (fund_cash, -repair)], end + dt.timedelta(days=10)),
            ]
            for n, (kind, memo, postings, when) in enumerate(entries):
                key = f"demo-{label}-{n}"
                services.transaction_post(
                    book=book, kind=kind, memo=memo, postings=postings, occurred_at=when, idempotency_key=key
                )
        book.refresh_from_db()
        posted = book.head_seq - first_seq
    if stdout is not None:
        stdout.write(f"账本 / Ledger: 康平社区 {posted} 笔新分录 new entries.\n")
