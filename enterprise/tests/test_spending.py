"""收支两条线 and 分级审批: income by source, spending only through approved requests."""

from __future__ import annotations

import datetime as dt

import pytest

from enterprise import chart, services
from enterprise.models import Approver, Decision, ExpenseRequest, IncomeSource, RequestStatus
from enterprise.tests.factories import TODAY, YEAR
from ledger.models import Posting
from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.scope import Scope

pytestmark = pytest.mark.django_db


def raise_request(world, ent, amount_fen, *, payee="沙坪五金店", category="running", **kw):
    return services.expense_request_create(
        actor=Scope(world.staff("a")), enterprise=ent, category=category, purpose="购买灯管", payee=payee,
        amount_fen=amount_fen, **kw,
    )


def approve(world, req, who, **kw):
    return services.expense_request_decide(actor=Scope(world.user(who)), request=req, decision=Decision.APPROVE, **kw)


@pytest.mark.parametrize(
    ("amount_fen", "chain"),
    [
        (1, [Approver.PARTY_SECRETARY]),
        (99_999, [Approver.PARTY_SECRETARY]),
        (100_000, [Approver.PARTY_SECRETARY, Approver.SUBDISTRICT_OFFICER]),
        (1_000_000, [Approver.PARTY_SECRETARY, Approver.SUBDISTRICT_OFFICER]),
        (1_000_001, [Approver.PARTY_SECRETARY, Approver.SUBDISTRICT_OFFICER, Approver.COLLECTIVE]),
    ],
)
def test_the_approval_chain_is_chosen_by_the_amount(world, ent_a, amount_fen, chain):
    assert raise_request(world, ent_a, amount_fen).chain == chain


def test_the_levels_are_the_subdistricts_data(world, ent_a):
    services.policy_update(
        actor=Scope(world.user("officer")), subdistrict=world.subdistrict, split_window_days=14, answer_days=5,
        budget_alert_percent=80, levels=[(Approver.PARTY_SECRETARY, 0), (Approver.SUBDISTRICT_OFFICER, 50_000)],
    )
    assert raise_request(world, ent_a, 60_000).chain == [Approver.PARTY_SECRETARY, Approver.SUBDISTRICT_OFFICER]
    assert raise_request(world, ent_a, 2_000_000, payee="另一家").chain == [
        Approver.PARTY_SECRETARY,
        Approver.SUBDISTRICT_OFFICER,
    ]
    # Community staff cannot change the subdistrict's rule.
    with pytest.raises(Forbidden):
        services.policy_update(
            actor=Scope(world.staff("a")), subdistrict=world.subdistrict, split_window_days=14, answer_days=5,
            budget_alert_percent=80, levels=[(Approver.PARTY_SECRETARY, 0)],
        )


def test_a_request_cannot_be_paid_before_its_last_required_approval(world, ent_a):
    req = raise_request(world, ent_a, 1_200_000)
    staff = Scope(world.staff("a"))
    with pytest.raises(Conflict) as exc:
        services.expense_request_pay(actor=staff, request=req)
    assert exc.value.code == "not_approved"
    req = approve(world, req, "secretary_a")
    with pytest.raises(Conflict):
        services.expense_request_pay(actor=staff, request=req)
    req = approve(world, req, "officer")
    assert req.status == RequestStatus.PENDING and req.next_approver == Approver.COLLECTIVE
    with pytest.raises(Conflict):
        services.expense_request_pay(actor=staff, request=req)
    assert not Posting.objects.filter(account__code=chart.expense_code(ent_a.pk, "running")).exists()
    # The collective decision needs its meeting and minutes.
    with pytest.raises(ValidationFailed):
        approve(world, req, "officer")
    req = approve(world, req, "officer", meeting_date=TODAY, minutes_ref="沙坪街道党工委会议纪要〔2026〕12号")
    assert req.status == RequestStatus.APPROVED
    req = services.expense_request_pay(actor=staff, request=req)
    assert req.status == RequestStatus.PAID
    assert chart.expense(ent_a, "running").balance == 1_200_000
    # Paying again does not pay twice.
    assert services.expense_request_pay(actor=staff, request=req).transaction_id == req.transaction_id
    assert chart.expense(ent_a, "running").balance == 1_200_000


def test_levels_decide_in_order_and_at_the_right_node(world, ent_a):
    req = raise_request(world, ent_a, 200_000)
    # The officer is level 2; level 1 is the party secretary at the community.
    with pytest.raises(Forbidden):
        approve(world, req, "officer")
    # Community staff hold no approval capability at all.
    with pytest.raises(Forbidden):
        approve(world, req, "staff_a")
    approve(world, req, "secretary_a")
    # The secretary cannot also stand for the subdistrict officer.
    with pytest.raises(Forbidden):
        approve(world, ExpenseRequest.objects.get(pk=req.pk), "secretary_a")
    assert approve(world, ExpenseRequest.objects.get(pk=req.pk), "officer").status == RequestStatus.APPROVED
    assert [a.level for a in req.approvals.order_by("level")] == [1, 2]


def test_a_rejection_ends_the_request(world, ent_a):
    req = raise_request(world, ent_a, 50_000)
    with pytest.raises(ValidationFailed):  # a rejection says why
        services.expense_request_decide(actor=Scope(world.user("secretary_a")), request=req, decision="reject")
    req = services.expense_request_decide(
        actor=Scope(world.user("secretary_a")), request=req, decision="reject", note="价格偏高，请比价"
    )
    assert req.status == RequestStatus.REJECTED
    with pytest.raises(Conflict):
        services.expense_request_pay(actor=Scope(world.staff("a")), request=req)


def test_income_cannot_be_booked_as_negative_spending(world, ent_a):
    staff = Scope(world.staff("a"))
    # A negative expense request (a refund, a sale) is refused: income goes in as income.
    for amount in (-50_000, 0):
        with pytest.raises(ValidationFailed):
            raise_request(world, ent_a, amount)
    # And income never takes a negative amount either (a cost hidden as negative income).
    with pytest.raises(ValidationFailed):
        services.income_record(
            actor=staff, enterprise=ent_a, source=IncomeSource.SERVICES, amount_fen=-10_000,
            received_on=TODAY, payer="某人", memo="冲抵水电费",
        )
    income = services.income_record(
        actor=staff, enterprise=ent_a, source=IncomeSource.SERVICES, amount_fen=10_000,
        received_on=TODAY, payer="居民", memo="便民理发收入",
    )
    # The income is on its source's income account and the cash, never on an expense account.
    codes = {p.account.code: p.amount for p in income.transaction.postings.select_related("account")}
    assert codes == {f"enterprise:{ent_a.pk}:cash": 10_000, chart.income_code(ent_a.pk, "services"): -10_000}
    assert not Posting.objects.filter(account__book=ent_a.book, account__type="expense", amount__lt=0).exists()
    # Rent comes through invoices, not as free-standing income.
    with pytest.raises(ValidationFailed):
        services.income_record(
            actor=staff, enterprise=ent_a, source=IncomeSource.RENT, amount_fen=100, received_on=TODAY,
            payer="x", memo="x",
        )


def test_income_with_the_same_idempotency_key_is_recorded_once(world, ent_a):
    staff = Scope(world.staff("a"))
    kw = dict(actor=staff, enterprise=ent_a, source="donation", amount_fen=88_800, received_on=TODAY,
              payer="爱心企业", memo="赞助重阳节活动", idempotency_key="tap-1")
    assert services.income_record(**kw).pk == services.income_record(**kw).pk
    assert chart.income(ent_a, "donation").balance == -88_800


def test_a_split_purchase_is_flagged(world, ent_a):
    first = raise_request(world, ent_a, 60_000)
    assert not first.split_suspected
    second = raise_request(world, ent_a, 60_000)  # together ¥1,200: would need the officer
    assert second.split_suspected and first.number in second.split_note
    other_payee = raise_request(world, ent_a, 60_000, payee="另一家店")
    assert not other_payee.split_suspected
    # Outside the window it is not a split.
    ExpenseRequest.objects.filter(pk__in=[first.pk, second.pk]).update(
        created_at=dt.datetime(YEAR - 1, 1, 1, tzinfo=dt.UTC)
    )
    assert not raise_request(world, ent_a, 60_000).split_suspected


def test_going_over_a_budget_line_needs_a_reason_and_warns_before(world, ent_a):
    staff = Scope(world.staff("a"))
    services.budget_set(actor=staff, enterprise=ent_a, year=YEAR, category="wishes", amount_fen=100_000)
    first = raise_request(world, ent_a, 85_000, category="wishes")
    assert not first.budget_alert
    second = raise_request(world, ent_a, 6_000, category="wishes", payee="文具店")
    assert second.budget_alert  # 91% of the line
    with pytest.raises(Conflict) as exc:
        raise_request(world, ent_a, 10_000, category="wishes", payee="书店")
    assert exc.value.code == "over_budget"
    over = raise_request(world, ent_a, 10_000, category="wishes", payee="书店", over_budget_reason="临时增加困难儿童心愿")
    assert over.over_budget_reason
    # Without a budget line there is no spending at all.
    services.budget_set(actor=staff, enterprise=ent_a, year=YEAR, category="wishes", amount_fen=200_000)
    with pytest.raises(ValidationFailed):
        raise_request(world, ent_a, 100, year=YEAR + 1)


def test_paying_needs_the_cash(world):
    from enterprise.tests.factories import enterprise_for

    ent = enterprise_for(world, "a", cash_fen=0)
    req = approve(world, raise_request(world, ent, 10_000), "secretary_a")
    with pytest.raises(Conflict):
        services.expense_request_pay(actor=Scope(world.staff("a")), request=req)
    assert ExpenseRequest.objects.get(pk=req.pk).status == RequestStatus.APPROVED


def test_other_communitys_staff_cannot_touch_the_enterprise(world, ent_a):
    with pytest.raises(NotFound):
        services.expense_request_create(
            actor=Scope(world.staff("b")), enterprise=ent_a, category="running", purpose="x", payee="y", amount_fen=1
        )
    with pytest.raises(NotFound):
        services.income_record(
            actor=Scope(world.staff("b")), enterprise=ent_a, source="other", amount_fen=1, received_on=TODAY,
            payer="x", memo="y",
        )
