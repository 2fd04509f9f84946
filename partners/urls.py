from django.urls import path

from partners.views import portal, staff

app_name = "partners"

urlpatterns = [
    path("", staff.partner_list, name="list"),
    path("new/", staff.partner_create, name="create"),
    path("<int:partner_id>/", staff.partner_detail, name="detail"),
    path("<int:partner_id>/edit/", staff.partner_edit, name="edit"),
    path("<int:partner_id>/status/", staff.partner_status, name="status"),
    path("<int:partner_id>/contact/", staff.partner_contact, name="contact"),
    path("<int:partner_id>/history/", staff.partner_history, name="history"),
    path("<int:partner_id>/members/", staff.member_add, name="member_add"),
    path("<int:partner_id>/evaluations/new/", staff.evaluation_create, name="evaluation_create"),
    path("<int:partner_id>/agreements/new/", staff.agreement_create, name="agreement_create"),
    path("members/<int:member_id>/remove/", staff.member_remove, name="member_remove"),
    # Recruitment calls (招募令) and applications
    path("calls/", staff.call_list, name="call_list"),
    path("calls/new/", staff.call_create, name="call_create"),
    path("calls/<int:call_id>/", staff.call_detail, name="call_detail"),
    path("calls/<int:call_id>/edit/", staff.call_edit, name="call_edit"),
    path("calls/<int:call_id>/status/", staff.call_status, name="call_status"),
    path("applications/", staff.application_list, name="application_list"),
    path("applications/<int:application_id>/", staff.application_detail, name="application_detail"),
    path("applications/<int:application_id>/review/", staff.application_review, name="application_review"),
    path("applications/<int:application_id>/contact/", staff.application_contact, name="application_contact"),
    path("documents/<int:document_id>/", staff.document_download, name="document"),
    # Cooperation agreements (合作协议)
    path("agreements/", staff.agreement_list, name="agreement_list"),
    path("agreements/<int:agreement_id>/", staff.agreement_detail, name="agreement_detail"),
    path("agreements/<int:agreement_id>/edit/", staff.agreement_edit, name="agreement_edit"),
    path("agreements/<int:agreement_id>/sign/", staff.agreement_sign, name="agreement_sign"),
    path("agreements/<int:agreement_id>/terminate/", staff.agreement_terminate, name="agreement_terminate"),
    path("agreements/<int:agreement_id>/cancel/", staff.agreement_cancel, name="agreement_cancel"),
    path("agreements/<int:agreement_id>/renew/", staff.agreement_renew, name="agreement_renew"),
    path("agreements/<int:agreement_id>/agreement.pdf", staff.agreement_pdf_view, name="agreement_pdf"),
    path("agreements/<int:agreement_id>/commitments/", staff.commitment_add, name="commitment_add"),
    path("agreements/<int:agreement_id>/slots/", staff.slot_add, name="slot_add"),
    path("slots/<int:slot_id>/remove/", staff.slot_remove, name="slot_remove"),
    path("commitments/<int:commitment_id>/", staff.commitment_detail, name="commitment_detail"),
    path("commitments/<int:commitment_id>/remove/", staff.commitment_remove, name="commitment_remove"),
    # The partner portal: a partner's own staff, their partner only
    path("portal/", portal.portal_home, name="portal"),
    path("portal/agreements/<int:agreement_id>/", portal.portal_agreement, name="portal_agreement"),
    path(
        "portal/agreements/<int:agreement_id>/agreement.pdf", portal.portal_agreement_pdf, name="portal_agreement_pdf"
    ),
    path("portal/commitments/<int:commitment_id>/", portal.portal_commitment, name="portal_commitment"),
]
