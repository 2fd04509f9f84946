"""The cross-community sweep of linli/tests/test_access_control.py, on this app's pages and API
operations only (so it runs in this app's suite, quickly, whatever other apps are doing)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from linli.tests.test_access_control import (
    LOGIN_PATH,
    api_schema,
    body_text,
    build_call,
    checkable_endpoints,
    client_for,
    judge_api,
    judge_page,
    operations,
    send,
)
from volunteers.tests import access_registry as mine

pytestmark = pytest.mark.django_db


def my_endpoints():
    return [e for e in checkable_endpoints() if e.owner == "volunteers"]


def my_operations():
    return [op for op in operations(api_schema()) if op.owner == "volunteers"]


def prime(world):
    for side in ("a", "b"):
        for make in mine.REGISTRY.values():
            make(world, side)
    return {**mine.markers(world), world.residents["b1"].name: "resident b1's name"}


def sweep(world, user, markers, community=None):
    problems, statuses = [], {}
    ids = {k: make(world, "b") for k, make in mine.REGISTRY.items()}
    query = urlencode({**ids, "community_id": world.community_b.pk})
    for endpoint in my_endpoints():
        url = endpoint.fill(world, "b")
        for method, send_ in (
            ("GET", lambda c, u=url: c.get(u)),
            ("GET?", lambda c, u=url: c.get(f"{u}?{query}")),
            ("POST", lambda c, u=url: c.post(u, ids)),
        ):
            response = send_(client_for(user, community=community))
            if method == "GET":
                statuses[endpoint.name] = response.status_code
            problem = judge_page(response, targets_other=bool(endpoint.kwargs), public=False, markers=markers)
            if problem:
                problems.append(f"{method} {url} [{endpoint.name}] as {user}: {problem}")
    return problems, statuses


def test_the_walk_finds_this_app_s_pages_and_operations():
    assert len(my_endpoints()) >= 40
    assert len(my_operations()) >= 40


@pytest.mark.parametrize("username", ["staff_a", "grid_a1", "resident_a", "volunteer_a"])
def test_no_page_gives_away_another_community(world, username):
    markers = prime(world)
    problems, _statuses = sweep(world, world.user(username), markers)
    assert not problems, "\n".join(problems)


def test_the_sweep_catches_a_leak_and_every_id_opens_a_real_page(world):
    markers = prime(world)
    problems, statuses = sweep(world, world.user("admin"), markers, community=world.community_b)
    assert any("[volunteers:task_detail]" in p for p in problems)
    for endpoint in my_endpoints():
        if endpoint.kwargs:
            assert statuses[endpoint.name] != 404, endpoint.label


@pytest.mark.parametrize("username", ["resident_a", "volunteer_a", "nobody"])
def test_people_without_a_staff_role_get_no_console_page(world, username):
    prime(world)
    for endpoint in my_endpoints():
        if not endpoint.route.startswith("console/"):
            continue
        url = endpoint.fill(world, "a")
        for method in ("get", "post"):
            response = getattr(client_for(world.user(username)), method)(url)
            assert response.status_code in (403, 404, 405), f"{method} {url} as {username}: {response.status_code}"


def test_anonymous_visitors_are_sent_to_log_in(world):
    prime(world)
    for endpoint in my_endpoints():
        response = client_for(None).get(endpoint.fill(world, "b"))
        assert response.status_code in (302, 405), endpoint.label
        if response.status_code == 302:
            assert response["Location"].startswith(LOGIN_PATH)


@pytest.mark.parametrize("username", ["staff_a", "resident_a", "volunteer_a", "partner_a"])
def test_no_api_operation_gives_away_another_community(world, username):
    markers = prime(world)
    schema = api_schema()
    problems = []
    for op in my_operations():
        call = build_call(schema, op, world, "b")
        response = send(client_for(world.user(username)), op, call)
        problem = judge_api(response, targets_other=call.targets_other, public=False, markers=markers)
        if problem:
            problems.append(f"{op.label} → {call.url} {call.body or ''} as {username}: {problem}")
    assert not problems, "\n".join(problems)


def test_the_api_refuses_anonymous_callers(world):
    prime(world)
    schema = api_schema()
    for op in my_operations():
        response = send(client_for(None), op, build_call(schema, op, world, "b"))
        assert response.status_code == 401, op.label


def test_a_volunteer_s_phone_pages_show_only_their_communities(world, login):
    markers = prime(world)
    client = login(world.user("resident_a"))
    for url in ("/me/volunteers/", "/me/volunteers/tasks/", "/me/volunteers/points/", "/me/volunteers/rewards/",
                "/me/volunteers/organise/"):
        text = body_text(client.get(url))
        assert not [m for m in markers if m in text], url
