"""Encrypt the login accounts' mobile numbers and fill their blind index; give every account
whose username is (or holds) a mobile number a generated one; and take the numbers out of the
account history and of django-axes' tables, which recorded log-ins under those usernames.

Raw SQL for the accounts tables, not the models: the column is declared encrypted from 0003 on,
so the ORM would try to decrypt the plaintext still in it. Values already encrypted are
decrypted first and written again, so running this twice is harmless.

Usernames: ``13800000101`` (what resident accounts were given) becomes ``r`` and 8 random
characters, ``v13800000101`` (volunteers registered by staff) ``v`` and 8, any other name with a
number in it ``u`` and 8. Nobody needs to learn the new name: a resident types their mobile
number to log in, and it is looked up by its blind index. An account that had the number only
as its username gets it as its mobile number too (unless another account holds that number),
so typing it keeps working.

The reverse decrypts the numbers (so 0003's reverse can make the column clear again); the
generated usernames stay, since logging in by the number works either way.

Audit events (audit app) written before this migration keep the usernames they were written
with: that table is append-only by design, enforced by database triggers; they age out with
the audit retention period.
"""

import re
import secrets

from django.db import migrations

from linli import fieldcrypt
from linli.encrypted_fields import index_value

PHONE = "accounts.user.phone"
LOGIN_NAME = "accounts.login.name"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOKEN = 16


def _plain(value):
    if not value:
        return None
    return fieldcrypt.decrypt(value, purpose=PHONE) if fieldcrypt.is_encrypted(value) else value.strip() or None


def _sealed(phone):
    if not phone:
        return None, ""
    return fieldcrypt.encrypt(phone, purpose=PHONE), index_value(phone, purpose=PHONE)


def _generate(prefix, taken):
    while True:
        name = prefix + "".join(secrets.choice(ALPHABET) for _ in range(8))
        if name not in taken:
            taken.add(name)
            return name


def _prefix(username):
    found = MOBILE.search(username)
    before, after = username[: found.start()], username[found.end() :]
    if not before and not after:
        return "r"
    if before.isalpha() and before.isascii() and len(before) <= 3 and not after:
        return before.lower()
    return "u"


def _token(name, by_phone):
    """What accounts.backends.login_name_for_log would keep for a typed name holding a number."""
    if MOBILE.fullmatch(name):
        if name in by_phone:
            return by_phone[name]
        return "phone:" + index_value(name, purpose=PHONE)[:TOKEN]
    return "name:" + fieldcrypt.blind_index(name.lower(), purpose=LOGIN_NAME)[:TOKEN]


def forwards(apps, schema_editor):
    q = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, username, phone FROM accounts_user ORDER BY id")
        users = [(pk, username, _plain(phone)) for pk, username, phone in cursor.fetchall()]
        taken = {username.lower() for _pk, username, _p in users}
        phones_in_use = {phone for _pk, _u, phone in users if phone}
        renamed = {}  # old username, lower case -> new
        current = {}  # id -> username after this migration
        updates = []
        for pk, username, phone in users:
            new = username
            if MOBILE.search(username):
                new = _generate(_prefix(username), taken)
                renamed[username.lower()] = new
                number = MOBILE.search(username).group()
                if not phone and MOBILE.fullmatch(username) and number not in phones_in_use:
                    phone = number
                    phones_in_use.add(number)
            current[pk] = new
            updates.append((new, *_sealed(phone), pk))
        cursor.executemany(
            f"UPDATE accounts_user SET username = %s, {q('phone')} = %s, phone_hash = %s WHERE id = %s",  # nosec B608
            updates,
        )

        cursor.execute("SELECT history_id, id, username, phone FROM accounts_historicaluser")
        history = []
        for history_id, pk, username, phone in cursor.fetchall():
            if MOBILE.search(username or ""):
                username = current.get(pk) or _generate(_prefix(username), taken)
            history.append((username, *_sealed(_plain(phone)), history_id))
        cursor.executemany(
            f"UPDATE accounts_historicaluser SET username = %s, {q('phone')} = %s, phone_hash = %s "  # nosec B608
            "WHERE history_id = %s",
            history,
        )

    # django-axes counted failures, and logged log-ins, under these names.
    by_phone = {}
    for pk, _username, phone in users:
        if phone:
            by_phone[phone] = current[pk].lower()
    for model_name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        model = apps.get_model("axes", model_name)
        names = {n for n in model.objects.values_list("username", flat=True).distinct() if n and MOBILE.search(n)}
        for name in names:
            new = renamed.get(name.lower()) or _token(name, by_phone)
            if model_name != "AccessAttempt":
                model.objects.filter(username=name).update(username=new)
                continue
            # (username, address, browser) is unique: where the new name already has a row for
            # the same address and browser, that row is the one kept.
            for attempt in model.objects.filter(username=name):
                clash = model.objects.filter(
                    username=new, ip_address=attempt.ip_address, user_agent=attempt.user_agent
                ).exists()
                if clash:
                    attempt.delete()
                else:
                    model.objects.filter(pk=attempt.pk).update(username=new)


def backwards(apps, schema_editor):
    q = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        for table, key in (("accounts_user", "id"), ("accounts_historicaluser", "history_id")):
            cursor.execute(f"SELECT {key}, {q('phone')} FROM {table}")  # nosec B608
            rows = [(_plain(phone), pk) for pk, phone in cursor.fetchall()]
            cursor.executemany(f"UPDATE {table} SET {q('phone')} = %s WHERE {key} = %s", rows)  # nosec B608


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_phone_encrypted_columns"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
