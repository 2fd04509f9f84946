"""The database goes away and comes back: 503 pages, no stack trace, recovery without a restart.

On PostgreSQL the test really loses the database: the connection is closed and pointed at a port
where nothing listens, so the next request's connect fails inside psycopg, exactly as when the
server is down. Then the settings are put back, and the very next request succeeds with no
restart of anything. (On SQLite the test database lives in memory and cannot be taken away, so
the real outage is a PostgreSQL test; the rendering tests run on both.)
"""

from __future__ import annotations

import socket
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections
from django.test import Client, RequestFactory
from django.utils import translation

from accounts.services import api_token_create
from ops.middleware import RETRY_AFTER_SECONDS, DatabaseUnavailableMiddleware, server_error


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free, and closed again once we return


@contextmanager
def database_down():
    conn = connections["default"]
    saved = dict(conn.settings_dict)
    conn.close()
    conn.settings_dict["HOST"] = "127.0.0.1"
    conn.settings_dict["PORT"] = str(_closed_port())
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict.clear()
        conn.settings_dict.update(saved)


def _assert_no_trace(body: str) -> None:
    for leak in ("Traceback", "OperationalError", "psycopg", "connection to server", "127.0.0.1"):
        assert leak not in body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_down_gives_503_pages_and_api_json_then_recovers(world):
    staff = world.staff("a")
    _token, raw = api_token_create(user=staff, name="ops test")
    browser = Client(raise_request_exception=False)
    browser.force_login(staff, backend="accounts.backends.PhoneOrUsernameBackend")
    api = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
    assert browser.get("/console/").status_code == 200
    assert api.get("/api/v1/orgs/communities").status_code == 200

    with database_down():
        # The page: the session lookup fails before any view runs (handler500 path).
        page = browser.get("/console/")
        assert page.status_code == 503
        assert page["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert page["Cache-Control"] == "no-store"
        html = page.content.decode()
        _assert_no_trace(html)
        with translation.override("zh-hans"):
            assert translation.gettext("Service briefly unavailable") in html
        # The API: the token lookup fails inside the operation (middleware path), JSON answer.
        answer = api.get("/api/v1/orgs/communities")
        assert answer.status_code == 503
        assert answer["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert answer.json()["code"] == "unavailable"
        assert set(answer.json()) == {"code", "message"}
        _assert_no_trace(answer.content.decode())

    # Back: the next requests succeed, nothing restarted, the session survived.
    assert browser.get("/console/").status_code == 200
    assert api.get("/api/v1/orgs/communities").status_code == 200


def test_middleware_only_answers_for_database_errors(rf: RequestFactory):
    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(rf.get("/console/"), ValueError("bug")) is None
    response = middleware.process_exception(rf.get("/api/v1/x"), OperationalError("server closed the connection"))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"


def test_handler500_keeps_the_500_page_for_other_errors(rf: RequestFactory):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/console/"))
    assert response.status_code == 500
    try:
        try:
            raise OperationalError("could not connect to server")
        except OperationalError as exc:
            raise RuntimeError("wrapped") from exc
    except RuntimeError:
        response = server_error(rf.get("/console/"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    _assert_no_trace(response.content.decode())


def _wsgi_get(path: str, headers: dict) -> int:
    """One request through Django's real WSGI handler (the test client skips the connection
    housekeeping Django does at the start of each request, which is what is under test)."""
    from django.core.handlers.wsgi import WSGIHandler

    environ = RequestFactory().get(path, headers=headers).environ
    status: list[str] = []
    body = WSGIHandler()(environ, lambda s, h, exc_info=None: status.append(s))
    b"".join(body)
    getattr(body, "close", lambda: None)()
    return int(status[0].split()[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_the_server_dropped_is_replaced_before_the_next_request(world):
    """PostgreSQL restarts (or a proxy drops idle connections) while the app keeps a persistent
    connection (CONN_MAX_AGE): with CONN_HEALTH_CHECKS the next request notices and reconnects
    instead of failing."""
    from ops.instances import _admin_connect

    conn = connections["default"]
    saved = (conn.settings_dict["CONN_MAX_AGE"], conn.settings_dict["CONN_HEALTH_CHECKS"])
    conn.settings_dict["CONN_MAX_AGE"], conn.settings_dict["CONN_HEALTH_CHECKS"] = 60, True
    conn.close()  # the next connection is opened with these settings: kept for 60 s, checked
    try:
        _token, raw = api_token_create(user=world.staff("a"), name="ops test")
        headers = {"Authorization": f"Bearer {raw}"}
        assert _wsgi_get("/api/v1/orgs/communities", headers) == 200
        assert conn.connection is not None  # kept after the request
        pid = conn.connection.info.backend_pid
        with _admin_connect(conn.settings_dict) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert _wsgi_get("/api/v1/orgs/communities", headers) == 200
        assert conn.connection.info.backend_pid != pid
    finally:
        conn.close()
        conn.settings_dict["CONN_MAX_AGE"], conn.settings_dict["CONN_HEALTH_CHECKS"] = saved
