"""A second factor for administrators and everyone who approves or pays money; re-authentication
before the most sensitive acts."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa, reauth
from linli.errors import Forbidden, ValidationFailed
from linli.testkit import PASSWORD
from orgs.roles import Role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():0{device.digits}d}"


def log_in(username: str) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_who_needs_a_second_factor(world):
    assert {Role.CHARITY_OFFICER, Role.FUND_COMMITTEE, Role.PARTY_SECRETARY, Role.COMMUNITY_STAFF} <= set(
        mfa.SECOND_FACTOR_ROLES
    )
    assert Role.SUBDISTRICT_OFFICER in mfa.SECOND_FACTOR_ROLES  # approves enterprise spending
    assert Role.RESIDENT not in mfa.SECOND_FACTOR_ROLES and Role.AUDITOR not in mfa.SECOND_FACTOR_ROLES
    assert mfa.requires_second_factor(world.user("charity_a"))
    assert mfa.requires_second_factor(world.user("admin"))
    assert not mfa.requires_second_factor(world.user("resident_a"))
    assert not mfa.requires_second_factor(world.user("auditor_a"))


@override_settings(LINLI_MFA_REQUIRED=True)
def test_a_charity_officer_enrols_then_is_let_in(world):
    client = log_in("charity_a")
    blocked = client.get("/console/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/2fa/")
    api = client.get("/api/v1/orgs/communities")
    assert api.status_code == 401 and api.json()["code"] == "second_factor_required"

    page = client.get(blocked["Location"])
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=world.user("charity_a"))
    assert not device.confirmed
    wrong = client.post("/accounts/2fa/", {"code": "000000", "next": "/console/"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # the 1 s back-off
    device.refresh_from_db()
    right = client.post("/accounts/2fa/", {"code": code_for(device), "next": "/console/"})
    assert right.status_code == 302 and right["Location"] == "/console/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/console/").status_code == 200


@override_settings(LINLI_MFA_REQUIRED=True)
def test_the_next_log_in_asks_for_a_code_not_a_new_enrolment(world):
    user = world.user("staff_a")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = log_in("staff_a")
    page = client.get("/accounts/2fa/?next=/console/")
    assert "data:image/svg+xml" not in page.content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.post("/accounts/2fa/", {"code": code_for(device), "next": "/console/"}).status_code == 302
    assert client.get("/console/").status_code == 200


@override_settings(LINLI_MFA_REQUIRED=True)
def test_users_who_move_no_money_are_not_asked(world):
    assert log_in("resident_a").get("/me/").status_code == 200
    assert log_in("auditor_a").get("/console/").status_code == 200


@override_settings(LINLI_MFA_REQUIRED=True)
def test_an_outside_next_is_ignored(world):
    user = world.user("staff_a")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = log_in("staff_a")
    response = client.post("/accounts/2fa/", {"code": code_for(device), "next": "https://evil.example.com/"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil")


def _request(world, username):
    request = RequestFactory().post("/")
    request.user = world.user(username)
    request.session = {SESSION_KEY: str(request.user.pk)}
    return request


def test_reauth_needs_the_password_and_then_holds_for_a_while(world, settings):
    request = _request(world, "staff_a")
    with pytest.raises(Forbidden):
        reauth.require_recent(request)
    with pytest.raises(ValidationFailed):
        reauth.require_recent(request, password="not-it")
    assert not reauth.is_recent(request)
    reauth.require_recent(request, password=PASSWORD)
    assert reauth.is_recent(request)
    reauth.require_recent(request)  # within the window: no password needed
    request.session[reauth.REAUTH_AT] -= settings.LINLI_REAUTH_SECONDS + 1
    with pytest.raises(Forbidden):
        reauth.require_recent(request)


def test_reauth_asks_for_the_code_too_when_the_user_has_a_device(world):
    device = TOTPDevice.objects.create(user=world.user("staff_a"), name="phone", confirmed=True)
    request = _request(world, "staff_a")
    with pytest.raises(ValidationFailed):
        reauth.require_recent(request, password=PASSWORD)
    assert not reauth.is_recent(request)
    reauth.require_recent(request, password=PASSWORD, code=code_for(device))
    assert reauth.is_recent(request)


def test_the_enrolment_page_shows_the_key_for_manual_entry(world):
    client = Client()
    client.force_login(world.user("charity_a"), backend="accounts.backends.PhoneOrUsernameBackend")
    body = client.get("/accounts/2fa/").content.decode()
    key = re.search(r"<code>([A-Z2-7=]+)</code>", body)
    assert key and len(key.group(1)) >= 32


@override_settings(LINLI_MFA_REQUIRED=True, LINLI_MFA_RECHECK_SECONDS=60)
def test_a_user_without_money_roles_is_not_asked_the_database_on_every_request(world):
    from orgs.services import role_grant

    client = log_in("resident_a")
    assert client.get("/me/").status_code == 200  # checked once: remembered in the session
    free_at = client.session[mfa._FREE_AT]
    assert isinstance(free_at, int)
    # A money role granted meanwhile applies when the interval has passed, not before.
    role_grant(user=world.user("resident_a"), node=world.community_a, role=Role.CHARITY_OFFICER)
    assert client.get("/me/").status_code == 200
    session = client.session
    session[mfa._FREE_AT] = free_at - 61
    session.save()
    assert client.get("/me/").status_code == 302  # now sent to enrol a second factor
    assert client.get("/api/v1/catalog/orders").status_code == 401


@override_settings(LINLI_MFA_REQUIRED=True, LINLI_MFA_RECHECK_SECONDS=60)
def test_needing_a_second_factor_is_never_remembered(world):
    client = log_in("charity_a")
    assert client.get("/console/").status_code == 302
    assert mfa._FREE_AT not in client.session
    assert client.get("/console/").status_code == 302
