"""The matching JSON API: the same selectors and services as the pages, thin.

Staff operations need ``matching.view`` / ``matching.manage`` in the community (grid workers:
their grid's needs and wishes, ``wish.post``); ``/me/…`` is a logged-in person's own needs and
claims; claiming a wish is open to everyone logged in, in any community; ``/public/…`` answers
without logging in and never names the resident behind a wish.
"""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from linli.errors import NotFound, ValidationFailed
from matching import selectors, services
from matching.models import Need, Project, Wish
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.selectors import community_get_for_user

router = Router(tags=["matching"])


def _key(request) -> str:
    return request.headers.get("Idempotency-Key", "")


def _node(node_id: int | None, kind: str) -> OrgNode | None:
    """A grid or building by id; the service checks it lies in the record's community."""
    if not node_id:
        return None
    node = OrgNode.objects.filter(pk=node_id, kind=kind).first()
    if node is None:
        raise ValidationFailed(_("That place is not in this community."), code="bad_place")
    return node


def _partner(community: OrgNode, partner_id: int | None):
    if not partner_id:
        return None
    from partners.models import Partner

    partner = Partner.objects.filter(pk=partner_id, community=community).first()
    if partner is None:
        raise ValidationFailed(_("That partner is not in this community."), code="cross_community")
    return partner


# --- Schemas -----------------------------------------------------------------------------------


class NeedOut(Schema):
    """No one's name: a need on the shared list says how many and which groups, not who."""

    id: int
    community_id: int
    grid_id: int | None
    grid_name: str
    building_name: str
    title: str
    description: str
    category: str
    source: str
    affected_count: int
    affected_groups: list[str]
    urgency: int
    needed_from: dt.date | None
    needed_until: dt.date | None
    status: str
    created_at: dt.datetime

    @staticmethod
    def resolve_grid_name(obj: Need) -> str:
        return obj.grid.name if obj.grid_id else ""

    @staticmethod
    def resolve_building_name(obj: Need) -> str:
        return obj.building.name if obj.building_id else ""


class NeedIn(Schema):
    title: str
    category: str
    description: str = ""
    affected_count: int = 1
    affected_groups: list[str] = []
    urgency: int = 2
    grid_id: int | None = None
    building_id: int | None = None
    needed_from: dt.date | None = None
    needed_until: dt.date | None = None


class NeedCreate(NeedIn):
    community_id: int
    source: str = "staff"


class MatchingStatusIn(Schema):
    status: str


class ResourceOut(Schema):
    id: int
    community_id: int
    grid_id: int | None
    building_id: int | None
    title: str
    description: str
    category: str
    offered_by: str
    provider_name: str
    partner_id: int | None
    quantity: int | None
    unit: str
    available_from: dt.date | None
    available_until: dt.date | None
    status: str


class ResourceIn(Schema):
    title: str
    category: str
    offered_by: str
    provider_name: str = ""
    partner_id: int | None = None
    description: str = ""
    quantity: int | None = None
    unit: str = ""
    available_from: dt.date | None = None
    available_until: dt.date | None = None
    grid_id: int | None = None
    building_id: int | None = None


class ResourceCreate(ResourceIn):
    community_id: int


class SuggestionOut(Schema):
    resource: ResourceOut
    score: int
    reasons: list[str]


class UncoveredOut(Schema):
    need: NeedOut
    suggestions: list[SuggestionOut]


class ProjectUpdateOut(Schema):
    note: str
    progress: int
    created_at: dt.datetime


class ProjectOut(Schema):
    id: int
    community_id: int
    title: str
    owner_name: str
    plan: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: str
    progress: int
    result: str
    need_ids: list[int]
    resource_ids: list[int]
    fund_request_id: int | None
    updates: list[ProjectUpdateOut]

    @staticmethod
    def resolve_need_ids(obj: Project) -> list[int]:
        return [n.pk for n in obj.needs.all()]

    @staticmethod
    def resolve_resource_ids(obj: Project) -> list[int]:
        return [r.pk for r in obj.resources.all()]

    @staticmethod
    def resolve_updates(obj: Project) -> list:
        return list(obj.updates.all())


class ProjectIn(Schema):
    community_id: int
    title: str
    owner_name: str
    plan: str
    need_ids: list[int] = []
    resource_ids: list[int] = []
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class LinkIn(Schema):
    need_ids: list[int] = []
    resource_ids: list[int] = []


class ProgressIn(Schema):
    note: str
    progress: int


class TextIn(Schema):
    text: str


class WishOut(Schema):
    """What anyone may see of a wish: no resident, no building, no room."""

    id: int
    community_id: int
    community_name: str
    grid_name: str
    title: str
    details: str
    who_public: str
    category: str
    estimated_fen: int
    status: str
    claimant_display: str
    claimed_at: dt.datetime | None
    fulfilled_at: dt.datetime | None
    thanks: str
    created_at: dt.datetime

    @staticmethod
    def resolve_community_name(obj: Wish) -> str:
        return obj.community.name

    @staticmethod
    def resolve_grid_name(obj: Wish) -> str:
        return obj.grid.name


class WishEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    note: str
    at: dt.datetime


class WishStaffOut(WishOut):
    resident_id: int
    consent_note: str
    fulfilment_note: str
    withdrawn_reason: str
    service_record_id: int | None
    fund_request_id: int | None
    has_proof: bool
    events: list[WishEventOut]

    @staticmethod
    def resolve_has_proof(obj: Wish) -> bool:
        return bool(obj.proof)

    @staticmethod
    def resolve_events(obj: Wish) -> list:
        return list(obj.events.all())


class WishIn(Schema):
    resident_id: int
    title: str
    who_public: str
    consent_note: str
    details: str = ""
    category: str = "goods"
    estimated_fen: int = 0
    # The resident's consent to publishing (a residents ConsentRecord): true records it with the
    # wish. Without it, a consent must already be on record (POST /residents/{id}/consents).
    record_consent: bool = False
    consent_method: str = "oral"
    guardian_name: str = ""
    guardian_relation: str = ""


class ClaimIn(Schema):
    promise: bool
    display_name: str = ""


class RaiseIn(Schema):
    title: str
    category: str
    description: str = ""
    urgency: int = 2
    needed_until: dt.date | None = None


class MatchingFiguresOut(Schema):
    posted: int
    claimed: int
    fulfilled: int
    needs_open: int
    projects_done: int
    projects_live: int


class MatchingCommunityQuery(Schema):
    community_id: int
    status: str = ""
    category: str = ""


# --- Needs ---------------------------------------------------------------------------------------


@router.get("/needs", response=list[NeedOut], summary="Needs of a community (no names)")
def need_list(request, filters: Query[MatchingCommunityQuery]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.MATCHING_VIEW)
    return list(
        selectors.need_list_for_user(
            scope=request.scope, community=community, status=filters.status, category=filters.category
        )[:500]
    )


@router.post("/needs", response={201: NeedOut}, summary="Record a need (accepts an Idempotency-Key header)")
def need_create(request, payload: NeedCreate):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.MATCHING_VIEW)
    data = payload.dict(exclude={"community_id", "grid_id", "building_id"})
    need = services.need_create(
        actor=request.scope,
        community=community,
        grid=_node(payload.grid_id, NodeKind.GRID),
        building=_node(payload.building_id, NodeKind.BUILDING),
        idempotency_key=_key(request),
        **data,
    )
    return Status(201, need)


@router.get("/needs/{need_id}", response=NeedOut)
def need_detail(request, need_id: int):
    return selectors.need_get_for_user(scope=request.scope, need_id=need_id)


@router.put("/needs/{need_id}", response=NeedOut)
def need_update(request, need_id: int, payload: NeedIn):
    need = selectors.need_get_for_user(scope=request.scope, need_id=need_id, cap=Cap.MATCHING_MANAGE)
    data = payload.dict(exclude={"grid_id", "building_id"})
    return services.need_update(
        actor=request.scope,
        need=need,
        grid=_node(payload.grid_id, NodeKind.GRID),
        building=_node(payload.building_id, NodeKind.BUILDING),
        **data,
    )


@router.post("/needs/{need_id}/status", response=NeedOut, summary="Mark met, close or reopen")
def need_status(request, need_id: int, payload: MatchingStatusIn):
    need = selectors.need_get_for_user(scope=request.scope, need_id=need_id, cap=Cap.MATCHING_MANAGE)
    return services.need_set_status(actor=request.scope, need=need, status=payload.status)


@router.get(
    "/needs/{need_id}/suggestions",
    response=list[SuggestionOut],
    summary="Resources that fit the need, best first, with the reasons",
)
def need_suggestions(request, need_id: int):
    need = selectors.need_get_for_user(scope=request.scope, need_id=need_id)
    return [
        {"resource": s.resource, "score": s.score, "reasons": list(s.reasons)}
        for s in selectors.suggestions_for_need(need=need)
    ]


@router.get("/uncovered", response=list[UncoveredOut], summary="Open needs no project covers yet")
def uncovered(request, community_id: int):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.MATCHING_VIEW)
    return [
        {
            "need": u.need,
            "suggestions": [{"resource": s.resource, "score": s.score, "reasons": list(s.reasons)} for s in u.suggestions],
        }
        for u in selectors.uncovered_needs(scope=request.scope, community=community)
    ]


# --- Resources -----------------------------------------------------------------------------------


@router.get("/resources", response=list[ResourceOut], summary="Resources offered in a community")
def resource_list(request, filters: Query[MatchingCommunityQuery]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.MATCHING_VIEW)
    return list(
        selectors.resource_list_for_user(
            scope=request.scope, community=community, status=filters.status, category=filters.category
        )[:500]
    )


def _resource_kwargs(community: OrgNode, payload: ResourceIn) -> dict:
    data = payload.dict(exclude={"community_id", "grid_id", "building_id", "partner_id"})
    return {
        **data,
        "partner": _partner(community, payload.partner_id),
        "grid": _node(payload.grid_id, NodeKind.GRID),
        "building": _node(payload.building_id, NodeKind.BUILDING),
    }


@router.post("/resources", response={201: ResourceOut}, summary="Record a resource on offer")
def resource_create(request, payload: ResourceCreate):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.MATCHING_MANAGE)
    resource = services.resource_create(actor=request.scope, community=community, **_resource_kwargs(community, payload))
    return Status(201, resource)


@router.get("/resources/{resource_id}", response=ResourceOut)
def resource_detail(request, resource_id: int):
    return selectors.resource_get_for_user(scope=request.scope, resource_id=resource_id)


@router.put("/resources/{resource_id}", response=ResourceOut)
def resource_update(request, resource_id: int, payload: ResourceIn):
    resource = selectors.resource_get_for_user(scope=request.scope, resource_id=resource_id, cap=Cap.MATCHING_MANAGE)
    return services.resource_update(
        actor=request.scope, resource=resource, **_resource_kwargs(resource.community, payload)
    )


@router.post("/resources/{resource_id}/status", response=ResourceOut)
def resource_status(request, resource_id: int, payload: MatchingStatusIn):
    resource = selectors.resource_get_for_user(scope=request.scope, resource_id=resource_id, cap=Cap.MATCHING_MANAGE)
    return services.resource_set_status(actor=request.scope, resource=resource, status=payload.status)


# --- Projects ------------------------------------------------------------------------------------


@router.get("/projects", response=list[ProjectOut], summary="Projects of a community")
def project_list(request, filters: Query[MatchingCommunityQuery]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.MATCHING_VIEW)
    qs = selectors.project_list_for_user(scope=request.scope, community=community, status=filters.status)
    return list(qs.prefetch_related("needs", "resources", "updates")[:200])


@router.post("/projects", response={201: ProjectOut}, summary="Start a project joining needs and resources")
def project_create(request, payload: ProjectIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.MATCHING_MANAGE)
    project = services.project_create(actor=request.scope, community=community, **payload.dict(exclude={"community_id"}))
    return Status(201, project)


@router.get("/projects/{match_project_id}", response=ProjectOut)
def project_detail(request, match_project_id: int):
    return selectors.project_get_for_user(scope=request.scope, project_id=match_project_id)


def _managed_project(request, match_project_id: int) -> Project:
    return selectors.project_get_for_user(scope=request.scope, project_id=match_project_id, cap=Cap.MATCHING_MANAGE)


@router.post("/projects/{match_project_id}/link", response=ProjectOut, summary="Add needs or resources")
def project_link(request, match_project_id: int, payload: LinkIn):
    return services.project_link(actor=request.scope, project=_managed_project(request, match_project_id), **payload.dict())


@router.post("/projects/{match_project_id}/progress", response=ProjectOut, summary="Record progress")
def project_progress(request, match_project_id: int, payload: ProgressIn):
    project = _managed_project(request, match_project_id)
    services.project_progress(actor=request.scope, project=project, note=payload.note, progress=payload.progress)
    return selectors.project_get_for_user(scope=request.scope, project_id=project.pk)


@router.post("/projects/{match_project_id}/finish", response=ProjectOut, summary="Finish with the result")
def project_finish(request, match_project_id: int, payload: TextIn):
    return services.project_finish(actor=request.scope, project=_managed_project(request, match_project_id), result=payload.text)


@router.post("/projects/{match_project_id}/cancel", response=ProjectOut)
def project_cancel(request, match_project_id: int, payload: TextIn):
    return services.project_cancel(actor=request.scope, project=_managed_project(request, match_project_id), reason=payload.text)


# --- Wishes (grid workers and staff) --------------------------------------------------------------


class WishQuery(Schema):
    community_id: int
    status: str = ""
    mine: bool = False


@router.get("/wishes", response=list[WishOut], summary="Micro-wishes of a community (grid workers: their grid)")
def wish_list(request, filters: Query[WishQuery]):
    if not (
        request.scope.has(Cap.MATCHING_VIEW, filters.community_id) or request.scope.has(Cap.WISH_POST, filters.community_id)
    ):
        raise NotFound()
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id)
    qs = selectors.wish_list_for_user(scope=request.scope, community=community, status=filters.status, mine=filters.mine)
    return list(qs.select_related("community")[:500])


@router.post("/wishes", response={201: WishStaffOut}, summary="Post a wish for a resident (accepts an Idempotency-Key)")
def wish_post(request, payload: WishIn):
    from residents.selectors import resident_get_for_user

    resident = resident_get_for_user(scope=request.scope, resident_id=payload.resident_id)
    wish = services.wish_post(
        actor=request.scope, resident=resident, idempotency_key=_key(request), **payload.dict(exclude={"resident_id"})
    )
    return Status(201, wish)


@router.get("/wishes/{wish_id}", response=WishStaffOut)
def wish_detail(request, wish_id: int):
    return selectors.wish_get_for_user(scope=request.scope, wish_id=wish_id)


@router.post("/wishes/{wish_id}/withdraw", response=WishStaffOut)
def wish_withdraw(request, wish_id: int, payload: TextIn):
    wish = selectors.wish_get_for_user(scope=request.scope, wish_id=wish_id, cap=Cap.WISH_POST)
    return services.wish_withdraw(actor=request.scope, wish=wish, reason=payload.text)


@router.post("/wishes/{wish_id}/thank", response=WishStaffOut, summary="Record the resident's thanks")
def wish_thank(request, wish_id: int, payload: TextIn):
    wish = selectors.wish_get_for_user(scope=request.scope, wish_id=wish_id, cap=Cap.WISH_POST)
    return services.wish_thank(actor=request.scope, wish=wish, thanks=payload.text)


@router.post("/wishes/{wish_id}/release", response=WishStaffOut, summary="Release a stalled claim")
def wish_release(request, wish_id: int, payload: TextIn):
    wish = selectors.wish_get_for_user(scope=request.scope, wish_id=wish_id, cap=Cap.WISH_POST)
    return services.wish_release(actor=request.scope, wish=wish, reason=payload.text)


@router.post("/wishes/{wish_id}/fulfil", response=WishStaffOut, summary="Record fulfilment with a photo")
def wish_fulfil(request, wish_id: int, photo: File[UploadedFile], note: Form[str] = ""):
    wish = selectors.wish_get_for_user(scope=request.scope, wish_id=wish_id, cap=Cap.WISH_POST)
    return services.wish_fulfil(actor=request.scope, wish=wish, photo=photo, note=note)


@router.post(
    "/wishes/{wish_id}/claim",
    response=WishOut,
    summary="Claim a wish: anyone logged in, in any community; one claimant per wish",
)
def wish_claim(request, wish_id: int, payload: ClaimIn):
    wish = selectors.public_wish(wish_id=wish_id)
    return services.wish_claim(actor=request.scope, wish=wish, promise=payload.promise, display_name=payload.display_name)


# --- My own: needs I raised, wishes I claimed ------------------------------------------------------


@router.get("/me/needs", response=list[NeedOut], summary="The needs I raised")
def my_needs(request):
    return list(selectors.need_list_for_resident(user=request.user)[:200])


@router.post("/me/needs", response={201: NeedOut}, summary="Raise a need (accepts an Idempotency-Key header)")
def my_need_raise(request, payload: RaiseIn):
    return Status(201, services.need_raise(user=request.user, idempotency_key=_key(request), **payload.dict()))


@router.get("/me/claims", response=list[WishOut], summary="The wishes I claimed")
def my_claims(request):
    return list(selectors.wish_list_claimed_by(user=request.user)[:200])


@router.post("/me/claims/{wish_id}/release", response=WishOut, summary="Give a claimed wish back")
def my_claim_release(request, wish_id: int, payload: TextIn):
    wish = selectors.wish_get_claimed_by(user=request.user, wish_id=wish_id)
    return services.wish_release(actor=request.scope, wish=wish, reason=payload.text)


@router.post("/me/claims/{wish_id}/fulfil", response=WishOut, summary="Record that I fulfilled it, with a photo")
def my_claim_fulfil(request, wish_id: int, photo: File[UploadedFile], note: Form[str] = ""):
    wish = selectors.wish_get_claimed_by(user=request.user, wish_id=wish_id)
    return services.wish_fulfil(actor=request.scope, wish=wish, photo=photo, note=note)


# --- Public: no login ----------------------------------------------------------------------------


def _public_community(community_id: int) -> OrgNode:
    community = OrgNode.objects.filter(pk=community_id, kind=NodeKind.COMMUNITY).first()
    if community is None:
        raise NotFound()
    return community


@router.get(
    "/public/communities/{community_id}/wishes",
    auth=None,
    response=list[WishOut],
    summary="A community's wish wall (public; never who the resident is)",
)
def public_wish_list(request, community_id: int, status: str = ""):
    community = _public_community(community_id)
    return list(selectors.public_wishes(community=community, status=status).select_related("community")[:300])


@router.get("/public/wishes/{wish_id}", auth=None, response=WishOut, summary="A wish (public)")
def public_wish_detail(request, wish_id: int):
    return selectors.public_wish(wish_id=wish_id)


@router.get(
    "/public/communities/{community_id}/figures",
    auth=None,
    response=MatchingFiguresOut,
    summary="Wishes claimed and fulfilled, open needs and projects (public)",
)
def public_figures(request, community_id: int):
    return selectors.public_figures(community=_public_community(community_id))
