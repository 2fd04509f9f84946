"""The jobs' test world, on the shared ``world``, through the real services.

In 康平社区 (A): an employer 康平服装厂 with the login ``employer_a`` that also supplies a sewing
workshop (lead: ``resident_a``, workers a1 and a2; ¥0.50 a piece and ¥120 a day), a job with two
openings and a Wednesday job fair. In 溡源社区 (B): an employer, a workshop and a job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from jobs import services
from jobs.models import JobFair, JobPost, Rate, Worker, Workshop
from linli.testkit import World
from markets.models import Merchant
from markets.tests.conftest import make_merchant
from orgs.scope import Scope


@dataclass
class JobsWorld:
    world: World
    employer: Merchant
    employer_b: Merchant
    workshop: Workshop
    workshop_b: Workshop
    piece: Rate
    day: Rate
    w1: Worker
    w2: Worker
    job: JobPost
    job_b: JobPost
    fair: JobFair

    def staff(self, side: str = "a") -> Scope:
        return Scope(self.world.staff(side))


def make_workshop(world: World, side: str, merchant: Merchant, lead=None) -> Workshop:
    return services.workshop_create(
        actor=Scope(world.staff(side)),
        community=world.community(side),
        name=f"{world.community(side).name}缝纫工坊",
        product="手工缝制童装",
        merchant=merchant,
        lead=lead,
    )


def make_job(world: World, side: str, merchant: Merchant, openings: int = 2) -> JobPost:
    return services.job_post(
        actor=Scope(world.staff(side)),
        merchant=merchant,
        title="包装工",
        pay_min_fen=12000,
        pay_max_fen=15000,
        hours="8:00-17:00",
        place="工业园3号",
        skills="手脚麻利",
        openings=openings,
    )


@pytest.fixture
def jw(world) -> JobsWorld:
    employer = make_merchant(world, "a", "康平服装厂", "employer_a", "employer")
    employer_b = make_merchant(world, "b", "溡源电子厂", "employer_b", "employer")
    workshop = make_workshop(world, "a", employer, lead=world.user("resident_a"))
    staff = Scope(world.staff("a"))
    piece = services.rate_add(actor=staff, workshop=workshop, name="钉扣子", unit="piece", rate_fen=50)
    day = services.rate_add(actor=staff, workshop=workshop, name="整天缝纫", unit="day", rate_fen=12000)
    w1 = services.worker_add(actor=staff, workshop=workshop, resident=world.residents["a1"])
    w2 = services.worker_add(actor=staff, workshop=workshop, resident=world.residents["a2"])
    fair = services.fair_create(
        actor=staff, community=world.community_a, held_on=timezone.localdate() + dt.timedelta(days=1), place="党群服务中心"
    )
    return JobsWorld(
        world=world,
        employer=employer,
        employer_b=employer_b,
        workshop=workshop,
        workshop_b=make_workshop(world, "b", employer_b),
        piece=piece,
        day=day,
        w1=w1,
        w2=w2,
        job=make_job(world, "a", employer),
        job_b=make_job(world, "b", employer_b),
        fair=fair,
    )
