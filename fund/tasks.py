"""Periodic fund work (Huey): the disclosure calendar, run daily.

Publishes last month's and last quarter's reports where missing, the interim reports of long
projects that are due and the final reports of closed ones (``disclosure.run_schedule``), and
logs what is still overdue as a warning for the operators; the committee and the charity see
the same list on the fund's console page. ``manage.py fund_disclose`` does the same on demand.
Idempotent: each period's report is published once.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from fund import disclosure
from fund.models import Fund

log = logging.getLogger("linli.fund")


def disclose_all_funds() -> list[dict]:
    results = []
    for fund in Fund.objects.select_related("community").order_by("pk"):
        made, late = disclosure.run_schedule(fund=fund)
        for item in late:
            log.warning("fund %s (%s): overdue disclosure: %s", fund.pk, fund.community.name, item.label)
        results.append({"fund": fund.pk, "published": [r.pk for r in made], "overdue": len(late)})
    return results


@db_periodic_task(crontab(hour="3", minute="10"))
def daily_fund_disclosure() -> list[dict]:
    return disclose_all_funds()
