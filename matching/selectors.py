"""Reads of the matching app, always inside the asker's scope.

Needs and wishes carry a grid: a grid worker (whose grant sits at their grid) sees those of
their own grid; community staff see the whole community. Resources and projects belong to the
whole community. Public reads (the wish wall) return only what may be shown to anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from linli.errors import NotFound
from matching import scoring
from matching.models import (
    Need,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    ResourceStatus,
    Wish,
    WishEvent,
    WishStatus,
)
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope

LIVE_PROJECT = (ProjectStatus.PLANNED, ProjectStatus.ACTIVE)
PUBLIC_WISH_STATES = (WishStatus.POSTED, WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.THANKED)


def _one(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


# --- Needs -------------------------------------------------------------------------------------


def _needs(scope: Scope, cap: str) -> QuerySet[Need]:
    return scope.filter(Need.objects.all(), cap, path_field="grid__path")


def need_list_for_user(
    *, scope: Scope, community: OrgNode, status: str = "", category: str = "", query: str = ""
) -> QuerySet[Need]:
    qs = _needs(scope, Cap.MATCHING_VIEW).filter(community=community)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if query:
        qs = qs.filter(Q(title__contains=query) | Q(description__contains=query))
    return qs.select_related("grid", "building")


def need_get_for_user(*, scope: Scope, need_id: int, cap: str = Cap.MATCHING_VIEW) -> Need:
    return _one(_needs(scope, cap).select_related("community", "grid", "building"), need_id)


def need_list_for_resident(*, user) -> QuerySet[Need]:
    return Need.objects.filter(raised_by=user, resident__user=user).select_related("grid").prefetch_related("projects")


def need_get_for_resident(*, user, need_id: int) -> Need:
    return _one(need_list_for_resident(user=user), need_id)


# --- Resources and projects ---------------------------------------------------------------------


def resource_list_for_user(
    *, scope: Scope, community: OrgNode, status: str = "", category: str = ""
) -> QuerySet[Resource]:
    qs = scope.filter(Resource.objects.all(), Cap.MATCHING_VIEW).filter(community=community)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    # Meta.ordering does not survive the aggregate: ordered here.
    return (
        qs.select_related("grid", "building", "partner")
        .annotate(n_projects=Count("projects"))
        .order_by("-created_at", "-pk")
    )


def resource_get_for_user(*, scope: Scope, resource_id: int, cap: str = Cap.MATCHING_VIEW) -> Resource:
    qs = scope.filter(Resource.objects.all(), cap).select_related("community", "grid", "building", "partner")
    return _one(qs, resource_id)


def project_list_for_user(*, scope: Scope, community: OrgNode, status: str = "") -> QuerySet[Project]:
    qs = scope.filter(Project.objects.all(), Cap.MATCHING_VIEW).filter(community=community)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        n_needs=Count("needs", distinct=True), n_resources=Count("resources", distinct=True)
    ).order_by("-created_at", "-pk")


def project_get_for_user(*, scope: Scope, project_id: int, cap: str = Cap.MATCHING_VIEW) -> Project:
    return _one(scope.filter(Project.objects.all(), cap).select_related("community"), project_id)


# --- Matching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    resource: Resource
    score: int
    reasons: tuple[str, ...]


def need_facts(need: Need) -> scoring.Facts:
    return scoring.Facts(
        community_id=need.community_id,
        category=need.category,
        grid_id=need.grid_id,
        building_id=need.building_id,
        starts=need.needed_from,
        ends=need.needed_until,
    )


def resource_facts(resource: Resource) -> scoring.Facts:
    return scoring.Facts(
        community_id=resource.community_id,
        category=resource.category,
        grid_id=resource.grid_id,
        building_id=resource.building_id,
        starts=resource.available_from,
        ends=resource.available_until,
    )


def rank(need: Need, resources: list[Resource]) -> list[Suggestion]:
    """Resources that fit ``need``, best first (ties: the resource recorded first)."""
    facts = need_facts(need)
    found = []
    for resource in resources:
        fit = scoring.fit(facts, resource_facts(resource))
        if fit is not None:
            found.append(Suggestion(resource=resource, score=fit.score, reasons=fit.reasons))
    return sorted(found, key=lambda s: (-s.score, s.resource.created_at, s.resource.pk))


def _available(community_id: int) -> list[Resource]:
    # The community's own resources only: no cross-community joins (the tenant rule).
    return list(
        Resource.objects.filter(community_id=community_id, status=ResourceStatus.AVAILABLE)
        .select_related("partner", "grid", "building")
        .order_by("created_at", "pk")
    )


def suggestions_for_need(*, need: Need) -> list[Suggestion]:
    return rank(need, _available(need.community_id))


@dataclass(frozen=True)
class Uncovered:
    need: Need
    suggestions: list[Suggestion]


def uncovered_needs(*, scope: Scope, community: OrgNode) -> list[Uncovered]:
    """Open needs that no live project covers yet, each with the resources that could cover it.
    One query for the needs and one for the resources, whatever their number."""
    needs = list(
        need_list_for_user(scope=scope, community=community, status=NeedStatus.OPEN).exclude(
            projects__status__in=LIVE_PROJECT
        )
    )
    resources = _available(community.pk)
    return [Uncovered(need=n, suggestions=rank(n, resources)) for n in needs]


# --- Wishes ------------------------------------------------------------------------------------


def _wishes(scope: Scope) -> QuerySet[Wish]:
    """Staff who see the lists, and grid workers who post wishes (their grid)."""
    base = Wish.objects.all()
    return scope.filter(base, Cap.MATCHING_VIEW, path_field="grid__path") | scope.filter(
        base, Cap.WISH_POST, path_field="grid__path"
    )


def wish_list_for_user(*, scope: Scope, community: OrgNode, status: str = "", mine: bool = False) -> QuerySet[Wish]:
    qs = _wishes(scope).filter(community=community)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(posted_by=scope.user)
    return qs.select_related("grid", "resident").distinct()


def wish_get_for_user(*, scope: Scope, wish_id: int, cap: str | None = None) -> Wish:
    qs = scope.filter(Wish.objects.all(), cap, path_field="grid__path") if cap else _wishes(scope)
    return _one(qs.select_related("community", "grid", "resident", "resident__building"), wish_id)


def wish_events(*, wish: Wish) -> QuerySet[WishEvent]:
    return wish.events.select_related("actor")


def wish_list_claimed_by(*, user) -> QuerySet[Wish]:
    return Wish.objects.filter(claimant=user).select_related("community", "grid")


def wish_get_claimed_by(*, user, wish_id: int) -> Wish:
    return _one(wish_list_claimed_by(user=user).select_related("resident"), wish_id)


def public_wishes(*, community: OrgNode, status: str = "") -> QuerySet[Wish]:
    """The wish wall: never withdrawn wishes, never the resident (callers show only public fields)."""
    qs = Wish.objects.filter(community=community, status__in=PUBLIC_WISH_STATES).select_related("grid")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-created_at", "-pk")


def public_wish(*, wish_id: int) -> Wish:
    return _one(Wish.objects.filter(status__in=PUBLIC_WISH_STATES).select_related("community", "grid"), wish_id)


def public_figures(*, community: OrgNode) -> dict[str, int]:
    counts = dict(
        Wish.objects.filter(community=community).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "posted": counts.get(WishStatus.POSTED, 0),
        "claimed": counts.get(WishStatus.CLAIMED, 0),
        "fulfilled": counts.get(WishStatus.FULFILLED, 0) + counts.get(WishStatus.THANKED, 0),
        "needs_open": Need.objects.filter(community=community, status=NeedStatus.OPEN).count(),
        "projects_done": Project.objects.filter(community=community, status=ProjectStatus.DONE).count(),
        "projects_live": Project.objects.filter(community=community, status__in=LIVE_PROJECT).count(),
    }
