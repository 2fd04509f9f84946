"""Fast inserts for generators (``citygen``, ``ledger.bench``): ``COPY`` on PostgreSQL,
``executemany`` on SQLite.

``bulk_create`` spends most of its time compiling: for every value of every row it asks the
field for its database value through the SQL compiler. Here each field's conversion is chosen
once per model: the plain fields' values go straight through (psycopg adapts them in ``COPY``),
and only fields with their own conversion (encrypted text, blind indexes, JSON) are asked. Ids
are given here (from the table's maximum, unless the objects carry theirs), so that history rows
and other rows can point at them without a round trip; the sequences are moved past them
afterwards (``reset_sequences``). For generators only: it assumes nothing else writes the same
tables meanwhile, and it sends no signals.

History (django-simple-history): ``insert(..., history=True)`` writes the "+ created" rows a
``bulk_create_with_history`` would, in the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

# Fields whose database value is the Python value itself for psycopg's COPY (it adapts int,
# str, bool, date, aware datetime, time, Decimal, UUID and None). Exact types only: a subclass
# (an encrypted text field, a blind index) has its own conversion and is asked for it.
_PLAIN = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.BooleanField,
        models.CharField,
        models.SlugField,
        models.TextField,
        models.IntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.DecimalField,
        models.DateField,
        models.DateTimeField,
        models.TimeField,
        models.ForeignKey,
        models.OneToOneField,
        models.UUIDField,
    }
)


def _converter(field):
    """None when the value goes as it is, else the field (its ``get_db_prep_save``)."""
    if connection.vendor == "postgresql" and type(field) in _PLAIN:
        return None
    return field


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def _rows(fields, objs, *, adding: bool) -> list[tuple]:
    """Database values of ``fields`` for each object. ``adding``: run each field's ``pre_save``
    first, as a save would (``auto_now_add`` stamps, blind indexes computed from their source)."""
    plan = [(f, f.attname, _converter(f), adding and type(f).pre_save is not models.Field.pre_save) for f in fields]
    out = []
    for obj in objs:
        row = []
        for f, attname, convert, stamp in plan:
            value = f.pre_save(obj, True) if stamp else getattr(obj, attname)
            row.append(value if convert is None else convert.get_db_prep_save(value, connection))
        out.append(tuple(row))
    return out


def _write(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    if not rows:
        return
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor: COPY
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})",  # nosec B608
                rows,
            )


def insert(model: type[models.Model], objs: list[models.Model], *, history: bool = False, start_id: int | None = None):
    """Insert ``objs``. Objects without ids get consecutive ones from ``start_id`` or the
    table's end; objects that carry ids keep them."""
    if not objs:
        return objs
    if objs[0].pk is None:
        first = start_id if start_id is not None else next_id(model)
        for i, obj in enumerate(objs):
            obj.pk = first + i
    fields = model._meta.concrete_fields
    _write(model._meta.db_table, [f.column for f in fields], _rows(fields, objs, adding=True))
    if history:
        _history(model, objs)
    return objs


def _history(model, objs) -> None:
    historical = model.history.model
    now = timezone.now()
    tracked = [f for f in historical._meta.concrete_fields if f.attname in {g.attname for g in model._meta.concrete_fields}]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    when = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    rows = [row + (when, None, "+", None) for row in _rows(tracked, objs, adding=False)]
    columns = [f.column for f in tracked] + [historical._meta.get_field(n).column for n in extra]
    _write(historical._meta.db_table, columns, rows)


def reset_sequences(*models_: type[models.Model]) -> None:
    """Move the id sequences past the ids given here (PostgreSQL; SQLite needs nothing)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)

