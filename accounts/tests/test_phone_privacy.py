"""An account's mobile number is encrypted at rest and found by its blind index; a resident's
username is not their number; a number typed into the log-in form is nowhere in clear —
not in django-axes' tables, not in the audit log (PIPL art. 51, issue #12)."""

from __future__ import annotations

import io

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings

from accounts.backends import login_name_for_log
from accounts.models import User, user_phone_index
from accounts.selectors import user_by_phone, user_for_login_name
from accounts.services import user_create
from audit.models import Event, Kind
from linli import fieldcrypt
from linli.errors import Conflict, ValidationFailed
from linli.testkit import PASSWORD
from orgs.scope import Scope
from residents.services import resident_account_create

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RESIDENT_A = "13800000101"  # resident_a's number (linli/testkit.py)


def raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_the_account_number_is_ciphertext_in_the_column_and_its_history(world):
    user = world.user("resident_a")
    (stored, digest), = raw("SELECT phone, phone_hash FROM accounts_user WHERE id = %s", [user.pk])
    assert fieldcrypt.is_encrypted(stored) and RESIDENT_A not in stored and RESIDENT_A[-4:] not in stored
    assert digest == user_phone_index(RESIDENT_A) and RESIDENT_A not in digest
    assert User.objects.get(pk=user.pk).phone == RESIDENT_A
    history = raw("SELECT phone FROM accounts_historicaluser WHERE id = %s", [user.pk])
    assert history and all(fieldcrypt.is_encrypted(p) for (p,) in history)
    # No account table, history included, holds a number in clear anywhere.
    dump = repr(raw("SELECT * FROM accounts_user")) + repr(raw("SELECT * FROM accounts_historicaluser"))
    assert RESIDENT_A not in dump and "13900000201" not in dump
    # A query written for a clear column fails loudly instead of finding nothing.
    with pytest.raises(FieldError):
        list(User.objects.filter(phone=RESIDENT_A))


def test_lookups_go_through_the_blind_index(world):
    assert user_by_phone(RESIDENT_A) == world.user("resident_a")
    for typed in (RESIDENT_A, "+86 138 0000 0101", "138-0000-0101", "resident_a", "RESIDENT_A"):
        assert user_for_login_name(typed) == world.user("resident_a"), typed
    assert user_for_login_name("13800009999") is None


def test_one_account_per_mobile_number_is_still_enforced(world):
    with pytest.raises(Conflict):
        user_create(username="someone", password=PASSWORD, phone="+86 13800000101")
    # The database holds the rule too, on the blind index (two accounts without a number are fine).
    other = world.user("staff_a")
    other.phone = RESIDENT_A
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    assert User.objects.filter(phone_hash="").count() > 1


def test_changing_the_number_with_update_fields_moves_the_index(world):
    user = world.user("resident_a")
    user.phone = "13700007777"
    user.save(update_fields=["phone"])
    assert user_by_phone("13700007777") == user and user_by_phone(RESIDENT_A) is None


def test_a_residents_username_is_generated_and_they_log_in_with_their_number(world):
    a2 = world.residents["a2"]
    user = resident_account_create(actor=Scope(world.user("staff_a")), resident=a2, password="Li-jianguo-2026")
    assert user.username.startswith("r") and len(user.username) == 9
    assert a2.phone not in user.username and user.phone == a2.phone
    client = Client()
    assert client.post(LOGIN, {"username": a2.phone, "password": "Li-jianguo-2026"}).status_code == 302
    # Nobody can give an account a username that is a mobile number.
    with pytest.raises(ValidationFailed) as exc:
        user_create(username="13700001234", password=None)
    assert exc.value.code == "username_is_phone"
    with pytest.raises(ValidationFailed):
        user_create(username="v13700001234", password=None)


@override_settings(AXES_ENABLE_ACCESS_FAILURE_LOG=True)
def test_numbers_typed_at_the_log_in_form_are_never_stored_in_clear(world, settings):
    unknown, mistyped = "13911112222", "1391111222"
    # A successful log-in by number is logged (AccessLog) under the account's username.
    assert Client(REMOTE_ADDR="10.8.8.8").post(LOGIN, {"username": RESIDENT_A, "password": PASSWORD}).status_code == 302
    client = Client(REMOTE_ADDR="10.7.7.7")
    for typed in (RESIDENT_A, "+86 138 0000 0101", unknown, "139 1111 2222", mistyped):
        assert client.post(LOGIN, {"username": typed, "password": "wrong-password-1"}).status_code == 200

    names = {
        "attempts": set(AccessAttempt.objects.values_list("username", flat=True)),
        "failures": set(AccessFailureLog.objects.values_list("username", flat=True)),
        "log-ins": set(AccessLog.objects.values_list("username", flat=True)),
        "audit": set(Event.objects.filter(kind__in=[Kind.LOGIN, Kind.LOGIN_FAILED]).values_list("username", flat=True)),
    }
    unknown_token = "phone:" + user_phone_index(unknown)[:16]
    assert names["attempts"] == names["failures"] == {"resident_a", unknown_token, login_name_for_log(mistyped)}
    assert login_name_for_log(mistyped).startswith("name:")
    assert names["log-ins"] == {"resident_a"}
    assert names["audit"] == {"resident_a", unknown_token, login_name_for_log(mistyped)}
    # Nowhere else in those rows either: not in the form data axes keeps, not in any column.
    dump = repr(list(AccessAttempt.objects.values())) + repr(list(AccessFailureLog.objects.values()))
    dump += repr(list(AccessLog.objects.values())) + repr(list(Event.objects.values()))
    for number in (RESIDENT_A, unknown, mistyped, "138 0000 0101", "139 1111 2222"):
        assert number not in dump, number


def test_an_unknown_number_is_still_locked_out_under_its_hash(world, settings):
    client = Client(REMOTE_ADDR="10.9.9.9")
    for typed in ("13911112222", "+86 139 1111 2222", "139-1111-2222", "13911112222"):
        assert client.post(LOGIN, {"username": typed, "password": "wrong-password-1"}).status_code == 200
    assert client.post(LOGIN, {"username": "0086 13911112222", "password": "wrong-password-1"}).status_code == 429
    locked = Event.objects.get(kind=Kind.LOCKOUT)
    assert locked.username == "phone:" + user_phone_index("13911112222")[:16]


def test_rotation_and_reindexing_cover_the_accounts(world, settings):
    old_keys = list(settings.LINLI_FIELD_KEYS)
    new = fieldcrypt.new_key()
    settings.LINLI_FIELD_KEYS = [new, *old_keys]
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "accounts.User: 2 rows rewritten" in out.getvalue()  # resident_a, resident_b
    assert "accounts.HistoricalUser:" in out.getvalue()
    stored = [p for (p,) in raw("SELECT phone FROM accounts_user WHERE phone IS NOT NULL")]
    stored += [p for (p,) in raw("SELECT phone FROM accounts_historicaluser WHERE phone IS NOT NULL")]
    assert stored and all(fieldcrypt.written_with_current_key(p) for p in stored)
    settings.LINLI_FIELD_KEYS = [new]
    assert User.objects.get(pk=world.user("resident_a").pk).phone == RESIDENT_A

    settings.LINLI_BLIND_INDEX_KEY = fieldcrypt.new_key()
    assert Client().post(LOGIN, {"username": RESIDENT_A, "password": PASSWORD}).status_code == 200  # not found
    call_command("rotate_field_keys", "--reindex", stdout=io.StringIO())
    assert Client().post(LOGIN, {"username": RESIDENT_A, "password": PASSWORD}).status_code == 302


def test_the_admin_masks_the_number_and_finds_an_account_by_it(world, login):
    client = login(world.user("admin"))
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "138****0101" in listing and RESIDENT_A not in listing
    found = client.get("/admin/accounts/user/", {"q": "+86 138 0000 0101"}).content.decode()
    assert "resident_a" in found and "staff_a" not in found
    page = client.get(f"/admin/accounts/user/{world.user('resident_a').pk}/change/").content.decode()
    assert "138****0101" in page and RESIDENT_A not in page
