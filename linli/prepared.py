"""Queries asked on every request, compiled once.

Django builds a query's SQL afresh each time it runs it: for a one-row lookup the building
(resolving lookups, quoting every column, joins, converters) costs several times what the
database spends answering. ``OneRow`` lets the ORM build the query once per database, keeps the
SQL, the positions of its parameters, the columns' converters and how to make the instances, and
from then on only sends the SQL and builds the instances the way the ORM's own iterator does
(``Model.from_db``, the same converters, ``select_related`` rows attached). What comes back is
what the queryset would have returned; ``linli/tests/test_prepared.py`` checks it field by field
on both databases.

Only for hot paths (the order endpoint, the logged-in user): everything else reads through
ordinary querysets. The queryset must be the same for every value — only the marked parameters
change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Values no real lookup uses: they mark where a call's parameters go in the compiled SQL (an
# integer field keeps them as they are, a text field as their digits).
_MARKERS = (-7_391_846_205, -7_391_846_206, -7_391_846_207)

# No column holds an integer outside 64 bits; SQLite's driver cannot even send one (the ORM's
# integer lookups answer "no rows" for such values without asking, and so does ``get``).
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[int, ...]  # for each call argument, where it goes in params
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    populators: list
    converters: dict


class OneRow:
    """``OneRow(lambda a, b: Model.objects.filter(x=a, y=b).select_related(...))``, then
    ``.get(a, b)``: the first row as the queryset would return it, or ``None``."""

    def __init__(self, build: Callable[..., QuerySet], *, arity: int = 1):
        if not 1 <= arity <= len(_MARKERS):
            raise ValueError("arity")
        self._build = build
        self._arity = arity
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str) -> _Compiled:
        markers = _MARKERS[: self._arity]
        qs = self._build(*markers)[:1]
        compiler = qs.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = []
        for marker in markers:
            found = [i for i, p in enumerate(params) if p == marker or p == str(marker)]
            if len(found) != 1:
                raise ValueError("each argument must appear exactly once in the query's parameters")
            slots.append(found[0])
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            model=klass_info["model"],
            init_list=[s[0].target.attname for s in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, using),
            converters=compiler.get_converters([s[0] for s in select]),
        )

    def get(self, *args, using: str = "default"):
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using) or self._compile(using)
                self._compiled[using] = compiled
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, args, strict=True):
            if isinstance(value, int) and not _INT_MIN <= value <= _INT_MAX:
                return None
            params[slot] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            row = list(row)
            for pos, (convs, expression) in compiled.converters.items():
                value = row[pos]
                for convert in convs:
                    value = convert(value, expression, connection)
                row[pos] = value
        obj = compiled.model.from_db(using, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        return obj
