import re

import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from linli.errors import NotFound

pytestmark = pytest.mark.django_db

COMMUNITIES = "/api/v1/orgs/communities"


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def create_through_the_page(client: Client, name: str = "小程序") -> str:
    page = client.post("/accounts/tokens/", {"name": name})
    assert page.status_code == 200
    match = re.search(r"ll_[A-Za-z0-9_\-]{20,}", page.content.decode())
    assert match, "the new token is shown once on the page"
    return match.group(0)


def test_a_token_made_on_the_page_works_as_a_bearer_token_until_revoked(world, login):
    client = login(world.user("staff_a"))
    raw = create_through_the_page(client)
    token = ApiToken.objects.get(user=world.user("staff_a"))
    assert token.name == "小程序" and token.prefix == raw[:8]
    assert raw not in token.digest  # only the hash is stored

    # The page does not show the token a second time.
    assert raw not in client.get("/accounts/tokens/").content.decode()

    api = Client()
    response = api.get(COMMUNITIES, headers=bearer(raw))
    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["康平社区"]
    token.refresh_from_db()
    assert token.last_used_at is not None

    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    refused = api.get(COMMUNITIES, headers=bearer(raw))
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthenticated"


def test_a_token_needs_a_name(world, login):
    client = login(world.user("staff_a"))
    response = client.post("/accounts/tokens/", {"name": "  "})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_nobody_can_revoke_someone_elses_token(world, login):
    token, raw = api_token_create(user=world.user("staff_b"), name="B system")
    client = login(world.user("staff_a"))
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert api_token_authenticate(raw) == world.user("staff_b")
    with pytest.raises(NotFound):
        api_token_revoke(user=world.user("staff_a"), token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_is_harmless(world):
    token, raw = api_token_create(user=world.user("staff_a"), name="x")
    api_token_revoke(user=world.user("staff_a"), token_id=token.pk)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    api_token_revoke(user=world.user("staff_a"), token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert api_token_authenticate(raw) is None


def test_the_token_list_shows_only_my_tokens(world, login):
    api_token_create(user=world.user("staff_b"), name="B-side system")
    api_token_create(user=world.user("staff_a"), name="A-side system")
    page = login(world.user("staff_a")).get("/accounts/tokens/").content.decode()
    assert "A-side system" in page and "B-side system" not in page


def test_a_token_of_a_disabled_user_stops_working(world):
    _token, raw = api_token_create(user=world.user("staff_a"), name="x")
    user = world.user("staff_a")
    user.is_active = False
    user.save()
    assert Client().get(COMMUNITIES, headers=bearer(raw)).status_code == 401


def test_a_made_up_token_is_refused(world):
    response = Client().get(COMMUNITIES, headers=bearer("ll_not-a-real-token-at-all-000000000"))
    assert response.status_code == 401


def test_a_very_long_token_name_is_cut_to_fit(world, login):
    client = login(world.user("staff_a"))
    create_through_the_page(client, name="系" * 300)
    assert ApiToken.objects.get().name == "系" * 100


def test_a_token_client_may_post_without_a_csrf_token_but_a_session_may_not(world):
    from django.test import Client

    from accounts.services import api_token_create

    _token, raw = api_token_create(user=world.user("staff_a"), name="script")
    script = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    created = script.post(
        f"/api/v1/residents/{world.residents['a1'].pk}/reveal",
        {"field": "phone", "reason": "回访", "password": "linli-test-2026"},
        content_type="application/json",
    )
    assert created.status_code == 200 and created.json()["value"] == world.residents["a1"].phone
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.user("staff_a"), backend="accounts.backends.PhoneOrUsernameBackend")
    refused = browser.post(
        f"/api/v1/residents/{world.residents['a1'].pk}/reveal",
        {"field": "phone", "reason": "回访", "password": "linli-test-2026"},
        content_type="application/json",
    )
    assert refused.status_code == 403
