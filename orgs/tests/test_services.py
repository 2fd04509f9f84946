import pytest

from linli.errors import Conflict, Forbidden, ValidationFailed
from orgs.models import NodeKind, OrgNode, RoleGrant
from orgs.roles import Cap, Role
from orgs.scope import Scope
from orgs.services import node_create, role_grant, role_revoke

pytestmark = pytest.mark.django_db


# --- node_create ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "parent_attr"),
    [
        (NodeKind.GRID, "subdistrict"),  # a grid sits under a community
        (NodeKind.COMMUNITY, "district"),  # a community sits under a subdistrict
        (NodeKind.BUILDING, "community_a"),  # a building sits under a grid
        (NodeKind.DISTRICT, None),  # only a city is a root
        (NodeKind.CITY, "district"),  # a city has no parent
    ],
)
def test_a_node_must_sit_under_the_right_kind(world, kind, parent_attr):
    before = OrgNode.objects.count()
    parent = getattr(world, parent_attr) if parent_attr else None
    with pytest.raises(ValidationFailed):
        node_create(kind=kind, name="新节点", parent=parent)
    assert OrgNode.objects.count() == before


def test_names_are_unique_under_one_parent_only(world):
    with pytest.raises(Conflict):
        node_create(kind=NodeKind.GRID, name="第一网格", parent=world.community_a)
    with pytest.raises(Conflict):
        node_create(kind=NodeKind.GRID, name="  第一网格  ", parent=world.community_a)
    # The same name in another community is fine (both communities have a 第一网格).
    assert world.grid_b1.name == world.grid_a1.name


def test_a_name_is_required(world):
    with pytest.raises(ValidationFailed):
        node_create(kind=NodeKind.GRID, name="   ", parent=world.community_a)


def test_path_depth_and_community_are_computed(world):
    grid = node_create(kind=NodeKind.GRID, name="第三网格", parent=world.community_a)
    building = node_create(kind=NodeKind.BUILDING, name="9号楼", parent=grid)
    assert grid.path == f"{world.community_a.path}{grid.pk}/"
    assert building.path == f"{grid.path}{building.pk}/"
    assert building.path.startswith(world.city.path)
    assert (world.city.depth, world.community_a.depth, grid.depth, building.depth) == (0, 3, 4, 5)
    assert world.community_a.community_id == world.community_a.pk
    assert grid.community_id == building.community_id == world.community_a.pk
    assert world.subdistrict.community_id is None and world.city.community_id is None
    assert building.ancestor_ids() == [
        world.city.pk, world.district.pk, world.subdistrict.pk, world.community_a.pk, grid.pk, building.pk
    ]


def test_who_may_add_nodes(world):
    secretary = Scope(world.user("secretary_a"))
    grid = node_create(kind=NodeKind.GRID, name="第三网格", parent=world.community_a, actor=secretary)
    assert grid.community_id == world.community_a.pk
    with pytest.raises(Forbidden):  # not their community
        node_create(kind=NodeKind.GRID, name="第三网格", parent=world.community_b, actor=secretary)
    with pytest.raises(Forbidden):  # community staff do not manage the structure
        node_create(kind=NodeKind.GRID, name="第四网格", parent=world.community_a, actor=Scope(world.user("staff_a")))
    with pytest.raises(Forbidden):  # only platform admins change the tree above communities
        node_create(kind=NodeKind.COMMUNITY, name="新社区", parent=world.subdistrict, actor=secretary)
    community = node_create(
        kind=NodeKind.COMMUNITY, name="新社区", parent=world.subdistrict, actor=Scope(world.user("admin"))
    )
    assert community.community_id == community.pk
    assert not OrgNode.objects.filter(name="第三网格", parent=world.community_b).exists()


# --- role_grant / role_revoke -----------------------------------------------------------------


def test_granting_the_same_role_twice_keeps_one_grant(world):
    user = world.user("nobody")
    first = role_grant(user=user, node=world.community_a, role=Role.AUDITOR)
    second = role_grant(user=user, node=world.community_a, role=Role.AUDITOR)
    assert first.pk == second.pk
    assert RoleGrant.objects.filter(user=user, revoked_at__isnull=True).count() == 1
    assert Scope(user).has(Cap.AUDIT_VIEW, world.community_a.pk)


def test_an_unknown_role_is_refused(world):
    with pytest.raises(ValidationFailed):
        role_grant(user=world.user("nobody"), node=world.community_a, role="mayor")
    assert not RoleGrant.objects.filter(user=world.user("nobody")).exists()


def test_who_may_grant_roles(world):
    secretary = Scope(world.user("secretary_a"))
    grant = role_grant(user=world.user("nobody"), node=world.grid_a1, role=Role.GRID_WORKER, actor=secretary)
    assert grant.granted_by == world.user("secretary_a")
    with pytest.raises(Forbidden):
        role_grant(user=world.user("nobody"), node=world.community_b, role=Role.COMMUNITY_STAFF, actor=secretary)
    with pytest.raises(Forbidden):
        role_grant(user=world.user("nobody"), node=world.community_a, role=Role.PARTY_SECRETARY, actor=Scope(world.user("staff_a")))
    # Grants above a community are for platform administrators.
    with pytest.raises(Forbidden):
        role_grant(user=world.user("nobody"), node=world.subdistrict, role=Role.SUBDISTRICT_OFFICER, actor=Scope(world.user("officer")))
    assert not RoleGrant.objects.filter(user=world.user("nobody"), node__in=[world.community_b, world.subdistrict]).exists()


def test_revoking_a_role_ends_its_access_and_a_new_grant_is_possible(world):
    user = world.user("staff_a")
    grant = RoleGrant.objects.get(user=user, role=Role.COMMUNITY_STAFF)
    role_revoke(grant=grant)
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert not Scope(user).has(Cap.CONSOLE, world.community_a.pk)
    # Revoking again is harmless and keeps the first time.
    when = grant.revoked_at
    role_revoke(grant=grant)
    grant.refresh_from_db()
    assert grant.revoked_at == when
    # The history keeps the old grant; a new one can be made.
    again = role_grant(user=user, node=world.community_a, role=Role.COMMUNITY_STAFF)
    assert again.pk != grant.pk
    assert Scope(user).has(Cap.CONSOLE, world.community_a.pk)


def test_who_may_revoke(world):
    grant = RoleGrant.objects.get(user=world.user("staff_b"), role=Role.COMMUNITY_STAFF)
    with pytest.raises(Forbidden):
        role_revoke(grant=grant, actor=Scope(world.user("secretary_a")))
    grant.refresh_from_db()
    assert grant.revoked_at is None
    role_revoke(grant=grant, actor=Scope(world.user("officer")))
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_a_revoked_user_loses_the_console_at_once(world, login):
    client = login(world.user("staff_a"))
    assert client.get("/console/").status_code == 200
    role_revoke(grant=RoleGrant.objects.get(user=world.user("staff_a"), role=Role.COMMUNITY_STAFF))
    assert client.get("/console/").status_code == 404
    assert client.get("/console/residents/").status_code == 404


def test_a_grant_made_twice_at_the_same_moment_keeps_one_and_does_not_fail(world, monkeypatch):
    """Two requests grant the same role at once: both find no grant, both insert. The partial
    unique constraint refuses the second insert; role_grant must answer with the first grant."""
    from django.db.models.query import QuerySet

    user = world.user("nobody")
    original_first = QuerySet.first
    raced = []

    def first_while_a_competitor_grants(qs):
        if qs.model is RoleGrant and not raced:
            raced.append(True)
            found = original_first(qs)  # the check finds nothing ...
            RoleGrant.objects.create(user=user, node=world.community_a, role=Role.AUDITOR)  # ... then the other commits
            return found
        return original_first(qs)

    monkeypatch.setattr(QuerySet, "first", first_while_a_competitor_grants)
    grant = role_grant(user=user, node=world.community_a, role=Role.AUDITOR)
    assert raced
    assert RoleGrant.objects.filter(user=user, revoked_at__isnull=True).count() == 1
    assert grant == RoleGrant.objects.get(user=user)
    assert Scope(user).has(Cap.AUDIT_VIEW, world.community_a.pk)
