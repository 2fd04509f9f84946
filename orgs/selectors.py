"""Reads of the organisation tree, always through the asking user's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from linli.errors import NotFound
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope

SESSION_KEY = "linli_community_id"


def community_list_for_user(*, scope: Scope, cap: str = Cap.CONSOLE) -> QuerySet[OrgNode]:
    return OrgNode.objects.filter(id__in=scope.community_ids(cap)).order_by("path")


def community_get_for_user(*, scope: Scope, community_id: int, cap: str = Cap.CONSOLE) -> OrgNode:
    if not scope.has(cap, community_id):
        raise NotFound()
    try:
        return OrgNode.objects.get(pk=community_id, kind=NodeKind.COMMUNITY)
    except OrgNode.DoesNotExist:
        raise NotFound() from None


def node_get_for_user(*, scope: Scope, node_id: int, cap: str = Cap.CONSOLE) -> OrgNode:
    """A grid or building inside a community the user may act in (with ``cap``)."""
    node = OrgNode.objects.filter(pk=node_id).first()
    if node is None or not scope.has(cap, node.community_id):
        raise NotFound()
    return node


def grids_of(*, scope: Scope, community: OrgNode, cap: str = Cap.CONSOLE) -> QuerySet[OrgNode]:
    return scope.filter(
        OrgNode.objects.filter(community=community, kind=NodeKind.GRID), cap, community_field="community_id",
        path_field="path",
    ).order_by("sort_order", "name")


def buildings_of(*, scope: Scope, community: OrgNode, cap: str = Cap.CONSOLE) -> QuerySet[OrgNode]:
    return scope.filter(
        OrgNode.objects.filter(community=community, kind=NodeKind.BUILDING).select_related("parent"),
        cap,
        community_field="community_id",
        path_field="path",
    ).order_by("parent__sort_order", "sort_order", "name")


def current_community(request) -> OrgNode | None:
    """The community the staff console is working in: chosen in the switcher, kept in the session.
    Read once per request (the view and the console's menu both ask)."""
    found = getattr(request, "_linli_console_community", _UNREAD)
    if found is _UNREAD:
        found = None
        ids = request.scope.community_ids(Cap.CONSOLE)
        if ids:
            chosen = request.session.get(SESSION_KEY)
            if chosen not in ids:
                chosen = min(ids)
            found = OrgNode.objects.filter(pk=chosen).first()
        request._linli_console_community = found
    return found


_UNREAD = object()


def public_communities() -> QuerySet[OrgNode]:
    """Communities are public facts (names and where they are), not personal data."""
    return OrgNode.objects.filter(kind=NodeKind.COMMUNITY).select_related("parent", "parent__parent").order_by("path")


def ancestors(node: OrgNode) -> list[OrgNode]:
    ids = node.ancestor_ids()
    by_id = OrgNode.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
