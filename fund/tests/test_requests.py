"""The spending request's steps: none can be skipped, each member votes once, majority of the
whole committee, returns and resubmission, and nothing in the ledger before approval."""

from __future__ import annotations

import datetime as dt

import pytest

from fund import services
from fund.models import RequestStatus, StepLog, Vote
from fund.tests.conftest import donate, make_user, pdf, propose, to_approved, to_comment, to_review, voters
from ledger.models import Transaction
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.scope import Scope

S = RequestStatus


def test_propose_keeps_the_origin_and_numbers_requests(fund_world):
    world = fund_world.world
    r1 = propose(world, origin_type="matching.wish", origin_id=42)
    r2 = propose(world)
    assert (r1.origin_type, r1.origin_id) == ("matching.wish", 42)
    assert r1.status == S.DRAFT and r1.number != r2.number
    assert list(r1.lines.values_list("line", "amount_fen")) == [("repairs", 150_000)]


def test_propose_accepts_a_user_as_actor_and_submits(fund_world):
    world = fund_world.world
    r = services.spending_request_propose(
        actor=world.user("secretary_a"),
        community=world.community("a"),
        title="微心愿：助学书包",
        purpose="为困难家庭儿童购买书包",
        amount_fen=20_000,
        lines=[{"line": "wishes", "description": "书包10个", "amount_fen": 20_000}],
        submit=True,
    )
    assert r.status == S.VOTING and r.round == 1 and r.committee_size == 3


def test_lines_must_add_up_and_personal_data_is_refused(fund_world):
    world = fund_world.world
    with pytest.raises(ValidationFailed) as exc:
        propose(world, amount_fen=100_00, lines=[("repairs", "灯", 90_00)])
    assert exc.value.code == "lines_total"
    with pytest.raises(ValidationFailed) as exc:
        propose(world, beneficiaries="张三 13800000101")
    assert exc.value.code == "personal_data"


def test_a_request_cannot_skip_a_step(fund_world):
    world = fund_world.world
    staff, charity = Scope(world.staff("a")), Scope(world.user("charity_a"))
    r = propose(world)
    donate(world, "a", 1_000_000)
    # draft: no vote, no charity, no payment
    with pytest.raises(Conflict):
        services.spending_request_vote(actor=voters(r.fund)[0], request=r, choice="yes")
    with pytest.raises(Conflict):
        services.spending_request_approve(actor=charity, request=r)
    with pytest.raises(Conflict):
        services.spending_request_to_charity(actor=staff, request=r)
    with pytest.raises(Conflict):
        services.payment_record(
            actor=charity, request=r, amount_fen=100, line="repairs", payee="某五金店", memo="灯", invoice=pdf()
        )
    # voting: no charity yet
    services.spending_request_submit(actor=staff, request=r)
    r.refresh_from_db()
    with pytest.raises(Conflict):
        services.spending_request_approve(actor=charity, request=r)
    with pytest.raises(Conflict):
        services.spending_request_to_charity(actor=staff, request=r)
    # comment: not to the charity before the period ends, no approval
    r = to_comment(world, propose(world))
    assert r.status == S.COMMENT
    with pytest.raises(Conflict) as exc:
        services.spending_request_to_charity(actor=staff, request=r)
    assert exc.value.code == "comment_open"
    with pytest.raises(Conflict):
        services.spending_request_approve(actor=charity, request=r)
    # review: no payment before approval, no report
    r = to_review(world, propose(world))
    with pytest.raises(Conflict):
        services.payment_record(
            actor=charity, request=r, amount_fen=100, line="repairs", payee="某五金店", memo="灯", invoice=pdf()
        )
    with pytest.raises(Conflict):
        services.spending_request_report(actor=staff, request=r, text="已完成")
    # approved: no report before a payment; no close before the report
    r = services.spending_request_approve(actor=charity, request=r)
    with pytest.raises(Conflict) as exc:
        services.spending_request_report(actor=staff, request=r, text="已完成")
    assert exc.value.code == "no_payment"
    with pytest.raises(Conflict):
        services.spending_request_close(actor=charity, request=r)


def test_nothing_is_posted_before_the_charity_approves(fund_world):
    world = fund_world.world
    donate(world, "a", 500_000)
    before = Transaction.objects.count()
    r = to_review(world, propose(world))
    assert Transaction.objects.count() == before
    services.spending_request_approve(actor=Scope(world.user("charity_a")), request=r)
    assert Transaction.objects.count() == before


def test_a_member_cannot_vote_twice(fund_world):
    world = fund_world.world
    r = propose(world)
    services.spending_request_submit(actor=Scope(world.staff("a")), request=r)
    r.refresh_from_db()
    v = voters(r.fund)[0]
    services.spending_request_vote(actor=v, request=r, choice="yes")
    with pytest.raises(Conflict) as exc:
        services.spending_request_vote(actor=v, request=r, choice="no")
    assert exc.value.code == "already_voted"
    assert Vote.objects.filter(spending_request=r).count() == 1


def test_non_members_cannot_vote(fund_world):
    world = fund_world.world
    r = propose(world)
    services.spending_request_submit(actor=Scope(world.staff("a")), request=r)
    r.refresh_from_db()
    with pytest.raises(NotFound):
        services.spending_request_vote(actor=Scope(world.staff("a")), request=r, choice="yes")


def test_majority_of_the_whole_committee_and_conflict_abstention(fund_world):
    world = fund_world.world
    staff = Scope(world.staff("a"))
    # 5 members: 2 for, 1 conflict, 1 against → 2 of 5 is no majority; the last "for" makes 3.
    services.committee_change(
        actor=staff,
        fund=fund_world.fund,
        add=[
            services.MemberIn(user=make_user("m4"), term_start=dt.date(2026, 1, 1), term_end=dt.date(2028, 1, 1)),
            services.MemberIn(user=make_user("m5"), term_start=dt.date(2026, 1, 1), term_end=dt.date(2028, 1, 1)),
        ],
    )
    r = propose(world)
    services.spending_request_submit(actor=staff, request=r)
    r.refresh_from_db()
    assert r.committee_size == 5
    v = voters(r.fund)
    services.spending_request_vote(actor=v[0], request=r, choice="yes")
    services.spending_request_vote(actor=v[1], request=r, choice="yes")
    with pytest.raises(ValidationFailed):
        services.spending_request_vote(actor=v[2], request=r, choice="conflict")  # needs a note
    services.spending_request_vote(actor=v[2], request=r, choice="conflict", note="施工方是我亲属的公司")
    services.spending_request_vote(actor=v[3], request=r, choice="no")
    r.refresh_from_db()
    assert r.status == S.VOTING
    assert services.tally(r) == {"yes": 2, "no": 1, "conflict": 1, "cast": 4, "size": 5}
    services.spending_request_vote(actor=v[4], request=r, choice="yes")
    r.refresh_from_db()
    assert r.status == S.COMMENT and r.comment_until is not None
    assert StepLog.objects.filter(spending_request=r, action="vote_conflict", reason__contains="亲属").exists()


def test_a_failed_vote_returns_the_request_and_resubmission_opens_a_new_round(fund_world):
    world = fund_world.world
    staff = Scope(world.staff("a"))
    r = propose(world)
    services.spending_request_submit(actor=staff, request=r)
    r.refresh_from_db()
    v = voters(r.fund)
    services.spending_request_vote(actor=v[0], request=r, choice="no")
    services.spending_request_vote(actor=v[1], request=r, choice="no")
    r.refresh_from_db()
    assert r.status == S.RETURNED
    services.spending_request_revise(
        actor=staff,
        request=r,
        title=r.title,
        purpose="改用LED灯，降低预算",
        amount_fen=120_000,
        lines=[("repairs", "LED感应灯", 120_000)],
        reason="按委员意见修改",
    )
    services.spending_request_submit(actor=staff, request=r)
    r.refresh_from_db()
    assert r.status == S.VOTING and r.round == 2
    services.spending_request_vote(actor=v[0], request=r, choice="yes")  # a new round: may vote again


def test_charity_returns_with_reasons_and_the_request_comes_back(fund_world):
    world = fund_world.world
    charity = Scope(world.user("charity_a"))
    r = to_review(world, propose(world))
    with pytest.raises(ValidationFailed):
        services.spending_request_return(actor=charity, request=r, reason="")
    r = services.spending_request_return(actor=charity, request=r, reason="请补充三家报价")
    assert r.status == S.RETURNED
    step = r.steps.get(action="charity_return")
    assert step.reason == "请补充三家报价" and step.actor == world.user("charity_a")
    services.spending_request_submit(actor=Scope(world.staff("a")), request=r)
    r.refresh_from_db()
    assert r.status == S.VOTING and r.round == 2


def test_the_whole_way_to_closed(fund_world):
    world = fund_world.world
    staff, charity = Scope(world.staff("a")), Scope(world.user("charity_a"))
    donate(world, "a", 1_000_000)
    r = to_approved(world, propose(world, amount_fen=150_000))
    services.payment_record(
        actor=charity,
        request=r,
        amount_fen=100_000,
        line="repairs",
        payee="临淄某五金店",
        memo="感应灯12盏",
        invoice=pdf(),
    )
    services.payment_record(
        actor=charity,
        request=r,
        amount_fen=50_000,
        line="repairs",
        payee="临淄某电工服务部",
        memo="安装费",
        invoice=pdf(),
    )
    r.refresh_from_db()
    assert r.paid_fen == 150_000
    r = services.spending_request_report(
        actor=staff, request=r, text="12盏灯已更换", figures={"受益户数": 48}, photos=[pdf("p.pdf")]
    )
    r = services.spending_request_return(actor=charity, request=r, reason="请补充施工照片")
    assert r.status == S.APPROVED
    r = services.spending_request_report(actor=staff, request=r, text="12盏灯已更换，附照片", figures={"受益户数": 48})
    r = services.spending_request_close(actor=charity, request=r, reason="验收合格")
    assert r.status == S.CLOSED
    actions = list(r.steps.values_list("action", flat=True))
    assert actions[:3] == ["propose", "submit", "vote_yes"] and actions[-1] == "close"
    assert all(s.actor_id for s in r.steps.exclude(action="to_charity"))


def test_another_community_cannot_act(fund_world):
    world = fund_world.world
    r = propose(world)
    with pytest.raises(NotFound):
        services.spending_request_submit(actor=Scope(world.staff("b")), request=r)
