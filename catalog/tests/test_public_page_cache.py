"""The public catalogue, unfiltered, is drawn at most once a minute and shared; a search is drawn
for the one who asked; an edit of the catalogue shows at once (linli/pagecache.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.tests.factories import kitchen
from orgs.scope import Scope

pytestmark = pytest.mark.django_db


def _shared(page: str) -> str:
    """The drawn part: from the heading to the line saying when it was drawn."""
    return page[page.index("<h1>") : page.index("drawn-at")]


def test_the_whole_catalogue_is_shared_and_an_edit_shows_at_once(world, client, settings):
    settings.LINLI_PUBLIC_PAGE_SECONDS = 60
    k = kitchen(world)
    url = reverse("catalog_public:catalogue", args=[world.community_a.pk])
    first = client.get(url).content.decode()
    assert k.item.name in first and "80岁以上" in first
    with CaptureQueriesContext(connection) as ctx:
        assert _shared(client.get(url).content.decode()) == _shared(first)
    assert len(ctx.captured_queries) == 1  # the community (a 404 for an unknown one)
    # A search is drawn for the one who asked, not from the shared page.
    found = client.get(url, {"q": "没有这种服务"}).content.decode()
    assert k.item.name not in found
    services.item_update(actor=Scope(world.staff("a")), item=k.item, name="爱心午餐")
    assert "爱心午餐" in client.get(url).content.decode()


def test_another_community_or_language_is_another_page(world, client, settings):
    settings.LINLI_PUBLIC_PAGE_SECONDS = 60
    k = kitchen(world)
    kb = kitchen(world, "b")
    a = client.get(reverse("catalog_public:catalogue", args=[world.community_a.pk])).content.decode()
    b = client.get(reverse("catalog_public:catalogue", args=[world.community_b.pk])).content.decode()
    assert k.item.name in a and kb.item.name in b and kb.item.name not in a
    english = client.get(
        reverse("catalog_public:catalogue", args=[world.community_a.pk]), headers={"Accept-Language": "en"}
    ).content.decode()
    chinese = client.get(
        reverse("catalog_public:catalogue", args=[world.community_a.pk]), headers={"Accept-Language": "zh-hans"}
    ).content.decode()
    assert _shared(english) != _shared(chinese)
