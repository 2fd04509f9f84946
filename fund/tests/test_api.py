"""The API: the same services as the pages, errors as {code, message}."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from fund.models import Payment, SpendingRequest
from fund.tests.conftest import PDF, donate, propose, to_approved
from linli.testkit import PASSWORD


def test_propose_submit_vote_through_the_api(fund_world, login):
    world = fund_world.world
    client = login(world.staff("a"))
    body = {
        "community_id": world.community_a.pk, "title": "邻里节", "purpose": "举办邻里节", "amount_fen": 50_000,
        "lines": [{"line": "activities", "description": "物料", "amount_fen": 50_000}],
    }
    r1 = client.post("/api/v1/fund/requests", body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    r2 = client.post("/api/v1/fund/requests", body, content_type="application/json", headers={"Idempotency-Key": "k1"})
    assert r1.status_code == 201 and r1.json()["id"] == r2.json()["id"]
    rid = r1.json()["id"]
    assert client.post(f"/api/v1/fund/requests/{rid}/submit", {}, content_type="application/json").json()["status"] == "voting"
    # staff are not committee members
    resp = client.post(f"/api/v1/fund/requests/{rid}/vote", {"choice": "yes"}, content_type="application/json")
    assert resp.status_code == 404
    committee = login(world.user("committee_a"))
    resp = committee.post(f"/api/v1/fund/requests/{rid}/vote", {"choice": "yes"}, content_type="application/json")
    assert resp.status_code == 201
    resp = committee.post(f"/api/v1/fund/requests/{rid}/vote", {"choice": "yes"}, content_type="application/json")
    assert resp.status_code == 409 and resp.json()["code"] == "already_voted"
    detail = committee.get(f"/api/v1/fund/requests/{rid}").json()
    assert detail["tally"]["yes"] == 1 and len(detail["steps"]) == 3


def test_committee_of_four_refused_through_the_api(world, login):
    from fund.tests.conftest import make_user

    users = [make_user(f"u{i}") for i in range(4)]
    client = login(world.staff("a"))
    resp = client.post(
        "/api/v1/fund/funds",
        {
            "community_id": world.community_a.pk, "charity_name": "淄博市慈善总会", "charity_registration_no": "X",
            "charity_public_fundraising": True, "agreement_date": "2026-01-05",
            "members": [{"username": u.username, "term_start": "2026-01-05", "term_end": "2028-01-05", "is_chair": i == 0} for i, u in enumerate(users)],
        },
        content_type="application/json",
    )
    assert resp.status_code == 422 and resp.json()["code"] == "committee_size"


def test_pay_with_invoice_through_the_api(fund_world, login):
    world = fund_world.world
    donate(world, "a", 500_000)
    r = to_approved(world, propose(world, amount_fen=100_000))
    client = login(world.user("charity_a"))
    data = {"amount_fen": 120_000, "line": "repairs", "payee": "某五金店", "memo": "灯", "invoice": SimpleUploadedFile("i.pdf", PDF, content_type="application/pdf")}
    resp = client.post(f"/api/v1/fund/requests/{r.pk}/payments", data)
    assert resp.status_code == 403 and resp.json()["code"] == "reauth_required"
    data["password"] = PASSWORD
    data["invoice"] = SimpleUploadedFile("i.pdf", PDF, content_type="application/pdf")
    resp = client.post(f"/api/v1/fund/requests/{r.pk}/payments", data)
    assert resp.status_code == 409 and resp.json()["code"] == "over_approved"
    data["amount_fen"] = 100_000
    data["invoice"] = SimpleUploadedFile("i.pdf", PDF, content_type="application/pdf")
    resp = client.post(f"/api/v1/fund/requests/{r.pk}/payments", data)
    assert resp.status_code == 201, resp.content
    assert Payment.objects.count() == 1 and SpendingRequest.objects.get(pk=r.pk).paid_fen == 100_000


def test_public_disclosure_needs_no_login(fund_world, client):
    world = fund_world.world
    propose(world)  # a draft: not public
    resp = client.get(f"/api/v1/fund/public/funds/{world.community_a.pk}")
    assert resp.status_code == 200 and resp.json()["requests"] == []
    assert client.get(f"/api/v1/fund/funds/{fund_world.fund.pk}").status_code == 401
