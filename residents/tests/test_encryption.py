"""ID numbers, mobile numbers and sensitive groups are encrypted in their columns (PIPL art. 51).

The key is outside the database; lookups and uniqueness go through HMAC blind indexes.
docs/decisions/0005-field-encryption.md.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from linli import fieldcrypt
from linli.testkit import make_id_number
from orgs.scope import Scope
from residents.models import ImportBatch, Resident, VulnerableTag, id_number_index, phone_index
from residents.selectors import effective_tags, resident_list_for_user
from residents.services import resident_create, resident_update, resolve_address

BASE_DIR = Path(__file__).resolve().parents[2]


def raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def raw_resident(pk: int) -> tuple[str, str, str]:
    return raw("SELECT id_number, phone, sensitive_tags FROM residents_resident WHERE id = %s", [pk])[0]


def register(world, *, seq: int, phone: str = "", tags=()) -> Resident:
    address = resolve_address(scope=None, community=world.community_a, grid_name="第一网格", building_name="1号楼")
    return resident_create(
        actor=None,
        community=world.community_a,
        name=f"居民{seq}",
        id_number=make_id_number(seq=seq),
        phone=phone,
        address=address,
        tags=list(tags),
    )


def test_the_columns_hold_no_plaintext_and_the_model_reads_it_back(world):
    a1 = world.residents["a1"]
    id_number, phone, tags = raw_resident(a1.pk)
    for stored, plain in ((id_number, a1.id_number), (phone, a1.phone)):
        assert plain not in stored and plain[-4:] not in stored and stored.startswith("v1.")
    assert Resident.objects.get(pk=a1.pk).id_number == make_id_number(seq=101)
    assert Resident.objects.get(pk=a1.pk).phone == "13800000101"
    assert fieldcrypt.decrypt(phone, purpose="residents.resident.phone") == "13800000101"
    assert fieldcrypt.is_encrypted(tags)


def test_the_same_number_never_encrypts_the_same_way(world):
    one = register(world, seq=401, phone="13700000401")
    two = Resident.objects.create(
        community=world.community_b,
        grid=world.grid_b1,
        name="同号",
        id_number=one.id_number,
        birth_date=one.birth_date,
        gender=one.gender,
        phone=one.phone,
    )
    assert raw_resident(one.pk)[:2] != raw_resident(two.pk)[:2]
    before = raw_resident(one.pk)[1]
    one.save()
    assert raw_resident(one.pk)[1] != before  # a fresh nonce on every write
    # The blind index is what is equal, and only that.
    assert one.id_number_hash == two.id_number_hash == id_number_index(one.id_number)


def test_a_value_cannot_be_moved_to_another_column(world):
    id_number, phone, _tags = raw_resident(world.residents["a1"].pk)
    with pytest.raises(fieldcrypt.FieldKeyError):
        fieldcrypt.decrypt(id_number, purpose="residents.resident.phone")


def test_values_are_padded_so_their_length_tells_nothing(world):
    dibao = VulnerableTag.objects.get(code="dibao")
    disabled = VulnerableTag.objects.get(code="disabled")
    none = register(world, seq=402)
    both = register(world, seq=403, phone="13700000403", tags=[dibao, disabled])
    assert len(raw_resident(none.pk)[1]) == len(raw_resident(both.pk)[1])  # no phone vs a phone
    assert len(raw_resident(none.pk)[2]) == len(raw_resident(both.pk)[2])  # no group vs two


def test_lookups_go_through_the_blind_index(world):
    staff = Scope(world.user("staff_a"))
    a1 = world.residents["a1"]
    community = world.community_a

    def search(q):
        return list(resident_list_for_user(scope=staff, community=community, query=q))

    assert search(a1.id_number) == [a1]
    assert search(a1.id_number.lower()) == [a1]
    assert search("13800000101") == [a1]
    assert search("0101") == [a1]  # the last four digits, as people say them on the phone
    assert search("0102") == [world.residents["a2"]]
    assert search("9999") == []
    assert Resident.objects.get(phone_hash=phone_index("13800000101")) == a1
    # A query written for a clear column fails loudly instead of quietly finding nothing.
    for lookup in ({"id_number": a1.id_number}, {"phone__endswith": "0101"}, {"phone__in": ["13800000101"]}):
        with pytest.raises(FieldError):
            list(Resident.objects.filter(**lookup))


def test_the_index_follows_every_kind_of_save(world):
    a1 = world.residents["a1"]
    resident_update(actor=None, resident=a1, phone="13700000555")
    assert Resident.objects.get(phone_hash=phone_index("13700000555")) == a1
    a1.phone = "13700000556"
    a1.save(update_fields=["phone"])  # the index is added to update_fields
    assert Resident.objects.get(phone_hash=phone_index("13700000556")) == a1
    assert not Resident.objects.filter(phone_hash=phone_index("13700000555")).exists()


def test_one_person_per_id_number_in_a_community_is_still_enforced(world):
    a1 = world.residents["a1"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.create(
            community=world.community_a,
            grid=world.grid_a1,
            name="重复",
            id_number=a1.id_number,
            birth_date=a1.birth_date,
            gender=a1.gender,
        )


def test_sensitive_groups_are_encrypted_not_rows_of_the_tags_table(world):
    dibao = VulnerableTag.objects.get(code="dibao")
    alone = VulnerableTag.objects.get(code="elderly_alone")
    r = register(world, seq=404, tags=[dibao, alone])
    assert list(r.tags.values_list("code", flat=True)) == ["elderly_alone"]
    assert raw("SELECT vulnerabletag_id FROM residents_resident_tags WHERE resident_id = %s", [r.pk]) == [(alone.pk,)]
    assert "dibao" not in raw_resident(r.pk)[2]
    assert [t.code for t in effective_tags(Resident.objects.get(pk=r.pk))] == ["elderly_alone", "dibao"]
    staff = Scope(world.user("staff_a"))
    assert list(resident_list_for_user(scope=staff, community=world.community_a, tag="dibao")) == [r]
    assert list(resident_list_for_user(scope=staff, community=world.community_a, tag="elderly_alone")) == [r]
    resident_update(actor=None, resident=r, tags=[alone])
    assert list(resident_list_for_user(scope=staff, community=world.community_a, tag="dibao")) == []


def test_the_history_tables_hold_no_plaintext(world):
    dibao = VulnerableTag.objects.get(code="dibao")
    r = register(world, seq=405, phone="13700000405", tags=[dibao])
    resident_update(actor=None, resident=r, phone="13700000406", tags=[])
    rows = raw("SELECT id_number, phone, sensitive_tags FROM residents_historicalresident WHERE id = %s", [r.pk])
    assert len(rows) >= 2
    text = repr(rows)
    for secret in (r.id_number, "13700000405", "13700000406", "dibao"):
        assert secret not in text
    assert raw("SELECT count(*) FROM residents_historicalresident_tags WHERE vulnerabletag_id = %s", [dibao.pk]) == [
        (0,)
    ]
    # …and the history still reads in full for those who may see it.
    assert {h.phone for h in r.history.all()} == {"13700000405", "13700000406"}
    assert {h.sensitive_tags for h in r.history.all()} == {"dibao", ""}


def test_an_import_file_is_kept_encrypted(world):
    import openpyxl

    from residents import imports

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号", "手机号", "网格"])
    wb.active.append(["赵导入", make_id_number(seq=407), "13700000407", "第一网格"])
    buf = io.BytesIO()
    wb.save(buf)
    batch = imports.import_preview(
        actor=Scope(world.user("staff_a")), community=world.community_a, data=buf.getvalue(), filename="x.xlsx"
    )
    stored = raw("SELECT rows FROM residents_importbatch WHERE id = %s", [batch.pk])[0][0]
    assert "13700000407" not in stored and make_id_number(seq=407) not in stored
    assert ImportBatch.objects.get(pk=batch.pk).rows[0]["values"]["phone"] == "13700000407"


def test_a_wrong_key_fails_loudly(world):
    a1 = world.residents["a1"]
    with override_settings(LINLI_FIELD_KEYS=[fieldcrypt.new_key()]):
        with pytest.raises(fieldcrypt.FieldKeyError, match="not in LINLI_FIELD_KEYS"):
            Resident.objects.get(pk=a1.pk)
    # A key with the same id but other bytes (or altered data) is refused too, never misread.
    _id, phone, _t = raw_resident(a1.pk)
    tampered = phone[:-4] + ("AAAA" if not phone.endswith("AAAA") else "BBBB")
    with pytest.raises(fieldcrypt.FieldKeyError, match="does not decrypt"):
        fieldcrypt.decrypt(tampered, purpose="residents.resident.phone")


def test_rotation_re_encrypts_with_the_first_key(world, settings):
    a1 = world.residents["a1"]
    old_keys = list(settings.LINLI_FIELD_KEYS)
    new = fieldcrypt.new_key()
    settings.LINLI_FIELD_KEYS = [new, *old_keys]
    assert Resident.objects.get(pk=a1.pk).phone == "13800000101"  # the old key still reads
    assert not fieldcrypt.written_with_current_key(raw_resident(a1.pk)[1])
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "residents.Resident: 3 rows rewritten" in out.getvalue()
    assert all(fieldcrypt.written_with_current_key(v) for v in raw_resident(a1.pk))
    history = raw("SELECT phone FROM residents_historicalresident")
    assert history and all(fieldcrypt.written_with_current_key(p) for (p,) in history)
    call_command("rotate_field_keys", stdout=out)  # again: nothing left to do
    assert "residents.Resident: 0 rows rewritten" in out.getvalue()
    settings.LINLI_FIELD_KEYS = [new]  # the old key can go
    assert Resident.objects.get(pk=a1.pk).phone == "13800000101"
    assert {h.phone for h in a1.history.all()} == {"13800000101"}


def test_a_new_blind_index_key_needs_a_reindex(world, settings):
    a1 = world.residents["a1"]
    settings.LINLI_BLIND_INDEX_KEY = fieldcrypt.new_key()
    assert not Resident.objects.filter(phone_hash=phone_index("13800000101")).exists()
    call_command("rotate_field_keys", "--reindex", stdout=io.StringIO())
    assert Resident.objects.get(phone_hash=phone_index("13800000101")) == a1


def _production(tmp_path, **extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LINLI_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="linli.settings",
        DJANGO_SECRET_KEY="x" * 60,
        LINLI_SQLITE_PATH=str(tmp_path / "c.sqlite3"),
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-c", "import linli.wsgi"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_the_field_keys(tmp_path):
    result = _production(tmp_path)
    assert result.returncode != 0 and "LINLI_FIELD_KEYS" in result.stderr
    result = _production(tmp_path, LINLI_FIELD_KEYS=fieldcrypt.new_key())
    assert result.returncode != 0 and "LINLI_BLIND_INDEX_KEY" in result.stderr
    ok = _production(tmp_path, LINLI_FIELD_KEYS=fieldcrypt.new_key(), LINLI_BLIND_INDEX_KEY=fieldcrypt.new_key())
    assert ok.returncode == 0, ok.stderr
