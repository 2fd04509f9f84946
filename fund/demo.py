"""Demo funds, built through the fund's services.

* 闻韶社区: the fund hosted by 淄博市慈善总会, with ¥190,000+ a year of revenue shares from its
  11 partner organisations (partners/demo.py), donations in money and in kind, and spending
  requests at every step: closed with invoices and photos, returned by the charity with
  reasons, being paid, a long project disclosed every month, at the charity, open for residents'
  comments, at the committee's vote (the ``committee`` login's vote is awaited), a draft.
* 康平社区: the worked example of docs/ledger.md — the shared study room's income, costs and
  30% profit share — on the chart's accounts, its repairs now paid through spending requests;
  plus a request at the committee's vote, one at the charity and one open for comments with a
  comment and an answered question from the ``resident`` login.
* 大世界社区 and 鲁阳社区: funds set up with their committees (the markets and workshops demos
  post income into them).

The ``committee`` login (曲文博) sits on the 康平 and 闻韶 committees; the ``charity`` login is
granted at 淄博市 and sees both. Idempotent: a community that has a fund is left as it is.
History is replayed with past dates: money moves on its real dates (the ledger takes past
``occurred_at``), and the requests' step times are set to match after each is built.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from fund import disclosure, services
from fund.models import Fund, ReportKind, SpendingRequest, StepLog, Vote
from fund.services import MemberIn
from ledger import chart
from ledger import services as ledger
from ledger.chart import FundSource
from orgs.models import NodeKind, OrgNode
from orgs.scope import Scope

CHARITY = dict(charity_name="淄博市慈善总会", charity_registration_no="51370300MJD0317025", charity_public_fundraising=True)
# The published demo password (README) (bandit B105).
PASSWORD = "linli-demo-2026"  # nosec B105

# 闻韶社区's partners: monthly profit share to the fund, in yuan (≈ ¥16,500 a month, ¥198,000 a year).
WENSHAO_SHARES = {
    "中康颐养": 2600, "齐学汇教育": 2300, "淄江家政": 1500, "乐龄康养服务站": 1700, "益膳社区食堂": 1900,
    "童趣托育": 1600, "青禾书画院": 900, "闻韶暖心茶室": 700, "邻里修缮队": 1100, "齐韵健身": 1300, "绿荫园艺": 900,
}


def _now() -> dt.datetime:
    return timezone.now()


def _ago(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _pdf(title: str, lines: list[str]) -> SimpleUploadedFile:
    """A small real PDF standing in for a scanned invoice or photo sheet."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen import canvas

    from fund.pdf import FONT

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    c.setFont(FONT, 16)
    c.drawString(40, 540, title)
    c.setFont(FONT, 11)
    for i, line in enumerate(lines):
        c.drawString(40, 500 - 20 * i, line)
    c.showPage()
    c.save()
    return SimpleUploadedFile(f"{title}.pdf", buf.getvalue(), content_type="application/pdf")


def _user(username: str, name: str) -> User:
    from accounts.services import user_create

    return User.objects.filter(username=username).first() or user_create(username=username, password=PASSWORD, display_name=name)


def _members(today: dt.date, people: list[tuple[User, str, bool]]) -> list[MemberIn]:
    start = today - dt.timedelta(days=420)
    return [
        MemberIn(user=u, title=title, is_chair=chair, term_start=start, term_end=start + dt.timedelta(days=3 * 365))
        for u, title, chair in people
    ]


def _backdate(r: SpendingRequest, *, submitted: dt.datetime, approved: dt.datetime | None = None, closed: dt.datetime | None = None) -> None:
    """Spread the request's recorded steps over its real history (demo only)."""
    fields = {"submitted_at": submitted}
    if approved:
        fields["approved_at"] = approved
    if closed:
        fields["closed_at"] = closed
    SpendingRequest.objects.filter(pk=r.pk).update(**fields, created_at=submitted - dt.timedelta(days=3))
    steps = list(StepLog.objects.filter(spending_request=r).order_by("pk"))
    end = closed or approved or submitted + dt.timedelta(days=10)
    span = max((end - submitted).total_seconds(), 3600)
    for i, s in enumerate(steps):
        when = submitted - dt.timedelta(days=1) if i == 0 else submitted + dt.timedelta(seconds=span * i / len(steps))
        StepLog.objects.filter(pk=s.pk).update(created_at=when)
    for i, v in enumerate(Vote.objects.filter(spending_request=r).order_by("pk")):
        Vote.objects.filter(pk=v.pk).update(created_at=submitted + dt.timedelta(hours=6 * (i + 1)))


class _Flow:
    """Moves a request through the steps as the people who would act."""

    def __init__(self, fund: Fund, proposer: Scope | None, voters: list[Scope]):
        self.fund, self.proposer, self.voters = fund, proposer, voters
        # The ``charity`` demo login approves and pays where it is granted (淄博市).
        charity = User.objects.filter(username="charity").first()
        scope = Scope(charity) if charity is not None else None
        self.charity = scope if scope is not None and scope.has("fund.approve", fund.community_id) else None

    def propose(self, title, purpose, beneficiaries, lines, **kw) -> SpendingRequest:
        """``lines``: (budget line, description, amount in yuan)."""
        fen = [(line, text, yuan * 100) for line, text, yuan in lines]
        return services.spending_request_propose(
            actor=self.proposer, community=self.fund.community, title=title, purpose=purpose, beneficiaries=beneficiaries,
            amount_fen=sum(a for _, _, a in fen), lines=fen, **kw,
        )

    def vote(self, r: SpendingRequest, n: int, choice: str = "yes") -> SpendingRequest:
        if r.status in ("draft", "returned"):
            r = services.spending_request_submit(actor=self.proposer, request=r)
        for v in self.voters[:n]:
            if r.status != "voting":
                break
            services.spending_request_vote(actor=v, request=r, choice=choice)
            r.refresh_from_db()
        return r

    def to_charity(self, r: SpendingRequest) -> SpendingRequest:
        r = self.vote(r, 3)
        return services.spending_request_to_charity(
            actor=None, request=r, today=r.comment_until + dt.timedelta(days=1), reason="公示期内无异议"
        )

    def approve(self, r: SpendingRequest, reason: str = "符合基金章程，同意") -> SpendingRequest:
        return services.spending_request_approve(actor=self.charity, request=self.to_charity(r), reason=reason)

    def pay(self, r: SpendingRequest, line: str, amount_yuan: int, payee: str, memo: str, when: dt.datetime) -> None:
        services.payment_record(
            actor=self.charity, request=r, amount_fen=amount_yuan * 100, line=line, payee=payee, memo=memo, paid_at=when,
            invoice=_pdf("发票", [payee, memo, f"金额：¥{amount_yuan:,}.00", f"开票日期：{timezone.localtime(when):%Y-%m-%d}"]),
        )

    def finish(self, r: SpendingRequest, text: str, figures: dict, photo_lines: list[str]) -> SpendingRequest:
        r.refresh_from_db()
        r = services.spending_request_report(
            actor=self.proposer, request=r, text=text, figures=figures, photos=[_pdf("活动照片", photo_lines)]
        )
        return services.spending_request_close(actor=self.charity, request=r, reason="验收合格，资料齐全")


def _community(name: str) -> OrgNode | None:
    return OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name=name).first()


# --- 闻韶社区 -------------------------------------------------------------------------------------


def _wenshao(community: OrgNode, out) -> None:
    from partners.models import Partner

    today = timezone.localdate()
    committee_login = User.objects.filter(username="committee").first()
    people = [
        (_user("ws_chair", "崔玉梅"), "闻韶社区党委书记", True),
        (_user("ws_member2", "孟庆华"), "居民代表", False),
        (_user("ws_member3", "高振东"), "辖区企业代表", False),
        (_user("ws_member4", "韩秀兰"), "楼长代表", False),
    ]
    if committee_login is not None:
        people.append((committee_login, "社区发展基金管理委员会委员", False))
    else:
        people.append((_user("ws_member5", "曲文博"), "委员", False))
    fund = services.fund_create(
        actor=None, community=community, name="闻韶社区发展基金", agreement_no="ZBCS-JJ-2025-017",
        agreement_date=today - dt.timedelta(days=430),
        purpose="用于社区治理、困难群众帮扶、社区活动和微心愿，定向用于闻韶社区。",
        members=_members(today, people), **CHARITY,
    )
    services.document_add(
        actor=None, fund=fund, kind="agreement", title="社区发展基金设立协议",
        upload=_pdf("社区发展基金设立协议", ["甲方：淄博市慈善总会", "乙方：中共闻韶社区委员会", "协议编号：ZBCS-JJ-2025-017"]),
    )
    # A year of revenue shares from the 11 partners, paid in monthly.
    partners = {p.name: p for p in Partner.objects.filter(community=community)}
    this_month = today.replace(day=1)
    for month_back in range(12, 0, -1):
        first = this_month
        for _ in range(month_back):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        when = timezone.make_aware(dt.datetime.combine(first.replace(day=25), dt.time(10, 0)))
        for name, yuan in WENSHAO_SHARES.items():
            partner = partners.get(name)
            services.income_record(
                actor=None, fund=fund, source=FundSource.REVENUE_SHARE, amount_fen=yuan * 100, payer=name,
                memo=f"{timezone.localtime(when):%Y年%m月}利润分成", partner=partner, received_at=when,
                idempotency_key=f"demo-share-{name}-{month_back}",
            )
    services.donation_record(actor=None, fund=fund, donor_name="淄博农商银行临淄支行", donor_kind="organisation",
                             amount_fen=2_000_000, restriction="用于困难群众帮扶", received_at=_ago(200))
    services.donation_record(actor=None, fund=fund, donor_name="孙某", donor_kind="person", amount_fen=50_000,
                             anonymous=True, received_at=_ago(120))
    services.donation_record(actor=None, fund=fund, donor_name="齐鲁石化某车间党支部", donor_kind="organisation",
                             amount_fen=300_000, received_at=_ago(60))
    services.donation_record(actor=None, fund=fund, donor_name="临淄某粮油店", donor_kind="organisation", kind="goods",
                             goods="大米（10kg）", quantity=40, amount_fen=240_000, received_at=_ago(45),
                             restriction="重阳节慰问高龄老人")

    voters = [Scope(u) for u, _, _ in people]
    flow = _Flow(fund, None, voters)
    # 1. Closed, with invoices and photos: 重阳节 visits.
    r = flow.propose("重阳节高龄独居老人慰问", "为辖区80岁以上独居老人送去慰问品并上门探望。", "辖区80岁以上独居老人36户",
                     [("visits", "慰问品（米、油、牛奶）", 10_800), ("visits", "上门体检服务", 3_600)])
    r = flow.approve(r)
    flow.pay(r, "visits", 10_800, "临淄某超市", "慰问品36份", _ago(150))
    flow.pay(r, "visits", 3_600, "中康颐养", "上门体检36人次", _ago(148))
    r = flow.finish(r, "走访独居老人36户，送去慰问品36份，完成上门体检36人次。", {"走访户数": 36, "体检人次": 36},
                    ["重阳节慰问", "走访36户"])
    _backdate(r, submitted=_ago(170), approved=_ago(155), closed=_ago(140))
    r.refresh_from_db()
    disclosure.report_publish(actor=None, fund=fund, kind=ReportKind.PROJECT, spending_request=r, final=True)
    # 2. Closed: stairwell lights.
    r = flow.propose("5号楼、7号楼楼道灯更换", "更换老旧楼道灯为LED感应灯。", "5号楼、7号楼居民96户",
                     [("repairs", "LED感应灯48盏及安装", 8_600)])
    r = flow.approve(r)
    flow.pay(r, "repairs", 8_600, "邻里修缮队", "LED感应灯48盏及安装", _ago(95))
    r = flow.finish(r, "48盏感应灯已全部更换，夜间照明恢复。", {"更换灯具": 48, "受益户数": 96}, ["楼道灯更换前后对比"])
    _backdate(r, submitted=_ago(115), approved=_ago(100), closed=_ago(90))
    # 3. Returned by the charity with reasons.
    r = flow.propose("社区广场音响设备采购", "为广场舞队和文艺活动购置音响一套。", "社区文艺队及参加活动的居民",
                     [("activities", "音响设备一套", 26_000)])
    r = flow.to_charity(r)
    r = services.spending_request_return(actor=flow.charity, request=r, reason="预算偏高，请补充三家供应商比价，并说明设备保管责任人。")
    _backdate(r, submitted=_ago(40))
    # 4. A long project (over six months), paid monthly and disclosed every month.
    r = flow.propose("独居老人助餐补贴", "为辖区低保、独居老人提供每餐2元助餐补贴，为期12个月。", "低保及独居老人约60人",
                     [("services", "助餐补贴", 36_000)], starts_on=today - dt.timedelta(days=240),
                     ends_on=today + dt.timedelta(days=125))
    r = flow.approve(r)
    for k in range(7, 0, -1):
        flow.pay(r, "services", 3_000, "益膳社区食堂", f"第{8 - k}个月助餐补贴", _ago(30 * k + 2))
    _backdate(r, submitted=_ago(255), approved=_ago(242))
    # 5. Approved, partly paid.
    r = flow.propose("四点半课堂教材与文具", "为四点半课堂购买教材、绘本和文具。", "课堂学生约40人",
                     [("services", "教材与绘本", 9_000), ("services", "文具", 6_000)])
    r = flow.approve(r)
    flow.pay(r, "services", 9_000, "临淄新华书店", "教材与绘本", _ago(8))
    _backdate(r, submitted=_ago(30), approved=_ago(12))
    # 6. At the charity.
    r = flow.propose("困境儿童微心愿", "认领并实现困境儿童的32个微心愿（书包、文具、课外书）。", "困境儿童32名",
                     [("wishes", "微心愿礼品32份", 6_400)])
    r = flow.to_charity(r)
    _backdate(r, submitted=_ago(15))
    # 7. Open for residents' comments.
    r = flow.propose("健身器材维修更换", "维修中心广场健身器材8件，更换损坏的2件。", "晨练居民",
                     [("repairs", "维修8件", 6_000), ("repairs", "更换2件", 12_000)])
    r = flow.vote(r, 3)
    # 8. At the committee's vote: two members have voted, the ``committee`` login has not.
    r = flow.propose("邻里节活动", "举办第三届闻韶邻里节：百家宴、才艺展示、便民服务集市。", "全体居民",
                     [("activities", "活动物料", 6_000), ("activities", "场地布置与音响", 4_000)])
    services.spending_request_submit(actor=None, request=r)
    r.refresh_from_db()
    for v in voters[:2]:
        services.spending_request_vote(actor=v, request=r, choice="yes")
    # 9. A draft.
    flow.propose("社区微更新：口袋公园座椅", "在口袋公园增设座椅6组。", "社区居民", [("repairs", "座椅6组", 30_000)])

    # The disclosure calendar: last three months and last quarter, and a correction note.
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    reports = []
    for back in range(3):
        start = first
        for _ in range(back):
            start = (start - dt.timedelta(days=1)).replace(day=1)
        reports.append(disclosure.report_publish(actor=None, fund=fund, kind=ReportKind.MONTH, period_start=start))
    disclosure.run_schedule(fund=fund)
    disclosure.correction_publish(actor=None, report=reports[-1], text="本月报告中“邻里修缮队”分成到账日期应为当月25日，金额无误。")
    out(f"社区发展基金 / Fund: 闻韶社区 {fund.requests.count()} 个用款申请 requests.")


# --- 康平社区: the worked example ------------------------------------------------------------------


def _kangping(community: OrgNode, out) -> None:
    from partners.models import Partner

    today = timezone.localdate()
    committee_login = User.objects.filter(username="committee").first() or _user("kp_member1", "曲文博")
    people = [
        (committee_login, "社区发展基金管理委员会委员", True),
        (_user("kp_member2", "李淑华"), "居民代表", False),
        (_user("kp_member3", "周建平"), "辖区单位代表", False),
    ]
    fund = services.fund_create(
        actor=None, community=community, name="康平社区发展基金", agreement_no="ZBCS-JJ-2025-009",
        agreement_date=today - dt.timedelta(days=400), purpose="定向用于康平社区的公共服务、困难帮扶和社区活动。",
        members=_members(today, people), **CHARITY,
    )
    voters = [Scope(u) for u, _, _ in people]
    secretary = User.objects.filter(username="secretary").first()
    proposer = Scope(secretary) if secretary is not None else None
    flow = _Flow(fund, proposer if proposer is not None and proposer.has("fund.propose", community.pk) else None, voters)
    room = Partner.objects.filter(community=community, name__contains="自习室").first()
    book = ledger.book_for_community(community=community)
    # (months back, takings, costs, repair, repair memo) — docs/ledger.md's worked example.
    months = [(3, 920_000, 380_000, 120_000, "2号楼楼道灯维修"), (2, 1_000_000, 400_000, 150_000, "3号楼楼道灯维修"),
              (1, 1_060_000, 410_000, 90_000, "慰问高龄独居老人（中秋）")]
    for back, takings, costs, repair, memo in months:
        end = _ago(30 * back)
        label = f"{timezone.localtime(end):%Y-%m}"
        share = (takings - costs) * 30 // 100
        if room is not None:
            ledger.transaction_post(book=book, kind="partner.income", memo=f"{room.name} {label} 营业收入",
                                    postings=[(chart.partner_cash(room), takings), (chart.partner_income(room), -takings)],
                                    occurred_at=end, idempotency_key=f"demo-{label}-income")
            ledger.transaction_post(book=book, kind="partner.expense", memo=f"{room.name} {label} 水电、保洁、耗材",
                                    postings=[(chart.partner_costs(room), costs), (chart.partner_cash(room), -costs)],
                                    occurred_at=end, idempotency_key=f"demo-{label}-costs")
        services.income_record(
            actor=None, fund=fund, source=FundSource.REVENUE_SHARE, amount_fen=share, partner=room,
            payer=room.name if room else "共享自习室", memo=f"{label} 利润30%转入社区发展基金",
            received_at=end + dt.timedelta(days=3), idempotency_key=f"demo-{label}-share",
        )
        r = flow.propose(memo, f"{memo}，费用由社区发展基金列支。", "相关楼栋居民" if "楼" in memo else "高龄独居老人",
                         [("repairs" if "维修" in memo else "visits", memo, repair // 100)])
        r = flow.approve(r)
        paid = end + dt.timedelta(days=10)
        flow.pay(r, r.lines.first().line, repair // 100, "临淄某五金电料店" if "维修" in memo else "临淄某超市", memo, paid)
        r = flow.finish(r, f"{memo}已完成。", {"支出（元）": repair // 100}, [memo])
        _backdate(r, submitted=end + dt.timedelta(days=4), approved=end + dt.timedelta(days=8), closed=paid + dt.timedelta(days=3))
    services.donation_record(actor=None, fund=fund, donor_name="康平社区居民（集体）", donor_kind="person",
                             amount_fen=86_000, received_at=_ago(20), memo="邻里节募捐")
    # At the committee: one member for, the ``committee`` login's vote awaited.
    r = flow.propose("1号楼单元门禁维修", "维修1号楼3个单元的门禁系统。", "1号楼居民36户", [("repairs", "门禁维修3套", 1_800)])
    services.spending_request_submit(actor=None, request=r)
    r.refresh_from_db()
    services.spending_request_vote(actor=voters[1], request=r, choice="yes")
    # At the charity: the ``charity`` login's decision awaited.
    r = flow.propose("四点半课堂冬季取暖", "为四点半课堂教室添置取暖器2台。", "课堂学生约25人", [("services", "取暖器2台", 600)])
    flow.to_charity(r)
    # Open for comments: the ``resident`` login (刘桂芳) has commented and asked; the committee answered.
    r = flow.propose("老年食堂餐桌椅更换", "更换老年食堂破损餐桌椅10套。", "在食堂就餐的老人", [("services", "餐桌椅10套", 1_200)])
    r = flow.vote(r, 2)
    resident = User.objects.filter(username="resident").first()
    if resident is not None:
        services.comment_add(user=resident, request=r, text="桌椅确实该换了，建议选带扶手的椅子，方便老人起身。")
        q = services.question_ask(user=resident, fund=fund, text="换下来的旧桌椅怎么处理？", request=r)
        services.question_answer(actor=voters[0], question=q, answer="旧桌椅中完好的将送到社区活动室继续使用，其余由物业统一回收。")
    out(f"社区发展基金 / Fund: 康平社区 {fund.requests.count()} 个用款申请 requests.")


def _plain(community: OrgNode, name: str, prefix: str, people_names: list[str], out) -> None:
    today = timezone.localdate()
    people = [(_user(f"{prefix}_member{i + 1}", n), "委员" if i else "主任委员", i == 0) for i, n in enumerate(people_names)]
    services.fund_create(
        actor=None, community=community, name=name, agreement_date=today - dt.timedelta(days=300),
        agreement_no=f"ZBCS-JJ-2025-{prefix.upper()}", members=_members(today, people), **CHARITY,
    )
    out(f"社区发展基金 / Fund: {community.name} set up.")


def load_demo(*, stdout: TextIO | None = None) -> None:
    def out(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")

    plans = [
        ("康平社区", _kangping),
        ("闻韶社区", _wenshao),
        ("大世界社区", lambda c, o: _plain(c, "大世界社区发展基金", "dsj", ["刘志刚", "王美玲", "张海涛"], o)),
        ("鲁阳社区", lambda c, o: _plain(c, "鲁阳社区发展基金", "ly", ["赵春燕", "孙立军", "陈淑芬"], o)),
    ]
    for name, build in plans:
        community = _community(name)
        if community is None or Fund.objects.filter(community=community).exists():
            continue
        with transaction.atomic():
            build(community, out)
