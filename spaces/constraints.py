"""The database guarantee that two bookings of one room never overlap.

PostgreSQL holds it with an exclusion constraint: no two non-cancelled rows may have the same
room and overlapping ``tstzrange(starts_at, ends_at, '[)')`` (half-open, so 10:00–12:00 and
12:00–14:00 may follow each other). GiST needs ``btree_gist`` for the ``room_id WITH =`` part;
migration 0001 creates the extension on PostgreSQL only.

SQLite has no exclusion constraints. There the booking services check for overlaps inside their
transaction, and the project's ``transaction_mode=IMMEDIATE`` makes every transaction take the
database's single write lock when it begins: no other writer can slip in between the check and
the insert, so the check is race-free there (see spaces/services/bookings.py).

``ExclusionConstraint`` itself emits PostgreSQL-only SQL, so this subclass emits nothing on other
databases — the same migration then runs on both — and skips model validation there (the admin
validates constraints; on SQLite the services are the guard).
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db import connections
from django.db.models import Func


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using="default"):
        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)


def half_open(start: str, end: str) -> TsTzRange:
    return TsTzRange(start, end, RangeBoundary(inclusive_lower=True, inclusive_upper=False))
