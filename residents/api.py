# No ``from __future__ import annotations`` here: django-ninja builds its query-parameter
# models from the real annotations, and a string ``Query[ListFilters]`` cannot be resolved
# (the list operation and /api/v1/openapi.json failed with a pydantic "not fully defined" error).
import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from accounts import reauth
from linli.errors import Forbidden, ValidationFailed
from orgs.roles import Cap
from orgs.selectors import community_get_for_user
from residents import selectors, selectors_privacy, services, services_privacy

router = Router(tags=["residents"])


class ResidentOut(Schema):
    """Sensitive numbers are always masked here; use the reveal operation (logged) for a full one."""

    id: int
    community_id: int
    name: str
    gender: str
    birth_date: dt.date
    age: int
    id_number_masked: str
    phone_masked: str
    grid_id: int
    grid_name: str
    address: str
    tags: list[str]

    @staticmethod
    def resolve_grid_name(obj) -> str:
        return obj.grid.name

    @staticmethod
    def resolve_tags(obj, context) -> list[str]:
        # The tags are read once per request, not once per resident of the list.
        request = context["request"]
        if not hasattr(request, "_linli_all_tags"):
            request._linli_all_tags = list(selectors.tag_list())
        return [t.name for t in selectors.effective_tags(obj, request._linli_all_tags)]


class ResidentIn(Schema):
    community_id: int
    name: str
    id_number: str
    phone: str = ""
    grid: str
    building: str = ""
    unit: str = ""
    room: str = ""
    note: str = ""


class ResidentPatch(Schema):
    name: str | None = None
    phone: str | None = None
    note: str | None = None


class ListFilters(Schema):
    community_id: int
    q: str = ""
    grid_id: int | None = None
    tag: str = ""


class RevealIn(Schema):
    field: str
    reason: str
    # Needed unless this session confirmed the password in the last minutes (token calls: always).
    password: str | None = None
    otp_code: str | None = None


class RevealOut(Schema):
    field: str
    value: str


class SelfOut(Schema):
    name: str
    gender: str
    birth_date: dt.date
    id_number: str
    phone: str
    community: str
    grid: str
    address: str


class SelfPatch(Schema):
    phone: str


class ConsentIn(Schema):
    purpose: str
    granted: bool
    method: str
    note: str = ""
    guardian_name: str = ""
    guardian_relation: str = ""


class ConsentOut(Schema):
    id: int
    purpose: str
    granted: bool
    at: dt.datetime
    method: str
    note: str
    guardian_name: str
    guardian_relation: str


class ConsentStateOut(Schema):
    purpose: str
    label: str
    granted: bool
    since: dt.datetime | None


class DeletionRequestIn(Schema):
    reason: str = ""


class DeletionRequestOut(Schema):
    id: int
    resident_id: int
    requested_at: dt.datetime
    reason: str
    status: str
    decided_at: dt.datetime | None
    decision_note: str


class DeletionDecisionIn(Schema):
    action: str  # "carry_out" or "refuse"
    note: str = ""


class MoveOutIn(Schema):
    left_on: dt.date


def _states(resident) -> list[ConsentStateOut]:
    return [
        ConsentStateOut(purpose=s.purpose, label=s.label, granted=s.granted, since=s.latest.at if s.latest else None)
        for s in selectors_privacy.consent_states(resident)
    ]


@router.get("/me/consents", response=list[ConsentStateOut], summary="My consents, as they stand")
def me_consents(request):
    return _states(selectors.resident_for_self(user=request.user))


@router.get("/me/deletion-requests", response=list[DeletionRequestOut], summary="My deletion requests and answers")
def me_deletion_requests(request):
    selectors.resident_for_self(user=request.user)
    return list(selectors_privacy.deletion_requests_for_self(user=request.user))


@router.post("/me/deletion-requests", response={201: DeletionRequestOut}, summary="Ask for my data to be deleted")
def me_deletion_request_create(request, payload: DeletionRequestIn):
    return Status(201, services_privacy.deletion_request_create(user=request.user, reason=payload.reason))


@router.get("/deletion-requests", response=list[DeletionRequestOut], summary="Residents' deletion requests")
@paginate(LimitOffsetPagination)
def deletion_request_list(request, community_id: int, status: str = "open"):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.RESIDENT_MANAGE)
    return selectors_privacy.deletion_request_list_for_user(scope=request.scope, community=community, status=status)


@router.post(
    "/deletion-requests/{deletion_request_id}/decide",
    response=DeletionRequestOut,
    summary="Carry out (anonymise) or refuse a deletion request",
)
def deletion_request_decide(request, deletion_request_id: int, payload: DeletionDecisionIn):
    found = selectors_privacy.deletion_request_get_for_user(scope=request.scope, deletion_request_id=deletion_request_id)
    if payload.action == "carry_out":
        return services_privacy.deletion_request_carry_out(actor=request.scope, request=found, note=payload.note)
    if payload.action == "refuse":
        return services_privacy.deletion_request_refuse(actor=request.scope, request=found, reason=payload.note)
    raise ValidationFailed(_("Choose to carry the request out or to refuse it."), code="bad_action")


@router.get("/", response=list[ResidentOut], summary="List residents of a community (masked)")
@paginate(LimitOffsetPagination)
def resident_list(request, filters: Query[ListFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.RESIDENT_VIEW)
    return selectors.resident_list_for_user(
        scope=request.scope, community=community, query=filters.q, grid_id=filters.grid_id, tag=filters.tag
    )


@router.post("/", response={201: ResidentOut}, summary="Register a resident")
def resident_create(request, payload: ResidentIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.RESIDENT_MANAGE)
    address = services.resolve_address(
        scope=request.scope, community=community, grid_name=payload.grid, building_name=payload.building,
        unit=payload.unit, room=payload.room,
    )
    resident = services.resident_create(
        actor=request.scope, community=community, name=payload.name, id_number=payload.id_number,
        phone=payload.phone, address=address, note=payload.note,
    )
    return Status(201, resident)


@router.get("/me", response=SelfOut, summary="My own record, in full")
def me(request):
    r = selectors.resident_for_self(user=request.user)
    return SelfOut(
        name=r.name, gender=r.gender, birth_date=r.birth_date, id_number=r.id_number, phone=r.phone,
        community=r.community.name, grid=r.grid.name, address=r.address,
    )


@router.patch("/me", response=SelfOut, summary="Correct my mobile number")
def me_update(request, payload: SelfPatch):
    services.resident_self_update(user=request.user, phone=payload.phone)
    return me(request)


@router.get("/{resident_id}", response=ResidentOut)
def resident_detail(request, resident_id: int):
    return selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id)


@router.patch("/{resident_id}", response=ResidentOut)
def resident_update(request, resident_id: int, payload: ResidentPatch):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id, cap=Cap.RESIDENT_MANAGE)
    return services.resident_update(
        actor=request.scope, resident=resident, name=payload.name, phone=payload.phone, note=payload.note
    )


@router.get("/{resident_id}/consents", response=list[ConsentOut], summary="A resident's consent records, newest first")
def resident_consents(request, resident_id: int):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id)
    return list(selectors_privacy.consent_history(resident))


@router.post("/{resident_id}/consents", response={201: ConsentOut}, summary="Record a consent or its withdrawal")
def resident_consent_create(request, resident_id: int, payload: ConsentIn):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id, cap=Cap.RESIDENT_MANAGE)
    record = services_privacy.consent_record(
        actor=request.scope, resident=resident, purpose=payload.purpose, granted=payload.granted, method=payload.method,
        note=payload.note, guardian_name=payload.guardian_name, guardian_relation=payload.guardian_relation,
    )
    return Status(201, record)


@router.post("/{resident_id}/move-out", response=ResidentOut, summary="Record that a resident moved out")
def resident_move_out(request, resident_id: int, payload: MoveOutIn):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id, cap=Cap.RESIDENT_MANAGE)
    return services_privacy.resident_move_out(actor=request.scope, resident=resident, left_on=payload.left_on)


@router.post("/{resident_id}/reveal", response=RevealOut, summary="See a full ID or mobile number (logged)")
def resident_reveal(request, resident_id: int, payload: RevealIn):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id)
    if not request.scope.has(Cap.RESIDENT_REVEAL, resident.community_id):
        raise Forbidden(_("Your role may not see full ID or mobile numbers."))
    reauth.require_recent(request, password=payload.password, code=payload.otp_code)
    value = services.resident_reveal(
        actor=request.scope, resident=resident, field=payload.field, reason=payload.reason,
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return RevealOut(field=payload.field, value=value)
