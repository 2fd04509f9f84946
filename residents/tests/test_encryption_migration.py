"""Migration 0004 encrypts the plaintext rows a database already holds, history included, and
its reverse gives them back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linli import fieldcrypt
from linli.testkit import build_world

BEFORE = [("residents", "0002_default_vulnerable_tags")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "residents"]


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


# serialized_rollback: the flush after a transactional test would also remove the default
# vulnerable-group tags that a data migration created, which later tests use.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_plaintext_rows_and_history_are_encrypted_and_can_be_decrypted_back():
    from residents.models import VulnerableTag
    from residents.services import resident_update

    world = build_world()
    a1 = world.residents["a1"]
    resident_update(
        actor=None, resident=a1, tags=list(VulnerableTag.objects.filter(code__in=["dibao", "elderly_alone"]))
    )
    dibao = VulnerableTag.objects.get(code="dibao").pk
    latest = _latest()
    try:
        _migrate(BEFORE)  # back to clear columns: the reverse decrypts
        assert ("370303195001011011", "13800000101") in _rows("SELECT id_number, phone FROM residents_resident")
        assert (a1.pk, dibao) in _rows("SELECT resident_id, vulnerabletag_id FROM residents_resident_tags")
        assert _rows(f"SELECT count(*) FROM residents_historicalresident_tags WHERE vulnerabletag_id = {dibao}")[0][0]

        _migrate(latest)  # forward again: everything encrypted
        stored = _rows("SELECT id_number, phone, sensitive_tags FROM residents_resident")
        history = _rows("SELECT id_number, phone, sensitive_tags FROM residents_historicalresident")
        for row in stored + history:
            assert all(fieldcrypt.is_encrypted(value) for value in row)
        assert "13800000101" not in repr(stored + history) and "dibao" not in repr(stored + history)
        assert _rows(f"SELECT count(*) FROM residents_resident_tags WHERE vulnerabletag_id = {dibao}") == [(0,)]
        assert _rows(f"SELECT count(*) FROM residents_historicalresident_tags WHERE vulnerabletag_id = {dibao}") == [
            (0,)
        ]
    finally:
        _migrate(latest)

    from residents.models import Resident

    again = Resident.objects.get(pk=a1.pk)
    assert (again.id_number, again.phone, again.sensitive_tag_codes) == ("370303195001011011", "13800000101", ["dibao"])
    assert {h.phone for h in again.history.all()} == {"13800000101"}
