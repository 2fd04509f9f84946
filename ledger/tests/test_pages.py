"""Console pages: what a community's staff see, and that nobody sees another community's book."""

import pytest

from ledger import services
from ledger.tests.conftest import donate, spend
from orgs.selectors import SESSION_KEY

PAGES = ["/console/ledger/", "/console/ledger/journal/", "/console/ledger/trial-balance/", "/console/ledger/verify/"]


@pytest.fixture
def books(world, chart, chart_b):
    donate(chart, 1_000_000, memo="康平-集市收入")
    spend(chart, 150_000, memo="楼道灯维修")
    donate(chart_b, 777_700, memo="溡源-秘密捐赠")
    return chart, chart_b


def as_user(login, world, username, community=None):
    client = login(world.user(username))
    if community is not None:
        session = client.session
        session[SESSION_KEY] = community.pk
        session.save()
    return client


@pytest.mark.parametrize("url", PAGES)
def test_staff_see_their_own_book(world, books, login, url):
    page = as_user(login, world, "staff_a").get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "康平社区" in body
    assert "溡源" not in body and "¥7,777.00" not in body


def test_the_overview_shows_balances_as_yuan(world, books, login):
    body = as_user(login, world, "staff_a").get("/console/ledger/").content.decode()
    assert "¥8,500.00" in body  # fund cash after ¥10,000 in and ¥1,500 out
    assert "fund:cash" in body
    assert "楼道灯维修" in body


def test_the_trial_balance_page_balances_and_can_look_back(world, books, login):
    client = as_user(login, world, "auditor_a")
    assert "¥10,000.00" in client.get("/console/ledger/trial-balance/").content.decode()
    past = client.get("/console/ledger/trial-balance/?at=2000-01-01")
    assert past.status_code == 200 and "¥10,000.00" not in past.content.decode()
    assert client.get("/console/ledger/trial-balance/?at=yesterday-ish").status_code == 422


def test_the_verify_page_says_all_is_well(world, books, login):
    body = as_user(login, world, "committee_a").get("/console/ledger/verify/").content.decode()
    books[0].book.refresh_from_db()
    assert books[0].book.head_hash in body
    assert "broken" not in body.lower()


def test_a_statement_and_an_entry(world, books, login):
    client = as_user(login, world, "staff_a")
    statement = client.get(f"/console/ledger/accounts/{books[0].fund_cash.pk}/?start=2000-01-01")
    assert statement.status_code == 200
    body = statement.content.decode()
    assert "¥10,000.00" in body and "¥1,500.00" in body and "¥8,500.00" in body
    entry = books[0].book.transactions.get(seq=2)
    page = client.get(f"/console/ledger/entries/{entry.pk}/").content.decode()
    assert entry.hash in page and entry.prev_hash in page and "楼道灯维修" in page
    assert (
        client.get(f"/console/ledger/accounts/{books[0].fund_cash.pk}/?start=2026-02-01&end=2026-01-01").status_code
        == 422
    )


def test_an_entry_page_links_a_reversal_both_ways(world, books, login):
    original = books[0].book.transactions.get(seq=2)
    reversal = services.transaction_reverse(original=original, memo="录错了", recorded_by=world.user("staff_a"))
    client = as_user(login, world, "staff_a")
    assert (
        f"/console/ledger/entries/{reversal.pk}/"
        in client.get(f"/console/ledger/entries/{original.pk}/").content.decode()
    )
    assert (
        f"/console/ledger/entries/{original.pk}/"
        in client.get(f"/console/ledger/entries/{reversal.pk}/").content.decode()
    )


def test_the_journal_filters_by_kind(world, books, login):
    body = as_user(login, world, "staff_a").get("/console/ledger/journal/?kind=fund.spending").content.decode()
    assert "楼道灯维修" in body and "康平-集市收入" not in body


def test_another_community_s_account_and_entry_are_not_found(world, books, login):
    _chart, chart_b = books
    entry_b = chart_b.book.transactions.get(seq=1)
    for username in ("staff_a", "auditor_a", "committee_a", "secretary_a"):
        client = as_user(login, world, username)
        assert client.get(f"/console/ledger/accounts/{chart_b.fund_cash.pk}/").status_code == 404
        assert client.get(f"/console/ledger/entries/{entry_b.pk}/").status_code == 404


@pytest.mark.parametrize("username", ["partner_a", "grid_a1"])
def test_console_users_without_the_ledger_capability_get_404(world, books, login, username):
    client = as_user(login, world, username)
    for url in PAGES + [f"/console/ledger/accounts/{books[0].fund_cash.pk}/"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("username", ["resident_a", "nobody"])
def test_people_without_a_console_get_404(world, books, login, username):
    for url in PAGES:
        assert as_user(login, world, username).get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, books):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_officer_sees_the_community_chosen_in_the_switcher(world, books, login):
    client = as_user(login, world, "officer", community=world.community_b)
    body = client.get("/console/ledger/").content.decode()
    assert "¥7,777.00" in body and "¥8,500.00" not in body


def test_a_community_without_entries_shows_an_empty_book(world, login):
    for url in PAGES:
        page = as_user(login, world, "staff_a").get(url)
        assert page.status_code == 200


def test_the_pages_answer_get_only(world, books, login):
    assert as_user(login, world, "staff_a").post("/console/ledger/verify/").status_code == 405


def test_the_menu_offers_the_ledger_only_to_those_who_may_see_it(world, books, login):
    assert "/console/ledger/" in as_user(login, world, "auditor_a").get("/console/").content.decode()
    assert "/console/ledger/" not in as_user(login, world, "partner_a").get("/console/").content.decode()


def test_pages_take_the_same_number_of_queries_however_big_the_book(world, books, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(login, world, "staff_a")
    urls = PAGES[:3] + [f"/console/ledger/accounts/{books[0].fund_cash.pk}/"]
    client.get(urls[0])  # warm the session

    def queries() -> dict[str, int]:
        counts = {}
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts[url] = len(ctx.captured_queries)
        return counts

    small = queries()
    for i in range(30):
        donate(books[0], 100 + i)
        services.transaction_reverse(original=spend(books[0], 50), memo="", recorded_by=world.user("staff_a"))
    assert queries() == small
    # The ledger's own share of the overview: the book, its accounts, the latest entries.
    assert small[PAGES[0]] <= 20


def test_the_verify_page_says_where_the_book_breaks(world, books, login):
    from django.db import connection

    from ledger import triggers

    triggers.drop_trigger(connection, "ledger_transaction_no_update")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_transaction SET memo = 'x' WHERE book_id = %s AND seq = 2", [books[0].book.pk])
    body = as_user(login, world, "auditor_a").get("/console/ledger/verify/").content.decode()
    assert "最早出错的是第 2 号凭证" in body
    assert "hash_mismatch" in body and "triggers_missing" in body
