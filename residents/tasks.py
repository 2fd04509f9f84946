"""Periodic privacy work (Huey): the retention periods applied every night.

Idempotent (``anonymise_expired`` locks and re-checks each resident): a second run, or two at
once, change nothing more. ``manage.py anonymise_expired`` does the same on demand.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from residents.services_privacy import anonymise_expired


@db_periodic_task(crontab(hour="3", minute="30"))
def apply_retention_periods() -> dict[str, int]:
    return anonymise_expired()
