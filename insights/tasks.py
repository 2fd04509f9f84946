"""Keeping the dashboards' rollups current (Huey).

* every minute: fold in the days marked by saved records and the new ledger postings;
* every 10 minutes: recount the last 7 days (and the next 7, for bookings) from the records
  and mark whatever differs (changes made by conditional UPDATEs send no signal);
* nightly: compare every rollup of the last 400 days with a recount; differences are logged
  and marked, so they are repaired by the next refresh and never silently kept.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from insights.services import rollups

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def refresh_rollups() -> int:
    return rollups.refresh()


@db_periodic_task(crontab(minute="*/10"))
def sweep_recent_days() -> int:
    return rollups.sweep(days=7)


@db_periodic_task(crontab(hour="3", minute="40"))
def check_rollups() -> int:
    end = timezone.localdate() + dt.timedelta(days=60)
    differences = rollups.check(start=end - dt.timedelta(days=460), end=end)
    if differences:
        logger.error("insights check: %s rollups differ from their records; marked for recount", len(differences))
        rollups.mark({(c, p) for grain, (_f, c, p), _s, _n in differences if grain == "d"})
    return len(differences)
