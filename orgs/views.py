from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.errors import NotFound
from orgs.models import NodeKind, OrgNode, RoleGrant
from orgs.navigation import navigation_for
from orgs.roles import Cap
from orgs.selectors import (
    SESSION_KEY,
    ancestors,
    buildings_of,
    community_get_for_user,
    community_list_for_user,
    current_community,
    grids_of,
    public_communities,
)


def console_community(request) -> OrgNode:
    """The community the console works on; a user with no console role gets a 404, not a hint."""
    community = current_community(request)
    if community is None:
        raise Http404
    return community


def public_home(request):
    communities = public_communities()
    return render(request, "public/home.html", {"communities": communities})


@login_required
def console_home(request):
    community = console_community(request)
    scope = request.scope
    roles = sorted(scope.roles_in(community.pk))
    # Grids mean something to people who work with residents; a partner's staff see their menu.
    sees_grids = scope.has(Cap.RESIDENT_VIEW, community.pk) or scope.has(Cap.ORG_MANAGE, community.pk)
    grids = grids_of(scope=scope, community=community).annotate(n_buildings=Count("children")) if sees_grids else []
    # Officials covering several communities get the list of them, to jump straight in.
    others = community_list_for_user(scope=scope).select_related("parent") if len(scope.community_ids(Cap.CONSOLE)) > 1 else []
    return render(
        request,
        "orgs/console_home.html",
        {
            "community": community,
            "chain": ancestors(community)[:-1],
            "my_roles": roles,
            "grids": grids,
            "communities": others,
            "tasks": [item for item in navigation_for(scope, community) if item["url_name"] != "console:home"],
        },
    )


@login_required
@require_POST
def console_switch(request):
    try:
        community_id = int(request.POST.get("community_id", ""))
    except ValueError:
        raise NotFound() from None
    community = community_get_for_user(scope=request.scope, community_id=community_id)
    request.session[SESSION_KEY] = community.pk
    messages.info(request, _("Now working in %(name)s.") % {"name": community.name})
    return redirect("console:home")


@login_required
def structure(request):
    community = console_community(request)
    if not (request.scope.has(Cap.RESIDENT_VIEW, community.pk) or request.scope.has(Cap.ORG_MANAGE, community.pk)):
        raise NotFound()
    grids = grids_of(scope=request.scope, community=community)
    buildings = buildings_of(scope=request.scope, community=community)
    by_grid: dict[int, list[OrgNode]] = {}
    for b in buildings:
        by_grid.setdefault(b.parent_id, []).append(b)
    rows = [(g, by_grid.get(g.pk, [])) for g in grids]
    return render(request, "orgs/structure.html", {"community": community, "rows": rows})


@login_required
def roles(request):
    community = console_community(request)
    if not request.scope.has(Cap.ORG_MANAGE, community.pk):
        raise NotFound()
    chain_ids = community.ancestor_ids()
    grants = (
        RoleGrant.objects.filter(revoked_at__isnull=True)
        .filter(node__path__startswith=community.path)
        .select_related("user", "node")
        .order_by("node__path", "role")
    )
    inherited = (
        RoleGrant.objects.filter(revoked_at__isnull=True, node_id__in=chain_ids)
        .exclude(node=community)
        .select_related("user", "node")
        .order_by("node__path", "role")
    )
    return render(
        request,
        "orgs/roles.html",
        {"community": community, "grants": grants, "inherited": inherited, "kinds": NodeKind},
    )
