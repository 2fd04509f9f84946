"""The load test's client: a small threaded HTTP client from the standard library.

Why not locust or wrk: the mix needs logged-in sessions with CSRF tokens, Bearer tokens, fresh
Idempotency-Keys and pick-up codes handed out once each — wrk would need Lua scripts for all of
that, locust brings gevent and a web UI for a 200-line need. And the question is a rate ("300
requests/s with p99 under 150 ms"), which needs an **open-loop** client: requests are scheduled
at fixed times whatever the server does, and each latency is measured from the time the request
was *due*, not from when a free thread got round to it. A closed-loop client (locust's users,
wrk's connections) slows down with the server and hides the queueing a real crowd would meet
(coordinated omission).

Two ways to drive:

* ``open_loop``: a schedule of (due time, request) at a set rate, sent by a pool of threads;
* ``closed_loop``: as fast as ``concurrency`` threads can go, for throughput and the ratios to
  the bare baselines (``catalog.bench.runner.run``).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from catalog.bench.runner import Result


@dataclass
class Call:
    method: str
    path: str
    body: dict | None = None
    headers: dict = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)


@dataclass
class Kind:
    """One kind of request in the mix: its name, share of the traffic and how to make one."""

    name: str
    weight: int
    make: Callable[[random.Random], Call]


def send(conn: http.client.HTTPConnection, call: Call) -> int:
    headers = dict(call.headers)
    body = None
    if call.body is not None:
        body = json.dumps(call.body)
        headers["Content-Type"] = "application/json"
        headers.setdefault("Idempotency-Key", uuid.uuid4().hex)
    try:
        conn.request(call.method, call.path, body, headers)
        response = conn.getresponse()
        response.read()
        return response.status
    except (ConnectionError, http.client.HTTPException, TimeoutError, OSError):
        conn.close()
        return 0


@dataclass
class Tally:
    """What one kind of request met in an open-loop run."""

    name: str
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    def pct(self, p: float) -> float:
        return Result(self.name, 0, 0, 0.0, self.latencies_ms).pct(p)


def open_loop(
    host: str,
    port: int,
    kinds: list[Kind],
    *,
    rate: float,
    seconds: float,
    threads: int = 64,
    seed: int = 7,
    give_up: float = 5.0,
) -> tuple[dict[str, Tally], float]:
    """Send ``rate`` requests a second for ``seconds``, the kinds drawn by weight; returns the
    tallies and the seconds the run really took. Latency counts from the due time; a request
    more than ``give_up`` seconds late is not sent and counts as an error."""
    rng = random.Random(seed)
    total = int(rate * seconds)
    names = [k.name for k in kinds]
    weights = [k.weight for k in kinds]
    chosen = rng.choices(range(len(kinds)), weights=weights, k=total)
    # Poisson arrivals: exponential gaps with the given mean rate.
    due, t = [], 0.0
    for _ in range(total):
        t += rng.expovariate(rate)
        due.append(t)
    tallies = {n: Tally(n) for n in names}
    lock = threading.Lock()
    cursor = iter(range(total))
    start = time.perf_counter() + 0.5

    def worker(wseed: int) -> None:
        wrng = random.Random(wseed)
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine: list[tuple[str, float, int]] = []
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            kind = kinds[chosen[i]]
            call = kind.make(wrng)
            at = start + due[i]
            wait = at - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            if -wait > give_up:
                # The server is so far behind that this one would only wait longer: counted as
                # a failure (status 0, its lag as latency), not sent, so a run at a rate the
                # machine cannot serve still ends in about ``seconds``.
                mine.append((kind.name, -wait * 1000, 0))
                continue
            status = send(conn, call)
            mine.append((kind.name, (time.perf_counter() - at) * 1000, status if status not in call.ok else -status))
        conn.close()
        with lock:
            for name, ms, status in mine:
                tally = tallies[name]
                tally.latencies_ms.append(ms)
                if status >= 0:  # not one of the answers this call expects
                    tally.errors += 1
                tally.statuses[abs(status)] = tally.statuses.get(abs(status), 0) + 1

    pool = [threading.Thread(target=worker, args=(seed * 1000 + n,)) for n in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return tallies, time.perf_counter() - start


def closed_loop_sender(host: str, port: int, kind: Kind, seed: int = 11):
    """``setup``/``send`` for ``catalog.bench.runner.run``: one kind as fast as it goes."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def setup():
        return http.client.HTTPConnection(host, port, timeout=30)

    def one(conn) -> bool:
        with lock:
            call = kind.make(rng)
        return send(conn, call) in call.ok

    return setup, one


# --- CPU: where the machine's time went during a run ------------------------------------------


def _ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command name) of every process."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        ppid = int(raw.rsplit(")", 1)[1].split()[1])
        out.append((int(entry), ppid, name))
    return out


def _machine() -> tuple[int, int]:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU seconds of the app server (a process and its children), of this client, of the rest
    of the machine (the database, and anything else running), and the machine's busy share,
    between ``start()`` and ``stop()``."""

    def __init__(self, server_pids: list[int]):
        self.server_pids = server_pids
        self.hz = os.sysconf("SC_CLK_TCK")

    def _groups(self) -> dict[str, int]:
        procs = _processes()
        children = {pid for pid, ppid, _ in procs if ppid in self.server_pids}
        return {"server": sum(_ticks(p) for p in set(self.server_pids) | children)}

    def start(self) -> None:
        self._before = self._groups()
        self._machine_before = _machine()
        self._client_before = time.process_time()
        self._wall = time.perf_counter()

    def stop(self) -> dict[str, float]:
        after = self._groups()
        busy, total = _machine()
        wall = time.perf_counter() - self._wall
        out = {k: (after[k] - self._before[k]) / self.hz for k in after}
        out["client"] = time.process_time() - self._client_before
        out["wall"] = wall
        spent = total - self._machine_before[1]
        out["machine_busy"] = (busy - self._machine_before[0]) / spent if spent else 0.0
        # PostgreSQL's backends come and go (a connection lives CONN_MAX_AGE seconds) and take
        # their CPU time with them: what the machine was busy with beyond the app server and
        # this client is the database's share, and anything else running.
        out["busy"] = (busy - self._machine_before[0]) / self.hz
        out["rest"] = max(0.0, out["busy"] - out["server"] - out["client"])
        return out
