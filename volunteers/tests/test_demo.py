"""The demo loader: what the issue's "Done means" asks for, and idempotent."""

from __future__ import annotations

import pytest

from accounts.selectors import user_by_phone
from ledger.models import Book, Transaction
from ledger.verify import book_verify
from linli.testkit import make_id_number
from orgs.models import NodeKind
from orgs.roles import Role
from orgs.services import node_create, role_grant
from records.models import ProviderKind, ServiceRecord
from residents.services import resident_account_create, resident_create, resolve_address
from volunteers import services
from volunteers.demo import load_demo
from volunteers.models import Redemption, Reward, Signup, SignupStatus, Task, Team, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(world):
    lile = node_create(kind=NodeKind.SUBDISTRICT, name="礼乐街道", parent=world.district)
    wenyuan = node_create(kind=NodeKind.COMMUNITY, name="文苑社区", parent=lile)
    zhongfu = node_create(kind=NodeKind.COMMUNITY, name="中福社区", parent=lile)
    for community in (wenyuan, zhongfu):
        node_create(kind=NodeKind.GRID, name="第一网格", parent=community)
    # The demo's ``staff`` and ``volunteer`` logins in 康平社区 (community A of the test world).
    role_grant(user=world.user("staff_a"), node=world.community_a, role=Role.COMMUNITY_STAFF)
    world.user("staff_a").username = "staff"
    world.user("staff_a").save()
    address = resolve_address(scope=None, community=world.community_a, grid_name="第一网格", building_name="1号楼",
                              unit="2", room="402")
    sun = resident_create(actor=None, community=world.community_a, name="孙志强", id_number=make_id_number(seq=56),
                          phone="13953300056", address=address)
    resident_account_create(actor=None, resident=sun, password=None)
    return wenyuan, zhongfu


def counts():
    return [m.objects.count() for m in (Volunteer, Team, Task, Signup, Redemption, Reward, Transaction, ServiceRecord)]


def test_the_demo_has_the_reports_figures_and_loads_once(world, places):
    wenyuan, zhongfu = places
    load_demo()
    assert Volunteer.objects.filter(community__in=places).count() == 163
    crafts = Team.objects.get(community=wenyuan, name="巧匠友邻")
    skills = sorted(crafts.members.values_list("skill", flat=True))
    assert skills.count("electrician") == 3 and skills.count("tailor") == 2 and skills.count("hairdresser") == 5
    confirmed = Signup.objects.filter(community=wenyuan, status=SignupStatus.CONFIRMED)
    assert confirmed.count() >= 24
    # confirmed by the task's organiser, and each one a volunteer service record
    assert all(s.confirmed_by_id == s.task.organiser_id for s in confirmed.select_related("task"))
    assert ServiceRecord.objects.filter(
        source_type="volunteers.signup", provider_kind=ProviderKind.VOLUNTEER, community=wenyuan
    ).count() == confirmed.count()
    assert Redemption.objects.filter(community__in=places).exists()
    sun = Volunteer.objects.get(user=user_by_phone("13953300056"))
    cheapest = Reward.objects.filter(community=sun.community, stock__gt=0).order_by("points").first()
    assert services.points_balance(sun) >= cheapest.points
    for book in Book.objects.all():
        assert book_verify(book=book).ok
    before = counts()
    load_demo()
    assert counts() == before
