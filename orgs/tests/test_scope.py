from orgs.roles import Cap, Role
from orgs.scope import Scope
from residents.models import Resident


def test_a_grant_covers_everything_below_it(world):
    officer = Scope(world.user("officer"))
    assert officer.community_ids(Cap.CONSOLE) == {world.community_a.pk, world.community_b.pk}
    staff_a = Scope(world.user("staff_a"))
    assert staff_a.community_ids(Cap.CONSOLE) == {world.community_a.pk}
    assert not staff_a.has(Cap.CONSOLE, world.community_b.pk)


def test_a_grid_worker_sees_only_their_grid(world):
    grid = Scope(world.user("grid_a1"))
    visible = set(grid.filter(Resident.objects.all(), Cap.RESIDENT_VIEW, path_field="grid__path"))
    assert visible == {world.residents["a1"]}


def test_residents_and_strangers_have_no_console(world):
    assert Scope(world.user("resident_a")).community_ids(Cap.CONSOLE) == frozenset()
    assert Scope(world.user("nobody")).community_ids(Cap.CONSOLE) == frozenset()
    assert Scope(world.user("resident_a")).roles == {Role.RESIDENT}


def test_platform_admin_sees_every_community(world):
    admin = Scope(world.user("admin"))
    assert admin.community_ids(Cap.RESIDENT_VIEW) == {world.community_a.pk, world.community_b.pk}


def test_console_pages_stay_in_scope(world, login):
    client = login(world.user("staff_a"))
    page = client.get("/console/residents/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "张丽君" in body and "王秀英" not in body
    assert "13800000101" not in body and "138****0101" in body
    assert client.get(f"/console/residents/{world.residents['b1'].pk}/").status_code == 404
