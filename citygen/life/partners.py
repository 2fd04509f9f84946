"""Partners (社区合伙人) with their agreements in force: 8–12 per community, of the kinds the
reports name, each with a signed agreement (free use or rent, a revenue or profit share for most),
the room and weekly times it grants where the partner works in one of the community's rooms, and
for about half of them a public-welfare commitment with its progress over the period.

The rooms' weekly slots are recorded on the agreement but not booked as a recurring series: the
rooms' bookings come from ``citygen.activity`` (a series booked for the whole term would clash
with them and put bookings after the period, which the dashboards' rollups do not cover).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from citygen.life.common import World, at, insert, mobile, person
from partners.models import (
    Agreement,
    AgreementSlot,
    AgreementStatus,
    Commitment,
    CommitmentEntry,
    CommitmentPeriod,
    EntrySource,
    LogEntity,
    Partner,
    PartnerKind,
    PartnerStatus,
    PartyType,
    SettlementPeriod,
    ShareBasis,
    ShareRecipient,
    StatusChange,
)
from partners.selectors import add_months
from partners.uscc import ALPHABET, check_character

ACTIVITY, READING, CANTEEN = "多功能活动室", "阅览室", "长者食堂"


@dataclass(frozen=True)
class Plan:
    names: tuple[str, ...]  # one is chosen per community
    kind: str
    services: str
    individual: bool = False
    rent_yuan: int = 0
    share: tuple[str, int] = (ShareBasis.NONE, 0)  # (basis, percent)
    space: str = ""
    room: str = ""  # a room of citygen.activity's three, with the weekly slot below
    slot: tuple[tuple[int, ...], dt.time, dt.time] | None = None
    # (title, what is counted, unit, target, period, quantity per entry (low, high), entries per month)
    commitment: tuple[str, str, str, int, str, tuple[int, int], int] | None = None


WEEKDAYS = (0, 1, 2, 3, 4)
PLANS: tuple[Plan, ...] = (
    Plan(
        ("启航青少年成长中心", "小树苗托管中心", "知行教育四点半课堂"),
        PartnerKind.TRAINING,
        "午托（午餐和午休看护）、作业辅导、周末书法美术",
        share=(ShareBasis.PROFIT, 20),
        space="社区多功能活动室，工作日午间使用",
        room=ACTIVITY,
        slot=(WEEKDAYS, dt.time(12, 0), dt.time(13, 30)),
        commitment=("困境儿童免费托管", "免费托管儿童", "名", 8, CommitmentPeriod.TERM, (1, 2), 1),
    ),
    Plan(
        ("乐龄学堂", "银龄老年大学社区教学点", "夕阳红艺术团"),
        PartnerKind.TRAINING,
        "晨间太极、老年合唱、智能手机课",
        share=(ShareBasis.REVENUE, 10),
        space="阅览室，每周二、四早间",
        room=READING,
        slot=((1, 3), dt.time(8, 0), dt.time(9, 0)),
        commitment=("每月免费公益课", "免费课程", "场", 2, CommitmentPeriod.MONTH, (1, 1), 2),
    ),
    Plan(
        ("邻里长者食堂", "幸福里助餐点", "康乐社区食堂"),
        PartnerKind.CATERING,
        "长者助餐：午餐、晚餐，堂食和送餐上门",
        share=(ShareBasis.REVENUE, 5),
        space="长者食堂及后厨，水电由合伙人承担",
        room=CANTEEN,
        slot=((0, 1, 2, 3, 4, 5, 6), dt.time(11, 0), dt.time(13, 0)),
        commitment=("长者优惠餐（60岁以上每份减2元）", "长者优惠餐", "份", 300, CommitmentPeriod.MONTH, (120, 180), 2),
    ),
    Plan(
        ("仁和社区卫生服务站", "康宁诊所", "同济医院社区门诊"),
        PartnerKind.MEDICAL,
        "常见病诊疗、慢病随访、健康讲座",
        rent_yuan=1500,
        share=(ShareBasis.NONE, 0),
        space="社区一楼临街用房",
        commitment=("每月义诊", "义诊", "场", 1, CommitmentPeriod.MONTH, (1, 1), 1),
    ),
    Plan(
        ("颐康居家养老服务中心", "福寿康养服务站", "安馨养老服务有限公司"),
        PartnerKind.ELDER_CARE,
        "助浴、陪诊、上门探访、短期照护",
        share=(ShareBasis.PROFIT, 30),
        space="社区养老服务站两间",
        commitment=("独居老人每周探访", "探访", "户次", 40, CommitmentPeriod.MONTH, (16, 24), 2),
    ),
    Plan(
        ("惠民便利超市", "邻家生鲜", "好又多便民店"),
        PartnerKind.MERCHANT,
        "米面粮油、蔬菜水果，老人凭卡九五折",
        rent_yuan=800,
        share=(ShareBasis.NONE, 0),
    ),
    Plan(
        ("老街坊理发店", "巧剪美发", "新时代理发"),
        PartnerKind.MERCHANT,
        "理发，每月一次长者义剪",
        share=(ShareBasis.REVENUE, 5),
        commitment=("每月长者义剪日", "义剪", "人次", 20, CommitmentPeriod.MONTH, (15, 30), 1),
    ),
    Plan(
        ("安居物业服务有限公司", "金盾物业", "鑫源物业管理有限公司"),
        PartnerKind.PROPERTY,
        "小区物业服务，配合楼道清理和公共设施维修",
    ),
    Plan(
        ("绿邻园艺合作社", "青青园林绿化", "四季花木"),
        PartnerKind.GREENING,
        "小区绿化养护、认养树木",
        commitment=("认养树木养护", "养护树木", "棵", 50, CommitmentPeriod.TERM, (2, 6), 1),
    ),
    Plan(
        ("邻里修缮队", "万家家电维修部", "老王五金维修"),
        PartnerKind.MERCHANT,
        "家电维修、水电小修，困难家庭免上门费",
        share=(ShareBasis.PROFIT, 20),
    ),
    Plan(
        ("王阿姨缝补铺", "巧手张姐", "刘师傅修鞋"),
        PartnerKind.NEIGHBOUR,
        "缝补衣物、修鞋配钥匙",
        individual=True,
        space="社区服务大厅一角",
    ),
    Plan(
        ("知学共享自习室", "静心自习室", "书香共享书房"),
        PartnerKind.TRAINING,
        "周末共享自习室，按时段收费，学生优惠",
        share=(ShareBasis.PROFIT, 30),
        space="阅览室，周末午间开放",
        room=READING,
        slot=((5, 6), dt.time(11, 0), dt.time(14, 0)),
    ),
)
CHARITY = "淄博市慈善总会"


def _credit_code(n: int) -> str:
    """A well-formed unified social credit code, different for every ``n``."""
    body = ""
    for _i in range(7):
        n, digit = divmod(n, len(ALPHABET))
        body += ALPHABET[digit]
    first17 = f"91370303MA{body}"
    return first17 + check_character(first17)


def build_partners(world: World) -> dict[str, int]:
    rng, community = world.rng, world.community
    existing = Partner.objects.filter(community_id=community.pk)
    taken = set(existing.values_list("name", flat=True))
    codes = set(existing.values_list("credit_code", flat=True))
    serial = (
        code for n in range(community.pk * 100, community.pk * 100 + 10_000) if (code := _credit_code(n)) not in codes
    )
    plans = rng.sample(PLANS, k=rng.randint(8, min(12, len(PLANS))))
    starts = [
        max(add_months(world.first.replace(day=1), -rng.randint(0, 10)), add_months(world.end, -23)) for _p in plans
    ]
    partners, agreements, picked = [], [], []
    for plan, starts_on in zip(plans, starts, strict=True):
        name = next((n for n in rng.sample(plan.names, k=len(plan.names)) if n not in taken), None)
        if name is None:
            continue
        taken.add(name)
        picked.append(plan)
        signed = at(starts_on - dt.timedelta(days=rng.randint(3, 20)), 10)
        partners.append(
            Partner(
                community_id=community.pk,
                kind=plan.kind,
                party_type=PartyType.INDIVIDUAL if plan.individual else PartyType.ORGANISATION,
                name=name,
                credit_code="" if plan.individual else next(serial),
                contact_name=person(rng),
                contact_phone=mobile(rng),
                services=plan.services,
                status=PartnerStatus.ACTIVE,
                created_at=signed - dt.timedelta(days=rng.randint(7, 40)),
                status_changed_at=signed,
            )
        )
        basis, percent = plan.share
        # One or two years (the longest term partners.services allows), in force at the end.
        ends_on = add_months(starts_on, 12 * rng.randint(1, 2)) - dt.timedelta(days=1)
        if ends_on < world.end:
            ends_on = add_months(starts_on, 24) - dt.timedelta(days=1)
        agreements.append(
            Agreement(
                community_id=community.pk,
                status=AgreementStatus.SIGNED,
                starts_on=starts_on,
                ends_on=ends_on,
                space_terms=plan.space or "社区提供公共空间，按需预约使用",
                monthly_rent_fen=plan.rent_yuan * 100,
                service_terms="60岁以上老人、低保家庭享受优惠价" if basis != ShareBasis.NONE else "",
                share_basis=basis,
                share_bp=percent * 100,
                share_recipient=ShareRecipient.COMMUNITY_FUND,
                settlement_period=rng.choice((SettlementPeriod.MONTHLY, SettlementPeriod.QUARTERLY)),
                community_signatory="社区党委书记",
                partner_signatory=partners[-1].contact_name,
                signed_at=signed,
                created_at=signed - dt.timedelta(days=rng.randint(2, 6)),
                updated_at=signed,
            )
        )
    partners = insert(partners, Partner, when="created_at")
    for partner, agreement in zip(partners, agreements, strict=True):
        agreement.partner = partner
    agreements = insert(agreements, Agreement, when="signed_at")
    plan_of = {partner.pk: plan for partner, plan in zip(partners, picked, strict=True)}
    slots, commitments, log = [], [], []
    for partner, agreement in zip(partners, agreements, strict=True):
        plan = plan_of[partner.pk]
        room = world.rooms.get(plan.room)
        if plan.slot and room is not None:
            days, start, end = plan.slot
            slots.append(
                AgreementSlot(
                    community_id=community.pk,
                    agreement=agreement,
                    room=room,
                    weekdays=list(days),
                    start_time=start,
                    end_time=end,
                )
            )
        if plan.commitment:
            title, metric, unit, target, period, _q, _n = plan.commitment
            commitments.append(
                Commitment(
                    community_id=community.pk,
                    agreement=agreement,
                    partner=partner,
                    title=title,
                    metric=metric,
                    unit=unit,
                    target=target,
                    period=period,
                )
            )
        log += _log(partner, agreement)
    insert(slots, AgreementSlot)
    commitments = insert(commitments, Commitment)
    insert(log, StatusChange)
    entries = _progress(world, commitments, {a.pk: a for a in agreements}, plan_of)
    return {
        "partners": len(partners),
        "agreements": len(agreements),
        "agreement_slots": len(slots),
        "commitments": len(commitments),
        "commitment_entries": entries,
    }


def _log(partner: Partner, agreement: Agreement) -> list[StatusChange]:
    """The steps partners.services would have logged: registered, agreement drafted, signed, active."""
    common = dict(community_id=partner.community_id, partner=partner)
    return [
        StatusChange(
            **common,
            entity=LogEntity.PARTNER,
            object_id=partner.pk,
            action="create",
            to_status=PartnerStatus.APPROVED,
            created_at=partner.created_at,
        ),
        StatusChange(
            **common,
            entity=LogEntity.AGREEMENT,
            object_id=agreement.pk,
            action="create",
            to_status=AgreementStatus.DRAFT,
            created_at=agreement.created_at,
        ),
        StatusChange(
            **common,
            entity=LogEntity.AGREEMENT,
            object_id=agreement.pk,
            action="sign",
            from_status=AgreementStatus.DRAFT,
            to_status=AgreementStatus.SIGNED,
            created_at=agreement.signed_at,
        ),
        StatusChange(
            **common,
            entity=LogEntity.PARTNER,
            object_id=partner.pk,
            action="activate",
            from_status=PartnerStatus.APPROVED,
            to_status=PartnerStatus.ACTIVE,
            created_at=agreement.signed_at,
        ),
    ]


def _progress(world: World, commitments: list[Commitment], agreements: dict, plan_of: dict) -> int:
    """Entries spread over the period: ``per month`` of them a month, within the agreement's term."""
    rng = world.rng
    entries = []
    for c in commitments:
        agreement = agreements[c.agreement_id]
        *_head, (low, high), per_month = plan_of[c.partner_id].commitment
        for i in range(world.days):
            day = world.day(i)
            # Each day has per_month/30 of a chance: about per_month entries a month.
            if rng.random() * 30 >= per_month or not agreement.starts_on <= day <= agreement.ends_on:
                continue
            recorded_at = at(day, rng.randint(17, 20), rng.randint(0, 59))
            entries.append(
                CommitmentEntry(
                    community_id=c.community_id,
                    commitment=c,
                    partner_id=c.partner_id,
                    occurred_on=day,
                    quantity=rng.randint(low, high),
                    recorded_as=rng.choice((EntrySource.STAFF, EntrySource.PARTNER)),
                    created_at=recorded_at,
                )
            )
    insert(entries, CommitmentEntry, when="created_at")
    return len(entries)
