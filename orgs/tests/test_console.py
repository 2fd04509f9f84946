"""The staff console shell: home, community switcher, structure and roles pages, the orgs API."""

import pytest

pytestmark = pytest.mark.django_db


def test_console_home_shows_the_community_my_roles_and_its_grids(world, login):
    page = login(world.user("staff_a")).get("/console/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "康平社区" in body and "辛店街道" in body
    assert "第一网格" in body and "第二网格" in body
    assert "溡源社区" not in body
    assert page.context["my_roles"] == ["community_staff"]
    # The menu offers only what the role may open: community staff do not manage roles.
    urls = [item["url"] for item in page.context["nav"]]
    assert "/console/residents/" in urls and "/console/orgs/roles/" not in urls


def test_the_menu_follows_the_role(world, login):
    nav = login(world.user("secretary_a")).get("/console/").context["nav"]
    assert {"/console/orgs/roles/", "/console/residents/access-log/"} <= {i["url"] for i in nav}
    partner_nav = login(world.user("partner_a")).get("/console/").context["nav"]
    partner_urls = {i["url"] for i in partner_nav}
    assert {"/console/", "/console/partners/portal/"} <= partner_urls
    # Partner staff hold no resident or role capability: none of those pages is offered,
    # nor the grid structure, which only matters to people who work with residents.
    assert not any(u.startswith(("/console/residents/", "/console/orgs/")) for u in partner_urls)
    assert login(world.user("partner_a")).get("/console/orgs/structure/").status_code == 404


def test_a_grid_worker_sees_only_their_grid_on_the_home_page(world, login):
    page = login(world.user("grid_a1")).get("/console/")
    assert [g.name for g in page.context["grids"]] == ["第一网格"]


def test_the_switcher_lists_and_switches_only_to_communities_in_scope(world, login):
    officer = login(world.user("officer"))
    page = officer.get("/console/").content.decode()
    assert "康平社区" in page and "溡源社区" in page
    response = officer.post("/console/switch/", {"community_id": world.community_b.pk})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert officer.get("/console/").context["community"] == world.community_b


def test_switching_to_another_community_is_a_404(world, login):
    client = login(world.user("staff_a"))
    response = client.post("/console/switch/", {"community_id": world.community_b.pk})
    assert response.status_code == 404
    assert client.get("/console/").context["community"] == world.community_a
    for junk in ("", "abc", str(world.grid_a1.pk)):  # not a number, not a community
        assert client.post("/console/switch/", {"community_id": junk}).status_code == 404


def test_the_switcher_shows_only_my_communities(world, login):
    body = login(world.user("staff_a")).get("/console/").content.decode()
    assert "溡源社区" not in body


def test_the_structure_page_lists_grids_and_their_buildings(world, login):
    page = login(world.user("staff_a")).get("/console/orgs/structure/")
    assert page.status_code == 200
    rows = {grid.name: [b.name for b in buildings] for grid, buildings in page.context["rows"]}
    assert rows == {"第一网格": ["1号楼"], "第二网格": ["2号楼"]}


def test_the_roles_page_is_for_those_who_manage_the_community(world, login):
    page = login(world.user("secretary_a")).get("/console/orgs/roles/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "staff_a" in body and "grid_a1" in body
    assert "staff_b" not in body
    assert "officer" in body  # granted above, covering this community
    assert login(world.user("staff_a")).get("/console/orgs/roles/").status_code == 404


# --- The orgs API -------------------------------------------------------------------------------


def test_the_api_lists_only_communities_in_scope(world, login):
    names = [c["name"] for c in login(world.user("staff_a")).get("/api/v1/orgs/communities").json()]
    assert names == ["康平社区"]
    names = [c["name"] for c in login(world.user("officer")).get("/api/v1/orgs/communities").json()]
    assert names == ["康平社区", "溡源社区"]
    assert login(world.user("resident_a")).get("/api/v1/orgs/communities").json() == []


def test_the_api_community_detail_and_grids(world, login):
    client = login(world.user("staff_a"))
    detail = client.get(f"/api/v1/orgs/communities/{world.community_a.pk}").json()
    assert detail["name"] == "康平社区" and detail["population"] == 10000
    grids = client.get(f"/api/v1/orgs/communities/{world.community_a.pk}/grids").json()
    assert [g["name"] for g in grids] == ["第一网格", "第二网格"]
    # A grid's id is not a community.
    assert client.get(f"/api/v1/orgs/communities/{world.grid_a1.pk}").status_code == 404
    assert client.get(f"/api/v1/orgs/communities/{world.community_b.pk}/grids").status_code == 404


def test_the_api_lists_my_grants(world, login):
    grants = login(world.user("grid_a1")).get("/api/v1/orgs/me/grants").json()
    assert grants == [{"role": "grid_worker", "node_id": world.grid_a1.pk, "node_name": "第一网格", "node_kind": "grid"}]
