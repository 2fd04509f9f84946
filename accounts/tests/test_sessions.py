"""Sessions end: 12 hours after log-in however active, and at once when the account is disabled
or its password changes (等保 session management)."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.test import Client

from accounts.middleware import AUTH_AT
from linli.testkit import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def logged_in_client(username: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_session_ends_twelve_hours_after_log_in_however_active(world):
    assert settings.LINLI_SESSION_MAX_AGE == 12 * 60 * 60
    client = logged_in_client("staff_a")
    assert client.get("/console/").status_code == 200
    session = client.session
    assert abs(session[AUTH_AT] - time.time()) < 60
    session[AUTH_AT] = int(time.time()) - 12 * 60 * 60 + 60  # eleven hours 59 minutes ago
    session.save()
    assert client.get("/console/").status_code == 200
    session = client.session
    session[AUTH_AT] = int(time.time()) - 12 * 60 * 60 - 1
    session.save()
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not get_user(client).is_authenticated


def test_an_expired_session_is_refused_by_the_api_in_json(world):
    client = logged_in_client("staff_a")
    session = client.session
    session[AUTH_AT] = int(time.time()) - 13 * 60 * 60
    session.save()
    response = client.get("/api/v1/orgs/communities")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def test_disabling_an_account_ends_its_sessions_and_tokens(world):
    from accounts.services import api_token_create

    user = world.user("staff_a")
    client = logged_in_client("staff_a")
    _token, raw = api_token_create(user=user, name="script")
    assert Client().get("/api/v1/orgs/communities", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/console/").status_code == 302
    assert not get_user(client).is_authenticated
    assert Client().get("/api/v1/orgs/communities", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_changing_the_password_ends_the_other_sessions(world):
    user = world.user("staff_a")
    phone, desk = logged_in_client("staff_a"), logged_in_client("staff_a")
    user.set_password("Another-pass-2026")
    user.save()
    for client in (phone, desk):
        assert client.get("/console/").status_code == 302
        assert not get_user(client).is_authenticated
    assert Client().post(LOGIN, {"username": "staff_a", "password": "Another-pass-2026"}).status_code == 302
