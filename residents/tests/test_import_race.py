"""Two confirmations of one import at the same moment, on real PostgreSQL: one imports, the
other is told the file was already imported. (Deselected on SQLite runs; see conftest.py.)"""

import threading

import pytest
from django.db import connection

from linli.errors import Conflict
from orgs.scope import Scope
from residents import imports
from residents.models import ImportBatch, ImportStatus, Resident
from residents.tests.test_import import resident_rows, workbook_bytes


@pytest.mark.postgres
# serialized_rollback: the flush after a transactional test would also remove the default
# vulnerable-group tags that a data migration created, which later tests use.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_confirmation_imports_once():
    from linli.testkit import build_world

    world = build_world()
    staff = Scope(world.user("staff_a"))
    batch = imports.import_preview(
        actor=staff, community=world.community_a, data=workbook_bytes(resident_rows(50)), filename="居民.xlsx"
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm() -> None:
        try:
            start.wait()
            imports.import_commit(actor=Scope(world.user("staff_a")), batch=ImportBatch.objects.get(pk=batch.pk))
            outcomes.append("imported")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "imported"]
    assert Resident.objects.filter(community=world.community_a).count() == 2 + 50
    batch.refresh_from_db()
    assert (batch.status, batch.imported_count) == (ImportStatus.IMPORTED, 50)
