"""Demo markets: 大世界社区's year of neighbourhood markets (睦邻集市).

The report: 11 markets, 300+ businesses, 5,000+ person-times, ¥10,000+ and 100+ donated items
to the community development fund. ``load_demo()`` makes, through the markets services, a pool
of merchants and member units (invented names of the kinds the reports describe), the 11 monthly
markets of the past year on the community square with their stall holders checked in, takings
shares, free service stalls' person-times and donated goods, and the next market, planned, with
applications waiting. A merchant login (``dsj-merchant``) opens the merchant portal.

Idempotent: a market found by its title is left as it is; merchants are found by name.
Deterministic: the figures come from a seeded random generator, the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from markets import selectors, services
from markets.models import ApplicationStatus, Market, Merchant, MerchantKind, MerchantMember, ServiceKind, StallKind
from orgs.models import NodeKind, OrgNode

COMMUNITY = "大世界社区"
MERCHANT_LOGIN = "dsj-merchant"

SHOPS = [
    ("老张时令水果", "时令水果"), ("李记干鲜", "干货、杂粮"), ("王姐手工面食", "馒头、花卷、包子"), ("鑫鑫日杂", "日用百货"),
    ("乡里乡亲农产品", "自家种的蔬菜"), ("刘师傅修鞋配钥匙", "修鞋、配钥匙"), ("大世界便民超市", "米面粮油"),
    ("孙记豆腐坊", "豆腐、豆浆"), ("红红绣品", "鞋垫、十字绣"), ("惠民药店", "常用药、保健品"), ("阳光花卉", "绿植花卉"),
    ("百味熟食", "熟食"), ("小周五金", "小五金、电池"), ("好邻居母婴", "母婴用品"), ("老陈炒货", "瓜子花生"),
    ("鲜丰水产", "淡水鱼虾"), ("巧手编织", "毛线编织"), ("金秋蜂蜜", "土蜂蜜"), ("幸福里茶叶", "茶叶"),
    ("田园鸡蛋", "土鸡蛋"), ("晨光文具", "文具、图书"), ("好运来布艺", "床品布艺"), ("福满楼糕点", "中式糕点"),
    ("老街针线铺", "针头线脑"), ("一米阳光童装", "童装"), ("绿源菌菇", "食用菌"),
]
SERVICES = [
    ("社区卫生服务站", MerchantKind.MEMBER_UNIT, ServiceKind.CLINIC, "义诊、测血压血糖"),
    ("中医院志愿医疗队", MerchantKind.MEMBER_UNIT, ServiceKind.BLOOD_PRESSURE, "中医把脉、健康咨询"),
    ("爱心理发志愿队", MerchantKind.VOLUNTEER_TEAM, ServiceKind.HAIRCUT, "免费理发"),
    ("家电维修志愿队", MerchantKind.VOLUNTEER_TEAM, ServiceKind.APPLIANCE_REPAIR, "小家电维修"),
    ("街道社保所", MerchantKind.MEMBER_UNIT, ServiceKind.POLICY_ADVICE, "医保、养老政策咨询"),
    ("律师事务所党支部", MerchantKind.MEMBER_UNIT, ServiceKind.LEGAL_ADVICE, "法律咨询"),
    ("派出所社区民警", MerchantKind.MEMBER_UNIT, ServiceKind.ANTI_FRAUD, "防诈骗宣传"),
    ("巧手缝补队", MerchantKind.VOLUNTEER_TEAM, ServiceKind.CLOTHES_MENDING, "缝补衣物、改裤脚"),
    ("磨刀志愿者", MerchantKind.VOLUNTEER_TEAM, ServiceKind.KNIFE_SHARPENING, "磨剪子、戗菜刀"),
    ("青年志愿者服务队", MerchantKind.VOLUNTEER_TEAM, ServiceKind.PHONE_HELP, "教老人用智能手机"),
    ("人社服务站", MerchantKind.MEMBER_UNIT, ServiceKind.JOB_ADVICE, "就业信息、技能培训报名"),
]
DONATIONS = [("大米（10斤装）", 6000), ("食用油（5升）", 7000), ("冬衣", 5000), ("儿童图书", 1500), ("面粉（10斤）", 3000)]


def _merchants(community: OrgNode) -> tuple[list[Merchant], list[tuple[Merchant, str, str]]]:
    existing = {m.name: m for m in Merchant.objects.filter(community=community)}

    def get(name: str, kind: str, business: str) -> Merchant:
        if name in existing:
            return existing[name]
        merchant = services.merchant_create(
            actor=None, community=community, name=name, kind=kind, business=business, contact_name=name[:2] + "经理"
        )
        existing[name] = merchant
        return merchant

    shops = [get(name, MerchantKind.SHOP, business) for name, business in SHOPS]
    stalls = [(get(name, kind, offer), service, offer) for name, kind, service, offer in SERVICES]
    return shops, stalls


def _merchant_login(merchant: Merchant) -> None:
    from accounts.models import User
    from accounts.services import user_create
    from demo.logins import PASSWORD

    if MerchantMember.objects.filter(merchant=merchant).exists():
        return
    user = User.objects.filter(username=MERCHANT_LOGIN).first() or user_create(
        username=MERCHANT_LOGIN, password=PASSWORD, display_name="张老板（老张时令水果）"
    )
    services.merchant_member_add(actor=None, merchant=merchant, user=user)


def _held_market(community: OrgNode, n: int, day: dt.date, shops, stalls, rng: random.Random) -> None:
    title = f"大世界社区睦邻集市（第{n}期）"
    if Market.objects.filter(community=community, title=title).exists():
        return
    sellers = rng.sample(shops, k=min(len(shops), rng.randint(19, 22)))
    servers = rng.sample(stalls, k=min(len(stalls), rng.randint(8, 10)))
    market = services.market_create(
        actor=None,
        community=community,
        title=title,
        held_on=day,
        starts_at=dt.time(8, 30),
        ends_at=dt.time(11, 30),
        place="社区文化广场",
        note="党群服务集市：商户让利销售，成员单位和志愿者免费服务",
        selling_stalls=len(sellers) + 2,
        service_stalls=len(servers) + 1,
        fee_fen=1000,
        share_bp=500,
    )
    opened = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 20)))
    number = 1
    for merchant in sellers:
        application = services.stall_apply(actor=None, market=market, merchant=merchant, kind=StallKind.SELLING, offer=merchant.business)
        stall = selectors.stall_get(market=market, stall_number=number)
        number += 1
        application = services.stall_allocate(actor=None, application=application, stall=stall)
        application = services.stall_checkin(actor=None, application=application, code=application.checkin_code, now=opened)
        takings = rng.randint(40, 160) * 1000  # ¥400–1,600 on a morning
        services.takings_report(actor=None, application=application, takings_fen=takings, paid=True)
    number = len(sellers) + 3
    for merchant, service, offer in servers:
        application = services.stall_apply(
            actor=None, market=market, merchant=merchant, kind=StallKind.SERVICE, service_kind=service, offer=offer
        )
        application = services.stall_allocate(
            actor=None, application=application, stall=selectors.stall_get(market=market, stall_number=number)
        )
        number += 1
        application = services.stall_checkin(actor=None, application=application, code=application.checkin_code, now=opened)
        services.visits_record(actor=None, application=application, person_times=rng.randint(45, 70))
    for _i in range(rng.randint(2, 4)):
        item, value = rng.choice(DONATIONS)
        donor = rng.choice(sellers)
        services.donation_record(
            actor=None, market=market, merchant=donor, donor_name=donor.name, item=item, quantity=rng.randint(3, 5), value_fen=value
        )
    services.market_set_status(actor=None, market=market, status="held")


def _next_market(community: OrgNode, day: dt.date, shops, stalls) -> None:
    title = f"大世界社区睦邻集市（{day:%Y年%m月}）"
    if Market.objects.filter(community=community, title=title).exists():
        return
    market = services.market_create(
        actor=None, community=community, title=title, held_on=day, starts_at=dt.time(8, 30), ends_at=dt.time(11, 30),
        place="社区文化广场", selling_stalls=24, service_stalls=12, fee_fen=1000, share_bp=500,
    )
    for merchant in shops[:6]:
        services.stall_apply(actor=None, market=market, merchant=merchant, kind=StallKind.SELLING, offer=merchant.business)
    first = market.applications.filter(status=ApplicationStatus.APPLIED).order_by("pk")
    for i, application in enumerate(list(first[:3]), start=1):
        services.stall_allocate(actor=None, application=application, stall=selectors.stall_get(market=market, stall_number=i))
    for merchant, service, offer in stalls[:4]:
        services.stall_apply(actor=None, market=market, merchant=merchant, kind=StallKind.SERVICE, service_kind=service, offer=offer)


def load_demo(*, stdout: TextIO | None = None) -> None:
    community = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name=COMMUNITY).first()
    if community is None:
        if stdout:
            stdout.write(f"集市：未找到{COMMUNITY}，跳过 / markets: {COMMUNITY} not found, skipped.\n")
        return
    rng = random.Random(20240601)
    today = timezone.localdate()
    with transaction.atomic():
        shops, stalls = _merchants(community)
        _merchant_login(shops[0])
    # The last 11 months' markets, on the first Saturday after the 5th of each month.
    for n in range(1, 12):
        month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        for _back in range(11 - n):
            month = (month - dt.timedelta(days=1)).replace(day=1)
        day = month.replace(day=6)
        day += dt.timedelta(days=(5 - day.weekday()) % 7)
        with transaction.atomic():
            _held_market(community, n, day, shops, stalls, random.Random(rng.random() + n))
    upcoming = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    with transaction.atomic():
        _next_market(community, upcoming, shops, stalls)
    if stdout:
        figures = selectors.summary_of(
            Market.objects.filter(community=community, status="held", held_on__gt=today - dt.timedelta(days=366))
        )
        stdout.write(
            f"睦邻集市 / Markets: {COMMUNITY} {figures.markets} 场 markets, {figures.businesses} 个摊位 stall holders, "
            f"{figures.person_times} 人次 person-times, ¥{figures.to_fund_fen / 100:,.2f} 入基金 to the fund, "
            f"{figures.items_donated} 件捐赠 items donated.\n"
        )
