"""Building enterprise test data through the real services (partners, spaces, enterprise)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from enterprise import services
from enterprise.models import Enterprise, IncomeSource, SpendingCategory
from linli.testkit import World
from orgs.models import OrgNode
from orgs.scope import Scope

TODAY = timezone.localdate()
YEAR = TODAY.year


def enterprise_for(world: World, side: str, *, cash_fen: int = 5_000_000, budget_fen: int = 3_000_000) -> Enterprise:
    """The side's enterprise with a budget on every line and some cash from a grant."""

    def make() -> Enterprise:
        community = world.community(side)
        staff = Scope(world.staff(side))
        label = side.upper()
        ent = services.enterprise_create(
            actor=staff, community=community, name=f"{label}侧社区服务有限公司", bookkeeping_agency=f"{label}侧代账公司"
        )
        for category in SpendingCategory.values:
            services.budget_set(actor=staff, enterprise=ent, year=YEAR, category=category, amount_fen=budget_fen)
        if cash_fen:
            services.income_record(
                actor=staff, enterprise=ent, source=IncomeSource.GOVERNMENT, amount_fen=cash_fen,
                received_on=TODAY, payer=f"{label}侧街道办事处", memo="政府购买服务",
            )
        return ent

    return world.once(f"enterprise.{side}", make)


def lease(world: World, side: str, *, name: str = "", rent_fen: int = 150_000, area: int = 45, charity: bool = True):
    """A partner with a signed agreement renting one room, 10% of income to the charity."""
    from partners import services as partner_services
    from partners.services import slots as slot_services
    from spaces import hours
    from spaces.models import RoomFunction
    from spaces.services import RoomFields, room_create

    def make():
        community = world.community(side)
        staff = Scope(world.staff(side))
        label = side.upper()
        partner = partner_services.partner_create(
            actor=staff, community=community, kind="catering", party_type="organisation",
            name=name or f"{label}侧租户餐厅", contact_name="联系人", contact_phone="13700000000",
            credit_code=_uscc(side, name),
            services="社区助餐",
        )
        start = TODAY.replace(day=1) - dt.timedelta(days=62)
        terms = {"share_basis": "revenue", "share_bp": 1000, "share_recipient": "charity",
                 "share_recipient_name": "沙坪慈善会"} if charity else {}
        agreement = partner_services.agreement_create(
            actor=staff, partner=partner, starts_on=start.replace(day=1), ends_on=TODAY + dt.timedelta(days=300),
            monthly_rent_fen=rent_fen, **terms,
        )
        room = room_create(
            actor=None, community=community,
            fields=RoomFields(
                name=f"{label}侧{name or '餐厅'}用房", function=RoomFunction.objects.order_by("pk").first(),
                area_m2=area, week=hours.parse_week("周一至周日 06:00-21:00"),
            ),
        )
        slot_services.slot_add(
            actor=staff, agreement=agreement, room=room, weekdays=[0, 1, 2, 3, 4],
            start_time=dt.time(8, 0), end_time=dt.time(9, 0),
        )
        partner_services.agreement_sign(
            actor=staff, agreement=agreement, community_signatory="书记", partner_signatory="负责人"
        )
        agreement.refresh_from_db()
        return agreement

    return world.once(f"enterprise.lease.{side}.{name}", make)


def _uscc(side: str, name: str) -> str:
    from partners.uscc import check_character

    first17 = f"91370305MB{'AB'.index(side.upper())}{sum(map(ord, name or 'x')) % 1_000_000:06d}"
    return first17 + check_character(first17)


def other_subdistrict(world: World) -> dict:
    """A second subdistrict (another 街道) with its own community, enterprise and officer."""
    from accounts.services import user_create
    from linli.testkit import PASSWORD
    from orgs.models import NodeKind
    from orgs.roles import Role
    from orgs.services import node_create, role_grant

    def make():
        sub: OrgNode = node_create(kind=NodeKind.SUBDISTRICT, name="沙坪街道", parent=world.district)
        community = node_create(kind=NodeKind.COMMUNITY, name="和平社区", parent=sub)
        officer = user_create(username="officer_c", password=PASSWORD, display_name="沙坪街道干部")
        role_grant(user=officer, node=sub, role=Role.SUBDISTRICT_OFFICER)
        staff = user_create(username="staff_c", password=PASSWORD, display_name="和平社区工作人员")
        role_grant(user=staff, node=community, role=Role.COMMUNITY_STAFF)
        ent = services.enterprise_create(actor=Scope(staff), community=community, name="和平社区服务有限公司")
        return {"subdistrict": sub, "community": community, "officer": officer, "staff": staff, "enterprise": ent}

    return world.once("enterprise.other_subdistrict", make)
