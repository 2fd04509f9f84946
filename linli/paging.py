"""Paging a long list by its keys first.

A list page sorts all of a community's rows to show 25 of them. Sorting whole rows (a resident's
row carries its encrypted columns, some 500 bytes) costs the database far more than sorting their
keys: on the generated city, PostgreSQL took 14 ms and two parallel workers for a page of
residents, and 2 ms for the same page's keys (docs/benchmarks.md). ``KeysFirst`` gives Django's
``Paginator`` a queryset's keys in its order for the page, then reads those rows whole.
"""

from __future__ import annotations

from django.db.models import QuerySet


class KeysFirst:
    """``Paginator(KeysFirst(queryset), 25)``: the same pages as ``Paginator(queryset, 25)``."""

    ordered = True  # the queryset's own order decides (Paginator warns about unordered lists)

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        keys = list(self.queryset.values_list("pk", flat=True)[index])
        if not keys:
            return []
        by_key = {row.pk: row for row in self.queryset.filter(pk__in=keys)}
        return [by_key[k] for k in keys if k in by_key]
