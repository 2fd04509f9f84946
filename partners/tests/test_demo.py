"""The demo partners load on the demo's places, from the reports, and a second run changes nothing."""

import io

import pytest

from orgs.models import NodeKind, OrgNode
from orgs.roles import Role
from orgs.services import role_grant
from partners.demo import demo_credit_code, load_demo
from partners.models import Agreement, AgreementStatus, Application, Commitment, Partner, PartnerMember, StatusChange
from partners.selectors import commitment_progress
from partners.tests.test_slots import make_room
from partners.uscc import is_valid_uscc


@pytest.fixture
def places(db):
    from demo.build import build_tree

    return build_tree()


def community(name: str) -> OrgNode:
    return OrgNode.objects.get(kind=NodeKind.COMMUNITY, name=name)


def counts() -> tuple:
    return (
        Partner.objects.count(),
        Agreement.objects.count(),
        Commitment.objects.count(),
        Application.objects.count(),
        StatusChange.objects.count(),
        PartnerMember.objects.count(),
        sum(c.entries.count() for c in Commitment.objects.all()),
    )


def test_the_reports_partners_load_once(places):
    from accounts.services import user_create

    partner_login = user_create(username="partner", password="linli-demo-2026", display_name="邢美玲")
    role_grant(user=partner_login, node=community("康平社区"), role=Role.PARTNER_STAFF)
    make_room(community("康平社区"), "社区厨房", hours="周一至周日 06:00-20:00")
    make_room(community("康平社区"), "二楼自习室", hours="周一至周日 08:00-22:00")
    make_room(community("中福社区"), "亲邻之家活动室", hours="周一至周日 08:00-21:00")

    out = io.StringIO()
    load_demo(stdout=out)
    first = counts()
    load_demo()
    assert counts() == first, "a second run adds nothing"
    assert "社区合伙人" in out.getvalue()

    per_community = {
        name: Partner.objects.filter(community__name=name).count()
        for name in ("康平社区", "中福社区", "和平社区", "凤凰社区", "闻韶社区")
    }
    assert per_community == {"康平社区": 2, "中福社区": 7, "和平社区": 17, "凤凰社区": 3, "闻韶社区": 11}
    assert Partner.objects.filter(name="鹤山市瑞腾特种作业安全技术培训有限公司", kind="training").exists()
    wenshao = Partner.objects.filter(community__name="闻韶社区")
    assert sum(len(p.services.splitlines()) for p in wenshao) == 14, "11 organisations, 14 service projects"
    assert all(is_valid_uscc(p.credit_code) for p in Partner.objects.exclude(credit_code=""))

    # With rooms, agreements are signed and their slots booked.
    kitchen = Partner.objects.get(name="康小鲜社区私房")
    agreement = kitchen.agreements.get()
    assert kitchen.status == "active" and agreement.status == AgreementStatus.SIGNED
    assert "80岁以上" in agreement.service_terms
    assert agreement.slots.exclude(series=None).exists()
    study = Partner.objects.get(name="知学共享自习室").agreements.get()
    assert (study.share_basis, study.share_bp, study.share_recipient) == ("profit", 3000, "community_fund")

    qinlin = Partner.objects.get(name="源艺文化培训中心").agreements.get()
    targets = {c.title: (c.target, commitment_progress(c).done) for c in qinlin.commitments.all()}
    assert targets["为8名困境儿童提供免费辅导课程"] == (8, 8)
    assert targets["为2名优秀志愿楼长子女提供免费辅导课程"] == (2, 2)

    # Without rooms (和平, 凤凰, 闻韶 here) the agreements wait unsigned.
    heping = Agreement.objects.filter(partner__community__name="和平社区")
    assert heping.exists() and not heping.exclude(status=AgreementStatus.DRAFT).exists()
    share = heping.get(partner__name="优阅托管")
    assert (share.share_basis, share.share_bp, share.share_recipient_name) == ("revenue", 1000, "鹤山市慈善会")

    assert PartnerMember.objects.get(user=partner_login).partner == kitchen


def test_a_later_run_signs_what_waited_for_rooms(places):
    load_demo()
    assert not Agreement.objects.filter(partner__community__name="凤凰社区", status=AgreementStatus.SIGNED).exists()
    make_room(community("凤凰社区"), "画室", hours="周一至周日 08:00-21:00")
    load_demo()
    signed = Agreement.objects.filter(partner__community__name="凤凰社区", status=AgreementStatus.SIGNED)
    assert signed.count() == 3
    assert signed.get(partner__name="凤凰暑期托管班").slots.get().room.name == "画室"


def test_missing_communities_are_skipped(db):
    out = io.StringIO()
    load_demo(stdout=out)
    assert not Partner.objects.exists() and "康平社区" in out.getvalue()


def test_demo_credit_codes_are_stable_and_valid():
    assert demo_credit_code("康小鲜社区私房", "370305") == demo_credit_code("康小鲜社区私房", "370305")
    assert is_valid_uscc(demo_credit_code("知学共享自习室", "370305"))
