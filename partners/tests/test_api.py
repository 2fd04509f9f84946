"""The JSON API: the same lifecycle as the pages, through the same services."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import translation

from partners.models import ContactReveal, PartnerStatus
from partners.tests.conftest import TODAY, uscc


@pytest.fixture
def api(pw):
    client = Client()
    client.force_login(pw.world.user("staff_a"), backend="accounts.backends.PhoneOrUsernameBackend")

    def call(method: str, path: str, body=None, **query):
        url = "/api/v1/partners" + path
        if body is None:
            return getattr(client, method)(url, query or None)
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")

    return call


def test_the_lifecycle_through_the_api(pw, api):
    community = pw.world.community_a.pk
    call = api(
        "post",
        "/calls",
        {"community_id": community, "title": "第二批招募令", "summary": "欢迎加入", "kinds": ["elder_care"]},
    )
    assert call.status_code == 201 and call.json()["status"] == "draft"
    call_id = call.json()["id"]
    assert Client().get(f"/api/v1/partners/public/calls/{call_id}").status_code == 404, "drafts are not public"
    assert api("post", f"/calls/{call_id}/publish").json()["status"] == "open"

    applied = Client().post(
        f"/api/v1/partners/public/calls/{call_id}/applications",
        json.dumps(
            {
                "party_type": "organisation",
                "kind": "elder_care",
                "name": "众福养老",
                "credit_code": uscc(77),
                "contact_name": "钱女士",
                "contact_phone": "13700000077",
                "services": "日间照料",
                "consent": True,
            }
        ),
        content_type="application/json",
    )
    application_id = applied.json()["id"]
    listed = api("get", "/applications", community_id=community, status="submitted").json()["items"]
    row = next(a for a in listed if a["id"] == application_id)
    assert row["contact_phone_masked"] == "137****0077" and "13700000077" not in json.dumps(listed)

    contact = api("post", f"/applications/{application_id}/contact", {"reason": "约谈"})
    assert contact.json()["contact_phone"] == "13700000077"
    assert ContactReveal.objects.filter(entity="application", object_id=application_id).count() == 1

    partner = api("post", f"/applications/{application_id}/approve", {"reason": "资质齐全"}).json()
    assert partner["status"] == "approved"
    again = api("post", f"/applications/{application_id}/reject", {"reason": "再拒"})
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"

    agreement = api(
        "post",
        "/agreements",
        {
            "partner_id": partner["id"],
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + dt.timedelta(days=300)).isoformat(),
            "share_basis": "revenue",
            "share_bp": 1000,
            "share_recipient": "charity",
            "share_recipient_name": "淄博市慈善总会",
        },
    )
    assert agreement.status_code == 201, agreement.content
    agreement_id = agreement.json()["id"]
    commitment = api(
        "post",
        f"/agreements/{agreement_id}/commitments",
        {"title": "每月一次免费健康讲座", "metric": "讲座", "unit": "场", "target": 1, "period": "month"},
    )
    assert commitment.status_code == 201
    assert api("patch", f"/agreements/{agreement_id}", {"service_terms": "低偿"}).json()["service_terms"] == "低偿"
    signed = api("post", f"/agreements/{agreement_id}/sign", {"community_signatory": "甲", "partner_signatory": "乙"})
    assert signed.json()["status"] == "signed" and signed.json()["commitments"][0]["target"] == 1
    assert api("patch", f"/agreements/{agreement_id}", {"service_terms": "改"}).status_code == 409
    assert api("get", f"/agreements/{agreement_id}/pdf").content.startswith(b"%PDF")

    commitment_id = commitment.json()["id"]
    entry = api("post", f"/commitments/{commitment_id}/entries", {"occurred_on": TODAY.isoformat(), "quantity": 1})
    assert entry.status_code == 201 and entry.json()["recorded_as"] == "staff"
    progress = api("get", f"/commitments/{commitment_id}").json()["progress"]
    assert (progress["done"], progress["met"]) == (1, True)

    partner_id = partner["id"]
    assert api("get", f"/{partner_id}").json()["status"] == "active"
    evaluation = api(
        "post",
        f"/{partner_id}/evaluations",
        {
            "period_start": TODAY.isoformat(),
            "period_end": TODAY.isoformat(),
            "staff_score": 4,
            "recommendation": "continue",
        },
    )
    assert evaluation.status_code == 201 and evaluation.json()["resident_score"] is None
    assert api("post", f"/{partner_id}/suspend", {"reason": "检查"}).json()["status"] == "suspended"
    assert api("post", f"/{partner_id}/reinstate", {"reason": ""}).json()["status"] == "active"
    assert api("post", f"/{partner_id}/exit", {"reason": "到期不续"}).json()["status"] == PartnerStatus.EXITED
    actions = [e["action"] for e in api("get", f"/{partner_id}/log").json()]
    assert {"approve", "create", "sign", "activate", "evaluate", "suspend", "reinstate", "exit"} <= set(actions)
    assert api("get", f"/agreements/{agreement_id}").json()["status"] == "terminated"


def test_members_through_the_api(pw, api):
    added = api("post", f"/{pw.y.pk}/members", {"login": "13800000101", "role": "staff"})
    assert added.status_code == 201
    assert [m["user"] for m in api("get", f"/{pw.y.pk}/members").json()] == ["partner_y", "resident_a"]
    assert api("delete", f"/members/{added.json()['id']}").status_code == 204
    unknown = api("post", f"/{pw.y.pk}/members", {"login": "nobody-at-all"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_user"


def test_errors_are_json_with_a_code_and_a_message(pw, api):
    with translation.override("en"):
        bad = api(
            "post",
            "/",
            {
                "community_id": pw.world.community_a.pk,
                "kind": "training",
                "party_type": "organisation",
                "name": "某机构",
                "services": "培训",
                "credit_code": "91350100M000100Y44",
            },
        )
    assert bad.status_code == 422 and bad.json()["code"] == "bad_credit_code" and bad.json()["message"]
    created = api(
        "post",
        "/",
        {
            "community_id": pw.world.community_a.pk,
            "kind": "training",
            "party_type": "organisation",
            "name": "某机构",
            "services": "培训",
            "credit_code": uscc(88),
        },
    )
    assert created.status_code == 201 and created.json()["status"] == "approved"


def test_list_queries_do_not_grow_with_rows(pw, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.tests.conftest import make_partner, signed_agreement
    from partners.tests.test_slots import draft_with_slot, make_room

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api("get", path, community_id=pw.world.community_a.pk).status_code == 200
        return len(ctx.captured_queries)

    before = (queries("/"), queries("/agreements"), queries("/applications"))
    room = make_room(pw.world.community_a, "多功能厅")
    for n in range(4):
        partner = make_partner(pw.staff(), pw.world.community_a, name=f"合伙人{n}", seed=800 + n)
        signed_agreement(pw.staff(), partner)
        draft_with_slot(pw, partner, room_obj=room, weekdays=[n])
    assert (queries("/"), queries("/agreements"), queries("/applications")) == before
