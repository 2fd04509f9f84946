"""The markets' rules, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ledger.chart import FundSource, fund_cash, fund_goods, fund_income, fund_receivable
from linli.errors import Conflict, NotFound, ValidationFailed
from markets import selectors, services
from markets.models import ApplicationStatus, MerchantStatus, ServiceKind, StallKind
from orgs.models import RoleGrant
from orgs.roles import Role
from orgs.scope import Scope
from records.models import ProviderKind, ServiceRecord, Tier

pytestmark = pytest.mark.django_db


def balance(account) -> int:
    account.refresh_from_db()
    return account.balance


def selling(mw, merchant=None):
    return services.stall_apply(
        actor=mw.staff(), market=mw.market, merchant=merchant or mw.fruit, kind=StallKind.SELLING, offer="时令水果"
    )


def service(mw):
    return services.stall_apply(
        actor=Scope(mw.world.user("clinic_a")),
        market=mw.market,
        merchant=mw.clinic,
        kind=StallKind.SERVICE,
        service_kind=ServiceKind.CLINIC,
        offer="义诊、量血压",
    )


def stall(mw, number):
    return selectors.stall_get(market=mw.market, stall_number=number)


def test_a_stall_cannot_be_given_twice(mw):
    first, second = selling(mw), selling(mw, mw.breakfast)
    services.stall_allocate(actor=mw.staff(), application=first, stall=stall(mw, 1))
    with pytest.raises(Conflict) as exc:
        services.stall_allocate(actor=mw.staff(), application=second, stall=stall(mw, 1))
    assert exc.value.code == "stall_taken"
    second.refresh_from_db()
    assert second.status == ApplicationStatus.APPLIED and second.stall is None
    services.stall_allocate(actor=mw.staff(), application=second, stall=stall(mw, 2))
    assert [f.number for f in selectors.free_stalls(market=mw.market)] == [3, 4, 5]


def test_an_application_is_decided_once_and_kinds_must_match(mw):
    app = selling(mw)
    with pytest.raises(ValidationFailed):
        services.stall_allocate(actor=mw.staff(), application=app, stall=stall(mw, 4))  # a service stall
    services.stall_allocate(actor=mw.staff(), application=app, stall=stall(mw, 1))
    with pytest.raises(Conflict):
        services.stall_allocate(actor=mw.staff(), application=app, stall=stall(mw, 2))
    with pytest.raises(Conflict):
        selling(mw)  # one open application per merchant and market


def test_a_withdrawn_stall_can_be_given_again(mw):
    app = selling(mw)
    services.stall_allocate(actor=mw.staff(), application=app, stall=stall(mw, 1))
    services.application_withdraw(actor=Scope(mw.world.user("merchant_a")), application=app)
    other = selling(mw, mw.breakfast)
    services.stall_allocate(actor=mw.staff(), application=other, stall=stall(mw, 1))


def test_check_in_only_on_the_market_day(mw):
    app = selling(mw)
    services.stall_allocate(actor=mw.staff(), application=app, stall=stall(mw, 1))
    holder = Scope(mw.world.user("merchant_a"))
    yesterday = timezone.now() - dt.timedelta(days=1)
    for when in (yesterday, timezone.now() + dt.timedelta(days=1)):
        with pytest.raises(Conflict) as exc:
            services.stall_checkin(actor=holder, application=app, code=app.checkin_code, now=when)
        assert exc.value.code == "not_market_day"
    with pytest.raises(ValidationFailed):
        services.stall_checkin(actor=holder, application=app, code="wrong")
    app = services.stall_checkin(actor=holder, application=app, code=app.checkin_code)
    first = app.checked_in_at
    assert first is not None
    assert services.stall_checkin(actor=mw.staff(), application=app, code=app.checkin_code).checked_in_at == first


def test_check_in_needs_an_allocated_stall(mw):
    app = selling(mw)
    with pytest.raises(Conflict):
        services.stall_checkin(actor=mw.staff(), application=app, code=app.checkin_code)


def test_takings_post_the_agreed_share_to_the_fund(mw):
    community = mw.world.community_a
    app = selling(mw)
    services.stall_allocate(actor=mw.staff(), application=app, stall=stall(mw, 1))
    app = services.takings_report(actor=Scope(mw.world.user("merchant_a")), application=app, takings_fen=80_010)
    # ¥10 fee + 5% of ¥800.10 = ¥40.005 → ¥40.01 (half up)
    assert app.due_fen == 1000 + 4001 and not app.paid
    assert balance(fund_receivable(community)) == 5001
    assert balance(fund_income(community, FundSource.MARKET)) == -5001
    with pytest.raises(Conflict):
        services.takings_report(actor=mw.staff(), application=app, takings_fen=1)
    services.contribution_settle(actor=mw.staff(), application=app)
    assert balance(fund_receivable(community)) == 0 and balance(fund_cash(community)) == 5001
    with pytest.raises(Conflict):
        services.contribution_settle(actor=mw.staff(), application=app)


def test_takings_paid_on_the_spot_go_to_the_fund_cash(mw):
    app = selling(mw)
    services.stall_allocate(actor=mw.staff(), application=app, stall=stall(mw, 1))
    services.takings_report(actor=mw.staff(), application=app, takings_fen=0, paid=True)
    assert balance(fund_cash(mw.world.community_a)) == 1000


def test_service_stalls_count_person_times_as_service_records(mw):
    app = service(mw)
    services.stall_allocate(actor=mw.staff(), application=app, stall=stall(mw, 4))
    holder = Scope(mw.world.user("clinic_a"))
    count = services.visits_record(actor=holder, application=app, person_times=37, idempotency_key="k1")
    assert services.visits_record(actor=holder, application=app, person_times=37, idempotency_key="k1") == count
    record = ServiceRecord.objects.get(source_type="markets.visitcount", source_id=count.pk)
    assert (record.person_times, record.tier, record.provider_kind) == (37, Tier.FREE, ProviderKind.MERCHANT)
    assert record.provider_name == "康平社区卫生服务站" and record.community == mw.world.community_a
    with pytest.raises(ValidationFailed):
        services.takings_report(actor=holder, application=app, takings_fen=100)


def test_donations_in_kind_go_to_the_fund_goods(mw):
    community = mw.world.community_a
    services.donation_record(
        actor=mw.staff(), market=mw.market, donor_name="", merchant=mw.fruit, item="苹果", quantity=20, value_fen=20000
    )
    assert balance(fund_goods(community)) == 20000
    assert balance(fund_income(community, FundSource.IN_KIND)) == -20000


def test_market_and_year_summaries(mw):
    a, b = selling(mw), service(mw)
    services.stall_allocate(actor=mw.staff(), application=a, stall=stall(mw, 1))
    services.stall_allocate(actor=mw.staff(), application=b, stall=stall(mw, 4))
    services.takings_report(actor=mw.staff(), application=a, takings_fen=100_000)
    services.visits_record(actor=mw.staff(), application=b, person_times=40)
    services.donation_record(actor=mw.staff(), market=mw.market, donor_name="居民", item="衣物", quantity=12, value_fen=0)
    s = selectors.market_summary(market=mw.market)
    assert (s.businesses, s.service_stalls, s.person_times, s.to_fund_fen, s.items_donated) == (2, 1, 40, 6000, 12)
    year = selectors.year_summary(scope=mw.staff(), community=mw.world.community_a, year=mw.market.held_on.year)
    assert year.markets == 1 and year.to_fund_fen == 6000
    # Community B's staff see nothing of it.
    assert selectors.year_summary(scope=mw.staff("b"), community=mw.world.community_a, year=mw.market.held_on.year).markets == 0


def test_lists_are_scoped_to_the_users_communities(mw):
    staff_b = mw.staff("b")
    assert list(selectors.market_list_for_user(scope=staff_b, community=mw.world.community_a)) == []
    assert list(selectors.merchant_list_for_user(scope=staff_b, community=mw.world.community_a)) == []
    with pytest.raises(NotFound):
        selectors.market_get_for_user(scope=staff_b, market_id=mw.market.pk)
    with pytest.raises(NotFound):
        services.stall_apply(actor=staff_b, market=mw.market, merchant=mw.fruit, kind="selling", offer="x")
    with pytest.raises(NotFound):
        services.stall_apply(actor=mw.staff(), market=mw.market, merchant=mw.merchant_b, kind="selling", offer="x")
    officer = Scope(mw.world.user("officer"))
    assert {m.pk for m in selectors.market_list_for_user(scope=officer, community=mw.world.community_b)} == {mw.market_b.pk}


def test_a_merchant_sees_only_its_own_applications(mw):
    mine, theirs = selling(mw), selling(mw, mw.breakfast)
    me = Scope(mw.world.user("merchant_a"))
    assert [a.pk for a in selectors.portal_applications(scope=me)] == [mine.pk]
    assert selectors.application_get_for_user(scope=me, application_id=mine.pk) == mine
    with pytest.raises(NotFound):
        selectors.application_get_for_user(scope=me, application_id=theirs.pk)
    with pytest.raises(NotFound):
        services.application_withdraw(actor=me, application=theirs)
    with pytest.raises(NotFound):
        services.stall_allocate(actor=me, application=mine, stall=stall(mw, 1))
    assert [m.pk for m in selectors.portal_markets(scope=me)] == [mw.market.pk]


def test_merchant_registration_is_approved_by_staff_and_grants_the_role(mw):
    user = mw.world.user("resident_a")
    merchant = services.merchant_apply(
        user=user, community=mw.world.community_a, name="刘姐裁缝", kind="shop", contact_phone="13800000101"
    )
    assert merchant.status == MerchantStatus.PENDING
    assert selectors.merchant_ids_for_user(Scope(user)) == frozenset()
    with pytest.raises(NotFound):
        services.merchant_review(actor=mw.staff("b"), merchant=merchant, approve=True)
    services.merchant_review(actor=mw.staff(), merchant=merchant, approve=True)
    assert RoleGrant.objects.filter(user=user, role=Role.MERCHANT, node=mw.world.community_a).exists()
    assert selectors.merchant_ids_for_user(Scope(user)) == frozenset({merchant.pk})
    with pytest.raises(Conflict):
        services.merchant_review(actor=mw.staff(), merchant=merchant, approve=False)


def test_markets_are_scheduled_in_the_future_with_a_place(mw):
    with pytest.raises(ValidationFailed):
        services.market_create(
            actor=mw.staff(), community=mw.world.community_a, title="集市", held_on=timezone.localdate(),
            starts_at=dt.time(9), ends_at=dt.time(8), place="广场",
        )
    with pytest.raises(ValidationFailed):
        services.market_create(
            actor=mw.staff(), community=mw.world.community_a, title="集市", held_on=timezone.localdate(),
            starts_at=dt.time(8), ends_at=dt.time(9),
        )
    with pytest.raises(NotFound):
        services.market_create(
            actor=mw.staff("b"), community=mw.world.community_a, title="集市", held_on=timezone.localdate(),
            starts_at=dt.time(8), ends_at=dt.time(9), place="广场",
        )
