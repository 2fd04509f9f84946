"""Time every dashboard at city scale (insights/bench.py; docs/benchmarks.md).

LINLI_SQLITE_PATH=/tmp/insights-bench.sqlite3 DJANGO_DEBUG=1 .venv/bin/python manage.py migrate
LINLI_SQLITE_PATH=/tmp/insights-bench.sqlite3 DJANGO_DEBUG=1 .venv/bin/python manage.py bench_insights
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from insights import bench
from insights.models import Rollup
from orgs.models import OrgNode


class Command(BaseCommand):
    help = "Build a city of rollups in an empty database and time every dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--communities", type=int, default=384)
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--measure-only", action="store_true", help="reuse the city built by an earlier run")
        parser.add_argument("--skip-refresh", action="store_true", help="do not time refreshes (they zero a day)")

    def handle(self, *args, communities, year, requests, measure_only, **options):
        city = OrgNode.objects.filter(name="压测市", parent__isnull=True).first()
        if not measure_only:
            if city is not None or Rollup.objects.exists():
                raise CommandError("Run the bench in an empty scratch database (see docs/benchmarks.md).")
            started = time.perf_counter()
            city = bench.build(communities=communities, year=year, stdout=self.stdout)
            self.stdout.write(
                f"built {communities} communities, {Rollup.objects.count():,} rollups in "
                f"{time.perf_counter() - started:.0f} s"
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        if city is None:
            raise CommandError("No bench city: run without --measure-only first.")
        self.stdout.write(f"{connection.vendor}, {requests} requests per page after one warm-up:")
        self.stdout.write(f"{'page':40} {'p50 ms':>8} {'p95 ms':>8}")
        for label, p50, p95 in bench.measure(city=city, year=year, requests=requests):
            self.stdout.write(f"{label:40} {p50:8.1f} {p95:8.1f}")
        if not options.get("skip_refresh"):
            for label, ms in bench.measure_refresh(city=city, year=year):
                self.stdout.write(f"{label:40} {ms:8.1f} ms")
