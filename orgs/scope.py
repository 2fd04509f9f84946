"""The one place that answers "which communities may this user see or act in, and as what".

Every selector, page, export and API call asks a ``Scope`` (resolved once per request by
``orgs.middleware.ScopeMiddleware`` or the API's auth) instead of checking roles itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from orgs.models import NodeKind, OrgNode, RoleGrant
from orgs.roles import STAFF_ROLES, caps_of

M = TypeVar("M", bound=Model)

_ABOVE_COMMUNITY = {NodeKind.CITY, NodeKind.DISTRICT, NodeKind.SUBDISTRICT, NodeKind.COMMUNITY}


@dataclass(frozen=True)
class Grant:
    role: str
    node_id: int
    node_kind: str
    node_path: str
    node_name: str
    community_id: int | None


class Scope:
    """What one user may do where. Cheap to build; loads grants lazily, once."""

    def __init__(self, user) -> None:
        self.user = user

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user and self.user.is_authenticated)

    @property
    def is_platform_admin(self) -> bool:
        return self.is_authenticated and self.user.is_superuser

    @cached_property
    def grants(self) -> tuple[Grant, ...]:
        if not self.is_authenticated:
            return ()
        rows = (
            RoleGrant.objects.filter(user=self.user, revoked_at__isnull=True)
            .select_related("node")
            .order_by("node__path", "role")
        )
        return tuple(
            Grant(
                role=g.role,
                node_id=g.node_id,
                node_kind=g.node.kind,
                node_path=g.node.path,
                node_name=g.node.name,
                community_id=g.node.community_id,
            )
            for g in rows
        )

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    @property
    def is_staff_user(self) -> bool:
        return self.is_platform_admin or bool(self.roles & STAFF_ROLES)

    def grants_with(self, cap: str) -> list[Grant]:
        return [g for g in self.grants if cap in caps_of(g.role)]

    def _communities_under(self, paths: list[str]) -> set[int]:
        """Communities below the given node paths; one query per distinct set of paths per
        request (a console page asks for many capabilities, most held through the same grants)."""
        if not paths:
            return set()
        key = tuple(sorted(set(paths)))
        cache = self.__dict__.setdefault("_under_cache", {})
        if key not in cache:
            q = Q()
            for path in key:
                q |= Q(path__startswith=path)
            cache[key] = frozenset(OrgNode.objects.filter(q, kind=NodeKind.COMMUNITY).values_list("id", flat=True))
        return set(cache[key])

    def community_ids(self, cap: str) -> frozenset[int]:
        """Communities where the user holds ``cap`` for at least part of the community."""
        cache = self.__dict__.setdefault("_community_cache", {})
        if cap not in cache:
            if self.is_platform_admin:
                ids = set(OrgNode.objects.filter(kind=NodeKind.COMMUNITY).values_list("id", flat=True))
            else:
                grants = self.grants_with(cap)
                ids = self._communities_under([g.node_path for g in grants if g.node_kind in _ABOVE_COMMUNITY])
                ids |= {g.community_id for g in grants if g.node_kind not in _ABOVE_COMMUNITY and g.community_id}
            cache[cap] = frozenset(ids)
        return cache[cap]

    def whole_community_ids(self, cap: str) -> frozenset[int]:
        """Communities where ``cap`` covers the whole community, not just one grid of it."""
        if self.is_platform_admin:
            return self.community_ids(cap)
        # Cached like community_ids: a page asks several times (selector, menu, form choices).
        cache = self.__dict__.setdefault("_whole_community_cache", {})
        if cap not in cache:
            grants = self.grants_with(cap)
            cache[cap] = frozenset(
                self._communities_under([g.node_path for g in grants if g.node_kind in _ABOVE_COMMUNITY])
            )
        return cache[cap]

    def has(self, cap: str, community_id: int | None) -> bool:
        return community_id is not None and community_id in self.community_ids(cap)

    def has_anywhere(self, cap: str) -> bool:
        return self.is_platform_admin or bool(self.grants_with(cap))

    def roles_in(self, community_id: int) -> set[str]:
        """Roles the user holds that cover (part of) this community."""
        community = OrgNode.objects.filter(pk=community_id).values_list("path", flat=True).first()
        if community is None:
            return set()
        return {
            g.role
            for g in self.grants
            if community.startswith(g.node_path) or g.community_id == community_id
        }

    def filter(
        self,
        qs: QuerySet[M],
        cap: str,
        *,
        community_field: str = "community_id",
        path_field: str | None = None,
    ) -> QuerySet[M]:
        """Restrict ``qs`` to rows the user may see with ``cap``.

        Rows are matched by their tenant key; when ``path_field`` names the row's node path
        (e.g. ``grid__path``), grants below community level (a grid worker's grid) narrow the
        rows to that part of the community.
        """
        whole = self.whole_community_ids(cap)
        q = Q(**{f"{community_field}__in": whole})
        if path_field and not self.is_platform_admin:
            for g in self.grants_with(cap):
                if g.node_kind not in _ABOVE_COMMUNITY:
                    q |= Q(**{f"{path_field}__startswith": g.node_path})
        elif not self.is_platform_admin:
            partial = self.community_ids(cap) - whole
            if partial:
                q |= Q(**{f"{community_field}__in": partial})
        return qs.filter(q)


ANONYMOUS = Scope(None)
