"""The rest of a city's life (third slice): partners, the development fund, markets, volunteers
and snapshot reports, per community over ``days`` days up to ``end`` (exclusive), in bulk, one
transaction per community. Call it after ``citygen.activity.build_activity`` (it uses the rooms),
then recount the rollups over the same days (``insights.services.rollups.rebuild``).

What one community gets (volumes per community; measured times in docs/city.md):

* partners (``citygen/life/partners.py``): 8–12 of a dozen kinds (training centre, canteen,
  clinic, elder care, shops, property, greening, a resident craftsman, a study room), each active
  with a signed agreement in force (free use or rent; a revenue or profit share for most), the
  room and weekly slot for the ones that work in the community's rooms, and for about half a
  public-welfare commitment with its progress entries (~8 a month in all);
* the fund (``life/fund.py``): one fund, a committee of 3 or 5 (one chair, each with the
  committee role); three requests in flight at the end (three of: draft, at the vote, open for
  comments, at the charity, approved), one turned down every five months, and one a year paid
  (after a donation a year) and, when its report falls in the period, closed;
* markets (``life/markets.py``): ~15 merchants; one market a week (Saturday or Sunday morning)
  with 3 selling and 2 free service stalls all allocated, checked in, takings reported (free
  stalls: nothing due) and person-times counted, each count a service record;
* volunteers (``life/volunteers.py``): 20–30 volunteers in 3 teams; a weekly patrol, a
  fortnightly clean-up and a four-weekly activity with 2–4 confirmed volunteers each (a service
  record each, no points), and a home visit a year confirmed through ``signup_confirm``;
* snapshot reports (``life/snapshots.py``): 1–3 a week, ~95% solved, with before/after photos
  (one shared stand-in file each), a grid worker per grid.

Per community-day that is about 0.14 markets (0.7 stall applications, 0.3 service records),
0.25 volunteer tasks (0.7 confirmed sign-ups and as many service records), 0.3 snapshot reports
and 0.3 commitment entries; per community-year 6 spending requests, and 3 ledger postings through
the real services (one donation, one payment, one volunteer's points).

Ledger rows are never written here: the few postings come from the apps' own services
(``donation_record``, ``payment_record``, ``signup_confirm``), which extend each book's hash
chain. Idempotent per community: one done before is left as it is. A fund set up by someone else
(the load fixture) is used as it is, with its committee.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from citygen.life.common import load_world
from citygen.life.fund import build_fund
from citygen.life.markets import build_markets
from citygen.life.partners import build_partners
from citygen.life.snapshots import build_snapshots, shared_photos
from citygen.life.volunteers import build_volunteers
from orgs.models import OrgNode
from snapshots.models import Category
from snapshots.services import categories_ensure_defaults


def build_more(
    *, communities: list[OrgNode], days: int, end: dt.date, seed: int = 1, stdout=None
) -> dict[str, int | float]:
    """Generate the rest of ``days`` days up to ``end`` for the communities. Returns the counts of
    what was made and ``seconds_<part>`` for each part (summed over the communities)."""
    if days < 1:
        return {"communities": 0}
    if end > timezone.localdate():
        # The services it calls refuse money paid and hours confirmed in the future.
        raise ValueError("build_more makes history: end must be today or before")
    started = time.perf_counter()
    first = end - dt.timedelta(days=days)
    # Done already: the volunteers' first login is made in the same transaction as everything else.
    marks = {f"city{c.pk}-volunteer1": c.pk for c in communities}
    done = {marks[u] for u in User.objects.filter(username__in=list(marks)).values_list("username", flat=True)}
    todo = [c for c in communities if c.pk not in done]
    categories_ensure_defaults()
    categories = list(Category.objects.filter(is_active=True))
    photos = shared_photos()
    parts = (
        ("partners", build_partners),
        ("fund", build_fund),
        ("markets", build_markets),
        ("volunteers", build_volunteers),  # before the reports: volunteers report problems
        ("snapshots", lambda w: build_snapshots(w, categories=categories, photos=photos)),
    )
    totals: Counter[str] = Counter()
    seconds: defaultdict[str, float] = defaultdict(float)
    for n, community in enumerate(todo, 1):
        t = time.perf_counter()
        # Each community draws from its own generator: the same city whatever the order or subset.
        world = load_world(community, first=first, end=end, rng=random.Random(f"{seed}:{community.pk}"))
        seconds["setup"] += time.perf_counter() - t
        with transaction.atomic():
            for name, part in parts:
                t = time.perf_counter()
                totals.update(part(world))
                seconds[name] += time.perf_counter() - t
        if stdout and n % 48 == 0:
            stdout.write(f"  more: {n} communities")
    result: dict[str, int | float] = {"communities": len(todo), **totals}
    result.update({f"seconds_{name}": round(s, 2) for name, s in seconds.items()})
    result["seconds_total"] = round(time.perf_counter() - started, 2)
    return result
