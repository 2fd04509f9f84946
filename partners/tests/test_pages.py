"""The staff console's partner pages, driven the way a community worker uses them."""

import datetime as dt

import pytest
from django.test import Client

from partners.models import (
    Agreement,
    AgreementStatus,
    Application,
    ApplicationStatus,
    CallStatus,
    ContactReveal,
    Evaluation,
    Partner,
    PartnerStatus,
    RecruitmentCall,
)
from partners.tests.conftest import TODAY


@pytest.fixture
def staff(pw) -> Client:
    c = Client()
    c.force_login(pw.world.user("staff_a"), backend="accounts.backends.PhoneOrUsernameBackend")
    return c


def test_from_a_call_to_a_signed_agreement_through_the_pages(pw, staff):
    response = staff.post(
        "/console/partners/calls/new/",
        {
            "title": "康平社区合伙人招募令（第二批）",
            "summary": "招募托育、助餐合伙人",
            "kinds": ["training", "catering"],
            "spaces_offered": "一楼活动室",
        },
    )
    call = RecruitmentCall.objects.get(title="康平社区合伙人招募令（第二批）")
    assert response.status_code == 302 and call.status == CallStatus.DRAFT and call.kinds == ["training", "catering"]
    staff.post(f"/console/partners/calls/{call.pk}/status/", {"action": "publish"})
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    assert "data:image/svg+xml" in staff.get(f"/console/partners/calls/{call.pk}/").content.decode(), "poster QR code"

    Client().post(
        f"/c/partners/calls/{call.pk}/apply/",
        {
            "party_type": "organisation",
            "kind": "training",
            "name": "源艺文化培训中心",
            "credit_code": "91350100M000100Y43",
            "contact_name": "周老师",
            "contact_phone": "13700000600",
            "services": "四点半课堂",
            "consent": "on",
        },
    )
    application = Application.objects.get(name="源艺文化培训中心")
    detail = staff.get(f"/console/partners/applications/{application.pk}/").content.decode()
    assert "137****0600" in detail and "13700000600" not in detail

    response = staff.post(
        f"/console/partners/applications/{application.pk}/review/", {"decision": "approve", "reason": "资质齐全"}
    )
    partner = Partner.objects.get(name="源艺文化培训中心")
    assert response["Location"] == f"/console/partners/{partner.pk}/"
    assert partner.status == PartnerStatus.APPROVED

    response = staff.post(
        f"/console/partners/{partner.pk}/agreements/new/",
        {
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + dt.timedelta(days=364)).isoformat(),
            "space_terms": "帕佳图小区公建配套房",
            "monthly_rent": "",
            "utilities_paid_by": "partner",
            "running_costs_paid_by": "partner",
            "share_basis": "profit",
            "share_percent": "30",
            "share_recipient": "community_fund",
            "settlement_period": "quarterly",
            "service_terms": "公益+低偿",
        },
    )
    agreement = Agreement.objects.get(partner=partner)
    assert response["Location"] == f"/console/partners/agreements/{agreement.pk}/"
    assert (agreement.share_basis, agreement.share_bp, agreement.monthly_rent_fen) == ("profit", 3000, 0)

    staff.post(
        f"/console/partners/agreements/{agreement.pk}/commitments/",
        {
            "title": "为8名困境儿童免费辅导",
            "metric": "困境儿童",
            "unit": "名",
            "target": "8",
            "period": "term",
        },
    )
    assert agreement.commitments.get().target == 8
    page = staff.get(f"/console/partners/agreements/{agreement.pk}/").content.decode()
    assert "为8名困境儿童免费辅导" in page and "30%" in page

    staff.post(
        f"/console/partners/agreements/{agreement.pk}/sign/",
        {"community_signatory": "邓广信", "partner_signatory": "周老师"},
    )
    agreement.refresh_from_db()
    partner.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED and partner.status == PartnerStatus.ACTIVE
    pdf = staff.get(f"/console/partners/agreements/{agreement.pk}/agreement.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    commitment = agreement.commitments.get()
    staff.post(f"/console/partners/commitments/{commitment.pk}/", {"occurred_on": TODAY.isoformat(), "quantity": "8"})
    from partners.selectors import commitment_progress

    assert commitment_progress(commitment).met
    assert staff.get(f"/console/partners/commitments/{commitment.pk}/").status_code == 200


def test_a_failed_action_says_why_and_changes_nothing(pw, staff):
    response = staff.post(
        f"/console/partners/agreements/{pw.agreement_x.pk}/sign/",
        {"community_signatory": "甲", "partner_signatory": "乙"},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    response = staff.post(f"/console/partners/{pw.x.pk}/status/", {"action": "suspend", "reason": ""}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    pw.x.refresh_from_db()
    assert pw.x.status == PartnerStatus.ACTIVE


def test_rejecting_on_the_page_needs_a_reason(pw, staff):
    url = f"/console/partners/applications/{pw.application_a.pk}/review/"
    staff.post(url, {"decision": "reject", "reason": ""})
    pw.application_a.refresh_from_db()
    assert pw.application_a.status == ApplicationStatus.SUBMITTED
    staff.post(url, {"decision": "reject", "reason": "服务内容与社区需求不符"})
    pw.application_a.refresh_from_db()
    assert pw.application_a.status == ApplicationStatus.REJECTED


def test_suspension_evaluation_members_and_the_logged_contact_number(pw, staff):
    staff.post(f"/console/partners/{pw.x.pk}/status/", {"action": "suspend", "reason": "食品安全检查"})
    pw.x.refresh_from_db()
    assert pw.x.status == PartnerStatus.SUSPENDED
    staff.post(
        f"/console/partners/{pw.x.pk}/evaluations/new/",
        {
            "period_start": (TODAY - dt.timedelta(days=90)).isoformat(),
            "period_end": TODAY.isoformat(),
            "staff_score": "3",
            "recommendation": "improve",
            "comment": "整改后继续",
        },
    )
    assert Evaluation.objects.get(partner=pw.x).staff_score == 3
    staff.post(f"/console/partners/{pw.x.pk}/members/", {"login": "13800000101", "role": "staff"})
    assert pw.x.members.filter(user=pw.world.user("resident_a")).exists()
    revealed = staff.post(f"/console/partners/{pw.x.pk}/contact/", {"reason": "通知整改"}, HTTP_HX_REQUEST="true")
    assert pw.x.contact_phone in revealed.content.decode()
    assert ContactReveal.objects.filter(object_id=pw.x.pk, entity="partner").count() == 1
    history = staff.get(f"/console/partners/{pw.x.pk}/history/").content.decode()
    assert "食品安全检查" in history


def test_viewers_see_but_do_not_act(pw):
    committee = Client()
    committee.force_login(pw.world.user("committee_a"), backend="accounts.backends.PhoneOrUsernameBackend")
    assert committee.get(f"/console/partners/{pw.x.pk}/").status_code == 200
    page = committee.get(f"/console/partners/agreements/{pw.agreement_x.pk}/").content.decode()
    assert "/terminate/" not in page
    assert (
        committee.post(f"/console/partners/agreements/{pw.agreement_x.pk}/terminate/", {"reason": "越权"}).status_code
        == 404
    )
    assert committee.post(f"/console/partners/{pw.x.pk}/contact/", {"reason": "想看"}).status_code == 404
    assert committee.get("/console/partners/new/").status_code == 404
    pw.agreement_x.refresh_from_db()
    assert pw.agreement_x.status == AgreementStatus.SIGNED


def test_the_menu_offers_what_the_role_may_open(pw, staff):
    body = staff.get("/console/").content.decode()
    assert "/console/partners/" in body and "/console/partners/portal/" not in body
    partner = Client()
    partner.force_login(pw.world.user("partner_a"), backend="accounts.backends.PhoneOrUsernameBackend")
    body = partner.get("/console/").content.decode()
    assert "/console/partners/portal/" in body and 'href="/console/partners/"' not in body


def test_the_partner_list_does_not_grow_queries_with_partners(pw, staff, django_assert_max_num_queries):
    from orgs.scope import Scope
    from partners.tests.conftest import make_partner

    for n in range(15):
        make_partner(
            Scope(pw.world.user("staff_a")), pw.world.community_a, name=f"商家{n}", seed=700 + n, kind="merchant"
        )
    with django_assert_max_num_queries(20):
        response = staff.get("/console/partners/")
    assert response.status_code == 200 and "商家14" in response.content.decode()
