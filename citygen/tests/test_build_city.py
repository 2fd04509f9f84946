import pytest
from django.db.models import Sum

from citygen.generate import PRESETS, build_city
from orgs.models import NodeKind, OrgNode
from residents.idcard import check_digit
from residents.models import Resident

pytestmark = pytest.mark.django_db


def test_ci_preset_builds_a_consistent_tree_and_valid_residents():
    r = build_city(communities=3, preset="ci", seed=7)
    assert r.communities == 3
    assert OrgNode.objects.filter(kind=NodeKind.COMMUNITY).count() == 3
    assert Resident.objects.count() == 3 * PRESETS["ci"]["residents"]
    for node in OrgNode.objects.select_related("parent"):
        if node.parent is None:
            assert node.path == f"/{node.pk}/"
        else:
            assert node.path == f"{node.parent.path}{node.pk}/"
            assert node.depth == node.parent.depth + 1
        if node.kind in (NodeKind.GRID, NodeKind.BUILDING):
            assert node.community.kind == NodeKind.COMMUNITY
            assert node.path.startswith(node.community.path)
    for res in Resident.objects.all():
        assert len(res.id_number) == 18
        assert res.id_number[17] == check_digit(res.id_number[:17])
        assert res.id_number[6:14] == f"{res.birth_date:%Y%m%d}"


def test_a_month_of_activity_recounted_and_checked(on_postgres):
    import datetime as dt

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    from citygen.activity import build_activity, communities_of
    from insights.models import Rollup
    from insights.services import rollups
    from records.models import ServiceRecord
    from spaces.models import Booking

    build_city(communities=2, preset="ci", seed=3)
    city = OrgNode.objects.get(parent__isnull=True)
    end = timezone.localdate()
    a = build_activity(communities=communities_of(city), days=31, end=end, seed=3)
    assert a.rooms == 6 and a.bookings == Booking.objects.count() and a.records == ServiceRecord.objects.count()
    assert 2 * 31 * 20 <= a.records <= 2 * 31 * 60
    rollups.rebuild(start=end - dt.timedelta(days=31), end=end)
    city_total = Rollup.objects.filter(node=city, grain="d", figure="person_times").aggregate(s=Sum("value"))["s"]
    assert city_total == ServiceRecord.objects.aggregate(s=Sum("person_times"))["s"]
    call_command("city_check")  # nothing oversold, nothing overlaps, books verify, rollups equal records
    first = Booking.objects.order_by("pk").first()
    stretch = Booking.objects.filter(pk=first.pk)
    if on_postgres:
        # PostgreSQL's exclusion constraint refuses the overlap itself (spaces/tests/test_constraints.py).
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            stretch.update(ends_at=first.ends_at + dt.timedelta(hours=6))
        stretch.update(ends_at=first.ends_at + dt.timedelta(hours=1))  # harmless
        Rollup.objects.filter(node=city, grain="y").update(value=1)
    else:
        stretch.update(ends_at=first.ends_at + dt.timedelta(hours=6))  # over the next one
    with pytest.raises(CommandError):
        call_command("city_check")


def test_the_command_adds_the_canteen_and_the_ledger_and_everything_holds():
    """``build_city --days``: dishes with their orders (every collected box with its service
    record, portions never oversold), ledger books that verify, rollups equal to the records."""
    import io

    from django.core.management import call_command

    from catalog.models import Meal, Order, OrderStatus
    from ledger.models import Transaction
    from records.models import ServiceRecord

    out = io.StringIO()
    call_command("build_city", "--communities", "3", "--days", "10", "--name", "试验市", stdout=out)
    assert Meal.objects.count() == 2 * 10  # two communities in three run a canteen
    collected = Order.objects.filter(status=OrderStatus.COLLECTED)
    assert 2 * 10 * 10 * 0.6 < collected.count() <= 2 * 10 * 25
    handed = ServiceRecord.objects.filter(source_type="catalog.order")
    assert sorted(handed.values_list("source_id", flat=True)) == sorted(collected.values_list("pk", flat=True))
    # Three a day in bulk, then the few the fund's and volunteers' services post on top.
    assert 3 * 10 * 3 <= Transaction.objects.count() <= 3 * 10 * 3 + 3 * 3
    check = io.StringIO()
    call_command("city_check", stdout=check)
    assert "everything holds" in check.getvalue()
    # The sequences moved past the ids given in bulk: the next order made the ordinary way fits.
    meal = Meal.objects.order_by("pk").first()
    extra = Order.objects.filter(meal=meal).first()
    extra.pk = None
    extra.pickup_code = "999999"
    extra.save()
    assert extra.pk > Order.objects.exclude(pk=extra.pk).order_by("-pk").first().pk
