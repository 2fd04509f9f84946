"""The city load test's people, data and mix (``manage.py bench_city``; docs/benchmarks.md).

``load_fixture`` prepares, in the first ``n`` communities of a generated city (``build_city``),
what a day's traffic needs and the generator does not make: a resident with a login, a phone
session and an API token; a community worker with a verified second factor; a dish on sale for a
future day and today's dish with orders waiting to be picked up; the development fund and its
public page. It is idempotent: a second run tops up instead of doubling.

``MIX`` is the workload: who does what, how often (weights out of 100), and which answers count
as success. The client is ``citygen.loadclient``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalog.bench.sessions import session_headers
from orgs.models import NodeKind, OrgNode

PICKUP_CODES = 2000  # orders waiting on today's dish per community: more than a run scans


@dataclass
class CommunityLoad:
    community_id: int
    meal_id: int  # a future day's dish: residents order it
    today_meal_id: int  # today's dish: the kitchen hands its orders over
    codes: list[str]
    resident_session: dict
    resident_token: str
    staff_session: dict
    resident_id: int
    resident_user_id: int  # the resident's login (the bare order view reads its row)


@dataclass
class Fixture:
    city_id: int
    communities: list[CommunityLoad]
    official_session: dict
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _login(username: str, name: str, *, second_factor: bool = False):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from accounts.services import user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(username=username, password=secrets.token_urlsafe(16) + "aA-1", display_name=name)
    if second_factor and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="压测", confirmed=True)
    return user


def _grant(user, node, role) -> None:
    from orgs.models import RoleGrant
    from orgs.services import role_grant

    if not RoleGrant.objects.filter(user=user, node=node, role=role).exists():
        role_grant(user=user, node=node, role=role)


def _dish(community):
    """The canteen's dish (the generator's, if it made one) with the age price rules."""
    from catalog import services
    from catalog.models import PriceRule
    from citygen.activity import canteen_item

    item = canteen_item(community)
    if not PriceRule.objects.filter(community=community, kind="age").exists():
        for label, low, high, off in (("60–79岁", 60, 79, 100), ("80岁以上", 80, None, 200)):
            services.price_rule_create(
                actor=None,
                community=community,
                label=label,
                kind="age",
                min_age=low,
                max_age=high,
                effect="amount_off",
                amount_fen=off,
            )
    return item


def _meal(item, *, day: dt.date, portions: int, name: str, cutoff: dt.datetime | None = None):
    from catalog import services

    return services.meal_create(
        actor=None,
        item=item,
        serve_date=day,
        name=name,
        portions=portions,
        pickup_point="社区长者食堂",
        pickup_start=dt.time(11),
        pickup_end=dt.time(12, 30),
        cutoff_at=cutoff,
    )


def _orders_waiting(meal, residents: list, user, n: int) -> list[str]:
    """Today's orders, already placed (as the morning would have placed them): inserted in bulk
    with the portions taken, so the pick-up scans have codes to find."""
    import random

    from catalog.models import Meal, Order, OrderStatus, PaymentState

    now = timezone.now()
    # The kitchen finds an order by its code among the community's orders of the day: codes
    # unused that day, so a second run on the same day does not meet the first run's.
    taken = set(
        Order.objects.filter(community_id=meal.community_id, meal__serve_date=meal.serve_date).values_list(
            "pickup_code", flat=True
        )
    )
    rng = random.Random(meal.pk)
    codes: list[str] = []
    while len(codes) < n:
        code = f"{rng.randrange(1_000_000):06d}"
        if code not in taken:
            taken.add(code)
            codes.append(code)
    Order.objects.bulk_create(
        [
            Order(
                community_id=meal.community_id,
                meal=meal,
                resident=residents[i % len(residents)],
                ordered_by=user,
                quantity=1,
                status=OrderStatus.PLACED,
                pickup_code=code,
                created_at=now,
                list_price_fen=1200,
                amount_fen=1200,
                price_lines=[],
                payment_state=PaymentState.DUE,
                payment_method="offline",
                share_fen=0,
            )
            for i, code in enumerate(codes)
        ],
        batch_size=2000,
    )
    Meal.objects.filter(pk=meal.pk).update(portions_left=meal.portions - n)
    return codes


def _fund(community, members: list) -> None:
    from fund.models import Fund
    from fund.services import MemberIn, fund_create, income_record

    if Fund.objects.filter(community=community).exists():
        return
    today = timezone.localdate()
    start = today - dt.timedelta(days=400)
    fund = fund_create(
        actor=None,
        community=community,
        name=f"{community.name}发展基金",
        charity_name="淄博市慈善总会",
        charity_registration_no="51370300MJD0317025",
        charity_public_fundraising=True,
        agreement_date=start,
        members=[
            MemberIn(user=u, term_start=start, term_end=start + dt.timedelta(days=1095), is_chair=i == 0)
            for i, u in enumerate(members)
        ],
    )
    for back in (3, 2, 1):
        income_record(
            actor=None,
            fund=fund,
            source="revenue_share",
            amount_fen=150_000 + back * 10_000,
            payer="社区长者食堂",
            memo="利润分成",
            received_at=timezone.now() - dt.timedelta(days=30 * back),
        )


def load_fixture(*, city: OrgNode, communities: int, portions: int = 200_000) -> Fixture:
    from catalog.models import Meal
    from orgs.roles import Role
    from residents.models import Resident

    started = time.perf_counter()
    today = timezone.localdate()
    official = _login(f"load-city-{city.pk}", "市民政局（压测）")
    _grant(official, city, Role.CITY_OFFICIAL)
    out = []
    chosen = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, path__startswith=city.path).order_by("pk")[:communities]
    for community in chosen:
        with transaction.atomic():
            staff = _login(f"load-staff-{community.pk}", "社区工作者（压测）", second_factor=True)
            _grant(staff, community, Role.COMMUNITY_STAFF)
            members = [_login(f"load-fund-{community.pk}-{i}", f"委员{i}") for i in range(3)]
            _fund(community, members)
            residents = list(Resident.objects.filter(community=community).order_by("pk")[:50])
            if not residents:
                raise ValueError(f"{community.name} has no residents: build the city first")
            login = _login(f"load-resident-{community.pk}", "居民（压测）")
            me = Resident.objects.filter(user=login).first()
            if me is None:
                me = next(r for r in residents if r.user_id is None)
                me.user = login
                me.save(update_fields=["user"])
            _grant(login, me.grid, Role.RESIDENT)
            item = _dish(community)
            # A fresh dish per run: a real dish has hundreds of orders, not the sum of every run.
            stamp = f"{timezone.now():%H%M%S%f}"
            meal = _meal(item, day=today + dt.timedelta(days=300), portions=portions, name=f"压测套餐{stamp}")
            now = timezone.now()
            today_meal = _meal(
                item, day=today, portions=PICKUP_CODES + 100, name=f"今日套餐{stamp}", cutoff=now + dt.timedelta(hours=1)
            )
            codes = _orders_waiting(today_meal, residents, staff, PICKUP_CODES)
        from accounts.services import api_token_create

        _token, raw = api_token_create(user=login, name=f"压测 {stamp}")
        out.append(
            CommunityLoad(
                community_id=community.pk,
                meal_id=meal.pk,
                today_meal_id=today_meal.pk,
                codes=codes,
                resident_session=session_headers(login),
                resident_token=raw,
                staff_session=session_headers(staff, verified=True),
                resident_id=me.pk,
                resident_user_id=login.pk,
            )
        )
    if Meal.objects.filter(pk__in=[c.meal_id for c in out]).count() != len(out):
        raise RuntimeError("load fixture: a community's meal is missing")
    return Fixture(
        city_id=city.pk,
        communities=out,
        official_session=session_headers(official, verified=False),
        seconds=time.perf_counter() - started,
    )


def mix(fx: Fixture) -> list:
    """The mixed workload: a city's morning, in shares of 100 requests."""
    import threading

    from citygen.loadclient import Call, Kind

    places = fx.communities
    lock = threading.Lock()
    next_code = {c.community_id: 0 for c in places}

    def pick(rng) -> CommunityLoad:
        return places[rng.randrange(len(places))]

    def code_of(c: CommunityLoad) -> str:
        with lock:
            i = next_code[c.community_id]
            next_code[c.community_id] = i + 1
        return c.codes[i % len(c.codes)]

    def bearer(c: CommunityLoad) -> dict:
        return {"Authorization": f"Bearer {c.resident_token}"}

    def order(rng) -> Call:
        c = pick(rng)
        body = {"meal_id": c.meal_id, "resident_id": c.resident_id}
        return Call("POST", "/api/v1/catalog/orders", body, dict(c.resident_session), ok=(201,))

    def pickup(rng) -> Call:
        c = pick(rng)
        body = {"community_id": c.community_id, "code": code_of(c)}
        return Call("POST", "/api/v1/catalog/kitchen/pickups", body, dict(c.staff_session))

    def bare_order(rng) -> Call:
        c = pick(rng)
        # The resident's session cookie and login: the bare view sends the endpoint's statements.
        body = {"meal_id": c.meal_id, "resident_id": c.resident_id, "user_id": c.resident_user_id}
        return Call("POST", "/bare/orders", body, dict(c.resident_session), ok=(201,))

    def bare_read(rng) -> Call:
        return Call("GET", f"/bare/residents?community={pick(rng).community_id}")

    return [
        Kind("catalogue page (public)", 20, lambda rng: Call("GET", f"/c/catalog/{pick(rng).community_id}/")),
        Kind("meals API (resident)", 10, lambda rng: Call("GET", "/api/v1/catalog/meals", headers=bearer(pick(rng)))),
        Kind("my orders API (resident)", 5, lambda rng: Call("GET", "/api/v1/catalog/orders", headers=bearer(pick(rng)))),
        Kind("order a meal (resident)", 15, order),
        Kind("pick-up scan (kitchen)", 10, pickup),
        Kind("residents list (staff)", 10, lambda rng: Call("GET", "/console/residents/", headers=pick(rng).staff_session)),
        Kind(
            "community dashboard (staff)",
            10,
            lambda rng: (c := pick(rng)) and Call("GET", f"/console/insights/{c.community_id}/", headers=c.staff_session),
        ),
        Kind(
            "city dashboard (official)",
            5,
            lambda rng: Call("GET", f"/console/insights/{fx.city_id}/", headers=fx.official_session),
        ),
        Kind("fund page (public)", 15, lambda rng: Call("GET", f"/c/fund/{pick(rng).community_id}/")),
    ], [Kind("bare order", 0, bare_order), Kind("bare read", 0, bare_read)]
