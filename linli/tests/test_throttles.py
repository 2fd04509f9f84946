"""Rate limits: the API per address (anonymous) and per account, and open forms per address.
Each refusal is a 429 with a Chinese message, and one client's limit is not another's."""

import pytest
from django.test import Client, override_settings
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

PUBLIC = "/api/v1/fund/public/funds"


@override_settings(LINLI_API_ANON_RATE="3/m")
def test_anonymous_api_calls_are_limited_per_address():
    here, elsewhere = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    assert [here.get(PUBLIC).status_code for _ in range(3)] == [200, 200, 200]
    refused = here.get(PUBLIC)
    assert refused.status_code == 429 and refused["Retry-After"]
    body = refused.json()
    assert body["code"] == "too_many_requests"
    assert body["message"] == gettext("Too many requests. Please wait a moment and try again.")
    assert elsewhere.get(PUBLIC).status_code == 200  # another address keeps its own allowance


@override_settings(LINLI_API_USER_RATE="2/m", LINLI_API_ANON_RATE="")
def test_api_calls_are_limited_per_account_not_per_address(world, login):
    client = login(world.user("staff_a"))
    assert [client.get("/api/v1/catalog/orders").status_code for _ in range(2)] == [200, 200]
    assert client.get("/api/v1/catalog/orders").status_code == 429
    other = Client()
    other.force_login(world.user("staff_b"), backend="accounts.backends.PhoneOrUsernameBackend")
    assert other.get("/api/v1/catalog/orders").status_code == 200  # same address, another account


@override_settings(LINLI_API_ANON_RATE="", LINLI_API_USER_RATE="")
def test_no_rate_means_no_limit():
    client = Client()
    assert {client.get(PUBLIC).status_code for _ in range(30)} == {200}
