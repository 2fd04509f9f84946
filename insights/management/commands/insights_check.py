"""Recount the figures from the records and compare with the rollups the dashboards read.

    manage.py insights_check                  # everything
    manage.py insights_check --since 2026-01-01 --until 2026-12-31 --community 12
    manage.py insights_check --repair         # then recount what differed

Exit status 1 when anything differs (each difference is listed).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from insights.services import rollups


class Command(BaseCommand):
    help = "Compare the dashboards' rollups with a recount from the records."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=dt.date.fromisoformat)
        parser.add_argument("--until", type=dt.date.fromisoformat, help="last day, inclusive")
        parser.add_argument("--community", type=int, action="append")
        parser.add_argument("--repair", action="store_true", help="recount the periods that differ")

    def handle(self, *args, since=None, until=None, community=None, repair=False, **options):
        end = until + dt.timedelta(days=1) if until else None
        differences = rollups.check(start=since, end=end, community_ids=community)
        for grain, (figure, community_id, start), have, counted in differences[:200]:
            self.stdout.write(f"{grain} {start} community {community_id} {figure}: rollup {have}, records {counted}")
        if not differences:
            self.stdout.write(self.style.SUCCESS("insights: every rollup equals its recount"))
            return
        if repair:
            # A differing month or year is recounted from its first day's week; days exactly.
            pairs = {(c, p) for _g, (_f, c, p), _h, _n in differences}
            rollups.mark(pairs)
            while rollups.pending():
                rollups.refresh()
            left = rollups.check(start=since, end=end, community_ids=community)
            if not left:
                self.stdout.write(self.style.SUCCESS(f"insights: {len(differences)} differences repaired"))
                return
            differences = left
        raise CommandError(f"insights: {len(differences)} rollups differ from their records")
