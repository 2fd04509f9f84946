"""The load test's mix stays in step with the app: every kind of request it sends answers as
the benchmark counts it (``bench_city --inprocess``), and the invariants hold afterwards."""

import io

import pytest
from django.core.management import call_command

from catalog.models import Meal, Order, OrderStatus
from citygen import load
from citygen.generate import build_city
from orgs.models import OrgNode

pytestmark = pytest.mark.django_db


def test_every_kind_of_the_mix_answers_as_counted_and_the_city_still_holds():
    build_city(communities=2, preset="ci", seed=5, name="压测市")
    out = io.StringIO()
    call_command("bench_city", "--inprocess", "--name", "压测市", "--communities", "2", stdout=out)
    text = out.getvalue()
    assert "9 kinds × 3, 0 failures" in text
    assert "city_check: everything holds" in text
    # The mix really ordered and handed over: three orders a community's resident placed, three
    # of the morning's orders collected.
    ordered = Order.objects.filter(meal__serve_date__gt=Meal.objects.order_by("serve_date").first().serve_date)
    assert ordered.count() == 3
    assert Order.objects.filter(status=OrderStatus.COLLECTED).count() == 3


def test_fixture_is_idempotent_for_people_and_fresh_for_dishes():
    build_city(communities=1, preset="ci", seed=6, name="压测市")
    city = OrgNode.objects.get(name="压测市")
    first = load.load_fixture(city=city, communities=1)
    second = load.load_fixture(city=city, communities=1)
    a, b = first.communities[0], second.communities[0]
    assert a.resident_id == b.resident_id  # the same resident logs in again
    assert a.meal_id != b.meal_id  # a fresh dish for each run
    assert len(b.codes) == load.PICKUP_CODES
    meal = Meal.objects.get(pk=b.today_meal_id)
    assert meal.portions - meal.portions_left == load.PICKUP_CODES


def test_open_loop_counts_latency_from_the_due_time():
    """A server that takes 50 ms with one thread to serve 40 requests/s falls behind: latency
    measured from the due time grows with the queue, which a closed-loop client would hide."""
    import http.server
    import threading
    import time

    from citygen.loadclient import Call, Kind, open_loop

    class Slow(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            time.sleep(0.05)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Slow)  # one request at a time
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        kinds = [Kind("slow", 1, lambda rng: Call("GET", "/"))]
        tallies, took = open_loop("127.0.0.1", server.server_port, kinds, rate=40, seconds=2, threads=8)
    finally:
        server.shutdown()
    t = tallies["slow"]
    assert len(t.latencies_ms) == 80 and t.errors == 0
    # 80 requests at 50 ms each need 4 s: the last wait ~2 s beyond their due time.
    assert t.pct(99) > 1000
    assert took > 3.5
