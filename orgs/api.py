from __future__ import annotations

from ninja import Router, Schema

from orgs.roles import Cap
from orgs.selectors import community_get_for_user, community_list_for_user, grids_of

router = Router(tags=["orgs"])


class CommunityOut(Schema):
    id: int
    name: str
    code: str
    population: int | None


class NodeOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None


class GrantOut(Schema):
    role: str
    node_id: int
    node_name: str
    node_kind: str


@router.get("/me/grants", response=list[GrantOut], summary="My roles")
def my_grants(request):
    return [
        GrantOut(role=g.role, node_id=g.node_id, node_name=g.node_name, node_kind=g.node_kind)
        for g in request.scope.grants
    ]


@router.get("/communities", response=list[CommunityOut], summary="Communities I may work in")
def communities(request):
    return list(community_list_for_user(scope=request.scope, cap=Cap.CONSOLE))


@router.get("/communities/{community_id}", response=CommunityOut)
def community_detail(request, community_id: int):
    return community_get_for_user(scope=request.scope, community_id=community_id)


@router.get("/communities/{community_id}/grids", response=list[NodeOut])
def community_grids(request, community_id: int):
    community = community_get_for_user(scope=request.scope, community_id=community_id)
    return list(grids_of(scope=request.scope, community=community))
