"""The benchmark command runs (tiny scale, in process): not a timing, a check that it works, and
that its bare baseline sends the same statements as the endpoint it is compared with."""

import io
import json
import re
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory

from catalog.bench.bare import bare_order
from catalog.management.commands.bench_orders import bench_fixture
from catalog.models import Order

pytestmark = pytest.mark.django_db


def test_bench_orders_runs_at_tiny_scale():
    out = io.StringIO()
    call_command("bench_orders", requests=5, inprocess=True, stdout=out)
    text = out.getvalue()
    for name in ("full endpoint", "bare view", "bare minimum"):
        assert f"| {name} | 5/5 |" in text
    assert "full endpoint / bare view throughput" in text
    assert Order.objects.count() == 15


def _statements(call) -> list[str]:
    seen: list[str] = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        call()
    return seen


def _shape(sql: str) -> str:
    """What a statement does, whoever wrote it: its verb and the tables it names."""
    tables = sorted(set(re.findall(r"\b(?:django_session|accounts_user|catalog_\w+|residents_\w+)\b", sql)))
    verb = sql.lstrip("( ").split()[0].upper()
    return f"{verb} {' '.join(tables)}"


def test_bare_view_sends_the_endpoints_statements(settings):
    # Production's intervals (the test settings renew the session on every request).
    settings.LINLI_SESSION_TOUCH_SECONDS = 60
    settings.LINLI_MFA_RECHECK_SECONDS = 60
    fx = bench_fixture(portions=50)
    meal, resident, user = fx["meal"], fx["residents"][0], fx["user"]
    client = Client(enforce_csrf_checks=True)
    body = json.dumps({"meal_id": meal.pk, "resident_id": resident.pk})

    def full():
        r = client.post(
            "/api/v1/catalog/orders",
            body,
            content_type="application/json",
            headers={**fx["session"], "Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 201, r.content

    def bare():
        request = RequestFactory().post(
            "/bare/orders",
            json.dumps({"meal_id": meal.pk, "resident_id": resident.pk, "user_id": user.pk}),
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex, "Cookie": fx["session"]["Cookie"]},
        )
        assert bare_order(request).status_code == 201

    full()  # the price rules are cached after the first order, as in the benchmark's steady state
    endpoint = [_shape(s) for s in _statements(full)]
    baseline = [_shape(s) for s in _statements(bare)]
    assert baseline == endpoint
    work = [s for s in endpoint if s.split()[0] not in ("SAVEPOINT", "RELEASE")]
    assert work == [
        "SELECT django_session",
        "SELECT accounts_user",
        "SELECT catalog_item catalog_meal",
        "SELECT residents_resident",
        "SELECT catalog_workercard residents_resident_tags residents_vulnerabletag",
        "UPDATE catalog_meal",
        "INSERT catalog_order",
    ]
    assert Order.objects.filter(meal=meal).count() == 3
