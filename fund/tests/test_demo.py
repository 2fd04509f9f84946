"""The demo loader builds the funds through the services and adds nothing when run twice."""

from __future__ import annotations

import io

from fund.demo import load_demo
from fund.models import Fund, SpendingRequest
from ledger.models import Transaction


def test_the_demo_loader_is_idempotent(world):
    load_demo(stdout=io.StringIO())
    # The world has 康平社区 (without the demo's partners): its fund and requests are built.
    fund = Fund.objects.get(community=world.community_a)
    counts = (Fund.objects.count(), SpendingRequest.objects.count(), Transaction.objects.count())
    assert fund.members.filter(left_on__isnull=True).count() == 3
    assert set(SpendingRequest.objects.values_list("status", flat=True)) >= {"closed", "voting", "review", "comment"}
    load_demo(stdout=io.StringIO())
    assert (Fund.objects.count(), SpendingRequest.objects.count(), Transaction.objects.count()) == counts
