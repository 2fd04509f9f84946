"""The jobs' rules, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jobs import selectors, services
from jobs.models import JobApplicationStatus, JobStatus, WorkRecord
from ledger.chart import FundSource, fund_cash, fund_income
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.scope import Scope
from records.models import ServiceRecord

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_back(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def test_wages_equal_rates_times_records(jw):
    lead = Scope(jw.world.user("resident_a"))  # the workshop lead, on her phone
    entries = [(jw.w1, jw.piece, 3, 180), (jw.w1, jw.day, 3, 1), (jw.w1, jw.piece, 2, 240), (jw.w2, jw.day, 2, 1)]
    for worker, rate, back, qty in entries:
        services.work_record_enter(actor=lead, worker=worker, rate=rate, worked_on=days_back(back), quantity=qty)
    # A correction of the same day replaces the number.
    services.work_record_enter(actor=lead, worker=jw.w1, rate=jw.piece, worked_on=days_back(2), quantity=200)
    statements = services.statements_issue_for_period(
        actor=jw.staff(), workshop=jw.workshop, period_start=days_back(7), period_end=TODAY
    )
    by_worker = {s.worker_id: s for s in statements}
    assert by_worker[jw.w1.pk].total_fen == 180 * 50 + 12000 + 200 * 50 == 31000
    assert by_worker[jw.w1.pk].days_worked == 2
    assert by_worker[jw.w2.pk].total_fen == 12000
    for s in statements:
        assert s.total_fen == sum(r.rate.rate_fen * r.quantity for r in s.records.select_related("rate"))
    # A paid day can no longer change, and is never paid twice.
    with pytest.raises(Conflict):
        services.work_record_enter(actor=lead, worker=jw.w1, rate=jw.piece, worked_on=days_back(2), quantity=1)
    with pytest.raises(ValidationFailed):
        services.statement_issue(actor=jw.staff(), worker=jw.w1, period_start=days_back(30), period_end=TODAY)


def test_a_rate_change_does_not_change_past_wages(jw):
    record = services.work_record_enter(actor=jw.staff(), worker=jw.w1, rate=jw.piece, worked_on=days_back(1), quantity=10)
    jw.piece.rate_fen = 80
    jw.piece.save()
    assert WorkRecord.objects.get(pk=record.pk).amount_fen == 500


def test_work_records_are_checked(jw):
    lead = Scope(jw.world.user("resident_a"))
    with pytest.raises(ValidationFailed):
        services.work_record_enter(actor=lead, worker=jw.w1, rate=jw.day, worked_on=TODAY, quantity=2)
    with pytest.raises(ValidationFailed):
        services.work_record_enter(actor=lead, worker=jw.w1, rate=jw.piece, worked_on=TODAY + dt.timedelta(days=1), quantity=2)
    with pytest.raises(NotFound):  # someone who neither leads nor manages it
        services.work_record_enter(actor=Scope(jw.world.user("resident_b")), worker=jw.w1, rate=jw.piece, worked_on=TODAY, quantity=2)
    with pytest.raises(ValidationFailed):  # a resident of another community
        services.worker_add(actor=jw.staff(), workshop=jw.workshop, resident=jw.world.residents["b1"])


def test_wages_are_not_services_unless_the_work_serves_residents(jw):
    services.work_record_enter(actor=jw.staff(), worker=jw.w1, rate=jw.day, worked_on=TODAY, quantity=1)
    assert not ServiceRecord.objects.filter(source_type="jobs.workrecord").exists()
    jw.workshop.serves_residents = True
    jw.workshop.save()
    services.work_record_enter(actor=jw.staff(), worker=jw.w2, rate=jw.day, worked_on=TODAY, quantity=1)
    assert ServiceRecord.objects.filter(source_type="jobs.workrecord").count() == 1


def test_the_workshops_share_and_sales_go_to_the_fund(jw):
    community = jw.world.community_a
    services.income_record(actor=jw.staff(), workshop=jw.workshop, kind="share", amount_fen=420000, item="10月管理费")
    services.income_record(
        actor=jw.staff(), workshop=jw.workshop, kind="sale", channel="online", item="手工布鞋", quantity=12,
        amount_fen=96000, idempotency_key="s1",
    )
    services.income_record(
        actor=jw.staff(), workshop=jw.workshop, kind="sale", channel="online", item="手工布鞋", quantity=12,
        amount_fen=96000, idempotency_key="s1",
    )
    cash, income = fund_cash(community), fund_income(community, FundSource.WORKSHOP)
    cash.refresh_from_db()
    income.refresh_from_db()
    assert (cash.balance, income.balance) == (516000, -516000)
    figures = selectors.workshop_figures(workshop=jw.workshop, year=TODAY.year)
    assert figures.to_fund_fen == 516000 and figures.sales_fen == 96000
    with pytest.raises(NotFound):
        services.income_record(actor=jw.staff("b"), workshop=jw.workshop, kind="share", amount_fen=1, item="x")


def test_a_resident_applies_and_the_employer_places_within_the_openings(jw):
    staff, employer = jw.staff(), Scope(jw.world.user("employer_a"))
    people = []
    for key, user in (("a1", "resident_a"), ("a2", None)):
        resident = jw.world.residents[key]
        actor = Scope(jw.world.user(user)) if user else staff
        people.append(
            services.seeker_profile_save(actor=actor, resident=resident, skills="缝纫、包装", availability="工作日白天", wanted_pay_fen=12000)
        )
    with pytest.raises(NotFound):  # not their profile to keep
        services.seeker_profile_save(actor=Scope(jw.world.user("resident_a")), resident=jw.world.residents["a2"], skills="x", availability="y")
    apps = [services.job_apply(actor=staff, job=jw.job, seeker=p, fair=jw.fair) for p in people]
    assert services.job_apply(actor=Scope(jw.world.user("resident_a")), job=jw.job, seeker=people[0]) == apps[0]
    services.job_application_decide(actor=employer, application=apps[0], status=JobApplicationStatus.SHORTLISTED)
    services.job_application_decide(actor=employer, application=apps[0], status=JobApplicationStatus.PLACED)
    services.job_application_decide(actor=employer, application=apps[1], status=JobApplicationStatus.PLACED)
    jw.job.refresh_from_db()
    assert (jw.job.placed_count, jw.job.status) == (2, JobStatus.CLOSED)
    figures = selectors.job_figures(scope=staff, community=jw.world.community_a, year=TODAY.year)
    assert (figures.placements, figures.people_placed) == (2, 2)
    with pytest.raises(Conflict):
        services.job_application_decide(actor=employer, application=apps[1], status=JobApplicationStatus.DECLINED)


def test_placements_never_exceed_the_openings(jw):
    job = services.job_post(
        actor=jw.staff(), merchant=jw.employer, title="临时搬运", pay_min_fen=15000, pay_max_fen=15000,
        hours="周三上午", place="仓库", openings=1,
    )
    seekers = [
        services.seeker_profile_save(actor=jw.staff(), resident=jw.world.residents[k], skills="力气", availability="随时")
        for k in ("a1", "a2")
    ]
    apps = [services.job_apply(actor=jw.staff(), job=job, seeker=s) for s in seekers]
    services.job_application_decide(actor=jw.staff(), application=apps[0], status=JobApplicationStatus.PLACED)
    with pytest.raises(Conflict):
        services.job_application_decide(actor=jw.staff(), application=apps[1], status=JobApplicationStatus.PLACED)


def test_an_employer_reaches_only_its_own_jobs(jw):
    other = services.job_post(
        actor=jw.staff(), merchant=jw.employer, title="保洁", pay_min_fen=10000, pay_max_fen=10000, hours="上午", place="小区",
    )
    from markets.tests.conftest import make_merchant

    second = make_merchant(jw.world, "a", "康平家政", "employer_y", "employer")
    them = Scope(jw.world.user("employer_y"))
    assert list(selectors.portal_jobs(scope=them)) == []
    with pytest.raises(NotFound):
        selectors.job_get_for_user(scope=them, job_post_id=other.pk)
    with pytest.raises(NotFound):
        services.job_close(actor=them, job=other)
    assert second.pk


def test_lists_are_scoped_to_the_users_communities(jw):
    staff_b = jw.staff("b")
    a = jw.world.community_a
    assert list(selectors.job_list_for_user(scope=staff_b, community=a)) == []
    assert list(selectors.workshop_list_for_user(scope=staff_b, community=a)) == []
    assert list(selectors.fair_list_for_user(scope=staff_b, community=a)) == []
    with pytest.raises(NotFound):
        selectors.workshop_get_for_user(scope=staff_b, workshop_id=jw.workshop.pk)
    with pytest.raises(NotFound):
        selectors.job_get_for_user(scope=jw.staff(), job_post_id=jw.job_b.pk)
    # The lead reaches her workshop, not another.
    lead = Scope(jw.world.user("resident_a"))
    assert selectors.workshop_get_for_user(scope=lead, workshop_id=jw.workshop.pk) == jw.workshop
    with pytest.raises(NotFound):
        selectors.workshop_get_for_user(scope=lead, workshop_id=jw.workshop_b.pk)


def test_weekly_fairs_on_wednesdays_are_scheduled_once(jw):
    fairs = services.fairs_schedule_weekly(actor=jw.staff(), community=jw.world.community_a, weekday=2, weeks=4, place="党群服务中心")
    assert len(fairs) == 4 and all(f.held_on.weekday() == 2 for f in fairs)
    again = services.fairs_schedule_weekly(actor=jw.staff(), community=jw.world.community_a, weekday=2, weeks=4, place="党群服务中心")
    assert [f.pk for f in again] == [f.pk for f in fairs]
