"""Recount the dashboards' rollups from the records: everything, or a range of days.

manage.py insights_rebuild
manage.py insights_rebuild --since 2026-01-01 --until 2026-03-31 --community 12
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand

from insights.services import rollups


class Command(BaseCommand):
    help = "Recount the dashboards' rollups from the records."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=dt.date.fromisoformat)
        parser.add_argument("--until", type=dt.date.fromisoformat, help="last day, inclusive")
        parser.add_argument("--community", type=int, action="append")

    def handle(self, *args, since=None, until=None, community=None, **options):
        started = time.perf_counter()
        end = until + dt.timedelta(days=1) if until else None
        rows = rollups.rebuild(community_ids=community, start=since, end=end)
        self.stdout.write(f"insights: {rows} rollups in {time.perf_counter() - started:.1f} s")
