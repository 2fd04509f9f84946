"""Migration 0004 encrypts the account numbers a database already holds, gives accounts named
after a number a generated username (history and django-axes' tables follow), and its reverse
gives the numbers back in clear."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from linli import fieldcrypt
from linli.testkit import PASSWORD, build_world

BEFORE = [("accounts", "0002_user_history")]
GENERATED = re.compile(r"^[a-z][abcdefghjkmnpqrstuvwxyz23456789]{8}$")


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "accounts"]


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _insert_account(username: str, phone: str | None) -> int:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, phone, display_name) VALUES (%s, %s, %s, '', '', '', %s, %s, %s, %s, %s)",
            [make_password(PASSWORD), False, username, False, True, now, phone, "旧账户"],
        )
    (pk,) = _rows("SELECT id FROM accounts_user WHERE username = %s", [username])[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_historicaluser (id, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, phone, display_name, history_date, history_type) "
            "VALUES (%s, %s, %s, '', '', '', %s, %s, %s, %s, %s, %s, '+')",
            [pk, False, username, False, True, now, phone, "旧账户", now],
        )
    return pk


# serialized_rollback: the flush after a transactional test would also remove rows that data
# migrations created (the default vulnerable-group tags), which later tests use.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_numbers_are_encrypted_and_number_usernames_replaced():
    from accounts.models import User, user_phone_index

    build_world()
    latest = _latest()
    try:
        _migrate(BEFORE)  # back to the clear column: the reverse decrypts
        assert ("resident_a", "13800000101") in _rows("SELECT username, phone FROM accounts_user")

        # What a database made before this change holds: residents' accounts named after their
        # number, a volunteer's "v" + number, an old account with the number only as its name,
        # and django-axes' rows under those names.
        resident = _insert_account("13700000001", "13700000001")
        volunteer = _insert_account("v13700000002", "13700000002")
        old = _insert_account("13700000003", None)
        now = timezone.now()
        attempt = {"user_agent": "ua", "ip_address": "10.0.0.1", "http_accept": "*/*", "path_info": "/accounts/login/"}
        AccessAttempt.objects.create(username="13700000001", attempt_time=now, failures_since_start=2, **attempt)
        AccessAttempt.objects.create(username="13711112222", attempt_time=now, failures_since_start=1, **attempt)
        AccessLog.objects.create(username="13700000001", attempt_time=now, **attempt)

        _migrate(latest)  # forward: encrypted, renamed
        accounts = {pk: (username, phone) for pk, username, phone in _rows("SELECT id, username, phone FROM accounts_user")}
        history = _rows("SELECT id, username, phone FROM accounts_historicaluser")
        everything = repr(_rows("SELECT * FROM accounts_user")) + repr(_rows("SELECT * FROM accounts_historicaluser"))
        for number in ("13700000001", "13700000002", "13700000003", "13800000101"):
            assert number not in everything, number
        assert all(fieldcrypt.is_encrypted(phone) for _u, phone in accounts.values() if phone is not None)
        assert all(fieldcrypt.is_encrypted(phone) for _pk, _u, phone in history if phone is not None)

        new = {pk: User.objects.get(pk=pk) for pk in (resident, volunteer, old)}
        assert new[resident].username[0] == "r" and GENERATED.match(new[resident].username)
        assert new[volunteer].username[0] == "v" and GENERATED.match(new[volunteer].username)
        assert new[old].username[0] == "r" and GENERATED.match(new[old].username)
        assert (new[resident].phone, new[volunteer].phone) == ("13700000001", "13700000002")
        assert new[old].phone == "13700000003"  # its number moved from the name to the encrypted column
        assert new[resident].phone_hash == user_phone_index("13700000001")
        assert User.objects.get(username="resident_a").phone == "13800000101"  # staff-made names stay
        assert {u for pk, u, _p in history if pk == resident} == {new[resident].username}

        assert set(AccessAttempt.objects.values_list("username", flat=True)) == {
            new[resident].username,
            "phone:" + user_phone_index("13711112222")[:16],
        }
        assert list(AccessLog.objects.values_list("username", flat=True)) == [new[resident].username]

        # Everyone still logs in by typing their number.
        for number in ("13700000001", "13700000002", "13700000003"):
            response = Client(REMOTE_ADDR="10.3.3.3").post("/accounts/login/", {"username": number, "password": PASSWORD})
            assert response.status_code == 302, number

        _migrate(BEFORE)  # and back: the numbers are clear again, the generated names stay
        assert (new[resident].username, "13700000001") in _rows("SELECT username, phone FROM accounts_user")
    finally:
        _migrate(latest)
    assert User.objects.get(pk=resident).phone == "13700000001"
