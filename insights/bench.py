"""The dashboards at city scale: 384 communities, a year of rollups, every dashboard timed.

``manage.py bench_insights`` builds, in an empty scratch database, a city (8 districts, 48
subdistricts, 384 communities, each with a registered population and rooms) and a year of
rollups for every base figure at every grain — what ``rollups.rebuild`` leaves after a year of a
busy city (3.2 million day rows). Then it opens each dashboard through Django's test client
(the whole stack: middleware, session, scope, template) and reports p50/p95 per page. The
baseline in the same run is ``/healthz`` through the same client, so a noisy machine shows in
both. docs/benchmarks.md has the figures and the command.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from citygen.generate import _level
from insights.figures import BASE, DAY, MONTH, YEAR
from insights.models import Rollup
from insights.services.rollups import _roll_up_nodes
from orgs.models import NodeKind, OrgNode
from orgs.roles import Role
from orgs.services import role_grant

# Typical daily values of each figure in one community (mean); the bench draws around them.
DAILY = {
    "services_free": 18,
    "services_low_cost": 25,
    "services_market": 9,
    "person_times": 80,
    "residents_served": 40,
    "partners_active": 6,
    "partner_income": 180_000,
    "revenue_shares": 9_000,
    "fund_in": 15_000,
    "fund_out": 9_000,
    "enterprise_income": 20_000,
    "enterprise_spending": 12_000,
    "bookings": 6,
    "booked_minutes": 600,
    "jobs_posted": 1,
    "placements": 1,
    "workshop_wages": 30_000,
    "volunteer_minutes": 300,
    "volunteer_points": 30,
    "wishes_fulfilled": 1,
    "reports_solved": 2,
    "report_solve_minutes": 600,
    "commitment_progress": 5,
}


def build(*, communities: int = 384, year: int, seed: int = 7, stdout=None) -> OrgNode:
    rng = random.Random(seed)
    with transaction.atomic():
        city = OrgNode(kind=NodeKind.CITY, name="压测市", path="", depth=0)
        city.save()
        city.path = f"/{city.pk}/"
        city.save(update_fields=["path"])
        districts = _level([city], NodeKind.DISTRICT, 8, "区")
        subs = _level(districts, NodeKind.SUBDISTRICT, 6, "街道")
        comms = _level(subs, NodeKind.COMMUNITY, -(-communities // len(subs)), "社区")[:communities]
        OrgNode.objects.filter(pk__in=[c.pk for c in comms]).update(population=8_000)
    start = dt.date(year, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - start).days)]
    table = Rollup._meta.db_table
    # The table name is the model's own, not input.
    sql = f"INSERT INTO {table} (figure, grain, period_start, node_id, kind, value) VALUES (%s, %s, %s, %s, %s, %s)"  # nosec B608
    for n, c in enumerate(comms, 1):
        rows = []
        size = rng.uniform(0.4, 1.8)
        for figure in BASE:
            mean = DAILY[figure.key] * size
            month_sum: dict[dt.date, int] = {}
            for d in days:
                v = max(0, int(rng.gauss(mean, mean / 3)))
                if v:
                    rows.append((figure.key, DAY, d, c.pk, NodeKind.COMMUNITY, v))
                m = d.replace(day=1)
                month_sum[m] = month_sum.get(m, 0) + v
            # Distinct counts: a month or a year is not the sum of its days; the bench takes a share.
            factor = 1 if figure.additive else 0.35
            for m, v in month_sum.items():
                rows.append((figure.key, MONTH, m, c.pk, NodeKind.COMMUNITY, int(v * factor)))
            year_value = int(sum(month_sum.values()) * (factor / 3 if factor < 1 else 1))
            rows.append((figure.key, YEAR, start, c.pk, NodeKind.COMMUNITY, year_value))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        if stdout and n % 48 == 0:
            stdout.write(f"  {n} communities")
    # Subdistricts, districts and the city: their communities summed, as refresh keeps them.
    with transaction.atomic():
        _roll_up_nodes({DAY: set(days), MONTH: {d.replace(day=1) for d in days}, YEAR: {start}}, None)
    return city


def _time(client: Client, url: str, n: int) -> list[float]:
    client.get(url)  # warm
    out = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
    return out


def measure(*, city: OrgNode, year: int, requests: int = 50):
    """Yields (page, p50 ms, p95 ms) as each page is measured."""
    user = get_user_model().objects.filter(username="bench-city").first()
    if user is None:
        user = get_user_model().objects.create_user(username="bench-city", password=secrets.token_urlsafe(16) + "aA-1")
        role_grant(user=user, node=city, role=Role.CITY_OFFICIAL)
    client = Client()
    client.force_login(user)
    sub = OrgNode.objects.filter(kind=NodeKind.SUBDISTRICT, path__startswith=city.path).order_by("pk").first()
    community = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, path__startswith=sub.path).order_by("pk").first()

    def dash(node, **q):
        query = "&".join(f"{k}={v}" for k, v in {"year": year, **q}.items())
        return reverse("insights:dashboard", kwargs={"insights_node_id": node.pk}) + "?" + query

    pages = [
        ("baseline /healthz", "/healthz"),
        ("city, year", dash(city)),
        ("city, month", dash(city, month=6)),
        ("city, ranked by fund per resident", dash(city, rank="fund_in_per_resident")),
        ("subdistrict, year", dash(sub)),
        ("community, year", dash(community)),
        ("community, month", dash(community, month=6)),
        (
            "big screen data, city",
            reverse("insights:screen_data", kwargs={"insights_node_id": city.pk}) + f"?year={year}",
        ),
        ("API, city", f"/api/v1/insights/nodes/{city.pk}?year={year}"),
        ("Excel, city", dash(city, format="xlsx")),
    ]
    for label, url in pages:
        times = sorted(_time(client, url, requests))
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        yield label, statistics.median(times), p95


def measure_refresh(*, city: OrgNode, year: int) -> list[tuple[str, float]]:
    """The cost of keeping rollups current: a refresh after one community's day changed, and
    after every community's day changed (a busy minute city-wide). Run last: the scratch city has
    no records, so the recounted day's synthetic figures become zeros."""
    from insights.services import rollups

    communities = list(
        OrgNode.objects.filter(kind=NodeKind.COMMUNITY, path__startswith=city.path).values_list("pk", flat=True)
    )
    day = dt.date(year, 6, 15)
    out = []
    for label, ids in (("refresh, 1 community-day", communities[:1]), ("refresh, 384 community-days", communities)):
        rollups.mark((c, day) for c in ids)
        started = time.perf_counter()
        while rollups.pending():
            rollups.refresh()
        out.append((label, (time.perf_counter() - started) * 1000))
    return out
