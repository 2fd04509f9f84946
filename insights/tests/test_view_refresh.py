"""Dashboards fold pending changes in at most every LINLI_INSIGHTS_VIEW_REFRESH_SECONDS, and
never wait behind a refresh that is already running (under a city's traffic something is always
pending: docs/benchmarks.md)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from insights.models import RefreshState
from insights.services import rollups
from insights.tests.test_pages import _dash, _served


@pytest.mark.django_db
def test_a_dashboard_refreshes_at_most_every_interval(world, client, settings):
    settings.LINLI_INSIGHTS_VIEW_REFRESH_SECONDS = 60
    _served(world, world.community_a, 1, 3)
    rollups.refresh()  # just refreshed
    _served(world, world.community_a, 2, 5)
    client.force_login(world.staff("a"))
    assert client.get(_dash(world.community_a.pk)).status_code == 200
    assert rollups.pending()  # within the interval: drawn from the rollups as they are
    settings.LINLI_INSIGHTS_VIEW_REFRESH_SECONDS = 0
    assert client.get(_dash(world.community_a.pk)).status_code == 200
    assert not rollups.pending() and rollups.check() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_view_does_not_wait_for_a_refresh_already_running(world):
    """With another transaction holding the refresh lock, ``refresh(wait=False)`` returns at once
    and leaves the marks for the holder. (SQLite has one writer: there is no second refresh.)"""
    _served(world, world.community_a, 1, 3)
    RefreshState.objects.get_or_create(name="refresh")
    held, release, done = threading.Event(), threading.Event(), {}

    def holder():
        try:
            with transaction.atomic():
                RefreshState.objects.select_for_update().get(name="refresh")
                held.set()
                release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(20)
        done["recounted"] = rollups.refresh(wait=False)
        assert done["recounted"] == 0 and rollups.pending()
    finally:
        release.set()
        thread.join(20)
    assert rollups.refresh(wait=False) >= 1 and not rollups.pending()


@pytest.mark.django_db
def test_a_dashboards_figures_are_drawn_once_per_rollup_write(world, client, settings):
    """Between two writes of the rollups every view shows the same figures, without reading
    the rollups again; after a write (a refresh, a rebuild) the next view shows the new ones.
    What each viewer may see of the tree above is still worked out per viewer."""
    from django.test.utils import CaptureQueriesContext

    settings.LINLI_INSIGHTS_VIEW_REFRESH_SECONDS = 60
    a = world.community_a
    _served(world, a, 1, 3)
    rollups.refresh()
    client.force_login(world.staff("a"))
    first = client.get(_dash(a.pk)).context["board"]
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(_dash(a.pk)).context["board"]
    assert not [q for q in ctx.captured_queries if "insights_rollup" in q["sql"]]
    assert second.figures == first.figures and second.rows == first.rows
    _served(world, a, 2, 5)
    rollups.refresh()
    third = client.get(_dash(a.pk)).context["board"]
    assert third.figures["person_times"] == first.figures["person_times"] + 5
    _served(world, a, 3, 7)
    rollups.rebuild()
    assert client.get(_dash(a.pk)).context["board"].figures["person_times"] == third.figures["person_times"] + 7
    # What is above the node is the viewer's own: community staff see nothing above theirs.
    assert third.ancestors == []


@pytest.mark.django_db
def test_the_figures_part_is_shared_and_the_way_up_is_the_viewers(world, client, settings):
    """The staff of a community and the subdistrict's officer open the same dashboard: the same
    figures' part (drawn once), each with their own path up the tree."""
    from django.urls import reverse

    settings.LINLI_INSIGHTS_VIEW_REFRESH_SECONDS = 60
    a = world.community_a
    _served(world, a, 1, 3)
    rollups.refresh()

    def page(user) -> str:
        client.force_login(user)
        return client.get(_dash(a.pk)).content.decode()

    staff, officer = page(world.staff("a")), page(world.user("officer"))
    up = reverse("insights:dashboard", kwargs={"insights_node_id": a.parent_id})
    assert up not in staff[: staff.index("<h1>")] and up in officer[: officer.index("<h1>")]
    shared = staff[staff.index("<h1>") : staff.index("</section>")]
    assert shared == officer[officer.index("<h1>") : officer.index("</section>")]
    assert ">3<" in shared or "3</a>" in shared
