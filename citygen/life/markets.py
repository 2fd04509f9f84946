"""Neighbourhood markets (睦邻集市): one market morning a week per community on its square, held,
with five stalls all given out — three selling stalls to shops and two free service stalls to
member units and volunteer teams — every holder checked in, the selling stalls' takings reported and the
service stalls' person-times counted (each count a service record, as ``visits_record`` makes).

Stalls are free of fees and shares here (商户让利, no money to the fund), so a held market posts
nothing to the ledger: ``takings_report`` posts only what is due, and nothing is.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils.translation import gettext as _

from citygen.life.common import World, at, insert, mobile, person
from markets.models import (
    ApplicationStatus,
    Market,
    MarketStatus,
    Merchant,
    MerchantKind,
    MerchantStatus,
    ServiceKind,
    Stall,
    StallApplication,
    StallKind,
    VisitCount,
)
from partners.models import Partner, PartnerKind
from records.models import ProviderKind, ServiceRecord, Tier

SHOPS = (
    ("老张时令水果", "时令水果"),
    ("李记干鲜", "干货、杂粮"),
    ("王姐手工面食", "馒头、花卷、包子"),
    ("鑫鑫日杂", "日用百货"),
    ("乡里乡亲农产品", "自家种的蔬菜"),
    ("孙记豆腐坊", "豆腐、豆浆"),
    ("红红绣品", "鞋垫、十字绣"),
    ("阳光花卉", "绿植花卉"),
    ("小周五金", "小五金、电池"),
    ("老陈炒货", "瓜子花生"),
    ("金秋蜂蜜", "土蜂蜜"),
    ("田园鸡蛋", "土鸡蛋"),
)
SERVICES = (
    ("社区卫生服务站", MerchantKind.MEMBER_UNIT, ServiceKind.CLINIC, "义诊、测血压血糖"),
    ("爱心理发志愿队", MerchantKind.VOLUNTEER_TEAM, ServiceKind.HAIRCUT, "免费理发"),
    ("家电维修志愿队", MerchantKind.VOLUNTEER_TEAM, ServiceKind.APPLIANCE_REPAIR, "小家电维修"),
    ("街道社保所", MerchantKind.MEMBER_UNIT, ServiceKind.POLICY_ADVICE, "医保、养老政策咨询"),
    ("派出所社区民警", MerchantKind.MEMBER_UNIT, ServiceKind.ANTI_FRAUD, "防诈骗宣传"),
    ("巧手缝补队", MerchantKind.VOLUNTEER_TEAM, ServiceKind.CLOTHES_MENDING, "缝补衣物、改裤脚"),
    ("青年志愿者服务队", MerchantKind.VOLUNTEER_TEAM, ServiceKind.PHONE_HELP, "教老人用智能手机"),
)
SELLING, SERVING = 3, 2
OPENS, CLOSES = dt.time(8, 30), dt.time(11, 30)


def _merchants(world: World) -> tuple[list[Merchant], list[tuple[Merchant, str, str]]]:
    """The community's register of market merchants; its partner clinic and merchants come too,
    linked to their partner record."""
    rng, community = world.rng, world.community
    reviewed = at(world.first - dt.timedelta(days=rng.randint(20, 90)), 10)
    partners = list(
        Partner.objects.filter(community_id=community.pk, kind__in=(PartnerKind.MEDICAL, PartnerKind.MERCHANT))
    )
    shops = [(name, MerchantKind.SHOP, business, None) for name, business in rng.sample(SHOPS, k=8)]
    shops += [(p.name, MerchantKind.SHOP, p.services[:200], p) for p in partners if p.kind == PartnerKind.MERCHANT]
    services = [(name, kind, business, None, service) for name, kind, service, business in rng.sample(SERVICES, k=4)]
    services += [
        (p.name, MerchantKind.MEMBER_UNIT, "义诊、测血压", p, ServiceKind.CLINIC)
        for p in partners
        if p.kind == PartnerKind.MEDICAL
    ]
    taken = set(Merchant.objects.filter(community_id=community.pk).values_list("name", flat=True))
    rows = shops + [(name, kind, business, partner) for name, kind, business, partner, _s in services]
    merchants = insert(
        [
            Merchant(
                community_id=community.pk,
                name=name,
                kind=kind,
                business=business,
                contact_name=person(rng),
                contact_phone=mobile(rng),
                partner=partner,
                status=MerchantStatus.ACTIVE,
                reviewed_at=reviewed,
                created_at=reviewed - dt.timedelta(days=rng.randint(1, 7)),
            )
            for name, kind, business, partner in rows
            if name not in taken
        ],
        Merchant,
        when="created_at",
    )
    by_name = {m.name: m for m in merchants}
    sellers = [by_name[name] for name, *_r in shops if name in by_name]
    servers = [(by_name[name], service, business) for name, _k, business, _p, service in services if name in by_name]
    return sellers, servers


def build_markets(world: World) -> dict[str, int]:
    rng, community = world.rng, world.community
    sellers, servers = _merchants(world)
    days = world.weekdays(rng.choice((5, 6)))  # Saturday or Sunday mornings
    markets = insert(
        [
            Market(
                community_id=community.pk,
                title=f"{community.name}睦邻集市（{day:%m月%d日}）",
                held_on=day,
                starts_at=OPENS,
                ends_at=CLOSES,
                place="社区文化广场",
                note="商户让利销售，成员单位和志愿者免费服务",
                status=MarketStatus.HELD,
                created_at=at(day - dt.timedelta(days=10), 10),
            )
            for day in days
        ],
        Market,
        when="created_at",
    )
    stalls = insert(
        [
            Stall(
                market=m,
                community_id=community.pk,
                number=n + 1,
                kind=StallKind.SELLING if n < SELLING else StallKind.SERVICE,
            )
            for m in markets
            for n in range(SELLING + SERVING)
        ],
        Stall,
    )
    applications = []
    for m, i in zip(markets, range(0, len(stalls), SELLING + SERVING), strict=True):
        mine = stalls[i : i + SELLING + SERVING]
        applied = at(m.held_on - dt.timedelta(days=rng.randint(3, 8)), rng.randint(9, 20))
        checked_in = at(m.held_on, 8, rng.randint(5, 29))
        for stall, merchant in zip(mine[:SELLING], rng.sample(sellers, k=min(SELLING, len(sellers))), strict=False):
            applications.append(
                StallApplication(
                    market=m,
                    community_id=community.pk,
                    merchant=merchant,
                    kind=StallKind.SELLING,
                    offer=merchant.business or merchant.name,
                    status=ApplicationStatus.ALLOCATED,
                    stall=stall,
                    checkin_code=secrets.token_hex(16),
                    checked_in_at=checked_in,
                    takings_fen=rng.randint(30, 160) * 1000,
                    due_fen=0,
                    paid=True,
                    reported_at=at(m.held_on, 11, rng.randint(35, 59)),
                    created_at=applied,
                )
            )
        for stall, (merchant, service, offer) in zip(
            mine[SELLING:], rng.sample(servers, k=min(SERVING, len(servers))), strict=False
        ):
            applications.append(
                StallApplication(
                    market=m,
                    community_id=community.pk,
                    merchant=merchant,
                    kind=StallKind.SERVICE,
                    service_kind=service,
                    offer=offer,
                    status=ApplicationStatus.ALLOCATED,
                    stall=stall,
                    checkin_code=secrets.token_hex(16),
                    checked_in_at=checked_in,
                    created_at=applied,
                )
            )
    applications = insert(applications, StallApplication, when="created_at")
    served = [a for a in applications if a.kind == StallKind.SERVICE]
    market_of = {m.pk: m for m in markets}
    counts = insert(
        [
            VisitCount(
                application=a,
                community_id=community.pk,
                person_times=rng.randint(15, 60),
                created_at=at(market_of[a.market_id].held_on, 11, rng.randint(30, 59)),
            )
            for a in served
        ],
        VisitCount,
    )
    # What visits_record writes with each count (records.services.service_record_create).
    category = _("Neighbourhood market")
    records = [
        ServiceRecord(
            community_id=community.pk,
            occurred_at=at(market_of[a.market_id].held_on, CLOSES.hour, CLOSES.minute),
            service=str(ServiceKind(a.service_kind).label),
            category=category,
            tier=Tier.FREE,
            provider_kind=ProviderKind.MERCHANT,
            partner_id=a.merchant.partner_id,
            provider_name=a.merchant.name,
            person_times=c.person_times,
            source_type="markets.visitcount",
            source_id=c.pk,
            created_at=c.created_at,
        )
        for a, c in zip(served, counts, strict=True)
    ]
    insert(records, ServiceRecord)
    return {
        "merchants": len(sellers) + len(servers),
        "markets": len(markets),
        "stalls": len(stalls),
        "stall_applications": len(applications),
        "market_service_records": len(records),
    }
