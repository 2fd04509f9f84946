"""The demo loader builds 沙坪街道's enterprises and adds nothing when run again."""

from __future__ import annotations

import pytest

from enterprise import demo
from enterprise.models import (
    Enterprise,
    ExpenseRequest,
    Income,
    MonthlyStatement,
    Question,
    RentInvoice,
    RentPayment,
    ShareTransfer,
)
from ledger.models import Transaction
from ledger.verify import book_verify
from linli.testkit import make_id_number
from orgs.models import NodeKind
from orgs.services import node_create
from residents.services import resident_create, resolve_address

pytestmark = pytest.mark.django_db

MODELS = (Enterprise, ExpenseRequest, Income, MonthlyStatement, RentInvoice, RentPayment, ShareTransfer, Transaction)


def test_the_demo_runs_twice_without_adding_rows(world):
    from partners import demo as partners_demo
    from spaces import demo as spaces_demo

    sub = node_create(kind=NodeKind.SUBDISTRICT, name="沙坪街道", parent=world.district)
    for name in ("凤凰社区", "和平社区"):
        community = node_create(kind=NodeKind.COMMUNITY, name=name, parent=sub)
        grid = node_create(kind=NodeKind.GRID, name="第一网格", parent=community)
        address = resolve_address(
            scope=None, community=community, grid_name=grid.name, building_name="", unit="1", room="101"
        )
        resident_create(
            actor=None, community=community, name=f"{name[:2]}居民", address=address,
            id_number=make_id_number(seq=401 if name == "凤凰社区" else 402),
            phone="13800000401" if name == "凤凰社区" else "13800000402",
        )
    spaces_demo.load_demo()
    partners_demo.load_demo()
    demo.load_demo()
    counts = {m.__name__: m.objects.count() for m in MODELS}
    assert counts["Enterprise"] == 2 and counts["RentInvoice"] > 0 and counts["ExpenseRequest"] > 0
    levels = {len(r.chain) for r in ExpenseRequest.objects.all()}
    assert levels == {1, 2, 3}
    assert ExpenseRequest.objects.filter(split_suspected=True).exists()
    # Each community's own resident asked; one question is overdue.
    assert Question.objects.count() >= 3
    assert any(q.overdue for q in Question.objects.all())
    demo.load_demo()
    assert {m.__name__: m.objects.count() for m in MODELS} == counts
    for ent in Enterprise.objects.all():
        assert book_verify(book=ent.book).ok
