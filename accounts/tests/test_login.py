"""Logging in through the real form: by username or mobile number, lockout, CSRF, landing page."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from linli.testkit import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def post_login(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in_as(client: Client):
    return client.get("/accounts/tokens/").wsgi_request.user


def test_log_in_with_the_username(world):
    client = Client()
    response = post_login(client, "staff_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/accounts/home/"
    assert logged_in_as(client) == world.user("staff_a")


@pytest.mark.parametrize("typed", ["13800000101", "+86 138 0000 0101", "138-0000-0101", "0086 13800000101"])
def test_log_in_with_the_mobile_number(world, typed):
    client = Client()
    response = post_login(client, typed, PASSWORD)
    assert response.status_code == 302
    assert logged_in_as(client) == world.user("resident_a")


def test_the_username_is_not_case_sensitive(world):
    client = Client()
    assert post_login(client, "Staff_A", PASSWORD).status_code == 302
    assert logged_in_as(client) == world.user("staff_a")


def test_a_wrong_password_says_so_and_warns_about_the_lockout(world):
    client = Client()
    response = post_login(client, "staff_a", "wrong-password-1")
    assert response.status_code == 200
    assert "用户名/手机号或密码错误" in response.content.decode()
    assert not logged_in_as(client).is_authenticated
    english = post_login(Client(), "staff_a", "wrong-password-1", HTTP_ACCEPT_LANGUAGE="en")
    assert "The username/mobile number or password is wrong" in english.content.decode()
    assert "after 5 failures the account is locked" in english.content.decode()


def test_an_unknown_user_gets_the_same_message(world):
    response = post_login(Client(), "no-such-person", PASSWORD)
    assert response.status_code == 200
    assert "用户名/手机号或密码错误" in response.content.decode()


def test_a_disabled_account_cannot_log_in(world):
    user = world.user("staff_a")
    user.is_active = False
    user.save()
    client = Client()
    assert post_login(client, "staff_a", PASSWORD).status_code == 200
    assert not logged_in_as(client).is_authenticated


def test_five_failures_lock_the_account_even_for_the_right_password(world):
    client = Client()
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert post_login(client, "staff_a", "wrong-password-1").status_code == 200
    locked = post_login(client, "staff_a", "wrong-password-1")
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert "账户已锁定" in locked.content.decode()

    right = post_login(client, "staff_a", PASSWORD)
    assert right.status_code == 429
    assert not logged_in_as(client).is_authenticated
    # Another account from the same address is not affected.
    assert post_login(Client(), "staff_b", PASSWORD).status_code == 302


def test_the_lockout_counts_the_account_however_its_name_is_typed(world):
    """Case variants of the username and the account's mobile number are one account: without
    this, an attacker would get five fresh tries for every spelling."""
    client = Client()
    for typed in ("resident_a", "RESIDENT_A", "Resident_A", "13800000101", "+86 13800000101"):
        post_login(client, typed, "wrong-password-1")
    for typed in ("resident_a", "13800000101", "RESIDENT_a"):
        assert post_login(client, typed, PASSWORD).status_code == 429, typed
    assert not logged_in_as(client).is_authenticated


def test_the_lockout_ends_after_the_cool_off(world):
    client = Client()
    for _ in range(5):
        post_login(client, "staff_a", "wrong-password-1")
    assert post_login(client, "staff_a", PASSWORD).status_code == 429
    assert settings.LINLI_LOCKOUT_MINUTES == 15
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=14))
    assert post_login(client, "staff_a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert post_login(client, "staff_a", PASSWORD).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(world):
    """Failures count per account and address: someone guessing from another address locks
    only themselves, so nobody can keep an account locked for its owner."""
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(10):
        post_login(attacker, "staff_a", "wrong-password-1")
    assert post_login(attacker, "staff_a", PASSWORD).status_code == 429
    assert post_login(Client(REMOTE_ADDR="198.51.100.7"), "staff_a", PASSWORD).status_code == 302


def test_a_successful_log_in_resets_the_failure_count(world):
    client = Client()
    for _ in range(4):
        post_login(client, "staff_a", "wrong-password-1")
    assert post_login(client, "staff_a", PASSWORD).status_code == 302
    other = Client()
    for _ in range(4):
        assert post_login(other, "staff_a", "wrong-password-1").status_code == 200


def test_the_login_form_needs_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    refused = post_login(client, "staff_a", PASSWORD)
    assert refused.status_code == 403
    assert not logged_in_as(client).is_authenticated

    page = client.get(LOGIN)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = client.post(LOGIN, {"username": "staff_a", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert logged_in_as(client) == world.user("staff_a")


def test_logging_out_needs_a_post_and_ends_the_session(world, login):
    client = login(world.user("staff_a"))
    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_as(client).is_authenticated
    assert client.post("/accounts/logout/").status_code == 302
    assert not logged_in_as(client).is_authenticated


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("staff_a", "/console/"),
        ("grid_a1", "/console/"),
        ("partner_a", "/console/"),
        ("officer", "/console/"),
        ("admin", "/console/"),
        ("resident_a", "/me/"),
        ("nobody", "/"),
        # A volunteer without a resident record has no /me/ page yet: the public home, not a 404.
        ("volunteer_a", "/"),
    ],
)
def test_each_role_lands_on_its_home(world, username, landing):
    client = Client()
    response = post_login(client, username, PASSWORD, follow=True)
    assert response.redirect_chain[0] == ("/accounts/home/", 302)
    assert response.redirect_chain[-1] == (landing, 302)
    assert response.status_code == 200


def test_the_login_page_sends_a_logged_in_user_home(world, login):
    client = login(world.user("resident_a"))
    assert client.get(LOGIN)["Location"] == "/accounts/home/"


def test_the_next_parameter_is_followed_only_within_the_site(world):
    response = Client().post(LOGIN + "?next=/console/residents/", {"username": "staff_a", "password": PASSWORD, "next": "/console/residents/"})
    assert response["Location"] == "/console/residents/"
    evil = Client().post(LOGIN, {"username": "staff_a", "password": PASSWORD, "next": "https://evil.example.com/"})
    assert evil["Location"] == "/accounts/home/"


# --- Sessions ---------------------------------------------------------------------------------


@override_settings(LINLI_SESSION_TOUCH_SECONDS=60)
def test_sessions_expire_after_30_idle_minutes_and_use_renews_them(world, login):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = login(world.user("staff_a"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    # Pretend the last request was 20 minutes ago: a new request moves the end 30 minutes out.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timezone.timedelta(minutes=10))
    assert client.get("/console/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timezone.timedelta(minutes=29)

    # Within the minute the session is not written again (one write per minute at most).
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timezone.timedelta(minutes=10))
    assert client.get("/console/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + timezone.timedelta(minutes=11)
    # A minute later, use renews it again.
    session = client.session
    session["linli_touched_at"] -= 61
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timezone.timedelta(minutes=10))
    assert client.get("/console/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timezone.timedelta(minutes=29)

    # After 30 idle minutes the session is gone: the next page asks to log in again.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_session_cookie_is_http_only(world):
    client = Client()
    response = post_login(client, "staff_a", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(world):
    client = Client()
    for i in range(5):
        post_login(client, "staff_a", "wrong-password-1", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert post_login(client, "staff_a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
