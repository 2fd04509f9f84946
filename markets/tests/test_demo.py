"""The demo loader: 大世界社区's year of markets, with the report's figures, and idempotent."""

from __future__ import annotations

import pytest

from ledger.models import Transaction
from markets import selectors
from markets.demo import load_demo
from markets.models import Market, Merchant, StallApplication
from orgs.models import NodeKind
from orgs.scope import Scope
from orgs.services import node_create
from records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_reports_figures_and_runs_twice_without_adding_rows(world):
    community = node_create(kind=NodeKind.COMMUNITY, name="大世界社区", parent=world.subdistrict)
    load_demo()
    counts = [m.objects.count() for m in (Market, Merchant, StallApplication, Transaction, ServiceRecord)]
    figures = selectors.rolling_summary(scope=Scope(world.user("admin")), community=community)
    assert figures.markets == 11
    assert figures.businesses >= 300
    assert figures.person_times >= 5000
    assert figures.to_fund_fen >= 10_000_00
    assert figures.items_donated >= 100
    load_demo()
    assert [m.objects.count() for m in (Market, Merchant, StallApplication, Transaction, ServiceRecord)] == counts
