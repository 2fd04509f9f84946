"""The markets pages and API: who sees what, and that they call the services."""

from __future__ import annotations

import pytest

from markets import selectors
from markets.models import ApplicationStatus, Merchant, MerchantStatus, StallApplication

pytestmark = pytest.mark.django_db


def test_staff_schedule_a_market_and_allocate_on_the_pages(mw, login):
    client = login(mw.world.staff("a"))
    assert client.get("/console/markets/").status_code == 200
    response = client.post(
        "/console/markets/new/",
        {
            "title": "五月睦邻集市", "held_on": mw.market.held_on.isoformat(), "starts_at": "08:30", "ends_at": "11:30",
            "place": "社区广场", "selling_stalls": "4", "service_stalls": "2", "fee_fen": "10", "share_bp": "5",
        },
    )
    assert response.status_code == 302
    market = selectors.market_list_for_user(scope=mw.staff(), community=mw.world.community_a).get(title="五月睦邻集市")
    assert market.stalls.count() == 6
    page = client.get(f"/console/markets/{mw.market.pk}/")
    assert page.status_code == 200 and "睦邻集市" in page.content.decode()


def test_a_merchant_applies_and_checks_in_with_the_qr_pass(mw, login):
    client = login(mw.world.user("merchant_a"))
    assert "睦邻集市" in client.get("/console/markets/portal/").content.decode()
    response = client.post(
        f"/console/markets/portal/{mw.market.pk}/apply/", {"kind": "selling", "offer": "苹果、梨", "service_kind": ""}
    )
    assert response.status_code == 302
    application = StallApplication.objects.get(merchant=mw.fruit)
    staff = login(mw.world.staff("a"))
    staff.post(f"/console/markets/applications/{application.pk}/do/", {"action": "allocate", "stall_number": "2"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ALLOCATED and application.stall.number == 2
    holder = login(mw.world.user("merchant_a"))
    page = holder.get(f"/console/markets/applications/{application.pk}/").content.decode()
    assert "data:image/svg+xml" in page  # the QR pass
    holder.post(f"/console/markets/applications/{application.pk}/checkin/", {"code": application.checkin_code})
    application.refresh_from_db()
    assert application.checked_in_at is not None
    # The other merchant of the same community sees nothing of it.
    other = login(mw.world.user("merchant_y"))
    assert other.get(f"/console/markets/applications/{application.pk}/").status_code == 404


def test_a_resident_registers_a_business_and_staff_approve_it(mw, login):
    client = login(mw.world.user("resident_a"))
    assert client.get("/me/markets/").status_code == 200
    response = client.post(
        "/me/markets/register/",
        {"community": str(mw.world.community_a.pk), "name": "刘姐手工", "kind": "individual", "consent": "on"},
    )
    assert response.status_code == 302
    merchant = Merchant.objects.get(name="刘姐手工")
    assert merchant.status == MerchantStatus.PENDING
    # A community the resident has nothing to do with is not offered.
    client.post("/me/markets/register/", {"community": str(mw.world.community_b.pk), "name": "外社区", "kind": "shop", "consent": "on"})
    assert not Merchant.objects.filter(name="外社区").exists()
    staff = login(mw.world.staff("a"))
    staff.post(f"/console/markets/merchants/{merchant.pk}/do/", {"action": "approve"})
    merchant.refresh_from_db()
    assert merchant.status == MerchantStatus.ACTIVE


def test_the_api_follows_the_same_rules(mw, login):
    client = login(mw.world.staff("a"))
    listed = client.get("/api/v1/markets/markets", {"community_id": mw.world.community_a.pk}).json()
    assert [m["id"] for m in listed["items"]] == [mw.market.pk]
    assert client.get("/api/v1/markets/markets", {"community_id": mw.world.community_b.pk}).status_code == 404
    assert client.get(f"/api/v1/markets/markets/{mw.market_b.pk}").status_code == 404
    created = client.post(
        f"/api/v1/markets/markets/{mw.market.pk}/applications",
        {"merchant_id": mw.fruit.pk, "kind": "selling", "offer": "水果"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    app_id = created.json()["id"]
    ok = client.post(f"/api/v1/markets/applications/{app_id}/allocate", {"stall_number": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["stall_number"] == 1
    other = client.post(
        f"/api/v1/markets/markets/{mw.market.pk}/applications",
        {"merchant_id": mw.breakfast.pk, "kind": "selling", "offer": "早点"},
        content_type="application/json",
    ).json()["id"]
    twice = client.post(f"/api/v1/markets/applications/{other}/allocate", {"stall_number": 1}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "stall_taken"
    takings = client.post(
        f"/api/v1/markets/applications/{app_id}/takings", {"takings_fen": 20000}, content_type="application/json"
    )
    assert takings.json()["due_fen"] == 2000
    gift = {"donor_name": "居民", "item": "大米", "quantity": 5, "value_fen": 25000}
    first = client.post(f"/api/v1/markets/markets/{mw.market.pk}/donations", gift, content_type="application/json", headers={"Idempotency-Key": "g1"})
    again = client.post(f"/api/v1/markets/markets/{mw.market.pk}/donations", gift, content_type="application/json", headers={"Idempotency-Key": "g1"})
    assert first.json()["id"] == again.json()["id"]
    summary = client.get(f"/api/v1/markets/markets/{mw.market.pk}").json()["summary"]
    assert (summary["to_fund_fen"], summary["items_donated"]) == (2000, 5)
