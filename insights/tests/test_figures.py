"""Every figure against a small hand-built data set, and the rollups against a recount."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from insights.figures import BASE, BY_KEY, DAY, MONTH, YEAR
from insights.models import Rollup
from insights.selectors import Period, balances, derive, totals
from insights.services import rollups
from ledger import chart
from ledger.chart import FundSource
from ledger.services import book_for_community, transaction_post
from partners.tests.access_registry import objects as partner_objects
from records.models import ProviderKind, Tier
from records.services import service_record_create
from spaces.tests.factories import book, day, make_room

pytestmark = pytest.mark.django_db

MAR10, MAR11, APR2 = dt.date(2025, 3, 10), dt.date(2025, 3, 11), dt.date(2025, 4, 2)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def value(key: str, community, grain: str, start: dt.date) -> int:
    row = Rollup.objects.filter(figure=key, node=community, grain=grain, period_start=start).first()
    return row.value if row else 0


def _record(world, n, *, on, tier, resident=None, person_times=1, partner=None, community=None):
    return service_record_create(
        community=community or world.community_a,
        service="助餐",
        occurred_at=at(on),
        tier=tier,
        provider_kind=ProviderKind.PARTNER if partner else ProviderKind.COMMUNITY,
        partner=partner,
        provider_name=partner.name if partner else "社区",
        resident=resident,
        person_times=person_times,
        source=("insights.test", n),
    )


@pytest.fixture
def services_world(world):
    partner = partner_objects(world, "a").partner
    a1, a2, b1 = world.residents["a1"], world.residents["a2"], world.residents["b1"]
    _record(world, 1, on=MAR10, tier=Tier.FREE, resident=a1, partner=partner)
    _record(world, 2, on=MAR11, tier=Tier.LOW_COST, resident=a1, person_times=2)
    _record(world, 3, on=APR2, tier=Tier.MARKET, resident=a2, person_times=5, partner=partner)
    # 23:30 local on 31 March is March, though it is 15:30 UTC: days are local days.
    service_record_create(
        community=world.community_a,
        service="助浴",
        occurred_at=at(dt.date(2025, 3, 31), 23) + dt.timedelta(minutes=30),
        tier=Tier.FREE,
        provider_kind=ProviderKind.VOLUNTEER,
        person_times=4,
        source=("insights.test", 4),
    )
    _record(world, 5, on=MAR10, tier=Tier.FREE, resident=b1, person_times=7, community=world.community_b)
    rollups.rebuild()
    return world


def test_service_figures_by_day_month_year(services_world):
    w = services_world
    a, b = w.community_a, w.community_b
    assert value("services_free", a, DAY, MAR10) == 1
    assert value("services_low_cost", a, DAY, MAR11) == 1
    assert value("services_free", a, MONTH, dt.date(2025, 3, 1)) == 2  # 10 March and the 31st late at night
    assert value("services_market", a, MONTH, dt.date(2025, 4, 1)) == 1
    assert value("person_times", a, DAY, dt.date(2025, 3, 31)) == 4
    assert value("person_times", a, MONTH, dt.date(2025, 3, 1)) == 1 + 2 + 4
    assert value("person_times", a, YEAR, dt.date(2025, 1, 1)) == 1 + 2 + 4 + 5
    assert value("person_times", b, YEAR, dt.date(2025, 1, 1)) == 7
    # Distinct counts do not add up: a1 twice in March is one resident; the year has a1 and a2.
    assert value("residents_served", a, MONTH, dt.date(2025, 3, 1)) == 1
    assert value("residents_served", a, YEAR, dt.date(2025, 1, 1)) == 2
    assert value("partners_active", a, YEAR, dt.date(2025, 1, 1)) == 1
    assert value("partners_active", a, MONTH, dt.date(2025, 3, 1)) == 1
    assert value("partners_active", a, DAY, MAR11) == 0
    assert rollups.check() == []


def test_derived_figures():
    base = {
        "services_free": 3,
        "services_low_cost": 1,
        "services_market": 0,
        "person_times": 50,
        "fund_in": 10_000,
        "fund_out": 4_000,
        "booked_minutes": 720,
        "reports_solved": 2,
        "report_solve_minutes": 300,
        "volunteer_minutes": 90,
    }
    d = derive(base, population=2_000, rooms=2, days=3, balance=123)
    assert d["services_total"] == 4 and d["free_share"] == 75.0
    assert d["person_times_per_1000"] == 25.0
    assert d["fund_net"] == 6_000 and d["fund_balance"] == 123
    assert d["fund_in_per_resident"] == 5  # fen
    assert d["utilisation"] == round(100 * 720 / (2 * 12 * 60 * 3), 1)
    assert d["average_solve_minutes"] == 150
    assert d["volunteer_hours"] == 1.5
    empty = derive({}, population=0, rooms=0, days=0, balance=0)
    assert empty["free_share"] is None and empty["utilisation"] is None and empty["person_times_per_1000"] is None


def test_ledger_figures_and_the_fund_balance(world):
    a = world.community_a
    partner = partner_objects(world, "a").partner
    bk = book_for_community(community=a)
    cash, donations = chart.fund_cash(a), chart.fund_income(a, FundSource.DONATION)
    transaction_post(
        book=bk,
        kind="fund.donation",
        memo="捐款",
        postings=[(cash, 50_000), (donations, -50_000)],
        occurred_at=at(MAR10),
    )
    spend = chart.fund_spending(a, "activities", "活动")
    transaction_post(
        book=bk, kind="fund.payment", memo="活动", postings=[(spend, 20_000), (cash, -20_000)], occurred_at=at(APR2)
    )
    # A partner takes ¥30 and owes ¥3 to the fund.
    transaction_post(
        book=bk,
        kind="catalog.sale",
        memo="售",
        occurred_at=at(MAR11),
        postings=[
            (chart.partner_cash(partner), 3_000),
            (chart.partner_income(partner), -3_000),
            (chart.partner_share(partner), 300),
            (chart.partner_share_payable(partner), -300),
            (chart.fund_receivable(a), 300),
            (chart.fund_income(a, FundSource.REVENUE_SHARE), -300),
        ],
    )
    rollups.rebuild()
    y = dt.date(2025, 1, 1)
    assert value("fund_in", a, YEAR, y) == 50_300
    assert value("fund_out", a, YEAR, y) == 20_000
    assert value("fund_out", a, MONTH, dt.date(2025, 3, 1)) == 0
    assert value("partner_income", a, DAY, MAR11) == 3_000
    assert value("revenue_shares", a, YEAR, y) == 300
    assert balances([a.pk], Period(2025, 3).end) == {a.pk: 50_300}
    assert balances([a.pk], Period(2025).end) == {a.pk: 30_300}
    assert rollups.check() == []


def test_refresh_folds_in_new_postings_without_a_signal(world):
    a = world.community_a
    rollups.rebuild()
    bk = book_for_community(community=a)
    cash, donations = chart.fund_cash(a), chart.fund_income(a, FundSource.DONATION)
    transaction_post(
        book=bk, kind="fund.donation", memo="捐款", postings=[(cash, 1_000), (donations, -1_000)], occurred_at=at(MAR10)
    )
    assert rollups.pending()
    assert rollups.check() != []  # stale until refreshed
    rollups.refresh()
    assert value("fund_in", a, DAY, MAR10) == 1_000
    assert value("fund_in", a, YEAR, dt.date(2025, 1, 1)) == 1_000
    assert not rollups.pending() and rollups.check() == []


def test_saving_a_record_marks_its_day_and_refresh_recounts(services_world):
    w = services_world
    _record(w, 10, on=MAR10, tier=Tier.FREE, resident=w.residents["a2"], person_times=3)
    assert rollups.pending()
    rollups.refresh()
    assert value("person_times", w.community_a, DAY, MAR10) == 1 + 3
    assert value("person_times", w.community_a, YEAR, dt.date(2025, 1, 1)) == 12 + 3
    assert value("residents_served", w.community_a, MONTH, dt.date(2025, 3, 1)) == 2
    assert rollups.check() == []


def test_bookings_utilisation_and_a_cancel_by_conditional_update(world):
    from spaces.services import booking_cancel

    room = make_room(world.community_a)
    on = day(3)
    first = book(room, on, "09:00", "11:00")
    book(room, on, "14:00", "14:30", title="另一场")
    rollups.refresh()
    assert value("bookings", world.community_a, DAY, on) == 2
    assert value("booked_minutes", world.community_a, DAY, on) == 150
    booking_cancel(actor=None, booking=first, reason="下雨")  # an UPDATE: no post_save signal
    rollups.refresh()
    assert value("booked_minutes", world.community_a, DAY, on) == 30
    assert value("bookings", world.community_a, MONTH, on.replace(day=1)) == 1
    assert rollups.check() == []


def test_sweep_catches_what_no_signal_reported(services_world):
    from records.models import ServiceRecord

    w = services_world
    today = timezone.localdate()
    rec = _record(w, 20, on=today - dt.timedelta(days=1), tier=Tier.FREE, person_times=2)
    rollups.refresh()
    ServiceRecord.objects.filter(pk=rec.pk).update(person_times=9)  # behind the signals' back
    assert rollups.check() != []
    assert rollups.sweep(days=7) == 1
    rollups.refresh()
    assert rollups.check() == []
    assert value("person_times", w.community_a, DAY, today - dt.timedelta(days=1)) == 9


def test_every_base_figure_counts_on_this_database(services_world):
    """Each definition runs as SQL here (SQLite or PostgreSQL) at every grain."""
    for figure in BASE:
        for grain in (DAY, MONTH, YEAR):
            rollups.compute(figure, grain, dt.date(2024, 1, 1), dt.date(2027, 1, 1))
    assert set(BY_KEY) == {f.key for f in BASE}


def test_totals_read_the_rollups(services_world):
    w = services_world
    got = totals([w.community_a.pk, w.community_b.pk], Period(2025))
    assert got[w.community_a.pk]["person_times"] == 12
    assert got[w.community_b.pk]["person_times"] == 7


def test_check_command_lists_and_repairs_differences(services_world):
    from django.core.management import CommandError, call_command

    call_command("insights_check")  # passes: rebuilt by the fixture
    Rollup.objects.filter(figure="person_times", grain=MONTH).update(value=999)
    with pytest.raises(CommandError):
        call_command("insights_check")
    call_command("insights_check", "--repair")
    assert rollups.check() == []


def test_subdistrict_district_and_city_hold_their_communities_sums(services_world):
    w = services_world
    y = dt.date(2025, 1, 1)
    for node in (w.subdistrict, w.district, w.city):
        assert value("person_times", node, YEAR, y) == 12 + 7
        assert value("services_free", node, DAY, MAR10) == 2
        # Distinct counts above a community: the communities' counts added (a1, a2 in A; b1 in B).
        assert value("residents_served", node, YEAR, y) == 3
    Rollup.objects.filter(node=w.city, grain=YEAR, figure="person_times").update(value=1)
    assert [d[1] for d in rollups.check()] == [("person_times", w.city.pk, y)]
