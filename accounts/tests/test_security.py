"""Headers, API error shapes, health check and Django's deployment check."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from linli.testkit import make_id_number

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_pages_carry_the_security_headers(url):
    response = Client().get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_console_pages_carry_them_too(world, login):
    response = login(world.user("staff_a")).get("/console/residents/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_health_check_answers_ok():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


# --- API errors are JSON {code, message} ---------------------------------------------------


def test_an_anonymous_api_call_is_a_401_in_json():
    response = Client().get("/api/v1/orgs/communities")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated" and body["message"]


def test_another_communitys_object_is_a_404_in_json(world, login):
    response = login(world.user("staff_a")).get(f"/api/v1/orgs/communities/{world.community_b.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and response.json()["message"]


def test_a_malformed_body_is_a_422_naming_the_fields(world, login):
    client = login(world.user("staff_a"))
    response = client.post("/api/v1/residents/", {"community_id": "abc"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    fields = {d["field"] for d in body["details"]}
    assert {"community_id", "name", "id_number", "grid"} <= fields


def test_a_domain_error_is_a_422_with_its_code(world, login):
    client = login(world.user("staff_a"))
    bad = make_id_number(seq=555)[:-1] + ("0" if make_id_number(seq=555)[-1] != "0" else "1")
    response = client.post(
        "/api/v1/residents/",
        {"community_id": world.community_a.pk, "name": "赵六", "id_number": bad, "grid": "第一网格"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "bad_id_number"


def test_a_session_api_write_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("staff_a"), backend="accounts.backends.PhoneOrUsernameBackend")
    response = client.patch(
        f"/api/v1/residents/{world.residents['a1'].pk}", {"note": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    world.residents["a1"].refresh_from_db()
    assert world.residents["a1"].note == ""


# --- manage.py check --deploy --------------------------------------------------------------


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LINLI_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="linli.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="linli.example.cn",
        LINLI_SQLITE_PATH=str(tmp_path / "check.sqlite3"),
        LINLI_FIELD_KEYS=base64.b64encode(os.urandom(32)).decode(),
        LINLI_BLIND_INDEX_KEY=base64.b64encode(os.urandom(32)).decode(),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LINLI_", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="linli.settings", LINLI_SQLITE_PATH=str(tmp_path / "check.sqlite3"))
    # The way gunicorn loads the application (linli.wsgi). manage.py in an unconfigured checkout
    # deliberately runs as development instead (see docs/deployment.md).
    result = subprocess.run(
        [sys.executable, "-c", "import linli.wsgi"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
