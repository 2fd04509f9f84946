"""The figures of workshops, jobs, volunteers, micro-wishes, snapshot reports, community
enterprises and partners' commitments, on hand-built data: each app's own objects (made through
its services), put into the states the figures count with hand-chosen values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enterprise.models import ExpenseRequest, Income
from enterprise.tests.access_registry import month_start
from enterprise.tests.access_registry import objects as enterprise_objects
from insights.figures import DAY, MONTH, YEAR
from insights.models import Rollup
from insights.services import rollups
from jobs.models import JobApplication
from jobs.tests.access_registry import objects as jobs_objects
from ledger import chart
from ledger.services import book_for_community, transaction_post
from matching.models import Wish
from matching.tests.access_registry import objects as matching_objects
from partners.models import CommitmentEntry
from partners.tests.access_registry import objects as partner_objects
from snapshots.models import Report
from snapshots.tests.access_registry import objects as snapshot_objects
from volunteers.models import Signup
from volunteers.tests.access_registry import signup as volunteer_signup

pytestmark = pytest.mark.django_db

MAR10, MAR11, APR2 = dt.date(2025, 3, 10), dt.date(2025, 3, 11), dt.date(2025, 4, 2)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def value(key, node, grain, start) -> int:
    row = Rollup.objects.filter(figure=key, node=node, grain=grain, period_start=start).first()
    return row.value if row else 0


def test_workshops_and_jobs(world):
    a = world.community_a
    objs = jobs_objects(world, "a")  # 100 beads at ¥0.30 yesterday; one job posted now, one application
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    rollups.rebuild()
    assert value("workshop_wages", a, DAY, yesterday) == 100 * 30
    assert value("jobs_posted", a, DAY, timezone.localtime(objs.job.created_at).date()) == 1
    assert value("placements", a, YEAR, dt.date(2025, 1, 1)) == 0  # applied, not placed
    JobApplication.objects.filter(pk=objs.application.pk).update(status="placed", placed_on=MAR10)
    rollups.rebuild()
    assert value("placements", a, DAY, MAR10) == 1
    assert value("placements", a, MONTH, dt.date(2025, 3, 1)) == 1
    assert value("placements", world.community_b, YEAR, dt.date(2025, 1, 1)) == 0
    assert rollups.check() == []


def test_volunteer_time_and_points(world):
    a = world.community_a
    s = volunteer_signup(world, "a")
    rollups.rebuild()
    assert value("volunteer_minutes", a, YEAR, dt.date(2025, 1, 1)) == 0  # not confirmed yet
    Signup.objects.filter(pk=s.pk).update(
        status="confirmed", minutes=90, points=3, confirmed_at=at(MAR10), confirmed_by=world.staff("a")
    )
    rollups.rebuild()
    assert value("volunteer_minutes", a, DAY, MAR10) == 90
    assert value("volunteer_points", a, MONTH, dt.date(2025, 3, 1)) == 3
    assert rollups.check() == []


def test_wishes_and_snapshot_reports(world):
    a = world.community_a
    wish = matching_objects(world, "a").wish
    report = snapshot_objects(world, "a").report
    Wish.objects.filter(pk=wish.pk).update(
        status="thanked", claimant=world.staff("a"), claimed_at=at(MAR10), fulfilled_at=at(MAR11)
    )
    # Reported at 08:00, solved at 11:00 the same day: 180 minutes.
    Report.objects.filter(pk=report.pk).update(status="closed", created_at=at(MAR10, 8), closed_at=at(MAR10, 11))
    rollups.rebuild()
    assert value("wishes_fulfilled", a, DAY, MAR11) == 1  # thanked counts: it was fulfilled
    assert value("reports_solved", a, DAY, MAR10) == 1
    assert value("report_solve_minutes", a, DAY, MAR10) == 180
    assert rollups.check() == []


def test_enterprise_income_and_spending(world):
    a = world.community_a
    objs = enterprise_objects(world, "a")  # ¥123 of service income on the 15th of last month
    last_month = month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))
    rollups.rebuild()
    assert value("enterprise_income", a, DAY, last_month.replace(day=15)) == 12_300
    # The enterprise's other income: a government purchase of services of ¥50,000 (its setup).
    assert sum(
        Rollup.objects.filter(figure="enterprise_income", node=a, grain=YEAR).values_list("value", flat=True)
    ) == (12_300 + 5_000_000)
    assert Income.objects.filter(community=a).count() == 2
    assert value("enterprise_spending", a, YEAR, dt.date(2025, 1, 1)) == 0  # requested, not paid
    # Paid: a paid request has its ledger entry (any entry of the book does for this figure).
    entry = transaction_post(
        book=book_for_community(community=a),
        kind="test.entry",
        memo="付款",
        occurred_at=at(APR2),
        postings=[(chart.fund_cash(a), 100), (chart.fund_income(a, "other"), -100)],
    )
    ExpenseRequest.objects.filter(pk=objs.request.pk).update(status="paid", paid_at=at(APR2), transaction=entry)
    rollups.rebuild()
    assert value("enterprise_spending", a, DAY, APR2) == 45_600
    assert rollups.check() == []


def test_commitment_progress(world):
    a = world.community_a
    objs = partner_objects(world, "a")
    for day, quantity in ((MAR10, 4), (MAR11, 2), (APR2, 5)):
        CommitmentEntry.objects.create(
            community=a,
            commitment=objs.commitment,
            partner=objs.partner,
            occurred_on=day,
            quantity=quantity,
            recorded_as="staff",
            recorded_by=world.staff("a"),
        )
    rollups.refresh()  # the entries' saves marked their days
    assert value("commitment_progress", a, MONTH, dt.date(2025, 3, 1)) == 6
    assert value("commitment_progress", a, YEAR, dt.date(2025, 1, 1)) == 11
    assert value("commitment_progress", world.city, YEAR, dt.date(2025, 1, 1)) == 11
    assert rollups.check() == []
