"""Encrypt the ID and mobile numbers already stored, in the residents table and in its history.

Raw SQL, not the models: the columns are declared encrypted from 0003 on, so the ORM would try
to decrypt the plaintext still in them. Every row is rewritten whether or not it was already
encrypted (decrypted first when it was), so running this again is harmless.

Membership of sensitive groups (低保, 特困, 困境儿童, 残疾人) moves from the tags table, where a
row says it in clear, into each resident's encrypted ``sensitive_tags``; the history's copies of
those rows move into the historical records' own ``sensitive_tags`` and are deleted.
"""

from collections import defaultdict

from django.db import migrations

from linli import fieldcrypt
from linli.encrypted_fields import index_value

ID = "residents.resident.id_number"
PHONE = "residents.resident.phone"
TAIL = "residents.resident.phone.tail"
TAGS = "residents.resident.sensitive_tags"
ROWS = "residents.importbatch.rows"
SENSITIVE_CODES = ("child_hardship", "dibao", "tekun", "disabled")


def _plain(value, purpose):
    if value is None:
        return ""
    return fieldcrypt.decrypt(value, purpose=purpose) if fieldcrypt.is_encrypted(value) else value


def _sealed_row(id_number, phone, codes, key):
    id_number, phone = _plain(id_number, ID), _plain(phone, PHONE)
    return (
        fieldcrypt.encrypt(id_number, purpose=ID),
        index_value(id_number, purpose=ID),
        fieldcrypt.encrypt(phone, purpose=PHONE),
        index_value(phone, purpose=PHONE),
        index_value(phone, purpose=TAIL, tail=4),
        fieldcrypt.encrypt(",".join(sorted(codes)), purpose=TAGS, pad_to=64),
        key,
    )


def encrypt_all(apps, schema_editor):
    Tag = apps.get_model("residents", "VulnerableTag")
    Tag.objects.filter(code__in=SENSITIVE_CODES).update(sensitive=True)
    sensitive = dict(Tag.objects.filter(sensitive=True).values_list("pk", "code"))
    q = schema_editor.connection.ops.quote_name
    ids = ",".join(str(pk) for pk in sensitive) or "NULL"
    with schema_editor.connection.cursor() as cursor:
        for table, key, m2m, owner in (
            ("residents_resident", "id", "residents_resident_tags", "resident_id"),
            ("residents_historicalresident", "history_id", "residents_historicalresident_tags", "history_id"),
        ):
            # A resident's current sensitive tags, if any, are kept as they were before rewriting.
            current = defaultdict(set)
            cursor.execute(f"SELECT {owner}, vulnerabletag_id FROM {m2m} WHERE vulnerabletag_id IN ({ids})")  # nosec B608
            for who, tag_id in cursor.fetchall():
                current[who].add(sensitive[tag_id])
            cursor.execute(f"SELECT {key}, id_number, phone, sensitive_tags FROM {table}")  # nosec B608
            updates = []
            for pk, id_number, phone, tags in cursor.fetchall():
                codes = set(current.get(pk, ())) | {c for c in _plain(tags, TAGS).split(",") if c}
                updates.append(_sealed_row(id_number, phone, codes, pk))
            cursor.executemany(
                f"UPDATE {table} SET id_number = %s, id_number_hash = %s, phone = %s, phone_hash = %s, "  # nosec B608
                f"phone_tail_hash = %s, sensitive_tags = %s WHERE {key} = %s",
                updates,
            )
            cursor.execute(f"DELETE FROM {m2m} WHERE vulnerabletag_id IN ({ids})")  # nosec B608
        cursor.execute(f"SELECT id, {q('rows')} FROM residents_importbatch")  # nosec B608
        batches = [
            (fieldcrypt.encrypt(_plain(rows, ROWS) or "[]", purpose=ROWS, pad_to=256), pk)
            for pk, rows in cursor.fetchall()
        ]
        cursor.executemany(f"UPDATE residents_importbatch SET {q('rows')} = %s WHERE id = %s", batches)  # nosec B608


def decrypt_all(apps, schema_editor):
    Tag = apps.get_model("residents", "VulnerableTag")
    by_code = dict(Tag.objects.filter(sensitive=True).values_list("code", "pk"))
    q = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, id_number, phone, sensitive_tags FROM residents_resident")
        rows = cursor.fetchall()
        cursor.executemany(
            "UPDATE residents_resident SET id_number = %s, phone = %s, sensitive_tags = '' WHERE id = %s",
            [(_plain(i, ID), _plain(p, PHONE), pk) for pk, i, p, _t in rows],
        )
        cursor.executemany(
            "INSERT INTO residents_resident_tags (resident_id, vulnerabletag_id) VALUES (%s, %s)",
            [(pk, by_code[c]) for pk, _i, _p, t in rows for c in _plain(t, TAGS).split(",") if c in by_code],
        )
        cursor.execute("SELECT history_id, id, id_number, phone, sensitive_tags FROM residents_historicalresident")
        rows = cursor.fetchall()
        cursor.executemany(
            "UPDATE residents_historicalresident SET id_number = %s, phone = %s, sensitive_tags = '' WHERE history_id = %s",
            [(_plain(i, ID), _plain(p, PHONE), hid) for hid, _pk, i, p, _t in rows],
        )
        cursor.executemany(
            "INSERT INTO residents_historicalresident_tags (id, history_id, resident_id, vulnerabletag_id) "
            "VALUES (0, %s, %s, %s)",
            [(hid, pk, by_code[c]) for hid, pk, _i, _p, t in rows for c in _plain(t, TAGS).split(",") if c in by_code],
        )
        cursor.execute(f"SELECT id, {q('rows')} FROM residents_importbatch")  # nosec B608
        cursor.executemany(
            f"UPDATE residents_importbatch SET {q('rows')} = %s WHERE id = %s",  # nosec B608
            [(_plain(r, ROWS), pk) for pk, r in cursor.fetchall()],
        )


class Migration(migrations.Migration):
    dependencies = [("residents", "0003_encrypted_personal_data_columns")]
    operations = [migrations.RunPython(encrypt_all, decrypt_all)]
