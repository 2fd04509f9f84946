"""Nothing shown to a logged-in user is kept by a browser or proxy cache (PIPL; WeChat's browser
and shared family phones)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_and_api_answers_behind_a_login_are_not_stored(world, login):
    staff = login(world.user("staff_a"))
    for url in ("/console/", "/console/residents/", f"/api/v1/residents/?community_id={world.community_a.pk}"):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
    resident = Client()
    resident.force_login(world.user("resident_a"), backend="accounts.backends.PhoneOrUsernameBackend")
    me = resident.get("/me/")
    assert me.status_code == 200 and "no-store" in me["Cache-Control"]


def test_public_pages_stay_cacheable():
    response = Client().get("/c/fund/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
