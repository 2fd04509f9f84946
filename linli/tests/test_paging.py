"""``KeysFirst`` pages a queryset exactly as Django's Paginator pages the queryset itself — the
same rows, in the same order, with their related rows — in two statements a page."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from linli.paging import KeysFirst
from residents.models import Resident

pytestmark = pytest.mark.django_db


def _pages(object_list, per_page):
    paginator = Paginator(object_list, per_page)
    return paginator.count, [[r.pk for r in paginator.page(n).object_list] for n in paginator.page_range]


@pytest.mark.parametrize("per_page", [1, 2, 3, 25])
def test_the_same_pages_as_the_queryset(world, per_page):
    ordered = Resident.objects.select_related("grid", "building").order_by("grid__sort_order", "name_pinyin", "id")
    joined = Resident.objects.filter(Q(tags__isnull=False) | Q(birth_date__year__lt=1960)).distinct().order_by("-birth_date", "id")
    for qs in (ordered, joined, ordered.filter(community=world.community_a)):
        assert qs.count() > 0
        assert _pages(KeysFirst(qs), per_page) == _pages(qs, per_page)


def test_two_statements_a_page_and_related_rows_attached(world):
    qs = Resident.objects.select_related("grid").prefetch_related("tags").order_by("name_pinyin", "id")
    paginator = Paginator(KeysFirst(qs), 2)
    assert paginator.count == qs.count()
    with CaptureQueriesContext(connection) as ctx:
        rows = list(paginator.page(1).object_list)
        names = [r.grid.name for r in rows] + [t.code for r in rows for t in r.tags.all()]
    assert len(ctx.captured_queries) == 3  # the keys, the rows, their tags
    assert rows and all(names[: len(rows)])
    assert KeysFirst(qs)[0].pk == qs[0].pk
    assert Paginator(KeysFirst(qs.none()), 2).page(1).object_list == []
