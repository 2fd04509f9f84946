"""The ledger API: read-only, and another community's book is a 404 on every operation."""

import pytest

from ledger.tests.conftest import donate, spend

API = "/api/v1/ledger"


@pytest.fixture
def books(world, chart, chart_b):
    donate(chart, 1_000_000, memo="康平-集市收入", occurred_at=None)
    spend(chart, 150_000, memo="楼道灯维修")
    donate(chart_b, 777_700, memo="溡源-秘密捐赠")
    return chart, chart_b


def test_books_lists_only_my_communities(world, books, login):
    staff_a = login(world.user("staff_a"))
    data = staff_a.get(f"{API}/books").json()
    assert [(b["community_id"], b["community_name"], b["head_seq"]) for b in data] == [
        (world.community_a.pk, "康平社区", 2)
    ]


def test_accounts_with_balances(world, books, login):
    data = login(world.user("staff_a")).get(f"{API}/communities/{world.community_a.pk}/accounts").json()
    by_code = {a["code"]: a for a in data}
    assert by_code["fund:cash"]["balance"] == 850_000
    assert by_code["fund:income"]["balance"] == -1_000_000
    assert by_code["fund:income"]["normal_balance"] == 1_000_000
    assert by_code["fund:cash"]["non_negative"] is True


def test_statement(world, books, login):
    cash = books[0].fund_cash
    data = (
        login(world.user("auditor_a"))
        .get(f"{API}/accounts/{cash.pk}/statement", {"start": "2000-01-01T00:00:00+08:00"})
        .json()
    )
    assert (data["opening"], data["closing"]) == (0, 850_000)
    assert [line["amount"] for line in data["lines"]] == [1_000_000, -150_000]
    assert data["account"]["code"] == "fund:cash"


def test_trial_balance(world, books, login):
    data = login(world.user("staff_a")).get(f"{API}/communities/{world.community_a.pk}/trial-balance").json()
    assert data["balanced"] is True
    assert data["totals"] == [
        {"unit": "CNY", "debit": 1_000_000, "credit": 1_000_000},
        {"unit": "PTS", "debit": 0, "credit": 0},
    ]
    past = (
        login(world.user("staff_a"))
        .get(f"{API}/communities/{world.community_a.pk}/trial-balance", {"at": "2000-01-01T00:00:00+08:00"})
        .json()
    )
    assert all(row["balance"] == 0 for row in past["rows"])


def test_verify(world, books, login):
    data = login(world.user("officer")).get(f"{API}/communities/{world.community_b.pk}/verify").json()
    assert data["ok"] is True and data["transactions_checked"] == 1 and data["problems"] == []


def test_totals(world, books, login):
    client = login(world.user("officer"))
    span = {"start": "2000-01-01T00:00:00+08:00", "end": "2100-01-01T00:00:00+08:00", "granularity": "year"}
    data = client.get(f"{API}/totals", span).json()
    assert {(t["kind"], t["amount"]) for t in data} == {("fund.donation", 1_777_700), ("fund.spending", 150_000)}
    only_b = client.get(f"{API}/totals", {**span, "community_id": world.community_b.pk}).json()
    assert [(t["kind"], t["amount"], t["count"]) for t in only_b] == [("fund.donation", 777_700, 1)]
    assert client.get(f"{API}/totals", {**span, "granularity": "week"}).status_code == 422


def test_another_community_is_not_found_on_every_operation(world, books, login):
    _chart, chart_b = books
    b = world.community_b.pk
    client = login(world.user("staff_a"))
    for url in (
        f"{API}/communities/{b}/accounts",
        f"{API}/communities/{b}/trial-balance",
        f"{API}/communities/{b}/verify",
        f"{API}/accounts/{chart_b.fund_cash.pk}/statement",
        f"{API}/totals?start=2000-01-01T00:00:00Z&end=2100-01-01T00:00:00Z&community_id={b}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
        assert "溡源" not in response.content.decode()


def test_partner_staff_see_no_books(world, books, login):
    client = login(world.user("partner_a"))
    assert client.get(f"{API}/books").json() == []
    assert client.get(f"{API}/communities/{world.community_a.pk}/accounts").status_code == 404


def test_anonymous_callers_are_refused(client, world, books):
    assert client.get(f"{API}/books").status_code == 401


def test_the_api_has_no_write_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    ledger_ops = {
        (method, path) for path, methods in schema["paths"].items() if path.startswith(API) for method in methods
    }
    assert ledger_ops and {method for method, _path in ledger_ops} == {"get"}
