"""Public pages and operations: anyone, no login, on a phone. They show partners and what they
offer and the recruitment calls — and never anyone's contact details."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from partners import services
from partners.models import Application, ApplicationDocument, ServiceRating
from partners.tests.conftest import uscc

PDF = b"%PDF-1.4\n%%EOF"


def public_pages(pw) -> list[str]:
    return [
        "/c/partners/",
        f"/c/partners/{pw.world.community_a.pk}/",
        f"/c/partners/{pw.world.community_b.pk}/",
        f"/c/partners/calls/{pw.call_a.pk}/",
        f"/c/partners/calls/{pw.call_a.pk}/apply/",
        f"/c/partners/calls/{pw.call_a.pk}/thanks/",
        f"/c/partners/p/{pw.x.pk}/",
        f"/c/partners/p/{pw.y.pk}/",
        f"/c/partners/p/{pw.z.pk}/",
        "/api/v1/partners/public/calls",
        f"/api/v1/partners/public/calls/{pw.call_b.pk}",
        f"/api/v1/partners/public/communities/{pw.world.community_a.pk}/partners",
        f"/api/v1/partners/public/partners/{pw.y.pk}",
    ]


def test_public_pages_open_without_login_and_show_partners_and_calls(pw):
    anonymous = Client()
    bodies = {}
    for url in public_pages(pw):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode()
    community_a = bodies[f"/c/partners/{pw.world.community_a.pk}/"]
    assert "康小鲜社区私房" in community_a and "共享自习室" in community_a and "溡源口腔" not in community_a
    assert "康平社区合伙人招募令" in bodies["/c/partners/"] and "溡源社区合伙人招募令" in bodies["/c/partners/"]
    assert "免费辅导困境儿童" in bodies[f"/c/partners/p/{pw.y.pk}/"], "commitments in force are public"


def test_public_pages_show_no_personal_data(pw):
    """Contact names and numbers (full or masked), applicants and credit codes stay inside."""
    services.contact_reveal(actor=pw.staff(), record=pw.x, reason="测试")
    secrets = set()
    for obj in (pw.x, pw.y, pw.z, pw.application_a, pw.application_b):
        secrets |= {obj.contact_phone, obj.contact_phone_masked, obj.contact_phone[-4:], obj.contact_name}
        secrets.add(obj.credit_code)
    secrets |= {pw.application_a.name, pw.application_b.name, "staff_a", "partner_a"}
    anonymous = Client()
    for url in public_pages(pw):
        body = anonymous.get(url).content.decode()
        if "json" in url or url.startswith("/api/"):
            body = json.dumps(json.loads(body), ensure_ascii=False)
        leaked = sorted(s for s in secrets if s and s in body)
        assert not leaked, f"{url} shows {leaked}"


def test_drafts_and_partners_not_in_service_are_not_public(pw):
    staff = pw.staff()
    draft = services.call_create(actor=staff, community=pw.world.community_a, title="草稿招募令", summary="未发布")
    services.partner_suspend(actor=staff, partner=pw.y, reason="整改")
    approved = services.application_approve(actor=staff, application=pw.application_a)
    anonymous = Client()
    for url in (
        f"/c/partners/calls/{draft.pk}/",
        f"/c/partners/calls/{draft.pk}/apply/",
        f"/c/partners/p/{pw.y.pk}/",
        f"/c/partners/p/{approved.pk}/",
        f"/api/v1/partners/public/calls/{draft.pk}",
        f"/api/v1/partners/public/partners/{pw.y.pk}",
        "/c/partners/999999/",
    ):
        assert anonymous.get(url).status_code == 404, url
    listing = anonymous.get(f"/c/partners/{pw.world.community_a.pk}/").content.decode()
    assert "共享自习室" not in listing and "甲乙培训中心" not in listing and "草稿招募令" not in listing


def test_applying_on_a_phone_with_a_licence_scan(pw):
    form = {
        "party_type": "organisation",
        "kind": "elder_care",
        "name": "众福养老",
        "credit_code": uscc(500),
        "contact_name": "钱女士",
        "contact_phone": "13700000500",
        "services": "日间照料、助餐",
        "welfare_offer": "每月一次免费健康讲座",
        "consent": "on",
        "documents": [SimpleUploadedFile("执照.pdf", PDF, content_type="application/pdf")],
    }
    response = Client().post(f"/c/partners/calls/{pw.call_a.pk}/apply/", form)
    assert response.status_code == 302 and response["Location"].endswith(f"/c/partners/calls/{pw.call_a.pk}/thanks/")
    application = Application.objects.get(name="众福养老")
    assert application.kind == "elder_care" and application.community_id == pw.world.community_a.pk
    assert ApplicationDocument.objects.filter(application=application).count() == 1


def test_a_bad_application_is_shown_again_with_the_reason(pw):
    form = {
        "party_type": "organisation",
        "kind": "training",
        "name": "无码机构",
        "credit_code": "91350100M000100Y44",
        "contact_name": "x",
        "contact_phone": "13700000501",
        "services": "培训",
        "consent": "on",
    }
    with translation.override("en"):
        response = Client().post(f"/c/partners/calls/{pw.call_a.pk}/apply/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert not Application.objects.filter(name="无码机构").exists()
    without_consent = {**form, "credit_code": uscc(501)}
    without_consent.pop("consent")
    assert Client().post(f"/c/partners/calls/{pw.call_a.pk}/apply/", without_consent).status_code == 422
    assert not Application.objects.filter(name="无码机构").exists()


def test_a_closed_call_says_so_and_takes_nothing(pw):
    services.call_close(actor=pw.staff(), call=pw.call_a)
    anonymous = Client()
    assert anonymous.get(f"/c/partners/calls/{pw.call_a.pk}/").status_code == 200
    form = {
        "party_type": "individual",
        "kind": "neighbour",
        "name": "热心居民",
        "contact_name": "x",
        "contact_phone": "13700000502",
        "services": "义剪",
        "consent": "on",
    }
    assert anonymous.post(f"/c/partners/calls/{pw.call_a.pk}/apply/", form).status_code == 422
    assert not Application.objects.filter(name="热心居民").exists()


def test_the_public_api_takes_applications_too(pw):
    body = {
        "party_type": "individual",
        "kind": "neighbour",
        "name": "李莉图书角",
        "contact_name": "李莉",
        "contact_phone": "13700000503",
        "services": "七叶树下图书中心",
        "consent": True,
    }
    url = f"/api/v1/partners/public/calls/{pw.call_a.pk}/applications"
    response = Client().post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "submitted"
    refused = Client().post(
        url, json.dumps({**body, "contact_phone": "13700000504", "consent": False}), content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["code"] == "no_consent"
    again = Client().post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate_application"


def test_residents_of_the_community_rate_its_partners(pw):
    anonymous = Client()
    rate = f"/c/partners/p/{pw.x.pk}/rate/"
    assert anonymous.get(rate).status_code == 302
    resident = Client()
    resident.force_login(pw.world.user("resident_a"), backend="accounts.backends.PhoneOrUsernameBackend")
    assert "rate/" in resident.get(f"/c/partners/p/{pw.x.pk}/").content.decode()
    assert resident.post(rate, {"score": "5", "comment": "好吃"}).status_code == 302
    assert ServiceRating.objects.get(partner=pw.x).score == 5
    other = Client()
    other.force_login(pw.world.user("resident_b"), backend="accounts.backends.PhoneOrUsernameBackend")
    assert other.get(rate).status_code == 403 and other.post(rate, {"score": "1"}).status_code == 403
    api = other.post(f"/api/v1/partners/{pw.x.pk}/ratings", json.dumps({"score": 1}), content_type="application/json")
    assert api.status_code == 403
    assert ServiceRating.objects.count() == 1
    page = anonymous.get(f"/c/partners/p/{pw.x.pk}/").content.decode()
    assert "好吃" not in page, "only the average is published"


@pytest.mark.parametrize("username", ["staff_a", "partner_a", None])
def test_the_public_pages_are_the_same_for_everyone(pw, username):
    c = Client()
    if username:
        c.force_login(pw.world.user(username), backend="accounts.backends.PhoneOrUsernameBackend")
    body = c.get(f"/c/partners/{pw.world.community_b.pk}/").content.decode()
    assert "溡源口腔" in body
