"""The fund's test world, built on the shared ``world`` through the real services.

Community A (康平社区) gets a fund hosted by 淄博市慈善总会 with a committee of three: the
``committee_a`` login (chair) and two more members (``member_a2``, ``member_a3``). Helpers move a
spending request through its steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.services import user_create
from fund import services
from fund.models import Fund, SpendingRequest
from fund.services import MemberIn
from linli.testkit import PASSWORD, World
from orgs.scope import Scope

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"


def pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def member(user, *, chair: bool = False) -> MemberIn:
    return MemberIn(
        user=user, term_start=TODAY - dt.timedelta(days=30), term_end=TODAY + dt.timedelta(days=700), is_chair=chair
    )


def make_user(name: str):
    return user_create(username=name, password=PASSWORD, display_name=name)


def make_fund(world: World, side: str = "a") -> Fund:
    def make() -> Fund:
        staff = Scope(world.staff(side))
        if side == "a":
            users = [world.user("committee_a"), make_user("member_a2"), make_user("member_a3")]
        else:
            users = [make_user(f"member_{side}{i}") for i in range(1, 4)]
        return services.fund_create(
            actor=staff,
            community=world.community(side),
            charity_name="淄博市慈善总会",
            charity_registration_no="51370300MJD000000X",
            charity_public_fundraising=True,
            agreement_date=TODAY - dt.timedelta(days=60),
            agreement_no=f"ZBCS-2026-{side}",
            members=[member(u, chair=i == 0) for i, u in enumerate(users)],
        )

    return world.once(f"fund.fund.{side}", make)


def voters(fund: Fund) -> list[Scope]:
    return [Scope(m.user) for m in fund.members.filter(left_on__isnull=True).order_by("pk")]


def donate(world: World, side: str, amount_fen: int, **kw):
    fund = make_fund(world, side)
    return services.donation_record(
        actor=Scope(world.staff(side)),
        fund=fund,
        donor_name=kw.pop("donor_name", "淄博某商贸有限公司"),
        donor_kind=kw.pop("donor_kind", "organisation"),
        amount_fen=amount_fen,
        **kw,
    )


def propose(world: World, side: str = "a", amount_fen: int = 150_000, **kw) -> SpendingRequest:
    make_fund(world, side)
    return services.spending_request_propose(
        actor=Scope(world.staff(side)),
        community=world.community(side),
        title=kw.pop("title", "3号楼楼道灯维修"),
        purpose=kw.pop("purpose", "更换3号楼1-6层楼道感应灯12盏"),
        beneficiaries=kw.pop("beneficiaries", "3号楼48户居民"),
        amount_fen=amount_fen,
        lines=kw.pop("lines", [("repairs", "感应灯及安装", amount_fen)]),
        **kw,
    )


def to_comment(world: World, request: SpendingRequest) -> SpendingRequest:
    services.spending_request_submit(actor=Scope(world.staff("a")), request=request)
    request.refresh_from_db()
    for v in voters(request.fund)[:2]:
        services.spending_request_vote(actor=v, request=request, choice="yes")
        request.refresh_from_db()
    return request


def to_review(world: World, request: SpendingRequest) -> SpendingRequest:
    request = to_comment(world, request)
    return services.spending_request_to_charity(
        actor=None, request=request, today=request.comment_until + dt.timedelta(days=1)
    )


def to_approved(world: World, request: SpendingRequest, approved_fen: int | None = None) -> SpendingRequest:
    request = to_review(world, request)
    return services.spending_request_approve(
        actor=Scope(world.user("charity_a")), request=request, approved_fen=approved_fen, reason="符合基金用途"
    )


@dataclass
class Ctx:
    world: World
    fund: Fund


@pytest.fixture
def fund_world(world) -> Ctx:
    return Ctx(world=world, fund=make_fund(world, "a"))
