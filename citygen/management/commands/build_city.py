"""Build a synthetic city: the org tree, residents, and ``--days`` of rooms, bookings, service
records, partners with agreements, the fund and its requests, markets, volunteers, snapshot
reports (``citygen.more``), the canteen's dishes and orders, and ledger activity, then the
dashboards' rollups (docs/city.md).

    manage.py build_city --communities 384 --preset city --days 365
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from citygen.activity import build_activity, build_meals, communities_of
from citygen.generate import PRESETS, build_city
from citygen.more import build_more
from insights.services import rollups
from ledger import bench
from orgs.models import OrgNode


class Command(BaseCommand):
    help = "Build a synthetic city: org tree, residents, rooms, bookings, service records, rollups."

    def add_arguments(self, parser):
        parser.add_argument("--communities", type=int, default=4)
        parser.add_argument("--preset", choices=sorted(PRESETS), default="ci")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--days", type=int, default=0, help="days of history up to yesterday (0: none)")
        parser.add_argument("--name", default="淄博市")
        parser.add_argument("--ledger-per-day", type=int, default=3, help="ledger transactions per community a day")

    def handle(self, *args, **opts):
        start = time.perf_counter()
        r = build_city(communities=opts["communities"], preset=opts["preset"], seed=opts["seed"], name=opts["name"])
        took = time.perf_counter() - start
        self.stdout.write(f"{r.nodes} nodes, {r.communities} communities, {r.residents} residents in {took:.1f} s")
        if not opts["days"]:
            return
        city = OrgNode.objects.get(name=opts["name"], parent__isnull=True)
        a = build_activity(
            communities=communities_of(city),
            days=opts["days"],
            end=timezone.localdate(),
            seed=opts["seed"],
            stdout=self.stdout,
        )
        self.stdout.write(
            f"{a.rooms} rooms ({a.seconds['rooms']:.1f} s), {a.bookings} bookings ({a.seconds['bookings']:.1f} s), "
            f"{a.records} service records ({a.seconds['records']:.1f} s)"
        )
        communities = communities_of(city)
        m = build_meals(communities=communities, days=opts["days"], end=timezone.localdate(), seed=opts["seed"])
        self.stdout.write(f"{m.meals} dishes, {m.orders} orders, {m.records} hand-over records ({m.seconds['meals']:.1f} s)")
        if opts["ledger_per_day"]:
            g = bench.generate(
                communities=0,
                per_community=opts["days"] * opts["ledger_per_day"],
                nodes=communities,
                days=opts["days"],
                # Up to last midnight, like the rest of the history: today is the refresh's.
                until=timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time())),
                seed=opts["seed"],
                progress=lambda line: None,
            )
            self.stdout.write(f"{g.transactions} ledger transactions, {g.postings} postings ({g.seconds:.1f} s)")
        # After the ledger's bulk history: its services extend the books' chains.
        made = build_more(communities=communities, days=opts["days"], end=timezone.localdate(), seed=opts["seed"])
        parts = ", ".join(f"{k} {v}" for k, v in made.items() if not k.startswith("seconds"))
        took_more = made["seconds_total"]
        self.stdout.write(f"partners, fund, markets, volunteers, snapshots: {parts} ({took_more:.1f} s)")
        t = time.perf_counter()
        end = timezone.localdate()
        rows = rollups.rebuild(start=end - dt.timedelta(days=opts["days"]), end=end)
        self.stdout.write(f"{rows} rollups recounted in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        analyse()
        self.stdout.write(f"statistics gathered ({connection.vendor}) in {time.perf_counter() - t:.1f} s")
        self.stdout.write(f"total {time.perf_counter() - start:.1f} s")


def analyse() -> None:
    """Statistics for the planner after a bulk load. Without them PostgreSQL plans every query
    on default guesses until autovacuum gets round to the new tables (never, where it is off):
    on 25 Nov the city's pages ran two to five times slower — the bare read too — until this
    ran. VACUUM as well on PostgreSQL, so that index-only scans (counts) can skip the heap."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cur.execute("VACUUM (ANALYZE)")
        else:  # VACUUM cannot run in a transaction (a test's): the statistics at least
            cur.execute("ANALYZE")
