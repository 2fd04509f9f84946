import pytest

from accounts.services import user_create
from orgs.models import NodeKind
from orgs.roles import Role
from orgs.services import node_create, role_grant
from snapshots import demo
from snapshots.models import Event, Photo, Plan, Report, Status, Zone

pytestmark = pytest.mark.django_db


def test_the_demo_loader_runs_twice_without_adding_rows(world, monkeypatch):
    # A small 礼乐街道 next to the world's 康平社区, and fewer reports, to keep the test quick.
    monkeypatch.setattr(demo, "SOLVED", {"中福社区": 6})
    monkeypatch.setattr(demo, "OPEN", {"中福社区": 4})
    city = node_create(kind=NodeKind.CITY, name="江门市", parent=None)
    district = node_create(kind=NodeKind.DISTRICT, name="江海区", parent=city)
    sub = node_create(kind=NodeKind.SUBDISTRICT, name="礼乐街道", parent=district)
    zf = node_create(kind=NodeKind.COMMUNITY, name="中福社区", parent=sub)
    for g in ("第一网格", "第二网格"):
        grid = node_create(kind=NodeKind.GRID, name=g, parent=zf)
        node_create(kind=NodeKind.BUILDING, name=f"{g}1栋", parent=grid)
    resident = user_create(username="resident", password=None, display_name="刘桂芳")
    role_grant(user=resident, node=world.grid_a1, role=Role.RESIDENT)

    demo.load_demo()
    counts = (Report.objects.count(), Photo.objects.count(), Event.objects.count(), Zone.objects.count(), Plan.objects.count())
    demo.load_demo()
    assert counts == (
        Report.objects.count(), Photo.objects.count(), Event.objects.count(), Zone.objects.count(), Plan.objects.count()
    )
    assert Report.objects.filter(community=zf, status=Status.CLOSED).count() == 6
    assert Report.objects.filter(community=zf, status__in=["new", "accepted"]).count() == 4
    assert Report.objects.filter(community=zf, escalated_at__isnull=False).count() == 3
    # Every solved report was closed with an after-photo, by the grid worker the demo gave the grid.
    for r in Report.objects.filter(status=Status.CLOSED):
        assert r.photos.filter(kind="after").exists() and r.assignee is not None
    mine = Report.objects.filter(reporter=resident, community=world.community_a)
    assert mine.count() == 4 and {r.assignee for r in mine} == {world.user("grid_a1")}
