"""What linli/tests/test_access_control.py needs to check the partners endpoints.

The objects of each side are made through the partners services by that side's staff, once per
test: an open recruitment call with one application (with a licence scan), and an active partner
with a signed agreement (one commitment, one room slot) and one staff member.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.testkit import PASSWORD, World
from orgs.scope import Scope
from partners import services
from partners.models import (
    Agreement,
    AgreementSlot,
    Application,
    ApplicationDocument,
    Commitment,
    Partner,
    PartnerMember,
    RecruitmentCall,
)
from partners.services import slots as slot_services
from partners.uscc import check_character


def _uscc(side: str, n: int) -> str:
    first17 = f"91370305MA{'AB'.index(side.upper())}{n:06d}"
    return first17 + check_character(first17)


@dataclass
class Objects:
    call: RecruitmentCall
    application: Application
    document: ApplicationDocument
    partner: Partner
    agreement: Agreement
    commitment: Commitment
    member: PartnerMember
    slot: AgreementSlot


def objects(world: World, side: str) -> Objects:
    def make() -> Objects:
        from accounts.services import user_create
        from spaces import hours
        from spaces.models import RoomFunction
        from spaces.services import RoomFields, room_create

        staff = Scope(world.staff(side))
        community = world.community(side)
        label = side.upper()
        call = services.call_create(
            actor=staff, community=community, title=f"{label}侧合伙人招募令", summary="招募托育、助餐合伙人"
        )
        services.call_publish(actor=staff, call=call)
        application = services.application_submit(
            call=call,
            party_type="organisation",
            kind="training",
            name=f"{label}侧申请机构甲",
            credit_code=_uscc(side, 1),
            contact_name=f"{label}侧申请联系人",
            contact_phone=f"1370000{side == 'a' and 1 or 2}911",
            services="课后托管",
            documents=[SimpleUploadedFile("licence.pdf", b"%PDF-1.4\n%%EOF")],
        )
        partner = services.partner_create(
            actor=staff,
            community=community,
            kind="catering",
            party_type="organisation",
            name=f"{label}侧合伙餐厅",
            credit_code=_uscc(side, 2),
            contact_name=f"{label}侧合伙人联系人",
            contact_phone=f"1370000{side == 'a' and 1 or 2}922",
            services="社区助餐，老人优惠",
        )
        today = timezone.localdate()
        agreement = services.agreement_create(
            actor=staff,
            partner=partner,
            starts_on=today,
            ends_on=today + dt.timedelta(days=180),
            share_basis="revenue",
            share_bp=1000,
        )
        commitment = services.commitment_add(
            actor=staff, agreement=agreement, title="独居老人免费送餐", metric="送餐户数", unit="户", target=10
        )
        room = room_create(
            actor=None,
            community=community,
            fields=RoomFields(
                name=f"{label}侧合伙人厨房",
                function=RoomFunction.objects.order_by("pk").first(),
                area_m2=40,
                week=hours.parse_week("周一至周日 06:00-21:00"),
            ),
        )
        slot_services.slot_add(
            actor=staff,
            agreement=agreement,
            room=room,
            weekdays=[5, 6],
            start_time=dt.time(10, 0),
            end_time=dt.time(12, 0),
        )
        services.agreement_sign(
            actor=staff, agreement=agreement, community_signatory="社区书记", partner_signatory="合伙人代表"
        )
        user_create(username=f"partner-clerk-{side}", password=PASSWORD, display_name=f"{label}侧合伙人员工")
        member = services.partner_member_add(actor=staff, partner=partner, login=f"partner-clerk-{side}")
        return Objects(
            call=call,
            application=application,
            document=application.documents.get(),
            partner=partner,
            agreement=agreement,
            commitment=commitment,
            member=member,
            slot=agreement.slots.get(),
        )

    return world.once(f"partners.objects.{side}", make)


REGISTRY = {
    "call_id": lambda w, s: objects(w, s).call.pk,
    "application_id": lambda w, s: objects(w, s).application.pk,
    "document_id": lambda w, s: objects(w, s).document.pk,
    "partner_id": lambda w, s: objects(w, s).partner.pk,
    "agreement_id": lambda w, s: objects(w, s).agreement.pk,
    "commitment_id": lambda w, s: objects(w, s).commitment.pk,
    "member_id": lambda w, s: objects(w, s).member.pk,
    "slot_id": lambda w, s: objects(w, s).slot.pk,
}

# The public pages: a community's partners and what they offer, the recruitment calls and the
# application form. They show the partner's name, services and commitments and the call's text,
# never contact details or applicants (see partners/tests/test_public.py).
PUBLIC_PAGES = {
    "partners_public:index",
    "partners_public:community",
    "partners_public:call",
    "partners_public:call_apply",
    "partners_public:call_thanks",
    "partners_public:partner",
}
PUBLIC_OPERATIONS = {
    "GET /api/v1/partners/public/calls",
    "GET /api/v1/partners/public/calls/{call_id}",
    "POST /api/v1/partners/public/calls/{call_id}/applications",
    "GET /api/v1/partners/public/communities/{community_id}/partners",
    "GET /api/v1/partners/public/partners/{partner_id}",
}


def markers(world: World) -> dict[str, str]:
    b = objects(world, "b")
    return {
        b.application.name: "community B's applicant",
        b.application.contact_name: "community B applicant's contact person",
        b.application.contact_phone: "community B applicant's mobile number",
        b.application.contact_phone_masked: "community B applicant's masked mobile number",
        b.application.credit_code: "community B applicant's credit code",
        b.partner.contact_name: "community B partner's contact person",
        b.partner.contact_phone: "community B partner's mobile number",
        b.partner.contact_phone_masked: "community B partner's masked mobile number",
        b.partner.credit_code: "community B partner's credit code",
        b.agreement.number: "community B agreement's number",
        "partner-clerk-b": "community B partner's staff account",
    }
