import datetime as dt

import pytest
from django.utils import timezone

from ledger import chart
from linli.errors import ValidationFailed
from orgs.scope import Scope
from partners.models import CommitmentEntry
from partners.tests.access_registry import objects as partner_objects
from records.models import ProviderKind, ServiceRecord, Tier
from records.selectors import records_for_user, served_counts
from records.services import service_record_create

pytestmark = pytest.mark.django_db


def _record(world, **kw):
    args = dict(
        community=world.community_a,
        service="助餐",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        tier=Tier.LOW_COST,
        provider_kind=ProviderKind.COMMUNITY,
        source=("test.thing", 1),
    )
    args.update(kw)
    return service_record_create(**args)


def test_same_source_records_once(world):
    first = _record(world, resident=world.residents["a1"])
    again = _record(world, resident=world.residents["a1"], service="another")
    assert again.pk == first.pk and ServiceRecord.objects.count() == 1


def test_refuses_mixed_communities_and_future_and_zero(world):
    with pytest.raises(ValidationFailed):
        _record(world, resident=world.residents["b1"])
    with pytest.raises(ValidationFailed):
        _record(world, occurred_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(ValidationFailed):
        _record(world, person_times=0)
    assert ServiceRecord.objects.count() == 0


def test_feeds_partner_commitment_once(world):
    objs = partner_objects(world, "a")
    # 11:00 on the agreement's first day, or just now if that is still to come (a run after midnight).
    occurred = min(
        timezone.make_aware(dt.datetime.combine(objs.agreement.starts_on, dt.time(11))),
        timezone.now() - dt.timedelta(seconds=1),
    )
    assert timezone.localtime(occurred).date() >= objs.agreement.starts_on
    rec = _record(
        world, partner=objs.partner, commitment=objs.commitment, person_times=3, occurred_at=occurred, source=("t", 9)
    )
    _record(
        world, partner=objs.partner, commitment=objs.commitment, person_times=3, occurred_at=occurred, source=("t", 9)
    )
    entry = CommitmentEntry.objects.get()
    assert entry.quantity == 3 and entry.source_id == rec.pk and rec.provider_name == objs.partner.name


def test_counts_and_scope(world):
    _record(world, resident=world.residents["a1"], source=("t", 1), tier=Tier.FREE)
    _record(world, resident=world.residents["a1"], source=("t", 2))
    _record(world, resident=world.residents["a2"], source=("t", 3), person_times=5, tier=Tier.FREE)
    _record(world, community=world.community_b, resident=world.residents["b1"], source=("t", 4))
    mine = records_for_user(scope=Scope(world.staff("a")))
    assert served_counts(mine) == {"person_times": 7, "residents": 2, "free": 6, "low_cost": 1, "market": 0}
    assert records_for_user(scope=Scope(world.user("nobody"))).count() == 0


def test_chart_accounts_are_shared(world):
    a = chart.fund_cash(world.community_a)
    assert chart.fund_cash(world.community_a).pk == a.pk
    assert a.code == f"fund:{world.community_a.pk}:cash" and a.non_negative
    assert chart.fund_income(world.community_a, chart.FundSource.MARKET).code.endswith(":income:market")
    with pytest.raises(ValueError):
        chart.fund_income(world.community_a, "lottery")


def test_pages_and_api(world, login):
    _record(world, resident=world.residents["a1"], source=("t", 1), tier=Tier.FREE)
    _record(world, community=world.community_b, resident=world.residents["b1"], source=("t", 2))
    staff = login(world.staff("a"))
    page = staff.get("/console/records/")
    assert page.status_code == 200 and "助餐" in page.content.decode()
    counts = staff.get(f"/api/v1/records/communities/{world.community_a.pk}/counts").json()
    assert counts["person_times"] == 1 and counts["free"] == 1
    assert staff.get(f"/api/v1/records/communities/{world.community_b.pk}/records").status_code == 404
    mine = login(world.user("resident_a")).get("/api/v1/records/mine").json()
    assert [r["service"] for r in mine] == ["助餐"]
    assert "助餐" in login(world.user("resident_a")).get("/me/records/").content.decode()
