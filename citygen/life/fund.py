"""The community development fund: one per community, its committee (3 or 5 members, one chair,
each with the committee role), and its spending requests.

Requests at every step before money moves (draft, at the committee's vote, open for comments, at
the charity, approved, returned, withdrawn) are written in bulk with their budget lines, votes and
step log, as ``fund.services`` would have left them. Money moves only through the real services:
a donation to the fund a year (``donation_record``; the first covers what is paid), and one
request a year paid through ``payment_record`` (which posts to the ledger): the services are
what costs most per community (some 50 queries each), so they are kept to a sample. Its
completion report and the charity's close, which move no money, are then written like the other
steps, with the times they happened. Nothing here writes a ledger row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from citygen.life.common import World, at, grants_create, insert, person, users_create
from fund import services as fund_services
from fund.models import (
    BudgetLine,
    CommitteeMember,
    Document,
    DocumentKind,
    Donation,
    Fund,
    Payment,
    RequestStatus,
    SpendingRequest,
    StepLog,
    Vote,
    VoteChoice,
)
from ledger import chart
from orgs.models import RoleGrant
from orgs.roles import Role

S = RequestStatus
CHARITY = dict(
    charity_name="淄博市慈善总会", charity_registration_no="51370300MJD0317025", charity_public_fundraising=True
)
TITLES = ("社区党委书记", "居民代表", "辖区单位代表", "楼长代表", "社区民警")
DONORS = (
    ("淄博农商银行社区支行", "organisation"),
    ("辖区爱心企业", "organisation"),
    ("社区党员（集体）", "person"),
    ("居民（集体）", "person"),
    ("齐鲁石化某车间党支部", "organisation"),
)
INVOICE_NAME = "fund/citygen/invoice.pdf"
# A one-page PDF standing in for every scanned invoice of the generated city (one file, shared).
INVOICE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 595]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class Ask:
    title: str
    purpose: str
    beneficiaries: str
    lines: tuple[tuple[str, str, int], ...]  # (budget line, description, yuan)
    payee: str


ASKS: tuple[Ask, ...] = (
    Ask(
        "高龄独居老人节日慰问",
        "为辖区80岁以上独居老人送去慰问品并上门探望。",
        "辖区80岁以上独居老人",
        (("visits", "慰问品（米、油、牛奶）", 3600),),
        "社区便民超市",
    ),
    Ask(
        "楼道灯更换",
        "更换老旧楼道灯为LED感应灯。",
        "相关楼栋居民",
        (("repairs", "LED感应灯及安装", 4200),),
        "邻里修缮队",
    ),
    Ask(
        "单元门禁维修",
        "维修老旧单元门禁系统。",
        "相关单元居民",
        (("repairs", "门禁维修", 1800),),
        "安居物业服务有限公司",
    ),
    Ask(
        "困境儿童微心愿",
        "认领并实现困境儿童的微心愿（书包、文具、课外书）。",
        "困境儿童",
        (("wishes", "微心愿礼品", 2400),),
        "新华书店",
    ),
    Ask(
        "老年食堂餐桌椅更换",
        "更换老年食堂破损餐桌椅。",
        "在食堂就餐的老人",
        (("services", "餐桌椅10套", 1200),),
        "家具城",
    ),
    Ask(
        "垃圾分类宣传活动",
        "开展垃圾分类入户宣传，发放分类垃圾桶。",
        "全体居民",
        (("activities", "宣传物料及分类桶", 900),),
        "文印店",
    ),
    Ask(
        "邻里节活动",
        "举办邻里节：百家宴、才艺展示、便民服务集市。",
        "全体居民",
        (("activities", "活动物料", 3000), ("activities", "场地布置与音响", 2000)),
        "文化传媒公司",
    ),
    Ask(
        "四点半课堂教材与文具",
        "为四点半课堂购买教材、绘本和文具。",
        "课堂学生约30人",
        (("services", "教材与绘本", 2000), ("services", "文具", 1000)),
        "新华书店",
    ),
    Ask(
        "健身器材维修更换",
        "维修中心广场健身器材，更换损坏的2件。",
        "晨练居民",
        (("repairs", "维修8件", 3000), ("repairs", "更换2件", 6000)),
        "体育器材公司",
    ),
    Ask(
        "独居老人助餐补贴",
        "为低保、独居老人提供每餐2元助餐补贴，为期半年。",
        "低保及独居老人约40人",
        (("services", "助餐补贴", 9600),),
        "邻里长者食堂",
    ),
)
PAYABLE = tuple(a for a in ASKS if len(a.lines) == 1)
# fund.services.requests' wording of the committee's result, so the step log reads the same.
PASSED = "%(yes)s of %(size)s members voted for it."
NOT_PASSED = "Not passed: %(yes)s for, %(no)s against, %(conflict)s abstained, of %(size)s members."
CHARITY_RETURNS = (
    "预算偏高，请补充三家供应商比价。",
    "请补充受益人数和实施计划。",
    "与上月申请内容重复，请合并后再报。",
)


def _member_titles(size: int) -> list[tuple[str, bool]]:
    return [(TITLES[i], i == 0) for i in range(size)]


def _set_up(world: World) -> tuple[Fund, list[CommitteeMember]]:
    """The fund and its first committee, as ``fund_create`` makes them."""
    rng, community = world.rng, world.community
    size = rng.choice((3, 3, 5))
    agreement_date = world.first - dt.timedelta(days=rng.randint(60, 400))
    set_up = at(agreement_date + dt.timedelta(days=1), 10)
    users = users_create(world, "fund", [person(rng) for _i in range(size)], joined=set_up)
    (fund,) = insert(
        [
            Fund(
                community_id=community.pk,
                name=f"{community.name}发展基金",
                agreement_no=f"ZBCS-JJ-{agreement_date:%Y}-{community.pk:04d}",
                agreement_date=agreement_date,
                purpose=f"定向用于{community.name}的公共服务、困难帮扶和社区活动。",
                created_at=set_up,
                **CHARITY,
            )
        ],
        Fund,
        when="created_at",
    )
    members = insert(
        [
            CommitteeMember(
                fund=fund,
                community_id=community.pk,
                user=user,
                name=user.display_name,
                title=title,
                is_chair=chair,
                term_start=agreement_date,
                term_end=agreement_date + dt.timedelta(days=3 * 365),
            )
            for user, (title, chair) in zip(users, _member_titles(size), strict=True)
        ],
        CommitteeMember,
    )
    # Membership is what gives the vote (fund.services.setup._grant_vote).
    grants_create(
        [
            RoleGrant(user=u, node=community, role=Role.FUND_COMMITTEE, title="基金管理委员会委员", granted_at=set_up)
            for u in users
        ]
    )
    chart.fund_cash(community)  # the fund's accounts open with the fund, as fund_create does
    return fund, members


def build_fund(world: World, *, paid_per_year: int = 1) -> dict[str, int]:
    rng, community = world.rng, world.community
    fund = Fund.objects.filter(community_id=community.pk).first()
    made = fund is None
    if made:
        fund, members = _set_up(world)
    else:  # set up by someone else (the load fixture, another generator): its committee votes
        members = list(CommitteeMember.objects.filter(fund=fund, left_on__isnull=True).select_related("user"))

    end_dt = at(world.end, 0)
    paid_count = max(1, world.days * paid_per_year // 365)
    stories: list[_Story] = []
    # In flight at the end of the period: one at each of three recent steps.
    for stage in rng.sample(("draft", "voting", "comment", "review", "approved"), k=3):
        stories.append(_story(world, rng.choice(ASKS), stage, members, end_dt))
    # Turned down now and then (by the committee or the charity), some withdrawn afterwards.
    for _i in range(world.days // 150):
        stage = rng.choice(("committee_fail", "charity_return", "withdrawn"))
        stories.append(_story(world, rng.choice(ASKS), stage, members, end_dt))
    # Paid and closed: paid within the period, so the ledger's postings fall in it.
    paid = []
    for q in range(paid_count):
        pay_day = world.day(min(world.days - 1, int((q + rng.random()) * world.days / paid_count)))
        story = _story(
            world, rng.choice(PAYABLE), "approved", members, end_dt, paid_at=at(pay_day, rng.randint(10, 16))
        )
        stories.append(story)
        paid.append(story)
    stories = [s for s in stories if s is not None]
    requests = _insert(fund, stories)
    money = _pay(world, fund, [s for s in paid if s is not None], end_dt)
    return {
        "funds": int(made),
        "fund_committee_members": len(members) if made else 0,
        "spending_requests": len(requests),
        "fund_donations": money["donations"],
        "fund_payments": money["payments"],
        "spending_requests_closed": money["closed"],
    }


@dataclass
class _Story:
    ask: Ask
    request: SpendingRequest
    steps: list[StepLog]
    votes: list[tuple[CommitteeMember, str, dt.datetime]]
    paid_at: dt.datetime | None = None


def _step(
    request: SpendingRequest,
    action: str,
    when: dt.datetime,
    *,
    frm: str = "",
    to: str = "",
    user=None,
    reason: str = "",
) -> StepLog:
    # The request may not be saved yet: bulk_create takes its id once it has one.
    return StepLog(
        spending_request=request,
        community_id=request.community_id,
        action=action,
        from_status=frm,
        to_status=to,
        actor=user,
        actor_name=user.display_name if user else "",
        reason=reason,
        created_at=when,
    )


def _story(world: World, ask: Ask, stage: str, members: list[CommitteeMember], end_dt: dt.datetime, *, paid_at=None):
    """One request's history up to ``stage``, placed so that its last step falls before the end
    of the period (and, with ``paid_at``, so that it is approved a few days before the payment)."""
    rng = world.rng
    size = len(members)
    need = size // 2 + 1
    # Days from submission to the stage: vote ~1, comment 7, charity review 2–6.
    span = {
        "draft": 0,
        "voting": 1,
        "comment": 3,
        "review": 10,
        "approved": 15,
        "committee_fail": 2,
        "charity_return": 15,
        "withdrawn": 18,
    }[stage]
    if paid_at is not None:
        submitted = paid_at - dt.timedelta(days=span + rng.randint(2, 8), hours=rng.randint(0, 5))
    else:
        room = max(1, min(world.days, 40) - span)
        submitted = end_dt - dt.timedelta(days=span + rng.randint(0, room), hours=rng.randint(4, 12))
    created = submitted - dt.timedelta(days=rng.randint(1, 3))
    yuan = [round(amount * rng.uniform(0.8, 1.25) / 10) * 10 for _l, _d, amount in ask.lines]
    r = SpendingRequest(
        community_id=world.community.pk,
        title=ask.title,
        purpose=ask.purpose,
        beneficiaries=ask.beneficiaries,
        amount_fen=sum(yuan) * 100,
        status=S.DRAFT,
        created_at=created,
    )
    r._lines = [
        BudgetLine(line=line, description=d, amount_fen=y * 100)
        for (line, d, _a), y in zip(ask.lines, yuan, strict=True)
    ]
    steps = [_step(r, "propose", created, to=S.DRAFT)]
    votes: list[tuple[CommitteeMember, str, dt.datetime]] = []
    story = _Story(ask, r, steps, votes, paid_at)
    if stage == "draft":
        return _fits(story, end_dt)
    r.status, r.round, r.committee_size, r.submitted_at = S.VOTING, 1, size, submitted
    steps.append(_step(r, "submit", submitted, frm=S.DRAFT, to=S.VOTING))
    voters = rng.sample(members, k=size)
    when = submitted
    if stage == "voting":
        for m in voters[: need - 1]:
            when += dt.timedelta(hours=rng.randint(2, 8))
            votes.append((m, VoteChoice.YES, when))
        return _fits(story, end_dt)
    if stage == "committee_fail":
        for m in voters[: size - need + 1]:
            when += dt.timedelta(hours=rng.randint(2, 8))
            votes.append((m, VoteChoice.NO, when))
        r.status = S.RETURNED
        tally = {"yes": 0, "no": size - need + 1, "conflict": 0, "size": size}
        steps.append(_step(r, "committee_fail", when, frm=S.VOTING, to=S.RETURNED, reason=_(NOT_PASSED) % tally))
        return _fits(story, end_dt)
    for m in voters[:need]:
        when += dt.timedelta(hours=rng.randint(2, 8))
        votes.append((m, VoteChoice.YES, when))
    r.status, r.comment_until = S.COMMENT, when.date() + dt.timedelta(days=7)
    steps.append(
        _step(r, "committee_pass", when, frm=S.VOTING, to=S.COMMENT, reason=_(PASSED) % {"yes": need, "size": size})
    )
    if stage == "comment":
        return _fits(story, end_dt)
    sent = at(r.comment_until + dt.timedelta(days=1), rng.randint(9, 11))
    r.status = S.REVIEW
    steps.append(_step(r, "to_charity", sent, frm=S.COMMENT, to=S.REVIEW, reason="公示期内无异议"))
    if stage == "review":
        return _fits(story, end_dt)
    decided = sent + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6))
    if stage in ("charity_return", "withdrawn"):
        r.status = S.RETURNED
        steps.append(
            _step(r, "charity_return", decided, frm=S.REVIEW, to=S.RETURNED, reason=rng.choice(CHARITY_RETURNS))
        )
        if stage == "withdrawn":
            r.status = S.WITHDRAWN
            steps.append(
                _step(
                    r,
                    "withdraw",
                    decided + dt.timedelta(days=2),
                    frm=S.RETURNED,
                    to=S.WITHDRAWN,
                    reason="情况已变化，撤回申请",
                )
            )
        return _fits(story, end_dt)
    if paid_at is not None and decided >= paid_at:
        decided = paid_at - dt.timedelta(hours=rng.randint(20, 48))
    r.status, r.approved_fen, r.approved_at = S.APPROVED, r.amount_fen, decided
    steps.append(_step(r, "charity_approve", decided, frm=S.REVIEW, to=S.APPROVED, reason="符合基金章程，同意"))
    return _fits(story, end_dt)


def _fits(story: _Story, end_dt: dt.datetime) -> _Story | None:
    """The story, if every step of it happened before the end of the period."""
    last = max([s.created_at for s in story.steps] + [when for _m, _c, when in story.votes])
    return story if last < end_dt else None


def _insert(fund: Fund, stories: list[_Story]) -> list[SpendingRequest]:
    stories.sort(key=lambda s: s.request.created_at)
    used = set(SpendingRequest.objects.filter(fund=fund).values_list("number", flat=True))
    per_year: dict[int, int] = {}
    for s in stories:
        year = s.request.created_at.year
        # YK<year>-<n>, as fund.services numbers them, after any the fund has already.
        while True:
            per_year[year] = per_year.get(year, 0) + 1
            number = f"YK{year}-{per_year[year]:03d}"
            if number not in used:
                break
        s.request.fund, s.request.number = fund, number
    requests = insert([s.request for s in stories], SpendingRequest, when="created_at")
    lines, steps, votes = [], [], []
    for s in stories:
        for line in s.request._lines:
            line.spending_request = s.request
            lines.append(line)
        steps += s.steps
        for member, choice, when in s.votes:
            votes.append(
                Vote(
                    spending_request=s.request,
                    community_id=s.request.community_id,
                    round=1,
                    member=member,
                    choice=choice,
                    created_at=when,
                )
            )
            steps.append(_step(s.request, f"vote_{choice}", when, frm=S.VOTING, to=S.VOTING, user=member.user))
    insert(lines, BudgetLine)
    insert(votes, Vote)
    insert(steps, StepLog)
    return requests


def _invoice_name() -> str:
    if not default_storage.exists(INVOICE_NAME):
        return default_storage.save(INVOICE_NAME, ContentFile(INVOICE))
    return INVOICE_NAME


def _pay(world: World, fund: Fund, paid: list[_Story], end_dt: dt.datetime) -> dict[str, int]:
    """Donations first (the first one enough for every payment), then each paid request's payment
    through the service; then its completion report and close where they fall in the period."""
    out = {"donations": 0, "payments": 0, "closed": 0}
    if not paid:
        return out
    rng = world.rng
    total = sum(s.request.approved_fen for s in paid)
    donations = max(1, world.days // 365)
    for k in range(donations):
        donor, kind = rng.choice(DONORS)
        day = world.day(int(k * world.days / donations))
        amount = total * 13 // 10 if k == 0 else rng.randint(50, 300) * 10_000
        received = at(day, 9, rng.randint(0, 30))
        donation = fund_services.donation_record(
            actor=None,
            fund=fund,
            donor_name=donor,
            donor_kind=kind,
            amount_fen=amount,
            received_at=received,
            memo="社区发展基金捐赠",
        )
        # Recorded the day it came in (the service stamps its row with the present).
        Donation.objects.filter(pk=donation.pk).update(created_at=received)
        out["donations"] += 1
    name = _invoice_name()
    docs = insert(
        [
            Document(
                fund=fund,
                community_id=fund.community_id,
                spending_request=s.request,
                kind=DocumentKind.INVOICE,
                title=s.ask.title,
                file=name,
                original_name="发票.pdf",
                content_type="application/pdf",
                size=len(INVOICE),
                sha256=hashlib.sha256(INVOICE).hexdigest(),
                public=True,
                uploaded_at=s.paid_at,
            )
            for s in paid
        ],
        Document,
    )
    steps, finished = [], []
    for s, doc in sorted(zip(paid, docs, strict=True), key=lambda p: p[0].paid_at):
        r = s.request
        line = s.ask.lines[0]
        payment = fund_services.payment_record(
            actor=None,
            request=r,
            amount_fen=r.approved_fen,
            line=line[0],
            payee=s.ask.payee,
            memo=line[1],
            invoice=doc,
            paid_at=s.paid_at,
        )
        out["payments"] += 1
        # Recorded when it was paid (the service stamps its step and row with the present).
        StepLog.objects.filter(spending_request=r, action="pay").update(created_at=s.paid_at)
        Payment.objects.filter(pk=payment.pk).update(created_at=s.paid_at)
        r.paid_fen = r.approved_fen
        reported = s.paid_at + dt.timedelta(days=rng.randint(3, 10), hours=rng.randint(0, 4))
        closed = reported + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 4))
        if reported >= end_dt:
            continue
        # What spending_request_report and spending_request_close write: no money moves.
        r.report_text, r.report_figures = f"{s.ask.title}已完成。", {"支出（元）": r.approved_fen // 100}
        r.status, r._history_date = S.REPORTED, reported
        steps.append(_step(r, "report", reported, frm=S.APPROVED, to=S.REPORTED, reason=r.report_text))
        if closed < end_dt:
            r.status, r.closed_at, r._history_date = S.CLOSED, closed, closed
            steps.append(_step(r, "close", closed, frm=S.REPORTED, to=S.CLOSED, reason="验收合格，资料齐全"))
            out["closed"] += 1
        SpendingRequest.objects.filter(pk=r.pk, status=S.APPROVED).update(
            status=r.status, report_text=r.report_text, report_figures=r.report_figures, closed_at=r.closed_at
        )
        finished.append(r)
    insert(steps, StepLog)
    SpendingRequest.history.bulk_history_create(finished, update=True)
    return out
