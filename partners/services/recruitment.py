"""Recruitment calls (招募令), applications and their review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phone import normalize_phone
from linli.errors import Conflict, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from partners.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    CallStatus,
    ContactReveal,
    LogEntity,
    Partner,
    PartnerKind,
    PartnerStatus,
    RecruitmentCall,
)
from partners.services._common import (
    check_identity,
    check_partner_unique,
    clean_text,
    insert_partner,
    log,
    require,
    require_reason,
    stamp,
    transition,
    user_of,
)

# --- Recruitment calls ------------------------------------------------------------------------


def _check_call_fields(*, title: str, summary: str, kinds: list[str], opens_on, closes_on) -> dict:
    unknown = [k for k in kinds if k not in PartnerKind.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown kind of partner: %(kinds)s.") % {"kinds": ", ".join(unknown)}, code="bad_kind"
        )
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationFailed(_("The call cannot close before it opens."), code="bad_dates")
    return {
        "title": clean_text(title, max_length=100, field=_("Title"), required=True),
        "summary": clean_text(summary, max_length=300, field=_("Summary"), required=True),
        "kinds": list(dict.fromkeys(kinds)),
        "opens_on": opens_on,
        "closes_on": closes_on,
    }


@transaction.atomic
def call_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    title: str,
    summary: str,
    body: str = "",
    kinds: list[str] | None = None,
    spaces_offered: str = "",
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
) -> RecruitmentCall:
    require(actor, Cap.PARTNER_MANAGE, community.pk)
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Recruitment calls belong to a community."))
    fields = _check_call_fields(title=title, summary=summary, kinds=kinds or [], opens_on=opens_on, closes_on=closes_on)
    call = stamp(
        RecruitmentCall(
            community=community,
            body=(body or "").strip(),
            spaces_offered=(spaces_offered or "").strip(),
            created_by=user_of(actor),
            **fields,
        ),
        actor,
    )
    call.save()
    log(
        community_id=community.pk,
        entity=LogEntity.CALL,
        object_id=call.pk,
        action="create",
        actor=actor,
        to_status=call.status,
    )
    return call


@transaction.atomic
def call_update(
    *,
    actor: Scope | None,
    call: RecruitmentCall,
    title: str,
    summary: str,
    body: str = "",
    kinds: list[str] | None = None,
    spaces_offered: str = "",
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
) -> RecruitmentCall:
    require(actor, Cap.PARTNER_MANAGE, call.community_id)
    fields = _check_call_fields(title=title, summary=summary, kinds=kinds or [], opens_on=opens_on, closes_on=closes_on)
    for name, value in fields.items():
        setattr(call, name, value)
    call.body = (body or "").strip()
    call.spaces_offered = (spaces_offered or "").strip()
    stamp(call, actor).save()
    return call


@transaction.atomic
def call_publish(*, actor: Scope | None, call: RecruitmentCall) -> RecruitmentCall:
    """Draft or closed → open: the call appears on the public pages and takes applications."""
    require(actor, Cap.PARTNER_MANAGE, call.community_id)
    transition(
        call,
        entity=LogEntity.CALL,
        action="publish",
        allowed_from={CallStatus.DRAFT, CallStatus.CLOSED},
        to=CallStatus.OPEN,
        actor=actor,
        partner_id=None,
        fields={"published_at": call.published_at or timezone.now()},
    )
    return call


@transaction.atomic
def call_close(*, actor: Scope | None, call: RecruitmentCall) -> RecruitmentCall:
    require(actor, Cap.PARTNER_MANAGE, call.community_id)
    transition(
        call,
        entity=LogEntity.CALL,
        action="close",
        allowed_from={CallStatus.OPEN},
        to=CallStatus.CLOSED,
        actor=actor,
        partner_id=None,
    )
    return call


# --- Applications -------------------------------------------------------------------------------

MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Extension → (content type, how the file starts). The first bytes are checked too: a renamed
# executable or HTML page must not be stored as a "licence scan" and served back to staff.
DOCUMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


@dataclass(frozen=True)
class CheckedDocument:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def check_documents(files: list[UploadedFile]) -> list[CheckedDocument]:
    """Refuse too many files, too large ones, and anything that is not really a PDF, JPEG or PNG."""
    if len(files) > MAX_DOCUMENTS:
        raise ValidationFailed(_("Attach at most %(n)s files.") % {"n": MAX_DOCUMENTS}, code="too_many_documents")
    checked = []
    for upload in files:
        name = (upload.name or "document").rsplit("/", 1)[-1][-200:]
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if ext not in DOCUMENT_TYPES:
            raise ValidationFailed(
                _("“%(name)s”: only PDF, JPEG and PNG files are accepted.") % {"name": name}, code="bad_document_type"
            )
        if upload.size > MAX_DOCUMENT_BYTES:
            raise ValidationFailed(
                _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
                code="document_too_large",
            )
        content_type, magics = DOCUMENT_TYPES[ext]
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(magics):
            raise ValidationFailed(
                _("“%(name)s” is not a real %(type)s file.") % {"name": name, "type": ext.lstrip(".").upper()},
                code="bad_document_type",
            )
        checked.append(CheckedDocument(upload=upload, name=name, content_type=content_type, size=upload.size))
    return checked


@transaction.atomic
def application_submit(
    *,
    call: RecruitmentCall,
    party_type: str,
    kind: str,
    name: str,
    contact_name: str,
    contact_phone: str,
    services: str,
    credit_code: str = "",
    licence_no: str = "",
    welfare_offer: str = "",
    space_needs: str = "",
    documents: list[UploadedFile] | None = None,
    today: dt.date | None = None,
) -> Application:
    """Anyone may apply to an open call, without logging in (the call is public)."""
    if not call.is_accepting(today):
        raise Conflict(_("This recruitment call is not taking applications."), code="call_not_open")
    if kind not in PartnerKind.values:
        raise ValidationFailed(_("Choose what kind of partner you would be."), code="bad_kind")
    code, licence = check_identity(party_type=party_type, credit_code=credit_code, licence_no=licence_no)
    checked = check_documents(documents or [])
    phone = normalize_phone(contact_phone)
    application = Application(
        community_id=call.community_id,
        call=call,
        party_type=party_type,
        kind=kind,
        name=clean_text(name, max_length=100, field=_("Name"), required=True),
        credit_code=code,
        licence_no=licence,
        contact_name=clean_text(contact_name, max_length=50, field=_("Contact person"), required=True),
        contact_phone=phone,
        services=clean_text(services, max_length=4000, field=_("Services offered"), required=True),
        welfare_offer=clean_text(welfare_offer, max_length=4000, field=_("Free or low-cost services")),
        space_needs=clean_text(space_needs, max_length=2000, field=_("Rooms and times wanted")),
    )
    try:
        # A savepoint, so the unique constraints can refuse a second application cleanly.
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise Conflict(
            _("An application with this credit code or mobile number has already been made to this call."),
            code="duplicate_application",
        ) from None
    for doc in checked:
        ApplicationDocument.objects.create(
            community_id=call.community_id,
            application=application,
            file=doc.upload,
            original_name=doc.name,
            content_type=doc.content_type,
            size=doc.size,
        )
    log(
        community_id=call.community_id,
        entity=LogEntity.APPLICATION,
        object_id=application.pk,
        action="submit",
        actor=None,
        to_status=application.status,
    )
    return application


@transaction.atomic
def application_approve(*, actor: Scope | None, application: Application, reason: str = "") -> Partner:
    """Approve: the applicant becomes a partner, awaiting a signed agreement."""
    require(actor, Cap.PARTNER_MANAGE, application.community_id)
    check_partner_unique(
        community_id=application.community_id, name=application.name, credit_code=application.credit_code
    )
    reason = (reason or "").strip()[:300]
    transition(
        application,
        entity=LogEntity.APPLICATION,
        action="approve",
        allowed_from={ApplicationStatus.SUBMITTED},
        to=ApplicationStatus.APPROVED,
        actor=actor,
        partner_id=None,
        reason=reason,
        fields={"review_reason": reason, "reviewed_by": user_of(actor), "reviewed_at": timezone.now()},
    )
    return insert_partner(
        Partner(
            community_id=application.community_id,
            kind=application.kind,
            party_type=application.party_type,
            name=application.name,
            credit_code=application.credit_code,
            licence_no=application.licence_no,
            contact_name=application.contact_name,
            contact_phone=application.contact_phone,
            services=application.services,
            description=application.welfare_offer,
            status=PartnerStatus.APPROVED,
            application=application,
            created_by=user_of(actor),
        ),
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def application_reject(*, actor: Scope | None, application: Application, reason: str) -> Application:
    require(actor, Cap.PARTNER_MANAGE, application.community_id)
    reason = require_reason(reason)
    transition(
        application,
        entity=LogEntity.APPLICATION,
        action="reject",
        allowed_from={ApplicationStatus.SUBMITTED},
        to=ApplicationStatus.REJECTED,
        actor=actor,
        partner_id=None,
        reason=reason,
        fields={"review_reason": reason, "reviewed_by": user_of(actor), "reviewed_at": timezone.now()},
    )
    return application


def contact_reveal(*, actor: Scope, record: Application | Partner, reason: str) -> str:
    """The full contact number, for staff who manage partners; each look is logged (PIPL)."""
    require(actor, Cap.PARTNER_MANAGE, record.community_id)
    reason = clean_text(reason, max_length=200, field=_("Reason"))
    if len(reason) < 2:
        raise ValidationFailed(_("Say why you need the full number (this is logged)."), code="no_reason")
    ContactReveal.objects.create(
        community_id=record.community_id,
        entity=LogEntity.APPLICATION if isinstance(record, Application) else LogEntity.PARTNER,
        object_id=record.pk,
        actor=actor.user,
        reason=reason,
    )
    return record.contact_phone
