"""Demo workshops and gig jobs, from the reports.

* 鲁阳社区: a sewing workshop (共富工坊) in an idle room; a garment merchant supplies the cloth and
  sells the clothes; 60+ women of the community sew at piece and day rates (¥80–200 a day); the
  community's share, ¥4,200 a month, goes to the fund (≈ ¥50,000 a year).
* 溡源社区: the 暖奶奶手工坊 handicraft workshop of older women, whose products sell online and at
  markets (sales to the fund); and the weekly job fair every Wednesday morning, with local
  employers' jobs, residents' job-seeker profiles and applications, and 50+ placements.

Workers and seekers are the demo's generated residents of those communities (with ``--small``
there are only a few, and the figures are smaller). The merchant's names are invented. Work
records are written in bulk (the loader must stay fast); wage statements, fund income, jobs,
applications and placements go through the services. Idempotent: a workshop, job or fair found
by name/date is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from jobs import services
from jobs.models import JobApplication, JobApplicationStatus, JobFair, JobPost, Rate, WorkRecord, Workshop
from markets import services as market_services
from markets.models import Merchant, MerchantKind, MerchantMember
from orgs.models import NodeKind, OrgNode
from residents.models import Resident

EMPLOYER_LOGIN = "sy-employer"


def _community(name: str, stdout: TextIO | None) -> OrgNode | None:
    community = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, name=name).first()
    if community is None and stdout:
        stdout.write(f"工坊与就业：未找到{name}，跳过 / jobs: {name} not found, skipped.\n")
    return community


def _merchant(community: OrgNode, name: str, kind: str, business: str) -> Merchant:
    found = Merchant.objects.filter(community=community, name=name).first()
    return found or market_services.merchant_create(
        actor=None, community=community, name=name, kind=kind, business=business, contact_name=name[:2] + "经理"
    )


def _room(community: OrgNode, *words: str):
    from spaces.models import Room

    rooms = list(Room.objects.filter(community=community).select_related("function"))
    for word in words:
        for room in rooms:
            if word in room.name or word in room.function.name:
                return room
    return rooms[0] if rooms else None


def _women(community: OrgNode, *, low: int, high: int, limit: int) -> list[Resident]:
    today = timezone.localdate()
    born_after = today.replace(year=today.year - high)
    born_before = today.replace(year=today.year - low)
    return list(
        Resident.objects.filter(community=community, gender="F", birth_date__gt=born_after, birth_date__lte=born_before)
        .order_by("pk")[:limit]
    )


def _bulk_records(workshop: Workshop, rates: list[Rate], workers, days: list[dt.date], rng: random.Random) -> None:
    """A few months of daily work, written in one go (records are not money; statements are)."""
    have = set(WorkRecord.objects.filter(workshop=workshop).values_list("worker_id", "rate_id", "worked_on"))
    rows = []
    for worker in workers:
        for day in days:
            if rng.random() < 0.3:  # not every woman works every day
                continue
            rate = rng.choice(rates)
            quantity = 1 if rate.unit == "day" else rng.randint(140, 320)
            if (worker.pk, rate.pk, day) in have:
                continue
            rows.append(
                WorkRecord(
                    workshop=workshop, community_id=workshop.community_id, worker=worker, rate=rate, worked_on=day,
                    quantity=quantity, rate_fen=rate.rate_fen, amount_fen=rate.rate_fen * quantity,
                )
            )
    WorkRecord.objects.bulk_create(rows, batch_size=500)


def _month_starts(today: dt.date, months: int) -> list[dt.date]:
    first = today.replace(day=1)
    starts = []
    for _i in range(months):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        starts.append(first)
    return sorted(starts)


def _month_end(start: dt.date) -> dt.date:
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _workdays(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1) if (start + dt.timedelta(days=i)).weekday() < 5]


def _sewing_workshop(stdout: TextIO | None) -> None:
    community = _community("鲁阳社区", stdout)
    if community is None or Workshop.objects.filter(community=community, name="鲁阳社区共富工坊（缝纫）").exists():
        return
    today = timezone.localdate()
    rng = random.Random(202406)
    with transaction.atomic():
        merchant = _merchant(community, "鲁阳服饰加工厂", MerchantKind.SHOP, "童装、家居服来料加工")
        workshop = services.workshop_create(
            actor=None,
            community=community,
            name="鲁阳社区共富工坊（缝纫）",
            product="来料加工：手工钉珠、锁边、童装缝制，由服饰厂统一收购销售",
            merchant=merchant,
            room=_room(community, "仓库", "多功能", "活动"),
        )
        rates = [
            services.rate_add(actor=None, workshop=workshop, name="手工钉珠", unit="piece", rate_fen=50),
            services.rate_add(actor=None, workshop=workshop, name="锁边", unit="piece", rate_fen=40),
            services.rate_add(actor=None, workshop=workshop, name="车缝（整天）", unit="day", rate_fen=15000),
        ]
        women = _women(community, low=25, high=62, limit=66)
        workers = [
            services.worker_add(actor=None, workshop=workshop, resident=w, joined_on=today - dt.timedelta(days=300))
            for w in women
        ]
        # Two months of daily records and their monthly wage statements (the rest of the year's
        # wages were paid before Linli), and a year of the community's share.
        months = _month_starts(today, 2)
        _bulk_records(workshop, rates, workers, _workdays(months[0], _month_end(months[-1])), rng)
        for start in months:
            services.statements_issue_for_period(actor=None, workshop=workshop, period_start=start, period_end=_month_end(start))
        for start in _month_starts(today, 12):
            services.income_record(
                actor=None, workshop=workshop, kind="share", amount_fen=420000, item=f"{start:%Y年%m月}加工管理费",
                occurred_on=_month_end(start), idempotency_key=f"demo-share-{start:%Y%m}",
            )
    if stdout:
        stdout.write(f"共富工坊 / Workshop: 鲁阳社区 {len(workers)} 名妇女 women, ¥50,400 入基金 to the fund a year.\n")


def _handicrafts(community: OrgNode) -> None:
    if Workshop.objects.filter(community=community, name="暖奶奶手工坊").exists():
        return
    today = timezone.localdate()
    rng = random.Random(202407)
    workshop = services.workshop_create(
        actor=None,
        community=community,
        name="暖奶奶手工坊",
        product="老年人手工编织、布艺、香囊，线上线下销售",
        room=_room(community, "手工", "活动", "多功能"),
    )
    rates = [
        services.rate_add(actor=None, workshop=workshop, name="香囊", unit="piece", rate_fen=300),
        services.rate_add(actor=None, workshop=workshop, name="手工布鞋", unit="piece", rate_fen=2000),
    ]
    grannies = _women(community, low=58, high=85, limit=15)
    workers = [services.worker_add(actor=None, workshop=workshop, resident=w) for w in grannies]
    start = _month_starts(today, 1)[0]
    days = [d for d in _workdays(start, _month_end(start)) if d.weekday() in (1, 3)]
    rows = []
    for worker in workers:
        for day in days:
            rate = rng.choice(rates)
            quantity = rng.randint(3, 8) if rate.name == "香囊" else 1
            rows.append(
                WorkRecord(
                    workshop=workshop, community_id=community.pk, worker=worker, rate=rate, worked_on=day,
                    quantity=quantity, rate_fen=rate.rate_fen, amount_fen=rate.rate_fen * quantity,
                )
            )
    WorkRecord.objects.bulk_create(rows)
    services.statements_issue_for_period(actor=None, workshop=workshop, period_start=start, period_end=_month_end(start))
    for i, month in enumerate(_month_starts(today, 6)):
        services.income_record(
            actor=None, workshop=workshop, kind="sale", channel="online", item="香囊、布鞋（网店）",
            quantity=20 + 3 * i, amount_fen=(20 + 3 * i) * 4500, occurred_on=month + dt.timedelta(days=14),
            idempotency_key=f"demo-online-{month:%Y%m}",
        )
        services.income_record(
            actor=None, workshop=workshop, kind="sale", channel="market", item="香囊（睦邻集市）",
            quantity=15 + i, amount_fen=(15 + i) * 2500, occurred_on=month + dt.timedelta(days=20),
            idempotency_key=f"demo-market-{month:%Y%m}",
        )


EMPLOYERS = [
    ("溡源物业服务中心", "保洁员", 9000, 11000, "day", "7:00-15:00", "溡源小区各楼栋", "吃苦耐劳", 6),
    ("鑫达电子厂", "电子组装工", 12000, 16000, "day", "8:00-17:00", "经济开发区鑫达电子", "视力好、手巧", 15),
    ("顺丰速运溡源网点", "快递分拣员", 13000, 18000, "day", "18:00-次日2:00", "溡源路快递网点", "能上夜班", 8),
    ("好再来餐馆", "后厨帮工", 10000, 12000, "day", "9:30-14:00 16:30-20:30", "溡源路好再来餐馆", "有健康证优先", 4),
    ("安心家政服务公司", "钟点工（家政）", 3000, 4000, "hour", "按预约", "居民家中", "做饭、打扫", 15),
    ("康宁养老服务中心", "养老护理员", 350000, 450000, "month", "做一休一", "康宁养老服务中心", "有护理证优先", 5),
    ("绿城园林公司", "绿化养护工", 11000, 13000, "day", "7:00-16:00", "开发区绿化带", "身体健康", 6),
    ("城北农贸市场", "理货员", 10000, 12000, "day", "5:30-11:30", "城北农贸市场", "", 5),
]
SKILLS = ["保洁", "做饭", "带孩子", "电脑打字", "开车（C照）", "缝纫", "搬运", "收银", "养老护理", "电工"]


def _gig_jobs(community: OrgNode) -> int:
    from accounts.models import User
    from accounts.services import user_create
    from demo.logins import PASSWORD

    today = timezone.localdate()
    rng = random.Random(202408)
    jobs = []
    for name, title, low, high, unit, hours, place, skills, openings in EMPLOYERS:
        employer = _merchant(community, name, MerchantKind.EMPLOYER, title)
        job = JobPost.objects.filter(merchant=employer, title=title).first() or services.job_post(
            actor=None, merchant=employer, title=title, pay_min_fen=low, pay_max_fen=high, pay_unit=unit,
            hours=hours, place=place, skills=skills, openings=openings,
        )
        jobs.append(job)
    first = jobs[0].merchant
    if not MerchantMember.objects.filter(merchant=first).exists():
        user = User.objects.filter(username=EMPLOYER_LOGIN).first() or user_create(
            username=EMPLOYER_LOGIN, password=PASSWORD, display_name="物业招工专员"
        )
        market_services.merchant_member_add(actor=None, merchant=first, user=user)
    # Every Wednesday morning: the last 26 weeks and the next 4.
    fairs = services.fairs_schedule_weekly(
        actor=None, community=community, weekday=2, weeks=30, place="溡源社区党群服务中心一楼大厅",
        first_on=today - dt.timedelta(weeks=26), title="溡源社区零工招聘会（每周三上午）",
    )
    for fair in fairs:
        for job in jobs:
            if job.status == "open":
                fair.jobs.add(job)
    if JobApplication.objects.filter(community=community).exists():
        return JobApplication.objects.filter(community=community, status=JobApplicationStatus.PLACED).count()
    today_born = today.replace(year=today.year - 18)
    seekers = [
        services.seeker_profile_save(
            actor=None, resident=r, skills="、".join(rng.sample(SKILLS, 2)), availability=rng.choice(["工作日白天", "随时", "上午", "周末"]),
            wanted_pay_fen=rng.choice([10000, 12000, 15000]),
        )
        for r in Resident.objects.filter(community=community, birth_date__lte=today_born, birth_date__gt=today.replace(year=today.year - 60))
        .order_by("pk")[:80]
    ]
    past = [f for f in fairs if f.held_on < today]
    for i, seeker in enumerate(seekers):
        fair = past[i % len(past)] if past else None
        for job in rng.sample(jobs, 3):
            job.refresh_from_db()
            if job.status != "open":
                continue
            application = services.job_apply(actor=None, job=job, seeker=seeker, fair=fair)
            if fair is not None and rng.random() < 0.65 and job.placed_count < job.openings:
                services.job_application_decide(actor=None, application=application, status="placed", placed_on=fair.held_on)
                continue
            if rng.random() < 0.3:
                services.job_application_decide(actor=None, application=application, status="shortlisted")
    return JobApplication.objects.filter(community=community, status=JobApplicationStatus.PLACED).count()


def load_demo(*, stdout: TextIO | None = None) -> None:
    _sewing_workshop(stdout)
    community = _community("溡源社区", stdout)
    if community is None:
        return
    with transaction.atomic():
        _handicrafts(community)
        placed = _gig_jobs(community)
    if stdout:
        fairs = JobFair.objects.filter(community=community, held_on__lt=timezone.localdate()).count()
        stdout.write(f"零工招聘 / Gig jobs: 溡源社区 每周三招聘会 {fairs} 场 fairs held, {placed} 人次上岗 placements.\n")
