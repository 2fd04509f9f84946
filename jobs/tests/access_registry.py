"""What linli/tests/test_access_control.py needs to check the jobs endpoints.

Per side, through the services by that side's staff: an employer (a merchant with a login), a
workshop it supplies with one rate, the side's resident on the roster with one day of work and
a wage statement, a job with one application from that resident, and a job fair offering it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from accounts.services import user_create
from jobs import services
from jobs.models import JobApplication, JobFair, JobPost, WageStatement, Workshop
from linli.testkit import PASSWORD, World
from markets import services as market_services
from orgs.scope import Scope


@dataclass
class Objects:
    workshop: Workshop
    statement: WageStatement
    job: JobPost
    application: JobApplication
    fair: JobFair


def objects(world: World, side: str) -> Objects:
    def make() -> Objects:
        staff = Scope(world.staff(side))
        community = world.community(side)
        label = side.upper()
        employer = market_services.merchant_create(
            actor=staff, community=community, name=f"{label}侧用工企业", kind="employer",
            contact_name=f"{label}侧招工联系人", contact_phone=f"1350000{'AB'.index(label)}944",
        )
        user = user_create(username=f"jobs-employer-{side}", password=PASSWORD, display_name=f"{label}侧招工员")
        market_services.merchant_member_add(actor=staff, merchant=employer, user=user)
        resident = world.residents[{"a": "a1", "b": "b1"}[side]]
        workshop = services.workshop_create(
            actor=staff, community=community, name=f"{label}侧共富工坊", product="手工串珠", merchant=employer
        )
        rate = services.rate_add(actor=staff, workshop=workshop, name="串珠", unit="piece", rate_fen=30)
        worker = services.worker_add(actor=staff, workshop=workshop, resident=resident)
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        services.work_record_enter(actor=staff, worker=worker, rate=rate, worked_on=yesterday, quantity=100)
        statement = services.statement_issue(actor=staff, worker=worker, period_start=yesterday, period_end=yesterday)
        job = services.job_post(
            actor=staff, merchant=employer, title=f"{label}侧包装工", pay_min_fen=10000, pay_max_fen=12000,
            hours="8:00-12:00", place=f"{label}侧工业园",
        )
        profile = services.seeker_profile_save(actor=staff, resident=resident, skills="包装", availability="上午")
        fair = services.fair_create(actor=staff, community=community, held_on=timezone.localdate() + dt.timedelta(days=2), place="党群服务中心")
        services.fair_add_job(actor=staff, fair=fair, job=job)
        application = services.job_apply(actor=staff, job=job, seeker=profile, fair=fair)
        return Objects(workshop=workshop, statement=statement, job=job, application=application, fair=fair)

    return world.once(f"jobs.objects.{side}", make)


REGISTRY = {
    "workshop_id": lambda w, s: objects(w, s).workshop.pk,
    "wage_statement_id": lambda w, s: objects(w, s).statement.pk,
    "job_post_id": lambda w, s: objects(w, s).job.pk,
    "job_application_id": lambda w, s: objects(w, s).application.pk,
    "job_fair_id": lambda w, s: objects(w, s).fair.pk,
}


def markers(world: World) -> dict[str, str]:
    b = objects(world, "b")
    return {
        b.workshop.name: "community B's workshop",
        b.job.title: "community B's job",
        b.job.place: "community B job's place",
        "B侧用工企业": "community B's employer",
        "B侧招工联系人": "community B employer's contact",
        "jobs-employer-b": "community B employer's login",
    }
