"""What linli/tests/test_access_control.py needs to check the matching endpoints.

(The contract is in residents/tests/access_registry.py.) Each side gets, through the services and
by that side's staff: a need in its first grid, a resource, a project joining them, and a
micro-wish for resident a1/b1 that the platform administrator claimed and fulfilled with a photo
(so the claimant's own pages and the proof photo open for the positive control).

The wish wall and a wish's public page are public on purpose: they show the wish (its title),
never the resident behind it. Claiming is open to everyone logged in, in any community: the
claim API answers another community's wish (it refuses here only because the sweep sends no
promise), which is why the wish pages are public.
"""

from __future__ import annotations

from dataclasses import dataclass

from linli.testkit import World
from matching import services
from matching.models import Need, Project, Resource, Wish
from matching.tests.conftest import photo
from orgs.scope import Scope


@dataclass
class Objects:
    need: Need
    resource: Resource
    project: Project
    wish: Wish


def objects(world: World, side: str) -> Objects:
    def make() -> Objects:
        staff = Scope(world.staff(side))
        community = world.community(side)
        grid = world.grid_a1 if side == "a" else world.grid_b1
        label = side.upper()
        need = services.need_create(
            actor=staff,
            community=community,
            title=f"{label}-SECRET-NEED",
            category="meals",
            affected_count=7,
            grid=grid,
        )
        resource = services.resource_create(
            actor=staff,
            community=community,
            title=f"{label}-SECRET-RESOURCE",
            category="meals",
            offered_by="member_unit",
            provider_name=f"{label}-SECRET-PROVIDER",
        )
        project = services.project_create(
            actor=staff,
            community=community,
            title=f"{label}-SECRET-PROJECT",
            owner_name=f"{label}-SECRET-OWNER",
            plan="每天送餐",
            need_ids=[need.pk],
            resource_ids=[resource.pk],
        )
        wish = services.wish_post(
            actor=staff,
            resident=world.residents["a1" if side == "a" else "b1"],
            title=f"{label}-PUBLIC-WISH",
            who_public="一位八旬独居老人",
            consent_note=f"{label}-SECRET-CONSENT",
            record_consent=True,
        )
        admin = Scope(world.user("admin"))
        wish = services.wish_claim(actor=admin, wish=wish, promise=True, display_name="爱心人士")
        wish = services.wish_fulfil(actor=admin, wish=wish, photo=photo(), note=f"{label}-SECRET-FULFILMENT")
        return Objects(need=need, resource=resource, project=project, wish=wish)

    return world.once(f"matching.objects.{side}", make)


REGISTRY = {
    "need_id": lambda w, s: objects(w, s).need.pk,
    "resource_id": lambda w, s: objects(w, s).resource.pk,
    "match_project_id": lambda w, s: objects(w, s).project.pk,
    "wish_id": lambda w, s: objects(w, s).wish.pk,
}

PUBLIC_PAGES = {"matching_public:wall", "matching_public:wish"}
PUBLIC_OPERATIONS = {
    "GET /api/v1/matching/public/communities/{community_id}/wishes",
    "GET /api/v1/matching/public/wishes/{wish_id}",
    "GET /api/v1/matching/public/communities/{community_id}/figures",
}
# A wish's title is shown on the public wish wall; who made it never is.
PUBLIC_MARKERS = {"community B's wish"}


def markers(world: World) -> dict[str, str]:
    b = objects(world, "b")
    return {
        b.need.title: "community B's need",
        b.resource.title: "community B's resource",
        b.resource.provider_name: "community B's resource provider",
        b.project.title: "community B's project",
        b.project.owner_name: "community B's project owner",
        b.wish.title: "community B's wish",
        b.wish.consent_note: "how community B's wisher consented",
        b.wish.fulfilment_note: "community B's fulfilment note",
    }
