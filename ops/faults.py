"""Fault runs: SIGKILL the server in the middle of a burst of money-moving requests, then check.

``manage.py fault_run`` drives this against the configured database, which must be a scratch
one (it refuses a database that already has users). Each round:

1. starts gunicorn (the project's real settings, DEBUG off, ``--workers`` processes; the same
   launcher as ``manage.py bench_orders``);
2. fires a concurrent burst over keep-alive connections, each request with its own
   ``Idempotency-Key``: meal orders (POST /api/v1/catalog/orders, a resident's token), the
   kitchen confirming payment of orders already acknowledged (POST …/orders/{id}/payment, the
   kitchen clerk's token), and fund disbursements with an invoice (POST
   /api/v1/fund/requests/{id}/payments, multipart, the charity officer's token and password);
3. SIGKILLs the gunicorn master and every worker at a moment inside the burst — no graceful
   shutdown, open transactions die with the processes;
4. checks the database as the restarted server will find it (``check``), then restarts and
   retries every order whose answer was lost with its same Idempotency-Key, as a client would,
   and checks again.

What ``check`` demands: every acknowledged order, payment and disbursement exists exactly once;
``portions_left`` plus the portions ordered equals the portions made; every paid order and every
disbursement has its ledger entry (and no ledger entry lacks its row); the request's paid amount
is the sum of its disbursements; every ledger book verifies (``ledger.verify.book_verify``).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BOUNDARY = "linli-fault-run-boundary"


# --- the scene ---------------------------------------------------------------------------------


def scene_build(*, portions: int) -> dict:
    """A community with a kitchen, a meal, a resident who orders, a fund with money and an
    approved spending request — made through the services (via the test factories)."""
    from accounts.models import User
    from accounts.services import api_token_create
    from catalog.tests.factories import kitchen
    from fund.tests.conftest import donate, make_fund, propose, to_approved
    from linli.testkit import PASSWORD, build_world

    if User.objects.exists():
        raise RuntimeError("fault_run needs an empty scratch database (migrated, no users): it adds its own world")
    w = build_world()
    k = kitchen(w, "a", portions=portions, serve_date=dt.date.today() + dt.timedelta(days=30))
    make_fund(w, "a")
    donate(w, "a", 100_000_000)
    spending = to_approved(w, propose(w, amount_fen=50_000_000, lines=[("repairs", "楼道维修", 50_000_000)]))

    def token(user) -> str:
        return api_token_create(user=user, name="fault run")[1]

    return {
        "meal_id": k.meal.pk,
        "portions": portions,
        "resident_id": w.residents["a1"].pk,
        "request_id": spending.pk,
        "order_token": token(w.user("resident_a")),
        "clerk_token": token(k.clerk),
        "charity_token": token(w.user("charity_a")),
        "charity_password": PASSWORD,
    }


# --- the burst ---------------------------------------------------------------------------------


@dataclass
class Sent:
    kind: str  # order | payment | disbursement
    key: str
    target: int | None = None  # the order paid
    status: int | None = None  # None: no answer
    body: dict | None = None
    refused: bool = False  # could not connect: sent after the kill, never reached the server


@dataclass
class Burst:
    sent: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    figures: dict = field(default_factory=dict)  # as the burst ended, before any retry

    def add(self, s: Sent) -> None:
        with self.lock:
            self.sent.append(s)

    def acked(self, kind: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == kind and s.status is not None and 200 <= s.status < 300]


def _multipart(fields: dict[str, str]) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="invoice"; filename="invoice.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + PDF
        + b"\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def _send(conn_box: list, port: int, method: str, path: str, body: bytes, headers: dict, sent: Sent) -> None:
    if conn_box[0] is None:
        conn_box[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn = conn_box[0]
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        data = response.read()
        sent.status = response.status
        try:
            sent.body = json.loads(data) if data else None
        except ValueError:
            sent.body = None
    except ConnectionRefusedError:
        sent.refused = True
        conn.close()
        conn_box[0] = None
    except (OSError, http.client.HTTPException):
        # The server died with the request in flight (reset, closed, no answer).
        conn.close()
        conn_box[0] = None


def order_request(scene: dict, key: str) -> tuple[str, str, bytes, dict]:
    body = json.dumps({"meal_id": scene["meal_id"], "resident_id": scene["resident_id"]}).encode()
    headers = {
        "Authorization": f"Bearer {scene['order_token']}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
    }
    return "POST", "/api/v1/catalog/orders", body, headers


def burst_run(*, scene: dict, port: int, seconds: float, kill_at: float, kill, rng: random.Random) -> Burst:
    """Threads send requests for ``seconds``; ``kill()`` is called ``kill_at`` seconds in."""
    burst = Burst()
    stop = threading.Event()

    def orders() -> None:
        box: list = [None]
        while not stop.is_set():
            s = Sent("order", uuid.uuid4().hex)
            burst.add(s)
            _send(box, port, *order_request(scene, s.key), s)
            if s.refused:
                time.sleep(0.05)

    def payments() -> None:
        box: list = [None]
        while not stop.is_set():
            with burst.lock:
                paid = {s.target for s in burst.sent if s.kind == "payment"}
                todo = [s.body["id"] for s in burst.sent if s.kind == "order" and s.body and s.status in (200, 201)]
            todo = [i for i in todo if i not in paid]
            if not todo:
                time.sleep(0.01)
                continue
            s = Sent("payment", uuid.uuid4().hex, target=rng.choice(todo))
            burst.add(s)
            headers = {"Authorization": f"Bearer {scene['clerk_token']}", "Idempotency-Key": s.key}
            _send(box, port, "POST", f"/api/v1/catalog/orders/{s.target}/payment", b"", headers, s)
            if s.refused:
                time.sleep(0.05)

    def disbursements() -> None:
        box: list = [None]
        while not stop.is_set():
            s = Sent("disbursement", uuid.uuid4().hex)
            burst.add(s)
            body = _multipart(
                {
                    "amount_fen": "100",
                    "line": "repairs",
                    "payee": "某五金店",
                    "memo": "故障演练",
                    "password": scene["charity_password"],
                }
            )
            headers = {
                "Authorization": f"Bearer {scene['charity_token']}",
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Idempotency-Key": s.key,
            }
            _send(box, port, "POST", f"/api/v1/fund/requests/{scene['request_id']}/payments", body, headers, s)
            if s.refused:
                time.sleep(0.05)

    threads = [threading.Thread(target=f) for f in [orders] * 4 + [payments] * 2 + [disbursements] * 2]
    for t in threads:
        t.start()
    time.sleep(kill_at)
    kill()
    time.sleep(max(0.0, seconds - kill_at))
    stop.set()
    for t in threads:
        t.join(timeout=60)
    burst.figures = figures([burst])
    return burst


def kill_tree(pid: int) -> int:
    """SIGKILL a gunicorn master and its workers at once; returns how many processes."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    for p in [pid, *children]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return 1 + len(children)


# --- the check ---------------------------------------------------------------------------------


def check(*, scene: dict, bursts: list[Burst]) -> list[str]:
    """Everything acknowledged is there exactly once, nothing is half-written, the books verify."""
    from catalog.models import Meal, Order, OrderStatus, PaymentState
    from fund.models import Payment, SpendingRequest
    from ledger.models import Book, Transaction
    from ledger.verify import book_verify

    connection.close()  # see the database as a fresh process would
    problems: list[str] = []
    sent = [s for b in bursts for s in b.sent]
    acked_orders = [s for s in sent if s.kind == "order" and s.status in (200, 201)]
    orders_by_key = {}
    for o in Order.objects.filter(meal_id=scene["meal_id"]).exclude(idempotency_key=None):
        if o.idempotency_key in orders_by_key:
            problems.append(f"two orders for one Idempotency-Key {o.idempotency_key}")
        orders_by_key[o.idempotency_key] = o
    for s in acked_orders:
        o = orders_by_key.get(s.key)
        if o is None or o.pk != s.body["id"]:
            problems.append(f"acknowledged order {s.body.get('id')} (key {s.key}) is lost")
    meal = Meal.objects.get(pk=scene["meal_id"])
    taken = sum(
        o.quantity for o in Order.objects.filter(meal=meal).exclude(status=OrderStatus.CANCELLED).only("quantity")
    )
    if meal.portions_left + taken != meal.portions:
        problems.append(f"portions: {meal.portions_left} left + {taken} ordered ≠ {meal.portions} made")

    paid = list(Order.objects.filter(meal=meal, payment_state=PaymentState.PAID).values_list("pk", flat=True))
    posted = Transaction.objects.filter(kind="catalog.payment", source_type="catalog.order")
    posted_ids = [int(x) for x in posted.values_list("source_id", flat=True)]
    if sorted(paid) != sorted(posted_ids):
        problems.append(f"paid orders and their ledger entries differ: {len(paid)} paid, {len(posted_ids)} entries")
    for s in sent:
        if s.kind == "payment" and s.status == 200 and s.target not in paid:
            problems.append(f"acknowledged payment of order {s.target} is lost")

    request = SpendingRequest.objects.get(pk=scene["request_id"])
    payments = list(Payment.objects.filter(spending_request=request))
    tx_ids = set(Transaction.objects.filter(pk__in=[p.transaction_id for p in payments]).values_list("pk", flat=True))
    if len(tx_ids) != len(payments):
        problems.append("a disbursement has no ledger entry")
    if sum(p.amount_fen for p in payments) != request.paid_fen:
        problems.append(f"paid amount {request.paid_fen} ≠ sum of disbursements {sum(p.amount_fen for p in payments)}")
    fund_entries = Transaction.objects.filter(kind="fund.spending", source_id=str(request.pk)).count()
    if fund_entries != len(payments):
        problems.append(f"{fund_entries} disbursement ledger entries for {len(payments)} disbursements")
    keys = {p.idempotency_key for p in payments}
    for s in sent:
        if s.kind == "disbursement" and s.status == 201 and s.key not in keys:
            problems.append(f"acknowledged disbursement (key {s.key}) is lost")
    for book in Book.objects.all():
        report = book_verify(book=book)
        if not report.ok:
            problems.append(f"ledger book {book.pk} does not verify: {report.problems[0].message}")
    connection.close()
    return problems


def figures(bursts: list[Burst]) -> dict:
    """Requests that reached the server (not those refused after the kill), by outcome."""
    if all(b.figures for b in bursts) and len(bursts) > 1:
        return _sum([b.figures for b in bursts])
    if len(bursts) == 1 and bursts[0].figures:
        return bursts[0].figures
    sent = [s for b in bursts for s in b.sent if not s.refused]
    return {
        "requests": len(sent),
        "acknowledged": sum(1 for s in sent if s.status is not None and 200 <= s.status < 300),
        "refused_or_failed": sum(1 for s in sent if s.status is not None and s.status >= 400),
        "killed_mid_flight": sum(1 for s in sent if s.status is None),
        "by_kind": {
            kind: {
                "sent": sum(1 for s in sent if s.kind == kind),
                "acknowledged": sum(1 for s in sent if s.kind == kind and s.status is not None and s.status < 300),
                "mid_flight": sum(1 for s in sent if s.kind == kind and s.status is None),
            }
            for kind in ("order", "payment", "disbursement")
        },
    }


def _sum(parts: list[dict]) -> dict:
    total: dict = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict):
                total[key] = _sum([total.get(key, {}), value]) if key in total else _sum([value])
            else:
                total[key] = total.get(key, 0) + value
    return total
