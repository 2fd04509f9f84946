"""Load generation for ``manage.py bench_orders``: N requests from C threads, latencies kept."""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    name: str
    requests: int
    ok: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def row(self) -> str:
        return (
            f"| {self.name} | {self.ok}/{self.requests} | {self.per_second:,.0f} | {self.pct(50):.1f} | "
            f"{self.pct(95):.1f} | {self.pct(99):.1f} |"
        )


def run(name: str, send: Callable[[object], bool], *, requests: int, concurrency: int, setup=None) -> Result:
    """``send(state)`` makes one request and says whether it succeeded; ``setup()`` makes the
    per-thread state (a keep-alive connection)."""
    latencies: list[float] = []
    ok = [0]
    lock = threading.Lock()
    counter = iter(range(requests))
    barrier = threading.Barrier(concurrency + 1)

    def worker() -> None:
        state = setup() if setup else None
        mine: list[float] = []
        good = 0
        barrier.wait()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            t0 = time.perf_counter()
            if send(state):
                good += 1
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)
            ok[0] += good

    if concurrency == 1:
        # In the calling thread: the in-process mode (tests) sees the caller's transaction.
        barrier = threading.Barrier(1)
        t0 = time.perf_counter()
        worker()
        return Result(name, requests, ok[0], time.perf_counter() - t0, latencies)
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return Result(name, requests, ok[0], time.perf_counter() - t0, latencies)


def merge(name: str, parts: list[Result]) -> Result:
    """Rounds of one endpoint as one result: requests and time added, latencies pooled."""
    return Result(
        name,
        sum(p.requests for p in parts),
        sum(p.ok for p in parts),
        sum(p.seconds for p in parts),
        [ms for p in parts for ms in p.latencies_ms],
    )


def http_sender(host: str, port: int, path: str, body: dict, headers: dict):
    def setup():
        return http.client.HTTPConnection(host, port, timeout=30)

    def send(conn) -> bool:
        payload = json.dumps(body)
        h = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex, **headers}
        try:
            conn.request("POST", path, payload, h)
            response = conn.getresponse()
            response.read()
            return response.status in (200, 201)
        except (ConnectionError, http.client.HTTPException, TimeoutError):
            conn.close()
            return False

    return setup, send


def summary(results: list[Result]) -> str:
    lines = ["| endpoint | ok/requests | orders/s | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|"]
    lines += [r.row() for r in results]
    if len(results) >= 2 and results[1].per_second:
        lines.append("")
        lines.append(f"full endpoint / bare view throughput: {results[0].per_second / results[1].per_second:.2f}")
    if len(results) >= 3 and results[2].per_second:
        lines.append(f"full endpoint / bare minimum throughput: {results[0].per_second / results[2].per_second:.2f}")
    return "\n".join(lines)


__all__ = ["Result", "run", "merge", "http_sender", "summary", "statistics"]
