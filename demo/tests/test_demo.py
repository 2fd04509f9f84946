"""The demo command: the real places, valid residents, and logins that land where they should.

The command runs with ``--small`` (every place, grid, building and login; 15 residents per
community) to keep the suite fast; the generator itself is checked at full size without a
database, which is where the age mix and the number checks matter.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from accounts.models import User
from accounts.phone import is_valid_phone
from demo.build import generate_people
from demo.logins import FEATURED, LOGINS, PASSWORD
from demo.people import REAL_NAMES
from demo.places import all_communities
from ledger.models import Book, Transaction
from ledger.verify import book_verify
from orgs.models import NodeKind, OrgNode, RoleGrant
from orgs.roles import Role
from partners.models import Partner
from residents.idcard import parse_id_number
from residents.models import Household, Resident
from spaces.models import Room

# city, district, subdistrict, community: as the reports place them.
EXPECTED_PLACES = {
    ("淄博市", "临淄区", "辛店街道", "康平社区"),
    ("淄博市", "临淄区", "辛店街道", "溡源社区"),
    ("淄博市", "临淄区", "闻韶街道", "闻韶社区"),
    ("淄博市", "临淄区", "闻韶街道", "辛东社区"),
    ("淄博市", "张店区", "车站街道", "城南社区"),
    ("淄博市", "张店区", "车站街道", "工盛社区"),
    ("淄博市", "周村区", "丝绸路街道", "大世界社区"),
    ("淄博市", "沂源县", "南麻街道", "鲁阳社区"),
    ("江门市", "江海区", "礼乐街道", "中福社区"),
    ("江门市", "江海区", "礼乐街道", "文苑社区"),
    ("江门市", "鹤山市", "沙坪街道", "凤凰社区"),
    ("江门市", "鹤山市", "沙坪街道", "谷埠社区"),
    ("江门市", "鹤山市", "沙坪街道", "雁山社区"),
    ("江门市", "鹤山市", "沙坪街道", "桂林社区"),
    ("江门市", "鹤山市", "沙坪街道", "南山社区"),
    ("江门市", "鹤山市", "沙坪街道", "和平社区"),
}

# Region codes of the districts (locally born residents carry them).
DISTRICT_CODES = {
    "临淄区": "370305",
    "张店区": "370303",
    "周村区": "370306",
    "沂源县": "370323",
    "江海区": "440704",
    "鹤山市": "440784",
}


def run_demo(*args: str) -> str:
    out = io.StringIO()
    # As `make demo` runs it: DJANGO_DEBUG=1 (the test settings turn DEBUG off).
    with override_settings(DEBUG=True):
        call_command("demo", "--small", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """The command, run once for the module inside a transaction rolled back at the end.

    Each test's own transaction (the ``db`` fixture) nests inside it as a savepoint, so tests
    share the demo world without seeing each other's writes and leave nothing behind.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db) -> str:
    return demo_output


def chain(node: OrgNode) -> tuple[str, ...]:
    by_id = OrgNode.objects.in_bulk(node.ancestor_ids())
    return tuple(by_id[i].name for i in node.ancestor_ids())


def counts() -> dict[str, int]:
    return {
        "nodes": OrgNode.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "tags": Resident.tags.through.objects.count(),
        "users": User.objects.count(),
        "grants": RoleGrant.objects.count(),
        "rooms": Room.objects.count(),
        "partners": Partner.objects.count(),
        "ledger entries": Transaction.objects.count(),
    }


def check_person(name: str, id_number: str, birth: dt.date, gender: str) -> None:
    info = parse_id_number(id_number)  # raises if the number or its check digit is wrong
    assert info.birth_date == birth, name
    assert info.gender == gender, name


# --- The generator, full size, no database -------------------------------------------------


@pytest.fixture(scope="module")
def full_people():
    today = dt.date(2025, 6, 1)
    plans = generate_people(small=False, today=today, featured=FEATURED)
    return today, plans


def _age(today: dt.date, born: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_generator_makes_a_few_thousand_valid_residents(full_people):
    today, plans = full_people
    people = [(community, p) for community, households in plans.items() for h in households for p in h.members]
    assert 5000 <= len(people) <= 9000
    ids = [p.id_number for _c, p in people]
    assert len(set(ids)) == len(ids)
    phones = [p.phone for _c, p in people if p.phone]
    assert len(set(phones)) == len(phones)
    assert all(is_valid_phone(phone) for phone in phones)
    for _community, person in people:
        check_person(person.name, person.id_number, person.birth_date, person.gender)
        assert person.name not in REAL_NAMES
    # More residents where the demo looks first.
    sizes = {c: sum(len(h.members) for h in hs) for c, hs in plans.items()}
    assert sizes["康平社区"] >= 900 and sizes["城南社区"] >= 1000
    assert min(sizes.values()) >= 300


def test_generator_age_mix_looks_like_an_ageing_city(full_people):
    today, plans = full_people
    ages = [_age(today, p.birth_date) for hs in plans.values() for h in hs for p in h.members]
    share = Counter("child" if a < 18 else "working" if a < 60 else "60-79" if a < 80 else "80+" for a in ages)
    n = len(ages)
    assert 0.10 < share["child"] / n < 0.25
    assert 0.35 < share["working"] / n < 0.60
    assert 0.18 < share["60-79"] / n < 0.35
    assert 0.04 < share["80+"] / n < 0.12


def test_generator_households_and_tags(full_people):
    _today, plans = full_people
    households = [h for hs in plans.values() for h in hs]
    assert sum(1 for h in households if len(h.members) >= 3) > len(households) // 5
    tags = Counter(tag for h in households for p in h.members for tag in p.tags)
    for code in ("child_hardship", "dibao", "disabled", "elderly_alone"):
        assert tags[code] > 20, code
    # An address holds one household.
    per_community = {c: Counter((h.building_index, h.unit, h.room) for h in hs) for c, hs in plans.items()}
    assert all(max(c.values()) == 1 for c in per_community.values())


def test_generator_is_the_same_every_time():
    today = dt.date(2025, 6, 1)
    first = generate_people(small=False, today=today, featured=FEATURED)
    second = generate_people(small=False, today=today, featured=FEATURED)
    assert first == second


# --- The command ------------------------------------------------------------------------------


def test_command_builds_the_places_of_the_reports(demo):
    output = demo
    communities = OrgNode.objects.filter(kind=NodeKind.COMMUNITY)
    assert {chain(c) for c in communities} == EXPECTED_PLACES
    for city, code in (("淄博市", "370300"), ("江门市", "440700")):
        assert OrgNode.objects.get(kind=NodeKind.CITY, name=city).code == code
    for district, code in DISTRICT_CODES.items():
        assert OrgNode.objects.get(kind=NodeKind.DISTRICT, name=district).code == code
    chengnan = OrgNode.objects.get(kind=NodeKind.COMMUNITY, name="城南社区")
    assert chengnan.population >= 10000
    assert OrgNode.objects.filter(community=chengnan, kind=NodeKind.BUILDING).count() == 80
    for community in communities:
        grids = OrgNode.objects.filter(community=community, kind=NodeKind.GRID)
        assert 4 <= grids.count() <= 8
        assert grids.filter(name="第一网格").exists()
        assert community.population
        # Every grid has buildings.
        assert not grids.exclude(children__kind=NodeKind.BUILDING).exists()
        assert Resident.objects.filter(community=community).exists()
    assert "secretary" in output and PASSWORD in output and "/console/" in output and "/me/" in output


def test_every_resident_has_a_valid_consistent_id_number(demo):
    codes = set(DISTRICT_CODES.values())
    local = 0
    rows = Resident.objects.select_related("building", "grid").all()
    for r in rows:
        check_person(r.name, r.id_number, r.birth_date, r.gender)
        local += r.id_number[:6] in codes
        assert r.building.parent_id == r.grid_id and r.grid.community_id == r.community_id
        assert r.household.building_id == r.building_id and r.household.room == r.room
        assert r.name_pinyin and r.name_initials
        if r.phone:
            assert is_valid_phone(r.phone)
    assert local > len(rows) * 0.6
    phones = [p for p in Resident.objects.exclude(phone_hash="").values_list("phone", flat=True)]
    assert len(phones) == len(set(phones))


def test_the_featured_resident_is_82_lives_alone_and_has_her_login(demo):
    resident = Resident.objects.select_related("user", "grid", "community").get(user__username="resident")
    assert resident.age == 82
    assert resident.community.name == "康平社区" and resident.grid.name == "第一网格"
    assert resident.tags.filter(code="elderly_alone").exists()
    assert resident.user.phone == resident.phone
    assert RoleGrant.objects.filter(user=resident.user, node=resident.grid, role=Role.RESIDENT).exists()
    volunteer = Resident.objects.get(user__username="volunteer")
    assert volunteer.household.members.count() == 2
    assert RoleGrant.objects.filter(user__username="volunteer", role=Role.VOLUNTEER).exists()


def test_each_demo_login_logs_in_and_lands_on_its_home(demo):
    assert User.objects.get(username="admin").is_superuser
    for login in LOGINS:
        client = Client()
        response = client.post("/accounts/login/", {"username": login.username, "password": PASSWORD}, follow=True)
        assert response.status_code == 200, login.username
        assert response.redirect_chain, f"{login.username} did not log in"
        assert response.redirect_chain[-1][0] == login.home, login.username
        if login.resident_key:
            name = Resident.objects.get(user__username=login.username).name
            assert name in response.content.decode()
        else:
            assert client.get("/console/").status_code == 200
        user = User.objects.get(username=login.username)
        assert user.display_name == login.display_name
        if login.role is not None:
            assert RoleGrant.objects.filter(user=user, role=login.role, revoked_at__isnull=True).exists()


def test_residents_log_in_with_their_mobile_number_too(demo):
    # README's table: `resident` or 13953300082, `volunteer` or 13953300056. The number is found
    # through its blind index; it is neither the username nor in clear in the accounts table.
    for featured in FEATURED:
        client = Client()
        response = client.post("/accounts/login/", {"username": featured.phone, "password": PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == "/me/", featured.key
        assert featured.name in response.content.decode()
        user = User.objects.get(username=featured.key)
        assert user.phone == featured.phone and featured.phone not in user.username


def test_the_second_community_login_sees_its_own_community(demo):
    client = Client()
    client.post("/accounts/login/", {"username": "staff_zf", "password": PASSWORD})
    page = client.get("/console/").content.decode()
    assert "中福社区" in page and "康平社区" not in page
    client = Client()
    client.post("/accounts/login/", {"username": "staff", "password": PASSWORD})
    page = client.get("/console/").content.decode()
    assert "康平社区" in page and "中福社区" not in page


def test_each_app_brings_its_demo_data_and_the_books_verify(demo):
    from catalog.models import Order
    from enterprise.models import Enterprise
    from fund.models import Fund, SpendingRequest
    from jobs.models import Workshop
    from markets.models import Market
    from matching.models import Wish
    from records.models import ServiceRecord
    from snapshots.models import Report
    from volunteers.models import Volunteer

    assert Room.objects.filter(community__name="康平社区").exists()
    assert Partner.objects.filter(community__name="中福社区").exists()
    assert Order.objects.filter(community__name="康平社区").exists()
    assert ServiceRecord.objects.filter(community__name="康平社区").exists()
    assert Fund.objects.filter(community__name="闻韶社区").exists()
    assert SpendingRequest.objects.filter(community__name="闻韶社区").exists()
    assert Enterprise.objects.filter(community__parent__name="沙坪街道").count() == 6
    assert Market.objects.filter(community__name="大世界社区").exists()
    assert Workshop.objects.filter(community__name="鲁阳社区").exists()
    assert Volunteer.objects.filter(community__name="文苑社区").exists()
    assert Wish.objects.exists() and Report.objects.filter(community__name="中福社区").exists()
    # 康平社区's book holds the ledger's worked example (the study room's three months) and more.
    assert Book.objects.get(community__name="康平社区", kind="community").head_seq > 12
    assert all(book_verify(book=book).ok for book in Book.objects.all())


def test_running_twice_changes_nothing(demo):
    before = counts()
    output = run_demo()
    assert counts() == before
    assert "already there" in output and "resident" in output


def test_every_community_of_the_plan_is_expected():
    assert {(c.name, d.name, s.name, m.name) for c, d, s, m in all_communities()} == EXPECTED_PLACES
