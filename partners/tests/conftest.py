"""The partners' test world, built on the shared ``world`` through the real services.

In 康平社区 (community A): partner X (a kitchen, with the login ``partner_a`` as its staff) and
partner Y (a study room, with its own login ``partner_y``), each with a signed agreement and a
commitment. In 溡源社区 (community B): partner Z with the same. An open recruitment call in each
community with one application waiting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from linli.testkit import PASSWORD, World
from orgs.scope import Scope
from partners import services
from partners.models import Agreement, Application, Commitment, Partner, RecruitmentCall, ShareBasis
from partners.uscc import check_character

TODAY = timezone.localdate()


def uscc(seed: int) -> str:
    """A made-up but well-formed unified social credit code (valid check character)."""
    first17 = f"91370305MA{seed:07d}"[:17]
    return first17 + check_character(first17)


@dataclass
class PartnersWorld:
    world: World
    call_a: RecruitmentCall
    call_b: RecruitmentCall
    application_a: Application
    application_b: Application
    x: Partner
    y: Partner
    z: Partner
    agreement_x: Agreement
    agreement_y: Agreement
    agreement_z: Agreement
    commitment_x: Commitment
    commitment_y: Commitment
    commitment_z: Commitment

    def staff(self, side: str = "a") -> Scope:
        return Scope(self.world.user("staff_a" if side == "a" else "staff_b"))


def make_call(world: World, community, title: str) -> RecruitmentCall:
    staff = Scope(world.user("staff_a" if community == world.community_a else "staff_b"))
    call = services.call_create(
        actor=staff,
        community=community,
        title=title,
        summary="社区提供场地，合伙人提供公益和低偿服务",
        kinds=["training", "catering"],
        spaces_offered="二楼自习室 60㎡，周一至周五 18:00-21:00",
    )
    return services.call_publish(actor=staff, call=call)


def apply(call: RecruitmentCall, *, name: str, seed: int, phone: str, **extra) -> Application:
    fields = dict(
        party_type="organisation",
        kind="training",
        name=name,
        credit_code=uscc(seed),
        contact_name="周经理",
        contact_phone=phone,
        services="四点半课堂、周末成长营",
        welfare_offer="为困境儿童免费辅导",
    )
    fields.update(extra)
    return services.application_submit(call=call, **fields)


def make_partner(staff: Scope, community, *, name: str, seed: int, kind: str = "training") -> Partner:
    return services.partner_create(
        actor=staff,
        community=community,
        kind=kind,
        party_type="organisation",
        name=name,
        credit_code=uscc(seed),
        contact_name="何女士",
        contact_phone=f"1360000{seed:04d}",
        services=f"{name}的服务",
    )


def signed_agreement(staff: Scope, partner: Partner, *, share_bp: int = 0, title: str = "免费辅导困境儿童"):
    agreement = services.agreement_create(
        actor=staff,
        partner=partner,
        starts_on=TODAY - dt.timedelta(days=30),
        ends_on=TODAY + dt.timedelta(days=335),
        space_terms="社区提供场地",
        share_basis=ShareBasis.PROFIT if share_bp else ShareBasis.NONE,
        share_bp=share_bp,
    )
    commitment = services.commitment_add(
        actor=staff, agreement=agreement, title=title, metric="受助儿童", unit="名", target=8, period="term"
    )
    services.agreement_sign(
        actor=staff, agreement=agreement, community_signatory="邵书记", partner_signatory="合伙人代表"
    )
    agreement.refresh_from_db()
    return agreement, commitment


@pytest.fixture
def pw(world) -> PartnersWorld:
    from accounts.services import user_create

    staff_a, staff_b = Scope(world.user("staff_a")), Scope(world.user("staff_b"))
    call_a = make_call(world, world.community_a, "康平社区合伙人招募令")
    call_b = make_call(world, world.community_b, "溡源社区合伙人招募令")
    application_a = apply(call_a, name="甲乙培训中心", seed=11, phone="13700000011")
    application_b = apply(call_b, name="丙丁培训学校", seed=12, phone="13700000012")

    x = make_partner(staff_a, world.community_a, name="康小鲜社区私房", seed=1, kind="catering")
    y = make_partner(staff_a, world.community_a, name="共享自习室", seed=2)
    z = make_partner(staff_b, world.community_b, name="溡源口腔", seed=3, kind="medical")
    agreement_x, commitment_x = signed_agreement(staff_a, x, title="独居老人免费送餐")
    agreement_y, commitment_y = signed_agreement(staff_a, y, share_bp=3000)
    agreement_z, commitment_z = signed_agreement(staff_b, z, title="免费口腔检查")

    # partner_a (partner staff at 康平社区 in the shared world) works for X; a second partner
    # login works for Y; a third for Z in the other community.
    services.partner_member_add(actor=staff_a, partner=x, login="partner_a", role="owner")
    world.users["partner_y"] = user_create(username="partner_y", password=PASSWORD, display_name="partner_y")
    services.partner_member_add(actor=staff_a, partner=y, login="partner_y")
    world.users["partner_z"] = user_create(username="partner_z", password=PASSWORD, display_name="partner_z")
    services.partner_member_add(actor=staff_b, partner=z, login="partner_z")
    for obj in (x, y, z):
        obj.refresh_from_db()
    return PartnersWorld(
        world=world,
        call_a=call_a,
        call_b=call_b,
        application_a=application_a,
        application_b=application_b,
        x=x,
        y=y,
        z=z,
        agreement_x=agreement_x,
        agreement_y=agreement_y,
        agreement_z=agreement_z,
        commitment_x=commitment_x,
        commitment_y=commitment_y,
        commitment_z=commitment_z,
    )
