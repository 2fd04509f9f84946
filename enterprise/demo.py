"""Demo data: the six community enterprises of 沙坪街道 (鹤山市), from the Heshan report.

The report: six community enterprises rented out "瑜伽室、阅览室、书法室、画室等" — 1,011 m² — to 28
partners, with an estimated ¥72,000 of income a year, under a financial management rule and the
subdistrict's property-leasing guideline (收支两条线, 分级审批, 公开透明), with bookkeeping by an
agency.

What this makes, through the services (partners, spaces, enterprise), for each community of 沙坪街道
that exists:

* the enterprise and its book, its two rules attached, this year's budget lines;
* a rent-paying agreement for every room the spaces demo marks ``lent`` that no partner rents yet,
  so the rooms rented out add up to the report's 1,011 m²; monthly rents across the six come to
  ¥5,000 (¥60,000 a year) and other income (government purchase of services, service operations,
  donations) to ¥12,000 — about ¥72,000 a year;
* more partners (free and low-cost services, named in the report where it names them) until the six
  communities have 28;
* rent invoices for every month of this year the leases ran, paid except for a few arrears;
* 10% of the rent-paying partners' income passed to 鹤山市慈善会 where their agreements say so;
* expense requests at every approval level (party secretary; plus the subdistrict officer; plus the
  subdistrict's collective decision), paid, waiting and one flagged as a possible split purchase;
* every finished month's statement published, with residents' questions, one of them overdue;
* demo logins for 沙坪街道 (the shared demo password): ``shaping_officer`` (subdistrict officer),
  ``shaping_bookkeeper`` (the bookkeeping agency, all six enterprises), ``heping_staff`` (和平社区
  staff) and a party secretary for each community (``<community>_sj``, e.g. ``heping_sj``); one
  resident of each community gets a login (their mobile number) and asks the questions.

Idempotent: enterprises, partners, rooms, invoices, payments, requests and statements are found by
name or key, and a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO
from unittest import mock

from django.db import transaction
from django.utils import timezone

from enterprise import services
from enterprise.models import (
    Enterprise,
    ExpenseRequest,
    Income,
    MonthlyStatement,
    Question,
    RentInvoice,
    RentPayment,
    RequestStatus,
    ShareTransfer,
)
from enterprise.periods import local_midnight, month_start, next_month
from enterprise.reports import month_report
from linli.errors import DomainError
from orgs.models import NodeKind, OrgNode
from orgs.roles import Role
from orgs.scope import Scope

SUBDISTRICT = "沙坪街道"
COMMUNITIES = ("凤凰社区", "谷埠社区", "雁山社区", "桂林社区", "南山社区", "和平社区")
PINYIN = {"凤凰社区": "fenghuang", "谷埠社区": "gubu", "雁山社区": "yanshan", "桂林社区": "guilin",
          "南山社区": "nanshan", "和平社区": "heping"}
SECRETARIES = {"凤凰社区": "罗少芬", "谷埠社区": "陈伟强", "雁山社区": "李志红", "桂林社区": "黄文静",
               "南山社区": "吕国华", "和平社区": "冯丽娟"}
CHARITY = "鹤山市慈善会"
TARGET_PARTNERS = 28

# The rent of each lent room not yet rented by the partners demo: (community, room) → (partner,
# kind, services, monthly rent in yuan, weekdays, from, to).
NEW_LEASES = {
    ("凤凰社区", "书法室"): ("墨香书法工作室", "training", "少儿及长者书法课，长者低偿", 500, (1, 3), "16:30", "18:30"),
    ("雁山社区", "心理咨询室"): ("雁山二胡培训班", "training", "二胡培训班，困难家庭子女免费", 200, (5,), "09:00", "11:30"),
    ("雁山社区", "舞蹈室"): ("雁山舞蹈艺术中心", "training", "少儿舞蹈、广场舞指导", 250, (0, 2, 4), "16:30", "18:30"),
    ("谷埠社区", "茶饮文创室"): ("谷埠茶语文创", "merchant", "茶饮、文创手作，为长者提供免费茶水", 150, (5, 6), "10:00", "17:00"),
    ("谷埠社区", "音乐室"): ("谷埠音乐课堂", "training", "钢琴、声乐课，合唱团免费指导", 150, (1, 3), "16:30", "18:30"),
    ("桂林社区", "画室"): ("桂林少儿美术班", "training", "少儿美术，困难家庭子女免费", 150, (5, 6), "09:00", "11:30"),
    ("南山社区", "舞蹈室"): ("南山芭蕾形体工作室", "training", "芭蕾形体私教课", 100, (1, 3), "16:30", "18:30"),
    ("和平社区", "托管教室"): ("优阅托管", "training", "课后托管、作业辅导，困难家庭子女免费", 100, (0, 1, 2, 3, 4), "16:30", "18:30"),
}

# Free and low-cost partners, to reach the report's 28 (和平社区's are named in the report).
MORE_PARTNERS = (
    ("和平社区", "银姐义剪", "neighbour", "每月为长者、残障人士免费理发"),
    ("和平社区", "强哥说媒", "neighbour", "为社区大龄青年牵线搭桥"),
    ("和平社区", "和平家电义修队", "neighbour", "每月第二个周六免费维修小家电"),
    ("和平社区", "经纬花园业主志愿队", "neighbour", "楼道清洁、绿化认养"),
    ("和平社区", "和平长者饭堂", "catering", "长者助餐，80岁以上每餐减2元"),
    ("凤凰社区", "凤凰康复理疗站", "medical", "长者康复理疗，低偿"),
    ("凤凰社区", "凤凰法律咨询室", "neighbour", "每月两次免费法律咨询"),
    ("谷埠社区", "谷埠便民维修", "neighbour", "水电维修，长者低偿"),
    ("谷埠社区", "谷埠社区诊所", "medical", "免费量血压、健康讲座"),
    ("雁山社区", "雁山长者助餐点", "catering", "长者助餐"),
    ("雁山社区", "雁山青年志愿服务队", "neighbour", "假期学习角陪伴"),
    ("桂林社区", "桂林家政服务社", "neighbour", "家政服务，独居长者低偿"),
    ("桂林社区", "桂林社区药房", "medical", "送药上门"),
    ("南山社区", "南山邻里互助社", "neighbour", "邻里互助、代购代办"),
    ("南山社区", "南山读书会", "neighbour", "每周读书分享"),
    ("南山社区", "南山便民理发", "merchant", "理发，长者优惠"),
    ("和平社区", "和平社区诊所", "medical", "家庭医生签约服务"),
    ("凤凰社区", "凤凰烘焙坊", "merchant", "烘焙体验课，低偿"),
    ("谷埠社区", "谷埠书画社", "neighbour", "书画交流"),
    ("雁山社区", "雁山便民服务站", "neighbour", "代缴水电费、快递代收"),
    ("桂林社区", "桂林四点半课堂", "training", "课后托管"),
    ("南山社区", "南山健身队", "neighbour", "广场健身指导"),
)

# Other income across the six (yuan): (community, source, payer, memo, month offset, amount).
OTHER_INCOME = (
    ("凤凰社区", "government", "沙坪街道办事处", "政府购买服务：长者关爱项目", 2, 3000),
    ("和平社区", "government", "沙坪街道办事处", "政府购买服务：一老一少一青项目", 3, 2500),
    ("和平社区", "services", "参加活动居民", "便民服务收入：周末亲子手作", 1, 800),
    ("谷埠社区", "donation", "鹤山市某商贸有限公司", "赞助重阳敬老活动", 2, 1200),
    ("雁山社区", "services", "参加活动居民", "便民服务收入：暑期兴趣班", 3, 1000),
    ("桂林社区", "donation", "爱心商户", "赞助困难家庭微心愿", 1, 900),
    ("南山社区", "other", "废旧物资回收站", "其他合法收入：废旧物资回收", 2, 600),
    ("凤凰社区", "services", "参加活动居民", "便民服务收入：场室临时使用", 1, 1000),
    ("南山社区", "government", "沙坪街道办事处", "政府购买服务：社区治理项目", 4, 1000),
)

BUDGET = {"running": 8_000, "vulnerable": 5_000, "wishes": 3_000, "activities": 4_000}
FENGHUANG_BUDGET = {"running": 20_000, "vulnerable": 8_000, "wishes": 4_000, "activities": 8_000}

FINANCIAL_RULE = (
    "一、社区企业实行“收支两条线”：各项收入（场室租金、经营服务收入、政府购买服务、捐赠赞助、其他合法收入）"
    "全部纳入企业账户，不得坐支；各项支出按年度预算列支。\n"
    "二、分级审批：单笔支出1000元以下由社区党组织书记审批；1000元至10000元还须经街道联系干部审核；"
    "10000元以上须经街道集体研究决定。\n"
    "三、公开透明：每月公开收支情况，接受街道监督和居民质询，居民质询须在规定时限内答复。\n"
    "四、委托专业代理记账机构记账、报税。"
)
LEASING_GUIDELINE = (
    "《沙坪街道社区物业租赁管理工作指引》：党群服务阵地场室按“小公益+低偿+市场”模式出租，"
    "承租合伙人须签订合作协议，明确场室、时段、租金及公益服务承诺；收益的10%转入鹤山市慈善会，"
    "定向支持社区慈善公益项目；租金按月缴纳，每月10日前缴清。"
)


class _Out:
    def __init__(self, stdout: TextIO | None) -> None:
        self.stdout = stdout

    def __call__(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")


def _user(username: str, name: str, node: OrgNode, role: str, title: str):
    from accounts.models import User
    from accounts.services import user_create
    from demo.logins import PASSWORD
    from orgs.services import role_grant

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(username=username, password=PASSWORD, display_name=name)
    role_grant(user=user, node=node, role=role, title=title)
    return user


def _uscc(name: str) -> str:
    from partners.demo import demo_credit_code

    return demo_credit_code(name, "440784")


def _phone(name: str) -> str:
    from partners.demo import demo_phone

    return demo_phone(name)


def _lent_rooms(community: OrgNode):
    from spaces.demo import PLANS as SPACE_PLANS
    from spaces.models import Room

    plan = SPACE_PLANS.get(community.name)
    if plan is None:
        return []
    names = [r.name for r in plan.rooms if r.lent]
    return list(Room.objects.filter(community=community, name__in=names).order_by("pk"))


def _leased_room_ids(community: OrgNode) -> set[int]:
    from partners.models import AgreementSlot, AgreementStatus

    return set(
        AgreementSlot.objects.filter(
            community=community, agreement__status=AgreementStatus.SIGNED
        ).values_list("room_id", flat=True)
    )


def _lease(community: OrgNode, room, plan, out: _Out) -> None:
    from partners import selectors as partner_selectors
    from partners import services as partner_services
    from partners.models import Partner
    from partners.services import slots as slot_services

    name, kind, offer, rent, weekdays, start, end = plan
    partner = Partner.objects.filter(community=community, name=name).first()
    if partner is None:
        partner = partner_services.partner_create(
            actor=None, community=community, kind=kind, party_type="organisation", name=name,
            credit_code=_uscc(name), contact_name=f"{name[:2]}负责人", contact_phone=_phone(name), services=offer,
        )
    if partner.agreements.exists():
        return
    today = timezone.localdate()
    starts = partner_selectors.add_months(today.replace(day=1), -6)
    agreement = partner_services.agreement_create(
        actor=None, partner=partner, starts_on=starts,
        ends_on=partner_selectors.add_months(starts, 12) - dt.timedelta(days=1),
        space_terms=f"{room.name}（出租）", monthly_rent_fen=rent * 100,
        cost_notes="场室出租，按《沙坪街道社区物业租赁管理工作指引》签约，租金收入进入社区企业账户。",
        share_basis="revenue", share_bp=1000, share_recipient="charity", share_recipient_name=CHARITY,
        settlement_period="monthly",
    )
    try:
        slot_services.slot_add(
            actor=None, agreement=agreement, room=room, weekdays=list(weekdays),
            start_time=dt.time.fromisoformat(start), end_time=dt.time.fromisoformat(end),
        )
        partner_services.agreement_sign(
            actor=None, agreement=agreement, community_signatory=SECRETARIES[community.name],
            partner_signatory=f"{name[:2]}负责人",
        )
    except DomainError as exc:
        out(f"社区企业：{community.name}{room.name}未能签约（{exc.message}）")


def _more_partners(communities: dict[str, OrgNode]) -> None:
    from partners import services as partner_services
    from partners.models import Partner

    count = Partner.objects.filter(community__in=communities.values()).count()
    for community_name, name, kind, offer in MORE_PARTNERS:
        if count >= TARGET_PARTNERS:
            return
        community = communities.get(community_name)
        if community is None or Partner.objects.filter(community=community, name=name).exists():
            continue
        partner_services.partner_create(
            actor=None, community=community, kind=kind, party_type="individual" if "队" in name else "organisation",
            name=name, credit_code="" if "队" in name else _uscc(name), contact_name=f"{name[:2]}联系人",
            contact_phone=_phone(name), services=offer,
        )
        count += 1


def _months_this_year(today: dt.date) -> list[dt.date]:
    month, out = dt.date(today.year, 1, 1), []
    while month <= today:
        out.append(month)
        month = next_month(month)
    return out


def _rent(ent: Enterprise, staff: Scope, today: dt.date) -> None:
    from enterprise.services.rent import leases_in_force

    for month in _months_this_year(today):
        services.rent_invoices_generate(actor=staff, enterprise=ent, period=month)
    invoices = list(RentInvoice.objects.filter(enterprise=ent).select_related("partner").order_by("period", "pk"))
    current = month_start(today)
    for i, inv in enumerate(invoices):
        # Arrears: this month's rent is not due yet for most; two partners are behind.
        late = inv.partner.name in ("凤凰瑜伽馆", "谷埠音乐课堂") and inv.period >= month_start(current - dt.timedelta(days=40))
        if late or (inv.period == current and i % 2):
            continue
        if RentPayment.objects.filter(invoice=inv).exists():
            continue
        paid_on = min(inv.period.replace(day=8), today)
        services.rent_payment_record(
            actor=staff, invoice=inv, amount_fen=inv.amount_fen, paid_on=paid_on, idempotency_key="demo"
        )
    # 10% of the rent-paying partners' income to the charity, for the finished months.
    for agreement in leases_in_force(enterprise=ent, period=current):
        if agreement.share_recipient != "charity" or agreement.share_basis == "none":
            continue
        for month in _months_this_year(today):
            if month >= current or month < month_start(agreement.starts_on):
                continue
            if ShareTransfer.objects.filter(agreement=agreement, period=month).exists():
                continue
            revenue = agreement.monthly_rent_fen * 4 + (agreement.pk % 7) * 10_000
            services.share_transfer_record(actor=staff, agreement=agreement, period=month, revenue_fen=revenue)


def _requests(ent: Enterprise, staff: Scope, secretary: Scope, officer: Scope, today: dt.date) -> None:
    """Requests at every approval level; most paid, some waiting, one flagged as a split."""
    name = ent.community.name
    big = name == "凤凰社区"
    plans = [
        ("running", "党群服务中心电费", "鹤山供电局", 68_000 if big else 38_000, "pay"),
        ("vulnerable", "慰问困难家庭（米、油）", "沙坪粮油店", 45_000 if big else 30_000, "pay"),
        ("wishes", "困难儿童微心愿：书包文具", "沙坪文具店", 32_000 if big else 20_000, "pay"),
        ("activities", "“邻里节”活动物资", "沙坪超市", 180_000 if big else 120_000, "pay"),
        ("running", "党群服务中心水费", "鹤山自来水公司", 26_000 if big else 12_000, "wait"),
    ]
    if name == "凤凰社区":
        plans += [
            ("running", "党群服务中心空调维修更换", "鹤山制冷设备有限公司", 1_280_000, "pay"),
            ("activities", "暑期公益课堂材料（第一批）", "沙坪文具店", 80_000, "pay"),
            ("activities", "暑期公益课堂材料（第二批）", "沙坪文具店", 70_000, "wait"),
        ]
    if name == "和平社区":
        plans += [("activities", "长者生日会", "和平饼家", 160_000, "wait_officer")]
    for i, (category, purpose, payee, amount, plan) in enumerate(plans):
        key = f"demo-{i}"
        req = ExpenseRequest.objects.filter(enterprise=ent, idempotency_key=key).first()
        if req is None:
            req = services.expense_request_create(
                actor=staff, enterprise=ent, category=category, purpose=purpose, payee=payee, amount_fen=amount,
                idempotency_key=key, over_budget_reason="",
            )
        if plan == "wait" or req.status != RequestStatus.PENDING and req.status != RequestStatus.APPROVED:
            continue
        while req.status == RequestStatus.PENDING:
            approver = req.next_approver
            if plan == "wait_officer" and approver != "party_secretary":
                break
            if approver == "party_secretary":
                req = services.expense_request_decide(actor=secretary, request=req, decision="approve")
            elif approver == "subdistrict_officer":
                req = services.expense_request_decide(actor=officer, request=req, decision="approve", note="同意")
            else:
                req = services.expense_request_decide(
                    actor=officer, request=req, decision="approve", note="街道党工委会议集体研究同意",
                    meeting_date=today - dt.timedelta(days=3), minutes_ref=f"沙坪街道党工委会议纪要〔{today.year}〕18号",
                )
        if req.status == RequestStatus.APPROVED and plan == "pay":
            try:
                services.expense_request_pay(actor=staff, request=req, paid_on=today)
            except DomainError:
                pass  # not enough cash yet: it stays approved, to be paid when the rent comes in


def _disclosure(ent: Enterprise, staff: Scope, today: dt.date, asker) -> None:
    finished = [m for m in _months_this_year(today) if local_midnight(next_month(m)) <= timezone.now()]
    for month in finished:
        if not month_report(enterprise=ent, month=month, with_entries=False).income_total:
            continue  # nothing happened yet that month (before the first lease)
        services.statement_publish(actor=staff, enterprise=ent, month=month, note="本月收支情况公示，欢迎居民监督质询。")
    if asker is None or not finished or Question.objects.filter(statement__enterprise=ent).exists():
        return
    statement = MonthlyStatement.objects.filter(enterprise=ent).order_by("-month").first()
    if statement is None:
        return
    entries = month_report(enterprise=ent, month=statement.month).entries
    if not entries:
        return
    # An answered question, asked last week.
    asked = timezone.now() - dt.timedelta(days=8)
    with mock.patch("django.utils.timezone.now", return_value=asked):
        # Dated in the past so that the demo shows a deadline that passed (the service dates
        # questions "now").
        answered = services.question_ask(
            user=asker, statement=statement, transaction_id=entries[0].transaction_id,
            text="这笔收入是哪个合伙人交的？有没有按时交？",
        )
    services.question_answer(
        actor=staff, question=answered, answer="为本月场室租金，合伙人已按协议于10日前缴清，明细见租金台账。"
    )
    if ent.community.name in ("和平社区", "凤凰社区"):
        with mock.patch("django.utils.timezone.now", return_value=asked):
            services.question_ask(
                user=asker, statement=statement, transaction_id=entries[-1].transaction_id,
                text="这笔支出买了什么？多少户受益？",
            )


def _asker(community: OrgNode):
    """A resident of the community with a login (their mobile number), to question its accounts:
    only the community's own residents may (居民质询)."""
    from demo.logins import PASSWORD
    from residents.models import Resident
    from residents.services import resident_account_create

    resident = Resident.objects.filter(community=community, user__isnull=False).order_by("pk").first()
    if resident is not None:
        return resident.user
    resident = Resident.objects.filter(community=community, user__isnull=True).exclude(phone_hash="").order_by("pk").first()
    if resident is None:
        return None
    return resident_account_create(actor=None, resident=resident, password=PASSWORD)


def load_demo(*, stdout: TextIO | None = None) -> None:
    out = _Out(stdout)
    subdistrict = OrgNode.objects.filter(kind=NodeKind.SUBDISTRICT, name=SUBDISTRICT).order_by("path").first()
    if subdistrict is None:
        out("社区企业：未找到沙坪街道，跳过 / enterprise: 沙坪街道 not found, skipped.")
        return
    communities = {
        c.name: c
        for c in OrgNode.objects.filter(kind=NodeKind.COMMUNITY, parent=subdistrict, name__in=COMMUNITIES)
    }
    today = timezone.localdate()
    with transaction.atomic():
        officer = Scope(_user("shaping_officer", "周建明", subdistrict, Role.SUBDISTRICT_OFFICER, "沙坪街道社区建设办"))
        _user("shaping_bookkeeper", "何会计", subdistrict, Role.BOOKKEEPER, "鹤山市诚信代理记账有限公司")
        services.policy_for(subdistrict=subdistrict)
    for name in COMMUNITIES:
        community = communities.get(name)
        if community is None:
            continue
        with transaction.atomic():
            secretary = Scope(
                _user(f"{PINYIN[name]}_sj", SECRETARIES[name], community, Role.PARTY_SECRETARY, "社区党委书记")
            )
            staff_user = _user(f"{PINYIN[name]}_staff", f"{name[:2]}社工", community, Role.COMMUNITY_STAFF, "社区工作者")
            staff = Scope(staff_user)
            ent = Enterprise.objects.filter(community=community).first()
            if ent is None:
                ent = services.enterprise_create(
                    actor=staff, community=community, name=f"鹤山市{name[:2]}社区服务有限公司",
                    legal_representative=SECRETARIES[name], bookkeeping_agency="鹤山市诚信代理记账有限公司",
                )
                services.document_add(
                    actor=staff, enterprise=ent, kind="financial_rule", title=f"{name}社区企业财务管理制度",
                    body=FINANCIAL_RULE, adopted_on=dt.date(today.year, 1, 1),
                )
                services.document_add(
                    actor=staff, enterprise=ent, kind="leasing_guideline", title="沙坪街道社区物业租赁管理工作指引",
                    body=LEASING_GUIDELINE, adopted_on=dt.date(today.year, 1, 1),
                )
                for category, yuan in (FENGHUANG_BUDGET if name == "凤凰社区" else BUDGET).items():
                    services.budget_set(
                        actor=staff, enterprise=ent, year=today.year, category=category, amount_fen=yuan * 100
                    )
            leased = _leased_room_ids(community)
            for room in _lent_rooms(community):
                plan = NEW_LEASES.get((name, room.name))
                if plan is not None and room.pk not in leased:
                    _lease(community, room, plan, out)
            for i, (c, source, payer, memo, back, yuan) in enumerate(OTHER_INCOME):
                if c != name:
                    continue
                received = max(dt.date(today.year, 1, 1), month_start(today) - dt.timedelta(days=28 * back))
                services.income_record(
                    actor=staff, enterprise=ent, source=source, amount_fen=yuan * 100, received_on=received,
                    payer=payer, memo=memo, idempotency_key=f"demo-income-{i}",
                )
            _rent(ent, staff, today)
            _requests(ent, staff, secretary, officer, today)
            _disclosure(ent, staff, today, _asker(community))
    with transaction.atomic():
        # After the leases, which bring partners of their own: the report counts 28 in all.
        _more_partners(communities)
    _summary(communities, out, today)


def _summary(communities: dict[str, OrgNode], out: _Out, today: dt.date) -> None:
    from enterprise.services.rent import leases_in_force, rented_area
    from partners.models import Partner

    ents = list(Enterprise.objects.filter(community__in=communities.values()))
    area = rent = 0
    for ent in ents:
        area += rented_area(enterprise=ent, day=today)
        rent += sum(a.monthly_rent_fen for a in leases_in_force(enterprise=ent, period=today))
    other = sum(i.amount_fen for i in Income.objects.filter(enterprise__in=ents, received_on__year=today.year))
    out(
        f"社区企业 / Enterprises: {len(ents)} 家 in {SUBDISTRICT}, {area} m² 出租 rented out, "
        f"{Partner.objects.filter(community__in=communities.values()).count()} 个合伙人 partners, "
        f"预计年收入 expected income ¥{(rent * 12 + other) / 100:,.0f}, "
        f"{ExpenseRequest.objects.filter(enterprise__in=ents).count()} 笔支出申请 expense requests. "
        f"登录 Logins: shaping_officer, shaping_bookkeeper, heping_sj, heping_staff; 居民 resident "
        f"{' '.join(q.asked_by.username for q in Question.objects.filter(community__in=communities.values())[:1])}."
    )
