"""``manage.py bench_orders``: the meal order endpoint under concurrent load, next to a bare view.

Runs against the configured database (SQLite by default, PostgreSQL with DATABASE_URL). It makes
(once) a benchmark community 压测社区 with a resident login and residents, a meal service and a dish
with plenty of portions, then:

* starts gunicorn with ``--workers`` processes, DEBUG off, serving the project
  (``linli.settings``), and sends ``--requests`` POST /api/v1/catalog/orders from
  ``--concurrency`` threads with keep-alive connections (the resident's phone session with its
  CSRF token, a fresh Idempotency-Key each): authentication, scope, pricing with the
  community's rules, the conditional UPDATE and the insert — the full endpoint;
* starts gunicorn beside it, same workers, with ``catalog.bench.settings_bare`` (no middleware):
  the bare view sending the endpoint's statements as raw SQL (``catalog/bench/bare.py``) and the
  bare minimum (the UPDATE and the INSERT only), and sends them the same load, all three in
  alternating rounds;
* prints orders/s and p50/p95/p99 latency of each, and the ratios.

``--inprocess`` skips gunicorn and calls the app in this process (the test uses it at tiny
scale). Not a test: numbers go to docs/benchmarks.md by hand, with the command line.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from catalog.bench import runner, serve
from catalog.bench.sessions import session_headers


def new_meal(item, portions: int):
    from catalog import services

    return services.meal_create(
        actor=None,
        item=item,
        serve_date=timezone.localdate() + dt.timedelta(days=300),
        name=f"压测套餐{timezone.now():%H%M%S%f}",
        portions=portions,
        pickup_point="压测点",
        pickup_start=dt.time(11),
        pickup_end=dt.time(12),
    )


def bench_fixture(portions: int) -> dict:
    """The benchmark's community, desk user, residents and dish (made once, topped up)."""
    from accounts.models import User
    from accounts.services import api_token_create, user_create
    from catalog import services
    from catalog.models import Item, ItemKind
    from linli.testkit import make_id_number
    from orgs.models import NodeKind, OrgNode
    from orgs.roles import Role
    from orgs.services import node_create, role_grant
    from records.models import ProviderKind, Tier
    from residents.models import Resident
    from residents.services import resident_create, resolve_address

    community = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name="压测社区").first()
    if community is None:
        city = node_create(kind=NodeKind.CITY, name="压测市", parent=None)
        district = node_create(kind=NodeKind.DISTRICT, name="压测区", parent=city)
        sub = node_create(kind=NodeKind.SUBDISTRICT, name="压测街道", parent=district)
        community = node_create(kind=NodeKind.COMMUNITY, name="压测社区", parent=sub)
        grid = node_create(kind=NodeKind.GRID, name="第一网格", parent=community)
        node_create(kind=NodeKind.BUILDING, name="1号楼", parent=grid)
    residents = list(Resident.objects.filter(community=community)[:20])
    for i in range(len(residents), 20):
        address = resolve_address(
            scope=None, community=community, grid_name="第一网格", building_name="1号楼", unit="1", room=str(100 + i)
        )
        residents.append(
            resident_create(
                actor=None,
                community=community,
                name=f"压测居民{i}",
                id_number=make_id_number(birth=f"19{40 + i}0101", seq=700 + i),
                phone="",
                address=address,
            )
        )
    # A resident ordering for themself on a phone, the endpoint's everyday use (staff logins
    # need a second factor, which a load generator cannot type).
    user = User.objects.filter(username="bench-resident").first()
    if user is None:
        user = user_create(username="bench-resident", password=secrets.token_urlsafe(16) + "aA-1", display_name="压测居民")
        resident = residents[0]
        resident.user = user
        resident.save(update_fields=["user"])
        role_grant(user=user, node=resident.grid, role=Role.RESIDENT)
    residents = [Resident.objects.get(user=user)] + [r for r in residents if r.user_id != user.pk]
    item = Item.objects.filter(community=community, kind=ItemKind.MEAL).first()
    if item is None:
        category = services.category_create(actor=None, community=community, name="助餐服务")
        item = services.item_create(
            actor=None,
            community=community,
            category=category,
            name="压测助餐",
            kind=ItemKind.MEAL,
            provider_kind=ProviderKind.COMMUNITY,
            tier=Tier.LOW_COST,
            price_fen=1200,
        )
        services.price_rule_create(
            actor=None,
            community=community,
            label="60–79岁",
            kind="age",
            min_age=60,
            max_age=79,
            effect="amount_off",
            amount_fen=100,
        )
        services.price_rule_create(
            actor=None,
            community=community,
            label="80岁以上",
            kind="age",
            min_age=80,
            effect="amount_off",
            amount_fen=200,
        )
    # A fresh dish for each run: a real dish has hundreds of orders, not the millions that
    # repeated runs would pile on one (its 6-digit pick-up codes would start to collide).
    meal = new_meal(item, portions)
    _token, raw = api_token_create(user=user, name=f"bench {timezone.now():%Y%m%d%H%M%S}")
    return {"meal": meal, "residents": residents, "user": user, "token": raw, "session": session_headers(user)}



class Command(BaseCommand):
    help = "Benchmark the meal order endpoint against a bare Django view doing the same SQL."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requests", type=int, default=3000)
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--inprocess", action="store_true", help="No gunicorn: call the app in this process.")
        parser.add_argument(
            "--rounds",
            type=int,
            default=10,
            help="Alternate the two endpoints in this many rounds, so both meet the same load on a shared machine.",
        )

    def handle(
        self, *args, requests: int, concurrency: int, workers: int, inprocess: bool, rounds: int, **options
    ) -> None:
        fx = bench_fixture(portions=requests * 6 + 1000)
        vendor = connection.vendor
        results = []
        if inprocess:
            results = self._inprocess(fx, requests)
        else:
            results = self._served(fx, requests=requests, concurrency=concurrency, workers=workers, rounds=rounds)
        self.stdout.write(
            f"bench_orders on {vendor}: {requests} orders, {concurrency} client threads, "
            f"{'in process' if inprocess else f'gunicorn {workers} workers, DEBUG off'}\n"
        )
        self.stdout.write(runner.summary(results) + "\n")

    def _served(self, fx: dict, *, requests: int, concurrency: int, workers: int, rounds: int) -> list:
        """Both endpoints served by gunicorn at once, driven in alternating rounds: if the
        machine's load changes during the run, both endpoints see the change."""
        meal, user = fx["meal"], fx["user"]
        resident_id = fx["residents"][0].pk
        rounds = max(1, min(rounds, requests))
        targets = []
        procs = []
        try:
            full_proc, full_port = serve.gunicorn("linli.settings", workers)
            procs.append(full_proc)
            bare_proc, bare_port = serve.gunicorn("catalog.bench.settings_bare", workers)
            procs.append(bare_proc)
            for name, port, path in (
                ("full endpoint", full_port, "/api/v1/catalog/orders"),
                ("bare view", bare_port, "/bare/orders"),
                ("bare minimum", bare_port, "/bare/orders-min"),
            ):
                # The bare views get the same session cookie (they read its row, as the
                # endpoint does) and the user's id in the body (they decode nothing).
                body = {"meal_id": meal.pk, "resident_id": resident_id}
                if name != "full endpoint":
                    body["user_id"] = user.pk
                # Each endpoint orders from its own dish, so none meets another's codes.
                body["meal_id"] = new_meal(meal.item, requests * 3 + 1000).pk
                setup, send = runner.http_sender("127.0.0.1", port, path, body, dict(fx["session"]))
                targets.append((name, setup, send))
            warm = max(50, requests // 20)
            for name, setup, send in targets:
                runner.run(f"{name} warm-up", send, requests=warm, concurrency=concurrency, setup=setup)
            parts: dict[str, list] = {name: [] for name, _setup, _send in targets}
            per_round = [requests // rounds + (1 if i < requests % rounds else 0) for i in range(rounds)]
            for n in per_round:
                for name, setup, send in targets:
                    parts[name].append(runner.run(name, send, requests=n, concurrency=concurrency, setup=setup))
        finally:
            serve.stop(procs)
        return [runner.merge(name, parts[name]) for name, _setup, _send in targets]

    def _inprocess(self, fx: dict, requests: int) -> list:
        import json
        import uuid

        from django.test import Client, RequestFactory

        from catalog.bench.bare import bare_order, bare_order_min

        meal, user = fx["meal"], fx["user"]
        resident_id = fx["residents"][0].pk
        client = Client(enforce_csrf_checks=True)
        body = json.dumps({"meal_id": meal.pk, "resident_id": resident_id})

        def full(_state) -> bool:
            r = client.post(
                "/api/v1/catalog/orders",
                body,
                content_type="application/json",
                headers={**fx["session"], "Idempotency-Key": uuid.uuid4().hex},
            )
            return r.status_code == 201

        factory = RequestFactory()
        bare_body = json.dumps({"meal_id": meal.pk, "resident_id": resident_id, "user_id": user.pk})
        cookie = fx["session"]["Cookie"]

        def bare_with(view):
            def bare(_state) -> bool:
                request = factory.post(
                    "/bare/orders",
                    bare_body,
                    content_type="application/json",
                    headers={"Idempotency-Key": uuid.uuid4().hex, "Cookie": cookie},
                )
                return view(request).status_code == 201

            return bare

        return [
            runner.run("full endpoint", full, requests=requests, concurrency=1),
            runner.run("bare view", bare_with(bare_order), requests=requests, concurrency=1),
            runner.run("bare minimum", bare_with(bare_order_min), requests=requests, concurrency=1),
        ]
