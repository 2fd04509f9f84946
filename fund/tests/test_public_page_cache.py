"""The public fund page is drawn at most once a minute and shared (linli/pagecache.py): a second
view reads nothing but the fund, a visitor's own part (login link, question form and its CSRF
token) is never shared, a question asked shows at once, and with the interval at 0 every view
draws afresh."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fund import services
from fund.tests.conftest import donate, make_fund
from ledger.money import format_fen

pytestmark = pytest.mark.django_db


def _shared(page: str) -> str:
    """The drawn part: from the heading to the line saying when it was drawn."""
    return page[page.index("<h1>") : page.index("drawn-at")]


def _page(client, community) -> str:
    return client.get(reverse("fund_public:fund", args=[community.pk])).content.decode()


def test_drawn_once_a_minute_and_shared(fund_world, client, login, settings):
    settings.LINLI_PUBLIC_PAGE_SECONDS = 60
    world = fund_world.world
    community = world.community("a")
    donate(world, "a", 800_000)
    first = _page(client, community)
    assert f'id="fund-balance">{format_fen(800_000)}<' in first
    with CaptureQueriesContext(connection) as ctx:
        again = _page(client, community)
    assert len(ctx.captured_queries) == 1  # the fund itself (a 404 for a community without one)
    assert _shared(again) == _shared(first)
    # Money that arrives within the minute shows at the next drawing, as the page says.
    donate(world, "a", 100_000)
    assert f'id="fund-balance">{format_fen(800_000)}<' in _page(client, community)
    assert "updated every minute" in first or "每分钟更新" in first
    settings.LINLI_PUBLIC_PAGE_SECONDS = 0
    assert f'id="fund-balance">{format_fen(900_000)}<' in _page(client, community)


def test_the_visitors_part_is_never_shared(fund_world, client, login, settings):
    settings.LINLI_PUBLIC_PAGE_SECONDS = 60
    world = fund_world.world
    community = world.community("a")
    make_fund(world, "a")
    resident = login(world.user("resident_a"))
    theirs = _page(resident, community)
    assert reverse("fund_me:ask") in theirs and "csrfmiddlewaretoken" not in _shared(theirs)
    resident.logout()
    anonymous = _page(client, community)
    assert reverse("fund_me:ask") not in anonymous and _shared(anonymous) == _shared(theirs)
    assert reverse("accounts:login") in anonymous


def test_a_question_asked_shows_at_once(fund_world, settings):
    settings.LINLI_PUBLIC_PAGE_SECONDS = 60
    world = fund_world.world
    community = world.community("a")
    fund = make_fund(world, "a")
    from django.test import Client

    client = Client()
    assert "楼道灯什么时候修" not in _page(client, community)
    services.question_ask(user=world.user("resident_a"), fund=fund, text="楼道灯什么时候修？")
    assert "楼道灯什么时候修" in _page(client, community)
