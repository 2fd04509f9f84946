"""The demo loader is built through the services and is idempotent."""

import pytest

from accounts.services import user_create
from matching.demo import load_demo
from matching.models import Need, Project, Resource, Wish, WishEvent
from records.models import ServiceRecord
from residents.models import GUARDIAN_AGE, ConsentPurpose
from residents.selectors_privacy import consent_latest

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_without_adding_rows(world):
    for name in ("volunteer", "committee"):
        user_create(username=name, password="linli-demo-2026", display_name=name)
    load_demo()
    counts = [m.objects.count() for m in (Need, Resource, Project, Wish, WishEvent, ServiceRecord)]
    assert Need.objects.filter(community=world.community_a).count() >= 5
    assert Project.objects.filter(status="done").exists() and Project.objects.filter(status="active").exists()
    statuses = set(Wish.objects.values_list("status", flat=True))
    assert {"posted", "claimed", "fulfilled", "thanked", "withdrawn"} <= statuses
    assert ServiceRecord.objects.filter(source_type="matching.wish").count() == Wish.objects.exclude(
        status__in=["posted", "claimed", "withdrawn"]
    ).count()
    # Every demo wish was posted with the resident's consent on record (a parent's for a child).
    for wish in Wish.objects.select_related("resident"):
        record = consent_latest(wish.resident, ConsentPurpose.WISH)
        assert record is not None and record.granted
        assert wish.resident.age >= GUARDIAN_AGE or record.guardian_name
    load_demo()
    assert [m.objects.count() for m in (Need, Resource, Project, Wish, WishEvent, ServiceRecord)] == counts
