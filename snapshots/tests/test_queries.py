"""Lists don't grow a query per report (no N+1): the count for many reports equals the count for few."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from snapshots.tests.factories import report

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("staff_a", reverse("snapshots:list")),
        ("grid_a1", reverse("snapshots:queue")),
        ("resident_a", reverse("snapshots_me:index")),
        ("staff_a", "/api/v1/snapshots/reports"),
        ("grid_a1", "/api/v1/snapshots/queue"),
    ],
)
def test_lists_take_the_same_queries_for_two_reports_and_for_six(world, client, username, url):
    client.force_login(world.user(username))
    for _ in range(2):
        report(world)
    few = _queries(client, url)
    for _ in range(4):
        report(world)
    assert _queries(client, url) == few
