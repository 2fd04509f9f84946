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
