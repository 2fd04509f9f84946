"""Suite-wide test set-up."""

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    # Tests marked ``postgres`` prove database guarantees (exclusion constraints, row locks,
    # triggers under concurrency) on the real thing. On an SQLite run they are deselected, not
    # skipped: `make test` runs the same suite again on PostgreSQL, where they run.
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: on SQLite a rolled-back test's ids are used again,
    and a cached value keyed by one (a community's price rules) must not leak into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _uses_db(request) -> bool:
    return bool(request.node.get_closest_marker("django_db")) or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _ledger_triggers(request):
    """The ledger's append-only triggers in place for every test on SQLite — and out of the way
    of the flush that ends a transactional test (the browser journeys): Django's flush DELETEs
    every row, which the triggers refuse once a journey has posted money. They are taken out at
    the end of such a test and put back at the start of the next test that uses the database
    (inside its transaction when it has one, so each test sees them; ledger/tests prove them)."""
    if connection.vendor != "sqlite" or not _uses_db(request):
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = bool({"transactional_db", "live_server"} & set(request.fixturenames)) or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from ledger import triggers

    if triggers.missing_triggers(connection):
        triggers.install(connection)
    yield
    if transactional:
        triggers.uninstall(connection)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def world(db):
    from linli.testkit import build_world

    return build_world()


@pytest.fixture
def login(client):
    """login(user) → the test client, logged in as that user."""

    def _login(user):
        client.force_login(user, backend="accounts.backends.PhoneOrUsernameBackend")
        return client

    return _login
