"""``manage.py bench_city``: the city's mixed workload against production settings, with the bare
baselines in the same run, then the invariants (docs/benchmarks.md, "A city's traffic").

Run it on a city made by ``build_city`` (same database). It prepares the load's people and
dishes in ``--communities`` communities (``citygen.load``), starts gunicorn twice with
``--workers`` sync workers and DEBUG off — the project, and the bare views (no middleware, raw
SQL) — and then:

1. **Throughput and ratios** (closed loop, ``--concurrency`` threads, ``--rounds`` alternating
   rounds so both sides meet the same machine): the order endpoint against the bare order view,
   list pages and dashboards against the bare read.
2. **The mix** (open loop): ``--rate`` requests a second for ``--seconds``, Poisson arrivals,
   latency from the time each request was due; per kind p50/p95/p99, errors, and where the CPU
   went (app server, PostgreSQL, this client, the machine's busy share).
3. **The invariants**, as ``city_check`` after folding in what is pending (as the per-minute
   refresh would): no oversold meal, no overlapping booking, every ledger
   book verifies, rollups equal records.

``--inprocess`` sends every kind of the mix a few times through Django's test client instead
(the test suite uses it: the mix must stay in step with the app).
"""

from __future__ import annotations

import json

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from catalog.bench import runner, serve
from citygen import load, loadclient
from orgs.models import OrgNode


class Command(BaseCommand):
    help = "Load-test a generated city: throughput against bare views, an open-loop mix, then the invariants."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="淄博市", help="the generated city's name")
        parser.add_argument("--communities", type=int, default=24, help="communities the load's people live in")
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument(
            "--rate",
            default="300",
            help="the mix's requests per second; several, comma-separated, are run one after the other",
        )
        parser.add_argument("--seconds", type=float, default=60.0, help="per rate")
        parser.add_argument("--threads", type=int, default=64, help="client threads of the open-loop mix")
        parser.add_argument("--requests", type=int, default=400, help="per kind, throughput phase")
        parser.add_argument("--concurrency", type=int, default=8, help="client threads, throughput phase")
        parser.add_argument("--rounds", type=int, default=4)
        parser.add_argument("--skip-throughput", action="store_true")
        parser.add_argument("--skip-mix", action="store_true")
        parser.add_argument("--inprocess", action="store_true", help="no gunicorn: each kind through the test client")

    def handle(self, *args, **o):
        city = OrgNode.objects.filter(name=o["name"], parent__isnull=True).first()
        if city is None:
            raise CommandError(f"No city named {o['name']}: run build_city first.")
        fx = load.load_fixture(city=city, communities=o["communities"])
        self.stdout.write(f"fixture: {len(fx.communities)} communities ready in {fx.seconds:.1f} s")
        # The fixture's orders and postings are folded into the dashboards before the morning
        # starts, as the per-minute task would have done: otherwise the first dashboard view
        # would do it, inside a request (on the full city that took over 30 s, past gunicorn's
        # timeout).
        self._fold()
        kinds, bare = load.mix(fx)
        if o["inprocess"]:
            self._inprocess(kinds, repeat=3)
        else:
            self._served(kinds, bare, o)
        self._check()

    # --- served: gunicorn, DEBUG off ---------------------------------------------------------

    def _served(self, kinds, bare, o) -> None:
        procs = []
        try:
            full, port = serve.gunicorn("linli.settings", o["workers"])
            procs.append(full)
            bare_proc, bare_port = serve.gunicorn("catalog.bench.settings_bare", o["workers"])
            procs.append(bare_proc)
            self.stdout.write(
                f"bench_city on {connection.vendor}: gunicorn {o['workers']} sync workers, DEBUG off, "
                f"{len(kinds)} kinds of request\n"
            )
            if not o["skip_throughput"]:
                self._throughput(kinds, bare, port, bare_port, o)
            if not o["skip_mix"]:
                rates = [float(r) for r in str(o["rate"]).split(",") if r.strip()]
                summary = [self._mix(kinds, port, full.pid, o, rate) for rate in rates]
                if len(summary) > 1:
                    self.stdout.write(
                        "| rate asked | answered/s | errors | p50 ms | p95 ms | p99 ms | app CPU per answer | machine busy |"
                    )
                    self.stdout.write("|---:|---:|---:|---:|---:|---:|---:|---:|")
                    for line in summary:
                        self.stdout.write(line)
                    self.stdout.write("")
        finally:
            serve.stop(procs)

    def _throughput(self, kinds, bare, port, bare_port, o) -> None:
        by_name = {k.name: k for k in kinds}
        measured = [
            ("order a meal (resident)", port),
            ("bare order", bare_port),
            ("residents list (staff)", port),
            ("community dashboard (staff)", port),
            ("city dashboard (official)", port),
            ("fund page (public)", port),
            ("catalogue page (public)", port),
            ("meals API (resident)", port),
            ("bare read", bare_port),
        ]
        bare_by_name = {k.name: k for k in bare}
        senders = []
        for name, p in measured:
            kind = by_name.get(name) or bare_by_name[name]
            setup, one = loadclient.closed_loop_sender("127.0.0.1", p, kind)
            senders.append((name, setup, one))
            runner.run(name, one, requests=max(20, o["requests"] // 10), concurrency=o["concurrency"], setup=setup)
        parts: dict[str, list] = {name: [] for name, _s, _o in senders}
        rounds = max(1, o["rounds"])
        for _ in range(rounds):
            for name, setup, one in senders:
                parts[name].append(
                    runner.run(name, one, requests=o["requests"] // rounds, concurrency=o["concurrency"], setup=setup)
                )
        results = {name: runner.merge(name, parts[name]) for name in parts}
        base = {"order": results["bare order"].per_second, "read": results["bare read"].per_second}
        self.stdout.write(
            f"Throughput (closed loop, {o['concurrency']} threads, {o['requests']} requests a kind in {rounds} rounds)\n"
        )
        self.stdout.write("| request | ok/sent | req/s | p50 ms | p95 ms | p99 ms | × its bare baseline |")
        self.stdout.write("|---|---:|---:|---:|---:|---:|---:|")
        for name, r in results.items():
            ref = base["order"] if "order" in name else base["read"]
            ratio = r.per_second / ref if ref else 0.0
            self.stdout.write(
                f"| {name} | {r.ok}/{r.requests} | {r.per_second:,.0f} | {r.pct(50):.1f} | {r.pct(95):.1f} | "
                f"{r.pct(99):.1f} | {ratio:.2f} |"
            )
        self.stdout.write("")

    def _mix(self, kinds, port, server_pid, o, rate: float) -> str:
        meter = loadclient.CpuMeter([server_pid])
        meter.start()
        tallies, took = loadclient.open_loop(
            "127.0.0.1", port, kinds, rate=rate, seconds=o["seconds"], threads=o["threads"]
        )
        cpu = meter.stop()
        sent = sum(len(t.latencies_ms) for t in tallies.values())
        errors = sum(t.errors for t in tallies.values())
        everything = loadclient.Tally("all", [ms for t in tallies.values() for ms in t.latencies_ms])
        self.stdout.write(
            f"Mix (open loop, {rate:.0f}/s asked for {o['seconds']:.0f} s, {o['threads']} threads): "
            f"{sent} requests in {took:.1f} s = {sent / took:,.0f}/s, {errors} errors; "
            f"p50 {everything.pct(50):.1f} ms, p95 {everything.pct(95):.1f} ms, p99 {everything.pct(99):.1f} ms\n"
        )
        self.stdout.write("| request | share | sent | errors | p50 ms | p95 ms | p99 ms | answers |")
        self.stdout.write("|---|---:|---:|---:|---:|---:|---:|---|")
        for k in kinds:
            t = tallies[k.name]
            answers = ", ".join(f"{s}×{n}" for s, n in sorted(t.statuses.items()))
            self.stdout.write(
                f"| {k.name} | {k.weight}% | {len(t.latencies_ms)} | {t.errors} | {t.pct(50):.1f} | "
                f"{t.pct(95):.1f} | {t.pct(99):.1f} | {answers} |"
            )
        self.stdout.write(
            f"\nCPU during the mix ({cpu['wall']:.1f} s): app server {cpu['server']:.1f} s, "
            f"client {cpu['client']:.1f} s, the rest of the machine (database, anything else) {cpu['rest']:.1f} s; "
            f"machine busy {cpu['machine_busy'] * 100:.0f}%\n"
        )
        answered = sent - errors
        per = cpu["server"] / answered * 1000 if answered else 0.0
        return (
            f"| {rate:.0f} | {answered / took:,.0f} | {errors} | {everything.pct(50):.1f} | "
            f"{everything.pct(95):.1f} | {everything.pct(99):.1f} | {per:.1f} ms | {cpu['machine_busy'] * 100:.0f}% |"
        )

    # --- in process: the mix still matches the app -------------------------------------------

    def _inprocess(self, kinds, *, repeat: int) -> None:
        import random

        from django.test import Client

        rng = random.Random(3)
        client = Client()
        failures = []
        for kind in kinds:
            for _ in range(repeat):
                call = kind.make(rng)
                headers = {k: v for k, v in call.headers.items() if k != "Cookie"}
                client.cookies.clear()
                for pair in call.headers.get("Cookie", "").split("; "):
                    if "=" in pair:
                        key, value = pair.split("=", 1)
                        client.cookies[key] = value
                if call.body is not None:
                    headers.setdefault("Idempotency-Key", f"k{rng.random()}")
                    response = client.generic(
                        call.method, call.path, json.dumps(call.body), content_type="application/json", headers=headers
                    )
                else:
                    response = client.generic(call.method, call.path, headers=headers)
                if response.status_code not in call.ok:
                    failures.append(f"{kind.name}: {call.method} {call.path} answered {response.status_code}")
        for line in failures:
            self.stdout.write(line)
        self.stdout.write(f"in process: {len(kinds)} kinds × {repeat}, {len(failures)} failures")
        if failures:
            raise CommandError(f"bench_city: {len(failures)} requests of the mix failed")

    def _fold(self) -> None:
        from insights.services import rollups

        for _ in range(100):
            if not rollups.pending():
                break
            rollups.refresh()

    def _check(self) -> None:
        # What the per-minute task would have done meanwhile: dashboards fold changes in at
        # most every LINLI_INSIGHTS_VIEW_REFRESH_SECONDS, so the last minute may be pending.
        self._fold()
        call_command("city_check", stdout=self.stdout)
