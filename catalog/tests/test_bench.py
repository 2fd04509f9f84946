"""The benchmark command runs (tiny scale, in process): not a timing, a check that it works."""

import io

import pytest
from django.core.management import call_command

from catalog.models import Order

pytestmark = pytest.mark.django_db


def test_bench_orders_runs_at_tiny_scale():
    out = io.StringIO()
    call_command("bench_orders", requests=5, inprocess=True, stdout=out)
    text = out.getvalue()
    assert "| full endpoint | 5/5 |" in text and "| bare view | 5/5 |" in text
    assert Order.objects.count() == 10
