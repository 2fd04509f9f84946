"""Demo partners: the partners, agreements and commitments of the reports in /work/shared/seeds.

``load_demo()`` finds the communities by name (the demo app builds them), and makes through the
partners services what the reports describe:

* 康平社区 (辛店街道): the resident-run kitchen 康小鲜社区私房 (hand-made noodles, orders the
  evening before, 50+ a day, 1 yuan off at 60–79 and 2 yuan off at 80+) and the shared study
  room whose operator pays 30% of its profit into the community development fund;
* 中福社区 (礼乐街道): 亲邻之家, run by 源艺文化培训中心 in idle public-building rooms of 帕佳图,
  with free tutoring for 8 children in hardship and 2 children of volunteer building leaders and
  10+ free activities; the greening partners 礼乐加油站 and 鸿生物资 (50+ trees adopted and
  cared for); the property partner 金碧物业 and three friendly merchants (the report names the
  subdistrict only, so they are placed here);
* 和平社区 (沙坪街道): 17 partners, among them the forklift training base of 鹤山市瑞腾特种作业安全
  技术培训有限公司, 宝芝林医院, 强哥说媒, 优阅托管 and 银姐's monthly free haircuts;
* 凤凰社区 (沙坪街道): rooms rented out (painting room, reading room, yoga room), 10% of revenue
  to 鹤山市慈善会 for the community's projects;
* 闻韶社区 (闻韶街道): 11 organisations with 14 service projects (中康颐养, 齐学汇教育, 淄江家政 …).

Names and figures in the reports are kept; where the reports give none (contact people, phone
numbers, credit codes, the partners of 和平社区 beyond the five named, rents) the values are
invented and plausible, and credit codes are made up with a valid check character.

Idempotent: what exists (found by name) is left as it is. If the spaces app has rooms in a
community, agreements get weekly slots in matching rooms and are signed, so bookings appear;
without rooms they stay unsigned drafts (a later run, once rooms exist, signs them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from linli.errors import DomainError
from orgs.models import NodeKind, OrgNode
from partners import selectors, services
from partners.models import (
    Agreement,
    AgreementStatus,
    Application,
    Partner,
    PartnerMember,
    PartnerStatus,
    RecruitmentCall,
)
from partners.services import slots as slot_services
from partners.uscc import ALPHABET, check_character

# --- The plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commit:
    title: str
    metric: str
    unit: str
    target: int
    period: str = "term"
    done: tuple[int, ...] = ()  # progress entries recorded so far (one per month back from now)


@dataclass(frozen=True)
class Slot:
    rooms: tuple[str, ...]  # words to find the room by name or function, first match wins
    weekdays: tuple[int, ...]
    start: str
    end: str


@dataclass(frozen=True)
class Terms:
    space: str = ""
    rent_yuan: int = 0
    utilities: str = "partner"
    running: str = "partner"
    cost_notes: str = ""
    service_terms: str = ""
    share_basis: str = "none"
    share_percent: int = 0
    recipient: str = "community_fund"
    recipient_name: str = ""
    settlement: str = "quarterly"


@dataclass(frozen=True)
class PartnerPlan:
    name: str
    kind: str
    services: str
    description: str = ""
    individual: bool = False
    contact: str = ""
    terms: Terms = field(default_factory=Terms)
    commitments: tuple[Commit, ...] = ()
    slots: tuple[Slot, ...] = ()


@dataclass(frozen=True)
class CallPlan:
    title: str
    summary: str
    body: str
    kinds: tuple[str, ...]
    spaces_offered: str


@dataclass(frozen=True)
class ApplicationPlan:
    name: str
    kind: str
    services: str
    welfare_offer: str = ""
    individual: bool = False
    contact: str = "申请联系人"


@dataclass(frozen=True)
class CommunityPlan:
    community: str
    district_code: str
    call: CallPlan
    partners: tuple[PartnerPlan, ...]
    applications: tuple[ApplicationPlan, ...] = ()


HESHAN_SHARE = Terms(
    cost_notes="场室出租，按《沙坪街道社区物业租赁管理工作指引》签约，租金收入进入社区企业账户。",
    share_basis="revenue",
    share_percent=10,
    recipient="charity",
    recipient_name="鹤山市慈善会",
    settlement="quarterly",
)

ZIBO_FUND = dict(recipient="charity", recipient_name="淄博市慈善总会", settlement="quarterly")

PLANS: tuple[CommunityPlan, ...] = (
    CommunityPlan(
        community="康平社区",
        district_code="370305",
        call=CallPlan(
            title="康平社区“社区合伙人”招募令",
            summary="社区整合办公空间，为居民创业者和专业机构提供场地，以“公益+市场”模式服务居民、反哺社区发展基金。",
            body="欢迎助餐、托育、青少年培训等“嵌入式服务”项目。社区提供场地，合伙人承担水电等日常费用，"
            "面向老人等群体提供优惠，并以收益分成反哺社区发展基金。",
            kinds=("catering", "training", "elder_care"),
            spaces_offered="社区二楼学习角、一楼厨房及活动室",
        ),
        partners=(
            PartnerPlan(
                name="康小鲜社区私房",
                kind="catering",
                individual=True,
                contact="赵丽娟",
                services="手工蔬菜面食（菠菜、胡萝卜、紫甘蓝榨汁和面）\n线上预订+定点取餐，不设堂食，日均接单50余份",
                description="社区为居民提供创业场地的“社区合伙人”，每个餐盒贴有前晚预订的订单标签。",
                terms=Terms(
                    space="社区整合办公空间改造的厨房，供合伙人制作餐食",
                    cost_notes="水电燃气由合伙人承担。",
                    service_terms="老年人优惠：60–79岁每份减1元，80岁以上每份减2元。",
                ),
                commitments=(
                    Commit(
                        "长者优惠餐（60–79岁减1元，80岁以上减2元）",
                        "长者优惠餐",
                        "份",
                        300,
                        "month",
                        done=(280, 310, 305, 296, 320, 150),
                    ),
                ),
                slots=(Slot(("私房", "厨房", "食堂"), (0, 1, 2, 3, 4, 5), "06:00", "09:00"),),
            ),
            PartnerPlan(
                name="知学共享自习室",
                kind="training",
                contact="邢经理",
                services="共享自习室：安静学习座位，按时段或月卡收费",
                description="由社区学习角改造，与专业机构合作运营。",
                terms=Terms(
                    space="社区二楼学习角，改造为共享自习室",
                    service_terms="按时段低价收费，学生优惠。",
                    share_basis="profit",
                    share_percent=30,
                    recipient="community_fund",
                    settlement="quarterly",
                ),
                slots=(Slot(("自习", "学习", "阅览"), (0, 1, 2, 3, 4, 5, 6), "09:00", "21:00"),),
            ),
        ),
        applications=(
            ApplicationPlan("康乐居家养老服务有限公司", "elder_care", "居家养老、助浴、陪诊", "每月一次免费健康讲座"),
            ApplicationPlan(
                "巧手缝补（居民）", "neighbour", "缝补、改衣", "为独居老人免费缝补", individual=True, contact="王阿姨"
            ),
        ),
    ),
    CommunityPlan(
        community="中福社区",
        district_code="440704",
        call=CallPlan(
            title="中福社区“社区合伙人”招募令",
            summary="“公益+运营”“阵地换服务”：社区提供闲置公建配套房，合伙人以“公益+低偿”服务居民。",
            body="招募社培、绿美、邻里合伙人和友好合伙商家，共建“家校社”协同育人和新就业群体友好社区。",
            kinds=("training", "greening", "neighbour", "merchant"),
            spaces_offered="帕佳图小区闲置公建配套房",
        ),
        partners=(
            PartnerPlan(
                name="源艺文化培训中心",
                kind="training",
                contact="陈老师",
                services="亲邻之家：图书角、手工坊、波波池、科普展馆\n四点半课堂、周末成长营、假期研习社",
                description="“社培合伙人”：培训中心出资、社区提供场地，已为近700名学生提供课程。",
                terms=Terms(
                    space="帕佳图小区闲置公建配套房，活化为“亲邻之家”（培训中心出资改造）",
                    service_terms="“公益+低偿”：课后服务低偿收费。",
                ),
                commitments=(
                    Commit("为8名困境儿童提供免费辅导课程", "受助困境儿童", "名", 8, done=(5, 3)),
                    Commit("为2名优秀志愿楼长子女提供免费辅导课程", "受助楼长子女", "名", 2, done=(2,)),
                    Commit("每年举办10期以上手工、绘画等公益活动", "公益活动", "期", 10, "year", done=(2, 1, 2, 1, 2)),
                ),
                slots=(Slot(("课堂", "亲邻", "活动"), (0, 1, 2, 3, 4), "16:30", "18:30"),),
            ),
            PartnerPlan(
                name="礼乐加油站",
                kind="greening",
                contact="黄站长",
                services="“绿美合伙人”：种植黄花风铃木，党员认领“认养+养护”任务",
                commitments=(
                    Commit("认养黄花风铃木并负责养护", "认养树木", "株", 25, done=(25,)),
                    Commit("每月养护一次（浇水、修剪）", "养护次数", "次", 1, "month", done=(1, 1, 1, 1, 1)),
                ),
            ),
            PartnerPlan(
                name="鸿生物资",
                kind="greening",
                contact="梁经理",
                services="“绿美合伙人”：种植黄花风铃木，党员认领“认养+养护”任务",
                commitments=(
                    Commit("认养黄花风铃木并负责养护", "认养树木", "株", 25, done=(27,)),
                    Commit("每月养护一次（浇水、修剪）", "养护次数", "次", 1, "month", done=(1, 1, 1, 1)),
                ),
            ),
            PartnerPlan(
                name="金碧物业",
                kind="property",
                contact="何主任",
                services="“邻里合伙人”：增设带雨棚的集中充电桩；免费清洗地毯、磨菜刀等8项便民服务",
                commitments=(Commit("8项免费便民服务", "服务人次", "人次", 2000, done=(400, 450, 380, 420, 410)),),
            ),
            PartnerPlan(
                name="艺象塔艺术中心",
                kind="merchant",
                services="“邻里友好合伙商家”：外卖骑手、快递员等新就业群体凭工作证享优惠",
                terms=Terms(service_terms="新就业群体（外卖骑手、快递员）凭工作证享优惠。"),
            ),
            PartnerPlan(
                name="林小妹麻辣烫",
                kind="merchant",
                services="“邻里友好合伙商家”：外卖骑手、快递员等新就业群体凭工作证享优惠",
                terms=Terms(service_terms="新就业群体（外卖骑手、快递员）凭工作证享优惠。"),
            ),
            PartnerPlan(
                name="圆咖啡",
                kind="merchant",
                services="“邻里友好合伙商家”：外卖骑手、快递员等新就业群体凭工作证享优惠，可休息、充电",
                terms=Terms(service_terms="新就业群体（外卖骑手、快递员）凭工作证享优惠。"),
            ),
        ),
    ),
    CommunityPlan(
        community="和平社区",
        district_code="440784",
        call=CallPlan(
            title="和平社区“社区合伙人”招募令",
            summary="社区企业面向社会公开招募合伙人，聚焦“一老一少一青”，共建“有偿+无偿”便民服务清单。",
            body="秉持“小生意+大公益”理念，以“小公益+低偿+市场”模式租出党群服务阵地场室，延时错时开放。"
            "签约合伙人按所获收益的10%转入鹤山市慈善会，定向支持社区慈善公益项目。",
            kinds=("training", "elder_care", "medical", "catering", "merchant", "neighbour"),
            spaces_offered="党群服务中心瑜伽室、阅览室、书法室、画室及公共服务用房",
        ),
        partners=(
            PartnerPlan(
                name="鹤山市瑞腾特种作业安全技术培训有限公司",
                kind="training",
                contact="吴教练",
                services="叉车培训基地：叉车操作（前进、后退、升降、转弯）培训与取证辅导",
                terms=HESHAN_SHARE,
                slots=(Slot(("叉车", "培训"), (5, 6), "09:00", "11:30"),),
            ),
            PartnerPlan(
                name="宝芝林医院",
                kind="medical",
                contact="苏医生",
                services="义诊、健康讲座、中医理疗咨询",
                terms=HESHAN_SHARE,
                commitments=(Commit("每季度一次社区义诊", "义诊", "次", 1, "quarter", done=(1, 1)),),
            ),
            PartnerPlan(
                name="强哥说媒", kind="merchant", contact="强哥", services="婚姻介绍、相亲活动", terms=HESHAN_SHARE
            ),
            PartnerPlan(
                name="优阅托管",
                kind="training",
                contact="叶老师",
                services="暑托班、课后托管、五子棋兴趣班",
                terms=HESHAN_SHARE,
                slots=(Slot(("托管", "课堂", "画室"), (0, 1, 2, 3, 4), "14:30", "17:30"),),
            ),
            PartnerPlan(
                name="银姐义剪",
                kind="neighbour",
                individual=True,
                contact="银姐",
                services="每月为社区居民公益义剪",
                description="社区活动积极分子，社区企业成立后主动“入伙”。",
                commitments=(Commit("每月一次公益义剪", "义剪日", "次", 1, "month", done=(1, 1, 1, 1, 1)),),
            ),
            PartnerPlan(
                name="巧手电商培训工作室",
                kind="training",
                contact="黎老师",
                services="就业服务：直播带货培训",
                terms=HESHAN_SHARE,
            ),
            PartnerPlan(
                name="和美居家康养服务中心",
                kind="elder_care",
                contact="冯主任",
                services="居家康养：助浴、陪诊、上门护理",
                terms=HESHAN_SHARE,
            ),
            PartnerPlan(
                name="邻里鲜厨", kind="catering", contact="邓师傅", services="长者送餐上门", terms=HESHAN_SHARE
            ),
            PartnerPlan(
                name="萌宠驿站", kind="merchant", contact="卢店长", services="宠物服务：美容、寄养", terms=HESHAN_SHARE
            ),
            PartnerPlan(
                name="安心家政", kind="merchant", contact="谭经理", services="家政保洁、收纳整理", terms=HESHAN_SHARE
            ),
            PartnerPlan(
                name="巧匠家电维修",
                kind="merchant",
                contact="区师傅",
                services="小家电维修、水电维修",
                terms=HESHAN_SHARE,
            ),
            PartnerPlan(
                name="翰墨书法工作室",
                kind="training",
                contact="李老师",
                services="硬笔书法培训",
                terms=HESHAN_SHARE,
                slots=(Slot(("书法",), (5,), "09:00", "11:00"),),
            ),
            PartnerPlan(
                name="天鹅芭蕾形体工作室",
                kind="training",
                contact="杨老师",
                services="芭蕾形体私教课",
                terms=HESHAN_SHARE,
                slots=(Slot(("瑜伽", "舞蹈", "形体"), (1, 3), "18:30", "20:00"),),
            ),
            PartnerPlan(
                name="和韵民乐社", kind="training", contact="周老师", services="二胡小班教学", terms=HESHAN_SHARE
            ),
            PartnerPlan(name="银发合唱团", kind="neighbour", contact="罗团长", services="银发合唱团培育、排练"),
            PartnerPlan(
                name="经纬物业服务中心",
                kind="property",
                contact="钟经理",
                services="经纬花园公共区域保洁、免费维修小家电",
            ),
            PartnerPlan(
                name="和平茶饮文创", kind="merchant", contact="甘店长", services="茶饮文创", terms=HESHAN_SHARE
            ),
        ),
    ),
    CommunityPlan(
        community="凤凰社区",
        district_code="440784",
        call=CallPlan(
            title="凤凰社区党群服务中心场室出租及合伙人招募",
            summary="新党群服务中心1830平方米、20多个功能场室，面向社会出租部分场室，招募“社区合伙人”。",
            body="破解“有空间缺人气、有场地缺服务”：以“小公益+低偿+市场”模式运营，收益按10%转入鹤山市慈善会。",
            kinds=("training", "neighbour", "merchant"),
            spaces_offered="瑜伽室、阅览室、书法室、画室",
        ),
        partners=(
            PartnerPlan(
                name="凤凰暑期托管班",
                kind="training",
                contact="梁老师",
                services="暑期托管：在画室提供作业辅导服务",
                terms=replace(HESHAN_SHARE, space="画室（出租）", rent_yuan=1500),
                slots=(Slot(("画室",), (0, 1, 2, 3, 4), "09:00", "12:00"),),
            ),
            PartnerPlan(
                name="七叶树下文祯图书中心",
                kind="neighbour",
                individual=True,
                contact="李莉",
                services="图书中心：服务社区全龄段读者，亲子阅读",
                description="居民李莉在“社区合伙人”招募令发布后全力建设的图书中心。",
                terms=Terms(space="阅览室一角", service_terms="免费阅读，部分活动低偿。"),
                slots=(Slot(("图书", "阅览"), (5, 6), "09:00", "17:00"),),
            ),
            PartnerPlan(
                name="凤凰瑜伽馆",
                kind="training",
                contact="温教练",
                services="瑜伽课程、宝妈瑜伽",
                terms=replace(HESHAN_SHARE, space="瑜伽室（出租）", rent_yuan=2000),
                slots=(Slot(("瑜伽",), (0, 2, 4), "19:00", "20:30"),),
            ),
        ),
    ),
    CommunityPlan(
        community="闻韶社区",
        district_code="370305",
        call=CallPlan(
            title="闻韶社区红色驿站合伙人招募",
            summary="依托红色驿站，引入专业机构运营社区公共空间，拿出部分利润以捐赠形式反哺社区发展基金。",
            body="社区发展基金由社区党组织牵头、依托淄博市慈善总会设立，定向用于社区治理和服务。",
            kinds=("elder_care", "training", "merchant"),
            spaces_offered="红色驿站活动室、暖心茶室",
        ),
        partners=(
            PartnerPlan(
                name="中康颐养",
                kind="elder_care",
                contact="孙院长",
                services="日间照料\n助餐服务",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
            PartnerPlan(
                name="齐学汇教育",
                kind="training",
                contact="高老师",
                services="四点半课堂\n假期托管",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
                slots=(Slot(("课堂", "多功能", "活动"), (0, 1, 2, 3, 4), "16:30", "18:30"),),
            ),
            PartnerPlan(
                name="淄江家政",
                kind="merchant",
                contact="于经理",
                services="家政保洁\n家电清洗",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
            PartnerPlan(
                name="乐龄康养服务站",
                kind="elder_care",
                contact="毕站长",
                services="康养理疗",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
            PartnerPlan(
                name="益膳社区食堂",
                kind="catering",
                contact="房师傅",
                services="长者助餐",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
            PartnerPlan(
                name="童趣托育",
                kind="training",
                contact="冯老师",
                services="托育服务",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
            PartnerPlan(
                name="青禾书画院",
                kind="training",
                contact="崔老师",
                services="书法培训",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
            PartnerPlan(
                name="闻韶暖心茶室",
                kind="merchant",
                contact="郑店长",
                services="暖心茶室",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
            PartnerPlan(
                name="邻里修缮队",
                kind="merchant",
                contact="韩师傅",
                services="家电维修",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
            PartnerPlan(
                name="齐韵健身",
                kind="training",
                contact="石教练",
                services="健身指导",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
            PartnerPlan(
                name="绿荫园艺",
                kind="greening",
                contact="邢师傅",
                services="小区绿化养护",
                terms=Terms(share_basis="profit", share_percent=20, **ZIBO_FUND),
            ),
        ),
    ),
)

# The demo login of partner staff works for the 康平社区 kitchen.
PARTNER_LOGIN = ("partner", "康平社区", "康小鲜社区私房")
RATER_LOGIN = ("resident", "康平社区", "康小鲜社区私房", 5, "面条新鲜，老人有优惠")


# --- Loading -----------------------------------------------------------------------------------


class _Out:
    def __init__(self, stdout: TextIO | None) -> None:
        self.stdout = stdout

    def __call__(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")


def demo_credit_code(name: str, district_code: str) -> str:
    """A made-up but well-formed credit code, the same for the same name on every run."""
    digest = hashlib.sha256(name.encode()).digest()
    body = "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:7])
    first17 = f"91{district_code}MA{body}"
    return first17 + check_character(first17)


def demo_phone(name: str) -> str:
    return "1705330" + f"{int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10000:04d}"


def _term(today: dt.date) -> tuple[dt.date, dt.date]:
    """Agreements began six months ago and run a year: renewals come up in the demo."""
    starts = selectors.add_months(today.replace(day=1), -6)
    return starts, selectors.add_months(starts, 12) - dt.timedelta(days=1)


def _call(plan: CommunityPlan, community: OrgNode) -> RecruitmentCall:
    call = RecruitmentCall.objects.filter(community=community, title=plan.call.title).first()
    if call is None:
        call = services.call_create(
            actor=None,
            community=community,
            title=plan.call.title,
            summary=plan.call.summary,
            body=plan.call.body,
            kinds=list(plan.call.kinds),
            spaces_offered=plan.call.spaces_offered,
        )
        services.call_publish(actor=None, call=call)
    return call


def _applications(plan: CommunityPlan, call: RecruitmentCall) -> None:
    for a in plan.applications:
        if Application.objects.filter(call=call, name=a.name).exists():
            continue
        services.application_submit(
            call=call,
            party_type="individual" if a.individual else "organisation",
            kind=a.kind,
            name=a.name,
            credit_code="" if a.individual else demo_credit_code(a.name, plan.district_code),
            contact_name=a.contact,
            contact_phone=demo_phone(a.name),
            services=a.services,
            welfare_offer=a.welfare_offer,
        )


def _partner(plan: CommunityPlan, community: OrgNode, p: PartnerPlan) -> Partner:
    partner = Partner.objects.filter(community=community, name=p.name).first()
    if partner is None:
        partner = services.partner_create(
            actor=None,
            community=community,
            kind=p.kind,
            party_type="individual" if p.individual else "organisation",
            name=p.name,
            services=p.services,
            description=p.description,
            credit_code="" if p.individual else demo_credit_code(p.name, plan.district_code),
            contact_name=p.contact,
            contact_phone=demo_phone(p.name) if p.contact else "",
        )
    return partner


def _rooms(community: OrgNode) -> list:
    try:
        from spaces.models import Room
    except ImportError:  # a checkout without the spaces app
        return []
    return list(Room.objects.filter(community=community, is_active=True).select_related("function").order_by("pk"))


def _fit(room, slot: Slot) -> tuple[list[int], dt.time, dt.time] | None:
    """The slot's weekdays on which the room's opening hours hold the slot's times."""
    start = dt.time.fromisoformat(slot.start)
    end = dt.time.fromisoformat(slot.end)
    lo, hi = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    week = room.week
    days = [d for d in slot.weekdays if any(p_start <= lo and hi <= p_end for p_start, p_end in week[d])]
    return (days, start, end) if days else None


def _add_slots(agreement: Agreement, p: PartnerPlan, rooms: list, used: set[int]) -> None:
    """Each slot goes to the first free room matching its words (in their order) whose opening
    hours hold the slot's times."""
    for slot in p.slots:
        candidates = [
            room
            for word in slot.rooms
            for room in rooms
            if room.pk not in used and word in f"{room.name} {room.function.name}"
        ]
        for room in dict.fromkeys(candidates):
            fitted = _fit(room, slot)
            if fitted is None:
                continue
            days, start, end = fitted
            slot_services.slot_add(
                actor=None, agreement=agreement, room=room, weekdays=days, start_time=start, end_time=end
            )
            used.add(room.pk)
            break


def _commitments(agreement: Agreement, p: PartnerPlan) -> None:
    for c in p.commitments:
        services.commitment_add(
            actor=None,
            agreement=agreement,
            title=c.title,
            metric=c.metric,
            unit=c.unit,
            target=c.target,
            period=c.period,
        )


def _sign(agreement: Agreement, p: PartnerPlan, out: _Out) -> None:
    try:
        with transaction.atomic():
            services.agreement_sign(
                actor=None,
                agreement=agreement,
                community_signatory="社区党委书记",
                partner_signatory=p.contact or p.name,
            )
    except DomainError as exc:
        # A room already booked at that time, or closed then: sign without the rooms.
        out(f"  {p.name}: {exc.message} — signed without its rooms.")
        agreement.refresh_from_db()
        for slot in agreement.slots.all():
            slot_services.slot_remove(actor=None, slot=slot)
        services.agreement_sign(
            actor=None, agreement=agreement, community_signatory="社区党委书记", partner_signatory=p.contact or p.name
        )


def _progress(agreement: Agreement, p: PartnerPlan, today: dt.date) -> None:
    """Entries for the months gone by (most recent first), keyed so that a rerun adds nothing."""
    for commitment, plan in zip(agreement.commitments.order_by("sort_order", "pk"), p.commitments, strict=False):
        for months_back, quantity in enumerate(plan.done):
            day = max(selectors.add_months(today, -months_back) - dt.timedelta(days=3), agreement.starts_on)
            services.commitment_entry_record(
                actor=None,
                commitment=commitment,
                occurred_on=min(day, today),
                quantity=quantity,
                note="演示数据",
                source_type="partners.demo",
                source_id=commitment.pk * 100 + months_back,
            )


def _agreement(plan: CommunityPlan, partner: Partner, p: PartnerPlan, rooms: list, used: set[int], out: _Out) -> None:
    if partner.status not in (PartnerStatus.APPROVED, PartnerStatus.ACTIVE):
        return
    today = timezone.localdate()
    agreement = partner.agreements.exclude(status=AgreementStatus.CANCELLED).order_by("-pk").first()
    if agreement is None:
        starts, ends = _term(today)
        t = p.terms
        agreement = services.agreement_create(
            actor=None,
            partner=partner,
            starts_on=starts,
            ends_on=ends,
            space_terms=t.space,
            monthly_rent_fen=t.rent_yuan * 100,
            utilities_paid_by=t.utilities,
            running_costs_paid_by=t.running,
            cost_notes=t.cost_notes,
            service_terms=t.service_terms,
            share_basis=t.share_basis,
            share_bp=t.share_percent * 100,
            share_recipient=t.recipient,
            share_recipient_name=t.recipient_name,
            settlement_period=t.settlement,
        )
        _commitments(agreement, p)
    if agreement.status == AgreementStatus.DRAFT and rooms:
        if not agreement.slots.exists():
            _add_slots(agreement, p, rooms, used)
        _sign(agreement, p, out)
    agreement.refresh_from_db()
    if agreement.status == AgreementStatus.SIGNED:
        _progress(agreement, p, today)


def _member_and_rating() -> None:
    from accounts.models import User

    username, community_name, partner_name = PARTNER_LOGIN
    partner = Partner.objects.filter(community__name=community_name, name=partner_name).first()
    user = User.objects.filter(username=username, is_active=True).first()
    if (
        partner is not None
        and user is not None
        and not PartnerMember.objects.filter(partner=partner, user=user).exists()
    ):
        services.partner_member_add(actor=None, partner=partner, login=username, role="owner")
    username, community_name, partner_name, score, comment = RATER_LOGIN
    partner = Partner.objects.filter(community__name=community_name, name=partner_name).first()
    user = User.objects.filter(username=username, is_active=True).first()
    if partner is not None and user is not None and partner.status == PartnerStatus.ACTIVE:
        if selectors.resident_may_rate(user=user, partner=partner):
            services.rating_submit(user=user, partner=partner, score=score, comment=comment)
        if not partner.evaluations.exists():
            today = timezone.localdate()
            services.evaluation_create(
                actor=None,
                partner=partner,
                period_start=selectors.add_months(today, -3),
                period_end=today,
                staff_score=5,
                recommendation="renew",
                comment="老人满意度高，订单稳定，建议到期续签。",
            )


def load_demo(*, stdout: TextIO | None = None) -> None:
    """Create the demo partners (idempotent). Communities not in the database are skipped."""
    out = _Out(stdout)
    made = 0
    for plan in PLANS:
        community = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name=plan.community).first()
        if community is None:
            out(f"社区合伙人：未找到{plan.community}，跳过 / partners: {plan.community} not found, skipped.")
            continue
        with transaction.atomic():
            call = _call(plan, community)
            _applications(plan, call)
            rooms = _rooms(community)
            used: set[int] = set()
            for p in plan.partners:
                partner = _partner(plan, community, p)
                _agreement(plan, partner, p, rooms, used, out)
                made += 1
    with transaction.atomic():
        _member_and_rating()
    signed = Agreement.objects.filter(
        status=AgreementStatus.SIGNED, partner__community__name__in=[p.community for p in PLANS]
    )
    out(
        f"社区合伙人 / Partners: {made} 个合伙人 partners in {len(PLANS)} 社区 communities, "
        f"{signed.count()} 份已签协议 signed agreements."
    )
