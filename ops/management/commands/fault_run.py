"""``manage.py fault_run``: SIGKILL gunicorn mid-burst of orders, payments and disbursements; check.

Against the configured database, which must be a freshly migrated scratch one (see
ops/faults.py and docs/ops.md; ops/tests/test_faults.py runs it on SQLite and PostgreSQL).
Prints one JSON line with the figures; exits non-zero if anything was lost or half-written.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import tempfile
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from catalog.bench import serve
from ops import faults


def _warm_up(port: int, workers: int) -> None:
    """Wait until the workers answer: the kill must land in the burst, not in their start-up."""
    deadline = time.monotonic() + 60
    answered = 0
    while answered < workers * 3:
        if time.monotonic() > deadline:
            raise CommandError("gunicorn workers did not answer within 60 s")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                answered += 1
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()


class Command(BaseCommand):
    help = "Kill the server with SIGKILL in the middle of bursts of money-moving requests, then check nothing is lost."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bursts", type=int, default=3)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--seconds", type=float, default=2.0, help="Length of each burst.")
        parser.add_argument("--seed", type=int, default=12)

    def handle(self, *args, bursts: int, workers: int, seconds: float, seed: int, **options) -> None:
        # gunicorn runs with DEBUG off: whitenoise wants a static root, even an empty one.
        os.environ.setdefault("DJANGO_STATIC_ROOT", tempfile.mkdtemp(prefix="linli-static-"))
        rng = random.Random(seed)
        scene = faults.scene_build(portions=100_000)
        done: list[faults.Burst] = []
        problems: list[str] = []
        killed = retried = 0
        started = time.monotonic()
        for n in range(bursts + 1):
            proc, port = serve.gunicorn("linli.settings", workers)
            _warm_up(port, workers)
            if done:
                # The restarted server: the client retries, with the same key, every order whose
                # answer it lost. Each must come back as exactly one order.
                retried += self._retry_lost_orders(scene, done[-1], port)
                problems += [f"round {n}, after retries: {p}" for p in faults.check(scene=scene, bursts=done)]
            if n == bursts:
                proc.terminate()
                proc.wait(timeout=30)
                break
            box: dict = {}

            def kill(proc=proc, box=box) -> None:
                box["processes"] = faults.kill_tree(proc.pid)

            kill_at = rng.uniform(0.3, seconds * 0.8)
            burst = faults.burst_run(scene=scene, port=port, seconds=seconds, kill_at=kill_at, kill=kill, rng=rng)
            proc.wait(timeout=30)
            killed += box.get("processes", 0)
            done.append(burst)
            self.stderr.write(f"round {n + 1}: killed at {kill_at:.2f}s {json.dumps(faults.figures([burst]))}")
            problems += [f"round {n + 1}, after the kill: {p}" for p in faults.check(scene=scene, bursts=done)]
        result = {
            "vendor": connection.vendor,
            "rounds": bursts,
            "processes_killed": killed,
            **faults.figures(done),
            "orders_retried": retried,
            "lost": len(problems),
            "seconds": round(time.monotonic() - started, 1),
        }
        self.stdout.write(json.dumps(result))
        if problems:
            raise CommandError("\n".join(problems))

    def _retry_lost_orders(self, scene: dict, burst: faults.Burst, port: int) -> int:
        lost = [s for s in burst.sent if s.kind == "order" and s.status is None and not s.refused]
        box: list = [None]
        for s in lost:
            again = faults.Sent("order", s.key)
            faults._send(box, port, *faults.order_request(scene, s.key), again)
            if again.status not in (200, 201):
                raise CommandError(f"retrying order key {s.key} gave {again.status}: {again.body}")
            # From now on the client holds an answer for this key: the checks demand its order.
            s.status, s.body = again.status, again.body
        return len(lost)
