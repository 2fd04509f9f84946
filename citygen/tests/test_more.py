import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from citygen.activity import build_activity, communities_of
from citygen.generate import build_city
from citygen.more import build_more
from orgs.models import OrgNode

pytestmark = pytest.mark.django_db

DAYS = 7


@pytest.fixture
def city():
    from insights.services import rollups

    build_city(communities=2, preset="ci", seed=5)
    communities = communities_of(OrgNode.objects.get(parent__isnull=True))
    end = timezone.localdate()
    build_activity(communities=communities, days=DAYS, end=end, seed=5)
    made = build_more(communities=communities, days=DAYS, end=end, seed=5)
    rollups.rebuild(start=end - dt.timedelta(days=DAYS), end=end)
    return communities, end, made


def _window(end):
    first = end - dt.timedelta(days=DAYS)
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(first, dt.time.min, tzinfo=tz), dt.datetime.combine(end, dt.time.min, tzinfo=tz)


def test_every_part_is_made_in_plausible_numbers(city):
    communities, _end, made = city
    assert made["communities"] == 2
    assert 2 * 8 <= made["partners"] <= 2 * 12 and made["agreements"] == made["partners"]
    assert made["commitments"] > 0 and made["agreement_slots"] > 0
    assert made["funds"] == 2 and made["fund_committee_members"] in (6, 8, 10)
    assert 2 * 4 <= made["spending_requests"] <= 2 * 6
    assert made["fund_donations"] >= 2 and made["fund_payments"] >= 2
    assert made["markets"] == 2 and made["stall_applications"] == 2 * 5 and made["market_service_records"] == 2 * 2
    assert 2 * 20 <= made["volunteers"] <= 2 * 30
    assert made["volunteer_signups_confirmed"] >= 2 * 4 and made["volunteer_points_posted"] == 2
    assert 2 * 1 <= made["snapshot_reports"] <= 2 * 5
    assert all(isinstance(v, float) for k, v in made.items() if k.startswith("seconds_"))


def test_the_models_rules_hold(city):
    from fund.models import CommitteeMember, Fund, Payment, RequestStatus, SpendingRequest, Vote
    from markets.models import ApplicationStatus, StallApplication
    from partners.models import Agreement, AgreementStatus, Partner, PartnerStatus
    from snapshots.models import Photo, PhotoKind, Report, Status
    from volunteers.models import Signup, SignupStatus, Task

    communities, end, _made = city
    last_day = end - dt.timedelta(days=1)
    # Partners: active, each with one signed agreement in force on the last day.
    for p in Partner.objects.all():
        assert p.status == PartnerStatus.ACTIVE
        (a,) = p.agreements.all()
        assert a.status == AgreementStatus.SIGNED and a.in_force_on(last_day)
        assert (a.share_basis == "none") == (a.share_bp == 0)
    assert Agreement.objects.filter(ends_on__lt=F("starts_on")).count() == 0
    # The fund: one per community, an odd committee of at least 3 with one chair.
    assert Fund.objects.count() == len(communities)
    for fund in Fund.objects.all():
        serving = CommitteeMember.objects.filter(fund=fund, left_on__isnull=True)
        assert serving.count() >= 3 and serving.count() % 2 == 1
        assert serving.filter(is_chair=True).count() == 1
    for r in SpendingRequest.objects.annotate(yes=Count("votes", filter=Q(votes__choice="yes"))):
        assert r.lines.aggregate(s=Sum("amount_fen"))["s"] == r.amount_fen
        assert 0 <= r.paid_fen <= r.approved_fen
        passed = r.status not in (RequestStatus.DRAFT, RequestStatus.VOTING) and r.steps.filter(action="committee_pass")
        if passed:
            assert r.yes * 2 > r.committee_size
        if r.status == RequestStatus.CLOSED:
            assert r.payments.aggregate(s=Sum("amount_fen"))["s"] == r.paid_fen > 0 and r.closed_at
    assert (
        Vote.objects.values("spending_request", "round", "member").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    )
    assert Payment.objects.count() >= 2
    # Markets: no stall given twice, each allocated application holds a stall of its own market.
    allocated = StallApplication.objects.filter(status=ApplicationStatus.ALLOCATED)
    assert allocated.values("stall").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert allocated.exclude(stall__market=F("market")).count() == 0
    for a in allocated.select_related("market"):
        assert timezone.localtime(a.checked_in_at).date() == a.market.held_on
    # Volunteers: confirmed hours have minutes and a confirmer who is the organiser, not oneself.
    for s in Signup.objects.filter(status=SignupStatus.CONFIRMED).select_related("task", "volunteer"):
        assert s.minutes and s.confirmed_by_id == s.task.organiser_id != s.volunteer.user_id
    for t in Task.objects.annotate(n=Count("signups")):
        assert t.taken == t.n <= t.slots
    # Snapshots: solved reports have an after-photo and were solved after they were reported.
    solved = Report.objects.filter(status=Status.CLOSED)
    assert solved.count() * 2 >= Report.objects.count()
    for r in solved:
        assert r.created_at < r.closed_at and r.photos.filter(kind=PhotoKind.AFTER).exists()
    assert Photo.objects.filter(kind=PhotoKind.BEFORE).count() == Report.objects.count()


def test_everything_the_dashboards_count_falls_in_the_period(city):
    from insights.figures import BASE
    from insights.services import rollups

    _communities, end, _made = city
    lo, hi = _window(end)
    for figure in BASE:
        qs = figure.records().filter(**{f"{figure.day_field}__isnull": False})
        if figure.day_is_datetime:
            assert not qs.exclude(**{f"{figure.day_field}__gte": lo, f"{figure.day_field}__lt": hi}).exists(), (
                figure.key
            )
        else:
            assert not qs.exclude(**{f"{figure.day_field}__gte": lo.date(), f"{figure.day_field}__lt": end}).exists()
    assert rollups.check() == []


def test_city_check_passes_and_the_ledger_has_only_service_postings(city):
    from ledger.models import Transaction
    from volunteers.models import Signup

    call_command("city_check")  # books verify, rollups equal records, nothing overlaps
    kinds = set(Transaction.objects.values_list("kind", flat=True))
    assert kinds <= {"fund.donation", "fund.spending", "volunteer.points_earned"}
    points = Signup.objects.filter(points__gt=0)
    assert points.count() == Transaction.objects.filter(kind="volunteer.points_earned").count() == 2


def test_a_second_run_adds_nothing(city):
    from partners.models import Partner

    communities, end, _made = city
    before = Partner.objects.count()
    again = build_more(communities=communities, days=DAYS, end=end, seed=5)
    assert again["communities"] == 0 and Partner.objects.count() == before


def test_a_fund_set_up_before_is_used_with_its_committee():
    """The load fixture (citygen/load.py) sets funds up too: build_more votes with their committee."""
    from accounts.services import user_create
    from fund.models import CommitteeMember, Fund, Vote
    from fund.services import MemberIn, fund_create
    from insights.services import rollups

    build_city(communities=1, preset="ci", seed=9)
    communities = communities_of(OrgNode.objects.get(parent__isnull=True))
    end = timezone.localdate()
    build_activity(communities=communities, days=DAYS, end=end, seed=9)
    start = end - dt.timedelta(days=400)
    members = [
        MemberIn(user=user_create(username=f"m{i}", password=None), term_start=start, term_end=end, is_chair=i == 0)
        for i in range(3)
    ]
    fund = fund_create(
        actor=None,
        community=communities[0],
        charity_name="淄博市慈善总会",
        charity_registration_no="51370300MJD0317025",
        charity_public_fundraising=True,
        agreement_date=start,
        members=members,
    )
    made = build_more(communities=communities, days=DAYS, end=end, seed=9)
    assert made["communities"] == 1 and made["funds"] == 0 and made["spending_requests"] >= 4
    assert Fund.objects.get() == fund and CommitteeMember.objects.count() == 3
    assert set(Vote.objects.values_list("member__user__username", flat=True)) <= {"m0", "m1", "m2"}
    rollups.rebuild(start=end - dt.timedelta(days=DAYS), end=end)
    call_command("city_check")
