"""Periodic snapshot work (Huey): overdue reports escalated to community staff every 15 minutes.

Reports show as overdue the moment their deadline passes (computed when read); this records the
escalation so staff see it in their list and it stays in the report's history. Idempotent:
``manage.py snapshots_escalate`` does the same on demand.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from snapshots.services import reports_escalate_overdue


@db_periodic_task(crontab(minute="*/15"))
def escalate_overdue_reports() -> int:
    return reports_escalate_overdue()
