"""The daily disclosure task publishes what is due once."""

from __future__ import annotations

from fund.models import DisclosureReport
from fund.tasks import disclose_all_funds
from fund.tests.conftest import donate


def test_daily_task_publishes_due_reports_once(fund_world):
    donate(fund_world.world, "a", 10_000)
    first = disclose_all_funds()
    n = DisclosureReport.objects.count()
    assert first[0]["published"] and n == len(first[0]["published"])
    again = disclose_all_funds()
    assert again[0]["published"] == [] or set(again[0]["published"]) <= set(first[0]["published"])
    assert DisclosureReport.objects.count() == n
