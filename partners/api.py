"""The partners JSON API: the same selectors and services as the pages, thin.

Staff operations need ``partner.view`` / ``partner.manage`` in the record's community; a
partner's own staff reach their partner's agreements and commitments (and nothing else) through
the same operations and ``/portal``; ``/public/…`` answers without logging in and never returns
contact details.
"""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from linli.errors import ValidationFailed
from orgs.roles import Cap
from orgs.selectors import community_get_for_user
from partners import selectors, services
from partners.models import ApplicationStatus, MemberRole
from partners.pdf import agreement_pdf
from partners.services import slots as slot_services

router = Router(tags=["partners"])


# --- Schemas -----------------------------------------------------------------------------------


class CallOut(Schema):
    id: int
    community_id: int
    title: str
    summary: str
    body: str
    kinds: list[str]
    spaces_offered: str
    opens_on: dt.date | None
    closes_on: dt.date | None
    status: str
    published_at: dt.datetime | None


class CallIn(Schema):
    community_id: int
    title: str
    summary: str
    body: str = ""
    kinds: list[str] = []
    spaces_offered: str = ""
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None


class CallUpdate(Schema):
    title: str
    summary: str
    body: str = ""
    kinds: list[str] = []
    spaces_offered: str = ""
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None


class PartnerDocumentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int


class PartnerApplicationOut(Schema):
    """Contact numbers are masked; staff who need the full number open it on the page (logged)."""

    id: int
    community_id: int
    call_id: int
    party_type: str
    kind: str
    name: str
    credit_code: str
    licence_no: str
    contact_name: str
    contact_phone_masked: str
    services: str
    welfare_offer: str
    space_needs: str
    status: str
    review_reason: str
    reviewed_at: dt.datetime | None
    created_at: dt.datetime
    documents: list[PartnerDocumentOut]

    @staticmethod
    def resolve_documents(obj) -> list:
        return list(obj.documents.all())


class ApplicationIn(Schema):
    party_type: str
    kind: str
    name: str
    contact_name: str
    contact_phone: str
    services: str
    credit_code: str = ""
    licence_no: str = ""
    welfare_offer: str = ""
    space_needs: str = ""
    consent: bool


class ContactOut(Schema):
    contact_name: str
    contact_phone: str


class ApplicationReceipt(Schema):
    id: int
    status: str


class PartnerReasonIn(Schema):
    reason: str = ""


class PartnerOut(Schema):
    id: int
    community_id: int
    kind: str
    party_type: str
    name: str
    credit_code: str
    licence_no: str
    contact_name: str
    contact_phone_masked: str
    services: str
    description: str
    status: str
    status_changed_at: dt.datetime
    application_id: int | None


class PartnerIn(Schema):
    community_id: int
    kind: str
    party_type: str
    name: str
    services: str
    credit_code: str = ""
    licence_no: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    description: str = ""


class PartnerPatch(Schema):
    kind: str | None = None
    services: str | None = None
    description: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


class PublicPartnerOut(Schema):
    id: int
    community_id: int
    name: str
    kind: str
    party_type: str
    services: str
    description: str


class PartnerMemberIn(Schema):
    login: str
    role: str = MemberRole.STAFF


class PartnerMemberOut(Schema):
    id: int
    partner_id: int
    user_id: int
    user: str
    role: str

    @staticmethod
    def resolve_user(obj) -> str:
        return str(obj.user)


class LogOut(Schema):
    created_at: dt.datetime
    entity: str
    object_id: int
    action: str
    from_status: str
    to_status: str
    reason: str
    actor: str | None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class EvaluationIn(Schema):
    period_start: dt.date
    period_end: dt.date
    staff_score: int
    recommendation: str
    comment: str = ""


class EvaluationOut(Schema):
    id: int
    partner_id: int
    agreement_id: int | None
    period_start: dt.date
    period_end: dt.date
    staff_score: int
    resident_score: float | None
    resident_ratings: int
    recommendation: str
    comment: str
    created_at: dt.datetime


class RatingIn(Schema):
    score: int
    comment: str = ""


class RatingOut(Schema):
    partner_id: int
    month: dt.date
    score: int


class RatingSummaryOut(Schema):
    average: float | None
    count: int


class CommitmentIn(Schema):
    title: str
    metric: str
    target: int
    unit: str = ""
    period: str = "term"


class CommitmentOut(Schema):
    id: int
    agreement_id: int
    partner_id: int
    title: str
    metric: str
    unit: str
    target: int
    period: str


class ProgressOut(Schema):
    commitment: CommitmentOut
    period_start: dt.date
    period_end: dt.date
    done: int
    term_done: int
    target: int
    percent: int
    met: bool
    behind: bool


class EntryIn(Schema):
    occurred_on: dt.date
    quantity: int
    note: str = ""


class PartnerEntryOut(Schema):
    id: int
    commitment_id: int
    occurred_on: dt.date
    quantity: int
    note: str
    recorded_as: str
    created_at: dt.datetime


class CommitmentDetailOut(Schema):
    progress: ProgressOut
    entries: list[PartnerEntryOut]


class SlotIn(Schema):
    room_id: int
    weekdays: list[int]
    start_time: dt.time
    end_time: dt.time


class PartnerSlotOut(Schema):
    slot_id: int
    room_id: int
    room_name: str
    weekdays: list[int]
    start_time: dt.time
    end_time: dt.time
    booked: bool


class AgreementIn(Schema):
    partner_id: int
    starts_on: dt.date
    ends_on: dt.date
    space_terms: str = ""
    monthly_rent_fen: int = 0
    utilities_paid_by: str = "partner"
    running_costs_paid_by: str = "partner"
    cost_notes: str = ""
    service_terms: str = ""
    share_basis: str = "none"
    share_bp: int = 0
    share_recipient: str = "community_fund"
    share_recipient_name: str = ""
    settlement_period: str = "quarterly"


class AgreementPatch(Schema):
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    space_terms: str | None = None
    monthly_rent_fen: int | None = None
    utilities_paid_by: str | None = None
    running_costs_paid_by: str | None = None
    cost_notes: str | None = None
    service_terms: str | None = None
    share_basis: str | None = None
    share_bp: int | None = None
    share_recipient: str | None = None
    share_recipient_name: str | None = None
    settlement_period: str | None = None


class AgreementOut(Schema):
    """``share_bp``: basis points (3000 = 30%) of revenue or profit, per ``share_basis``."""

    id: int
    number: str
    community_id: int
    partner_id: int
    partner_name: str
    renews_id: int | None
    status: str
    starts_on: dt.date
    ends_on: dt.date
    space_terms: str
    monthly_rent_fen: int
    utilities_paid_by: str
    running_costs_paid_by: str
    cost_notes: str
    service_terms: str
    share_basis: str
    share_bp: int
    share_recipient: str
    share_recipient_name: str
    settlement_period: str
    community_signatory: str
    partner_signatory: str
    signed_at: dt.datetime | None
    terminated_at: dt.datetime | None
    termination_reason: str
    commitments: list[CommitmentOut]
    slots: list[PartnerSlotOut]

    @staticmethod
    def resolve_partner_name(obj) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_commitments(obj) -> list:
        return list(obj.commitments.all())

    @staticmethod
    def resolve_slots(obj) -> list:
        return selectors.agreement_slots(agreement=obj)


class SignIn(Schema):
    community_signatory: str
    partner_signatory: str


class RenewIn(Schema):
    ends_on: dt.date


class PortalPartnerOut(Schema):
    partner: PublicPartnerOut
    status: str
    agreements: list[AgreementOut]
    progress: list[ProgressOut]


class PartnerFilters(Schema):
    community_id: int
    status: str = ""
    kind: str = ""
    q: str = ""


class ApplicationFilters(Schema):
    community_id: int
    status: str = ""


class AgreementFilters(Schema):
    community_id: int
    status: str = ""


class PartnerCommunityQuery(Schema):
    community_id: int


def _progress_out(p) -> ProgressOut:
    return ProgressOut(
        commitment=CommitmentOut.from_orm(p.commitment),
        period_start=p.period_start,
        period_end=p.period_end,
        done=p.done,
        term_done=p.term_done,
        target=p.target,
        percent=p.percent,
        met=p.met,
        behind=p.behind,
    )


# --- Public: no login ------------------------------------------------------------------------


@router.get("/public/calls", auth=None, response=list[CallOut], summary="Open recruitment calls (public)")
def public_call_list(request):
    return list(selectors.public_calls(open_only=True)[:200])


@router.get("/public/calls/{call_id}", auth=None, response=CallOut, summary="A recruitment call (public)")
def public_call_detail(request, call_id: int):
    return selectors.public_call_get(call_id=call_id)


@router.post(
    "/public/calls/{call_id}/applications",
    auth=None,
    response={201: ApplicationReceipt},
    summary="Apply to a recruitment call (public; documents are uploaded on the page)",
)
def public_application_submit(request, call_id: int, payload: ApplicationIn):
    call = selectors.public_call_get(call_id=call_id)
    if not payload.consent:
        raise ValidationFailed(
            _("Agree to the use of your contact details for the review, or the application cannot be made."),
            code="no_consent",
        )
    application = services.application_submit(call=call, **payload.dict(exclude={"consent"}))
    return Status(201, ApplicationReceipt(id=application.pk, status=application.status))


@router.get(
    "/public/communities/{community_id}/partners",
    auth=None,
    response=list[PublicPartnerOut],
    summary="A community's active partners and what they offer (public)",
)
def public_partner_list(request, community_id: int):
    community = selectors.public_community_get(community_id=community_id)
    return list(selectors.public_partners(community=community))


@router.get("/public/partners/{partner_id}", auth=None, response=PublicPartnerOut, summary="A partner (public)")
def public_partner_detail(request, partner_id: int):
    return selectors.public_partner_get(partner_id=partner_id)


# --- Recruitment calls and applications (staff) ---------------------------------------------


@router.get("/calls", response=list[CallOut], summary="Recruitment calls of a community")
def call_list(request, filters: Query[PartnerCommunityQuery]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.PARTNER_VIEW)
    return list(selectors.call_list_for_user(scope=request.scope, community=community))


@router.post("/calls", response={201: CallOut}, summary="Draft a recruitment call")
def call_create(request, payload: CallIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.PARTNER_MANAGE)
    call = services.call_create(actor=request.scope, community=community, **payload.dict(exclude={"community_id"}))
    return Status(201, call)


@router.get("/calls/{call_id}", response=CallOut)
def call_detail(request, call_id: int):
    return selectors.call_get_for_user(scope=request.scope, call_id=call_id)


@router.put("/calls/{call_id}", response=CallOut)
def call_update(request, call_id: int, payload: CallUpdate):
    call = selectors.call_get_for_user(scope=request.scope, call_id=call_id, cap=Cap.PARTNER_MANAGE)
    return services.call_update(actor=request.scope, call=call, **payload.dict())


@router.post("/calls/{call_id}/publish", response=CallOut, summary="Publish (or reopen) a call")
def call_publish(request, call_id: int):
    call = selectors.call_get_for_user(scope=request.scope, call_id=call_id, cap=Cap.PARTNER_MANAGE)
    return services.call_publish(actor=request.scope, call=call)


@router.post("/calls/{call_id}/close", response=CallOut)
def call_close(request, call_id: int):
    call = selectors.call_get_for_user(scope=request.scope, call_id=call_id, cap=Cap.PARTNER_MANAGE)
    return services.call_close(actor=request.scope, call=call)


@router.get("/applications", response=list[PartnerApplicationOut], summary="Applications of a community")
@paginate(LimitOffsetPagination)
def application_list(request, filters: Query[ApplicationFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.PARTNER_VIEW)
    status = filters.status if filters.status in ApplicationStatus.values else ""
    return selectors.application_list_for_user(
        scope=request.scope, community=community, status=status
    ).prefetch_related("documents")


@router.get("/applications/{application_id}", response=PartnerApplicationOut)
def application_detail(request, application_id: int):
    return selectors.application_get_for_user(scope=request.scope, application_id=application_id)


@router.post("/applications/{application_id}/approve", response=PartnerOut, summary="Approve: creates the partner")
def application_approve(request, application_id: int, payload: PartnerReasonIn):
    application = selectors.application_get_for_user(
        scope=request.scope, application_id=application_id, cap=Cap.PARTNER_MANAGE
    )
    return services.application_approve(actor=request.scope, application=application, reason=payload.reason)


@router.post("/applications/{application_id}/reject", response=PartnerApplicationOut, summary="Reject, with a reason")
def application_reject(request, application_id: int, payload: PartnerReasonIn):
    application = selectors.application_get_for_user(
        scope=request.scope, application_id=application_id, cap=Cap.PARTNER_MANAGE
    )
    return services.application_reject(actor=request.scope, application=application, reason=payload.reason)


@router.post(
    "/applications/{application_id}/contact",
    response=ContactOut,
    summary="The applicant's full contact number (give a reason; logged)",
)
def application_contact(request, application_id: int, payload: PartnerReasonIn):
    application = selectors.application_get_for_user(
        scope=request.scope, application_id=application_id, cap=Cap.PARTNER_MANAGE
    )
    phone = services.contact_reveal(actor=request.scope, record=application, reason=payload.reason)
    return ContactOut(contact_name=application.contact_name, contact_phone=phone)


# --- Agreements, commitments, slots ----------------------------------------------------------
# (declared before "/{partner_id}" so that the literal paths win)


@router.get("/agreements", response=list[AgreementOut], summary="Agreements of a community")
@paginate(LimitOffsetPagination)
def agreement_list(request, filters: Query[AgreementFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.PARTNER_VIEW)
    return selectors.agreement_list_for_user(
        scope=request.scope, community=community, status=filters.status
    ).prefetch_related("commitments")


@router.post("/agreements", response={201: AgreementOut}, summary="Draft an agreement with a partner")
def agreement_create(request, payload: AgreementIn):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=payload.partner_id, cap=Cap.PARTNER_MANAGE)
    agreement = services.agreement_create(actor=request.scope, partner=partner, **payload.dict(exclude={"partner_id"}))
    return Status(201, agreement)


@router.get(
    "/agreements/{agreement_id}", response=AgreementOut, summary="An agreement (staff, or the partner's own staff)"
)
def agreement_detail(request, agreement_id: int):
    return selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, portal=True)


@router.patch("/agreements/{agreement_id}", response=AgreementOut, summary="Change a draft's terms")
def agreement_update(request, agreement_id: int, payload: AgreementPatch):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    return services.agreement_update(actor=request.scope, agreement=agreement, **payload.dict(exclude_none=True))


@router.post("/agreements/{agreement_id}/sign", response=AgreementOut, summary="Record the signing; books the rooms")
def agreement_sign(request, agreement_id: int, payload: SignIn):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    return services.agreement_sign(actor=request.scope, agreement=agreement, **payload.dict())


@router.post("/agreements/{agreement_id}/terminate", response=AgreementOut)
def agreement_terminate(request, agreement_id: int, payload: PartnerReasonIn):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    return services.agreement_terminate(actor=request.scope, agreement=agreement, reason=payload.reason)


@router.post("/agreements/{agreement_id}/cancel", response=AgreementOut, summary="Cancel a draft")
def agreement_cancel(request, agreement_id: int, payload: PartnerReasonIn):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    return services.agreement_cancel(actor=request.scope, agreement=agreement, reason=payload.reason)


@router.post("/agreements/{agreement_id}/renew", response={201: AgreementOut}, summary="Draft a renewal")
def agreement_renew(request, agreement_id: int, payload: RenewIn):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    return Status(201, services.agreement_renew(actor=request.scope, agreement=agreement, ends_on=payload.ends_on))


@router.get("/agreements/{agreement_id}/pdf", summary="The agreement as a printable PDF (Chinese)")
def agreement_pdf_download(request, agreement_id: int):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, portal=True)
    response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=agreement-{agreement.number}.pdf"
    return response


@router.post(
    "/agreements/{agreement_id}/commitments", response={201: CommitmentOut}, summary="Add a commitment (draft)"
)
def commitment_add(request, agreement_id: int, payload: CommitmentIn):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    return Status(201, services.commitment_add(actor=request.scope, agreement=agreement, **payload.dict()))


@router.post("/agreements/{agreement_id}/slots", response={201: PartnerSlotOut}, summary="Grant a room's weekly slot (draft)")
def slot_add(request, agreement_id: int, payload: SlotIn):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    room = slot_services.room_get(scope=request.scope, room_id=payload.room_id)
    slot = slot_services.slot_add(
        actor=request.scope,
        agreement=agreement,
        room=room,
        weekdays=payload.weekdays,
        start_time=payload.start_time,
        end_time=payload.end_time,
    )
    rows = {s.slot_id: s for s in selectors.agreement_slots(agreement=agreement)}
    return Status(201, rows[slot.pk])


@router.delete("/slots/{slot_id}", response={204: None}, summary="Remove a slot from a draft")
def slot_remove(request, slot_id: int):
    slot = slot_services.slot_get_for_user(scope=request.scope, slot_id=slot_id)
    slot_services.slot_remove(actor=request.scope, slot=slot)
    return Status(204, None)


@router.get(
    "/commitments/{commitment_id}",
    response=CommitmentDetailOut,
    summary="A commitment's progress and entries (staff, or the partner's own staff)",
)
def commitment_detail(request, commitment_id: int):
    commitment = selectors.commitment_get_for_user(scope=request.scope, commitment_id=commitment_id, portal=True)
    return CommitmentDetailOut(
        progress=_progress_out(selectors.commitment_progress(commitment)),
        entries=[PartnerEntryOut.from_orm(e) for e in selectors.commitment_entries(commitment=commitment)[:500]],
    )


@router.post(
    "/commitments/{commitment_id}/entries",
    response={201: PartnerEntryOut},
    summary="Record progress (staff, or the partner's own staff)",
)
def commitment_entry_record(request, commitment_id: int, payload: EntryIn):
    commitment = selectors.commitment_get_for_user(scope=request.scope, commitment_id=commitment_id, portal=True)
    entry = services.commitment_entry_record(actor=request.scope, commitment=commitment, **payload.dict())
    return Status(201, entry)


@router.delete("/commitments/{commitment_id}", response={204: None}, summary="Remove a commitment from a draft")
def commitment_remove(request, commitment_id: int):
    commitment = selectors.commitment_get_for_user(
        scope=request.scope, commitment_id=commitment_id, cap=Cap.PARTNER_MANAGE
    )
    services.commitment_remove(actor=request.scope, commitment=commitment)
    return Status(204, None)


# --- The partner portal --------------------------------------------------------------------


@router.get("/portal", response=list[PortalPartnerOut], summary="My partners: agreements and commitments' progress")
def portal(request):
    out = []
    for partner in selectors.portal_partners(scope=request.scope):
        agreements = list(
            selectors.portal_agreements(scope=request.scope, partner=partner).prefetch_related("commitments")
        )
        progress = selectors.commitments_progress(selectors.portal_commitments(scope=request.scope, partner=partner))
        out.append(
            {
                "partner": partner,
                "status": partner.status,
                "agreements": agreements,
                "progress": [_progress_out(p) for p in progress],
            }
        )
    return out


@router.delete("/members/{member_id}", response={204: None}, summary="Remove a partner staff member")
def member_remove(request, member_id: int):
    member = selectors.member_get_for_user(scope=request.scope, member_id=member_id)
    services.partner_member_remove(actor=request.scope, member=member)
    return Status(204, None)


# --- Partners -----------------------------------------------------------------------------------


@router.get("/", response=list[PartnerOut], summary="Partners of a community")
@paginate(LimitOffsetPagination)
def partner_list(request, filters: Query[PartnerFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.PARTNER_VIEW)
    return selectors.partner_list_for_user(
        scope=request.scope, community=community, status=filters.status, kind=filters.kind, query=filters.q
    )


@router.post("/", response={201: PartnerOut}, summary="Register a partner directly")
def partner_create(request, payload: PartnerIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.PARTNER_MANAGE)
    partner = services.partner_create(
        actor=request.scope, community=community, **payload.dict(exclude={"community_id"})
    )
    return Status(201, partner)


@router.get("/{partner_id}", response=PartnerOut)
def partner_detail(request, partner_id: int):
    return selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id)


@router.patch("/{partner_id}", response=PartnerOut)
def partner_update(request, partner_id: int, payload: PartnerPatch):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    return services.partner_update(actor=request.scope, partner=partner, **payload.dict())


@router.post("/{partner_id}/suspend", response=PartnerOut)
def partner_suspend(request, partner_id: int, payload: PartnerReasonIn):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    return services.partner_suspend(actor=request.scope, partner=partner, reason=payload.reason)


@router.post("/{partner_id}/reinstate", response=PartnerOut)
def partner_reinstate(request, partner_id: int, payload: PartnerReasonIn):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    return services.partner_reinstate(actor=request.scope, partner=partner, reason=payload.reason)


@router.post("/{partner_id}/exit", response=PartnerOut, summary="End the partnership (terminates agreements)")
def partner_exit(request, partner_id: int, payload: PartnerReasonIn):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    return services.partner_exit(actor=request.scope, partner=partner, reason=payload.reason)


@router.post(
    "/{partner_id}/contact", response=ContactOut, summary="The partner's full contact number (give a reason; logged)"
)
def partner_contact(request, partner_id: int, payload: PartnerReasonIn):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    phone = services.contact_reveal(actor=request.scope, record=partner, reason=payload.reason)
    return ContactOut(contact_name=partner.contact_name, contact_phone=phone)


@router.get("/{partner_id}/log", response=list[LogOut], summary="Every step, with who and when")
def partner_log(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id)
    return list(selectors.partner_log(partner=partner)[:500])


@router.get("/{partner_id}/members", response=list[PartnerMemberOut])
def member_list(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id)
    return list(selectors.member_list(partner=partner))


@router.post("/{partner_id}/members", response={201: PartnerMemberOut}, summary="Let an account work for the partner")
def member_add(request, partner_id: int, payload: PartnerMemberIn):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    return Status(201, services.partner_member_add(actor=request.scope, partner=partner, **payload.dict()))


@router.get("/{partner_id}/evaluations", response=list[EvaluationOut])
def evaluation_list(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id)
    return list(selectors.evaluation_list(partner=partner))


@router.post("/{partner_id}/evaluations", response={201: EvaluationOut}, summary="Evaluate a partner for a period")
def evaluation_create(request, partner_id: int, payload: EvaluationIn):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    return Status(201, services.evaluation_create(actor=request.scope, partner=partner, **payload.dict()))


@router.get("/{partner_id}/ratings", response=RatingSummaryOut, summary="Residents' average rating")
def rating_summary(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id)
    summary = selectors.rating_summary(partner=partner)
    return RatingSummaryOut(average=summary.average, count=summary.count)


@router.post("/{partner_id}/ratings", response={201: RatingOut}, summary="A resident rates the partner (1–5)")
def rating_submit(request, partner_id: int, payload: RatingIn):
    partner = selectors.public_partner_get(partner_id=partner_id)
    return Status(201, services.rating_submit(user=request.user, partner=partner, **payload.dict()))
