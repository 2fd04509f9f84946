"""The demo loader: 鲁阳社区's sewing workshop, 溡源社区's handicrafts and weekly job fair; twice
adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jobs import selectors
from jobs.demo import load_demo
from jobs.models import JobApplication, JobFair, JobPost, WageStatement, Worker, WorkRecord, Workshop, WorkshopIncome
from ledger.models import Transaction
from linli.testkit import make_id_number
from orgs.models import NodeKind
from orgs.scope import Scope
from orgs.services import node_create
from residents.services import resident_create, resolve_address

pytestmark = pytest.mark.django_db
MODELS = (Workshop, Worker, WorkRecord, WageStatement, WorkshopIncome, JobPost, JobFair, JobApplication, Transaction)


def _people(community, grid, n: int, birth: str, start: int) -> None:
    for i in range(n):
        seq = start + 2 * i  # even sequence digits: women
        address = resolve_address(scope=None, community=community, grid_name=grid.name, building_name="", unit="", room=str(i))
        resident_create(
            actor=None, community=community, name=f"居民{seq}", id_number=make_id_number(birth=birth, seq=seq % 1000),
            phone="", address=address,
        )


def test_the_demo_has_the_reports_figures_and_runs_twice_without_adding_rows(world):
    luyang = node_create(kind=NodeKind.COMMUNITY, name="鲁阳社区", parent=world.subdistrict)
    grid = node_create(kind=NodeKind.GRID, name="第一网格", parent=luyang)
    _people(luyang, grid, 64, "19800305", 400)
    _people(world.community_b, world.grid_b1, 60, "19850607", 600)
    load_demo()
    counts = [m.objects.count() for m in MODELS]
    sewing = Workshop.objects.get(community=luyang)
    assert sewing.workers.count() >= 60
    year = timezone.localdate().year
    assert selectors.workshop_figures(workshop=sewing, year=year).workers >= 60
    assert WorkshopIncome.objects.filter(workshop=sewing).count() == 12
    for statement in WageStatement.objects.filter(workshop=sewing)[:20]:
        assert statement.total_fen == sum(r.rate_fen * r.quantity for r in statement.records.all())
    assert Workshop.objects.filter(community=world.community_b, name="暖奶奶手工坊").exists()
    figures = selectors.job_figures(scope=Scope(world.user("admin")), community=world.community_b, year=year)
    assert figures.placements >= 50 and figures.fairs_held >= 20
    assert all(f.held_on.weekday() == 2 for f in JobFair.objects.filter(community=world.community_b))
    load_demo()
    assert [m.objects.count() for m in MODELS] == counts
