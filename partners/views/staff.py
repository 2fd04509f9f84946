"""Community staff's pages: recruitment calls, review, partners, agreements, evaluations."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.errors import DomainError, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.views import console_community
from partners import selectors, services
from partners.forms import (
    AgreementForm,
    CallForm,
    CommitmentForm,
    EntryForm,
    EvaluationForm,
    MemberForm,
    PartnerEditForm,
    PartnerForm,
    ReasonForm,
    RenewForm,
    RevealForm,
    ReviewForm,
    SignForm,
    SlotForm,
    StatusForm,
)
from partners.models import (
    AgreementStatus,
    ApplicationStatus,
    CallStatus,
    LogEntity,
    PartnerKind,
    PartnerStatus,
    ShareBasis,
)
from partners.pdf import agreement_pdf
from partners.revenue import percent_to_bp, yuan_to_fen
from partners.services import slots as slot_services


def _need(request, cap: str):
    community = console_community(request)
    if not request.scope.has(cap, community.pk):
        raise NotFound()
    return community


def _can_manage(request, community_id: int) -> bool:
    return request.scope.has(Cap.PARTNER_MANAGE, community_id)


def _form_error(form, exc: DomainError) -> None:
    form.add_error(None, str(exc.message))


def _pdf_response(agreement) -> HttpResponse:
    response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=agreement-{agreement.number}.pdf"
    return response


# --- Partners -------------------------------------------------------------------------------


@login_required
def partner_list(request):
    community = _need(request, Cap.PARTNER_VIEW)
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    qs = selectors.partner_list_for_user(
        scope=request.scope,
        community=community,
        status=status if status in PartnerStatus.values else "",
        kind=kind if kind in PartnerKind.values else "",
        query=request.GET.get("q", ""),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/partner_list.html",
        {
            "community": community,
            "page": page,
            "statuses": PartnerStatus.choices,
            "kinds": PartnerKind.choices,
            "can_manage": _can_manage(request, community.pk),
            "waiting": selectors.application_list_for_user(
                scope=request.scope, community=community, status=ApplicationStatus.SUBMITTED
            ).count(),
        },
    )


@login_required
def partner_create(request):
    community = _need(request, Cap.PARTNER_MANAGE)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(actor=request.scope, community=community, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been registered as a partner.") % {"name": partner.name})
            return redirect("partners:detail", partner_id=partner.pk)
    return render(
        request, "partners/form.html", {"form": form, "title": _("Register a partner"), "community": community}
    )


@login_required
def partner_detail(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id)
    agreements = list(
        selectors.agreement_list_for_user(scope=request.scope, community=partner.community, partner=partner)
    )
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "agreements": agreements,
            "members": selectors.member_list(partner=partner),
            "evaluations": selectors.evaluation_list(partner=partner),
            "ratings": selectors.rating_summary(partner=partner),
            "recent_ratings": selectors.rating_list(partner=partner)[:10],
            "log": selectors.partner_log(partner=partner)[:20],
            "can_manage": _can_manage(request, partner.community_id),
            "status_form": StatusForm(),
            "member_form": MemberForm(),
            "reveal_form": RevealForm(),
        },
    )


@login_required
def partner_edit(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    initial = {f: getattr(partner, f) for f in ("kind", "contact_name", "contact_phone", "services", "description")}
    form = PartnerEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(actor=request.scope, partner=partner, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("partners:detail", partner_id=partner.pk)
    return render(
        request,
        "partners/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": partner.name}, "back": partner},
    )


@login_required
@require_POST
def partner_status(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Choose an action."))
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    do = {"suspend": services.partner_suspend, "reinstate": services.partner_reinstate, "exit": services.partner_exit}
    try:
        do[action](actor=request.scope, partner=partner, reason=reason)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("%(name)s is now “%(status)s”.") % {"name": partner.name, "status": partner.get_status_display()}
        )
    return redirect("partners:detail", partner_id=partner.pk)


@login_required
@require_POST
def partner_contact(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    form = RevealForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Say why you need the full number (this is logged)."), code="no_reason")
    value = services.contact_reveal(actor=request.scope, record=partner, reason=form.cleaned_data["reason"])
    return render(request, "partners/_revealed.html", {"value": value})


@login_required
@require_POST
def member_add(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            member = services.partner_member_add(actor=request.scope, partner=partner, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("%(user)s now works for %(partner)s.") % {"user": member.user, "partner": partner.name}
            )
    else:
        messages.error(request, _("Give the person's username or mobile number."))
    return redirect("partners:detail", partner_id=partner.pk)


@login_required
@require_POST
def member_remove(request, member_id: int):
    member = selectors.member_get_for_user(scope=request.scope, member_id=member_id)
    partner_id = member.partner_id
    services.partner_member_remove(actor=request.scope, member=member)
    messages.success(request, _("Removed."))
    return redirect("partners:detail", partner_id=partner_id)


@login_required
def partner_history(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id)
    records = list(partner.history.select_related("history_user").order_by("-history_date", "-history_id")[:101])
    changes = []
    # Newest first: each record's predecessor is the next one in the list (no query per row).
    for record, prev in zip(records[:100], records[1:] + [None], strict=False):
        diff = record.diff_against(prev).changes if prev else []
        changes.append({"record": record, "fields": [c.field for c in diff]})
    return render(
        request,
        "partners/partner_history.html",
        {"partner": partner, "log": selectors.partner_log(partner=partner)[:200], "changes": changes},
    )


@login_required
def evaluation_create(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    today = timezone.localdate()
    form = EvaluationForm(
        request.POST or None, initial={"period_start": today.replace(month=1, day=1), "period_end": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_create(actor=request.scope, partner=partner, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The evaluation has been recorded."))
            return redirect("partners:detail", partner_id=partner.pk)
    return render(
        request,
        "partners/evaluation_form.html",
        {"form": form, "partner": partner, "ratings": selectors.rating_summary(partner=partner)},
    )


# --- Recruitment calls and applications ----------------------------------------------------------


@login_required
def call_list(request):
    community = _need(request, Cap.PARTNER_VIEW)
    calls = selectors.call_list_for_user(scope=request.scope, community=community)
    return render(
        request,
        "partners/call_list.html",
        {"community": community, "calls": calls, "can_manage": _can_manage(request, community.pk)},
    )


@login_required
def call_create(request):
    community = _need(request, Cap.PARTNER_MANAGE)
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.scope, community=community, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The call is saved as a draft. Publish it when it is ready."))
            return redirect("partners:call_detail", call_id=call.pk)
    return render(
        request, "partners/form.html", {"form": form, "title": _("New recruitment call"), "community": community}
    )


def _poster_qr(request, call) -> str | None:
    """A QR code of the public call page, for posters in the building and WeChat groups."""
    if call.status == CallStatus.DRAFT:
        return None
    url = request.build_absolute_uri(reverse("partners_public:call", kwargs={"call_id": call.pk}))
    return segno.make(url, micro=False).svg_data_uri(scale=5, border=2)


@login_required
def call_detail(request, call_id: int):
    call = selectors.call_get_for_user(scope=request.scope, call_id=call_id)
    return render(
        request,
        "partners/call_detail.html",
        {
            "call": call,
            "applications": selectors.application_list_for_user(
                scope=request.scope, community=call.community, call=call
            ),
            "log": selectors.subject_log(community_id=call.community_id, entity=LogEntity.CALL, object_id=call.pk),
            "can_manage": _can_manage(request, call.community_id),
            "qr": _poster_qr(request, call),
        },
    )


@login_required
def call_edit(request, call_id: int):
    call = selectors.call_get_for_user(scope=request.scope, call_id=call_id, cap=Cap.PARTNER_MANAGE)
    initial = {
        f: getattr(call, f) for f in ("title", "summary", "kinds", "body", "spaces_offered", "opens_on", "closes_on")
    }
    form = CallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(actor=request.scope, call=call, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("partners:call_detail", call_id=call.pk)
    return render(request, "partners/form.html", {"form": form, "title": _("Edit recruitment call"), "back_call": call})


@login_required
@require_POST
def call_status(request, call_id: int):
    call = selectors.call_get_for_user(scope=request.scope, call_id=call_id, cap=Cap.PARTNER_MANAGE)
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.call_publish(actor=request.scope, call=call)
        elif action == "close":
            services.call_close(actor=request.scope, call=call)
        else:
            raise ValidationFailed(_("Choose an action."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The call is now “%(status)s”.") % {"status": call.get_status_display()})
    return redirect("partners:call_detail", call_id=call.pk)


@login_required
def application_list(request):
    community = _need(request, Cap.PARTNER_VIEW)
    status = request.GET.get("status", ApplicationStatus.SUBMITTED)
    qs = selectors.application_list_for_user(
        scope=request.scope, community=community, status=status if status in ApplicationStatus.values else ""
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/application_list.html",
        {"community": community, "page": page, "status": status, "statuses": ApplicationStatus.choices},
    )


@login_required
def application_detail(request, application_id: int):
    application = selectors.application_get_for_user(scope=request.scope, application_id=application_id)
    return render(
        request,
        "partners/application_detail.html",
        {
            "a": application,
            "documents": application.documents.all(),
            "log": selectors.subject_log(
                community_id=application.community_id, entity=LogEntity.APPLICATION, object_id=application.pk
            ),
            "partner": getattr(application, "partner", None)
            if application.status == ApplicationStatus.APPROVED
            else None,
            "can_manage": _can_manage(request, application.community_id),
            "review_form": ReviewForm(),
            "reveal_form": RevealForm(),
        },
    )


@login_required
@require_POST
def application_review(request, application_id: int):
    application = selectors.application_get_for_user(
        scope=request.scope, application_id=application_id, cap=Cap.PARTNER_MANAGE
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or reject."))
        return redirect("partners:application_detail", application_id=application.pk)
    try:
        if form.cleaned_data["decision"] == "approve":
            partner = services.application_approve(
                actor=request.scope, application=application, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("Approved: %(name)s is now a partner. Next, draft its agreement.") % {"name": partner.name}
            )
            return redirect("partners:detail", partner_id=partner.pk)
        services.application_reject(actor=request.scope, application=application, reason=form.cleaned_data["reason"])
        messages.success(request, _("The application has been rejected."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("partners:application_detail", application_id=application.pk)


@login_required
@require_POST
def application_contact(request, application_id: int):
    application = selectors.application_get_for_user(
        scope=request.scope, application_id=application_id, cap=Cap.PARTNER_MANAGE
    )
    form = RevealForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Say why you need the full number (this is logged)."), code="no_reason")
    value = services.contact_reveal(actor=request.scope, record=application, reason=form.cleaned_data["reason"])
    return render(request, "partners/_revealed.html", {"value": value})


@login_required
def document_download(request, document_id: int):
    document = selectors.document_get_for_user(scope=request.scope, document_id=document_id)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    suffix = PurePath(document.file.name).suffix
    response["Content-Disposition"] = f"inline; filename=document-{document.pk}{suffix}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Agreements -------------------------------------------------------------------------------


@login_required
def agreement_list(request):
    community = _need(request, Cap.PARTNER_VIEW)
    status = request.GET.get("status", "")
    qs = selectors.agreement_list_for_user(
        scope=request.scope, community=community, status=status if status in AgreementStatus.values else ""
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/agreement_list.html",
        {
            "community": community,
            "page": page,
            "status": status,
            "statuses": AgreementStatus.choices,
            "today": timezone.localdate(),
        },
    )


def _terms_from(form) -> dict:
    d = form.cleaned_data
    return {
        "starts_on": d["starts_on"],
        "ends_on": d["ends_on"],
        "space_terms": d["space_terms"],
        "monthly_rent_fen": yuan_to_fen(d["monthly_rent"]),
        "utilities_paid_by": d["utilities_paid_by"],
        "running_costs_paid_by": d["running_costs_paid_by"],
        "cost_notes": d["cost_notes"],
        "service_terms": d["service_terms"],
        "share_basis": d["share_basis"],
        "share_bp": percent_to_bp(d["share_percent"]) if d["share_basis"] != ShareBasis.NONE else 0,
        "share_recipient": d["share_recipient"],
        "share_recipient_name": d["share_recipient_name"],
        "settlement_period": d["settlement_period"],
    }


@login_required
def agreement_create(request, partner_id: int):
    partner = selectors.partner_get_for_user(scope=request.scope, partner_id=partner_id, cap=Cap.PARTNER_MANAGE)
    today = timezone.localdate()
    form = AgreementForm(
        request.POST or None,
        initial={
            "starts_on": today,
            "ends_on": selectors.add_months(today, 12) - dt.timedelta(days=1),
            "service_terms": partner.services,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=request.scope, partner=partner, **_terms_from(form))
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Draft saved. Add rooms, time slots and commitments, then sign it."))
            return redirect("partners:agreement_detail", agreement_id=agreement.pk)
    return render(
        request,
        "partners/form.html",
        {"form": form, "back": partner, "title": _("New agreement with %(name)s") % {"name": partner.name}},
    )


@login_required
def agreement_detail(request, agreement_id: int):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id)
    commitments = agreement.commitments.select_related("agreement")
    can_manage = _can_manage(request, agreement.community_id)
    is_draft = agreement.status == AgreementStatus.DRAFT
    rooms = (
        slot_services.rooms_for_agreement(scope=request.scope, agreement=agreement) if can_manage and is_draft else []
    )
    return render(
        request,
        "partners/agreement_detail.html",
        {
            "agreement": agreement,
            "slots": selectors.agreement_slots(agreement=agreement),
            "progress": selectors.commitments_progress(commitments),
            "log": selectors.subject_log(
                community_id=agreement.community_id, entity=LogEntity.AGREEMENT, object_id=agreement.pk
            ),
            "renewals": agreement.renewals.all(),
            "can_manage": can_manage,
            "is_draft": is_draft,
            "can_remove_slots": can_manage and is_draft,
            "slot_form": SlotForm(rooms=rooms) if rooms else None,
            "commitment_form": CommitmentForm(),
            "sign_form": SignForm(initial={"partner_signatory": agreement.partner.contact_name}),
            "renew_form": RenewForm(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
def agreement_edit(request, agreement_id: int):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    initial = {
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "space_terms": agreement.space_terms,
        "monthly_rent": f"{agreement.monthly_rent_fen / 100:.2f}" if agreement.monthly_rent_fen else "",
        "utilities_paid_by": agreement.utilities_paid_by,
        "running_costs_paid_by": agreement.running_costs_paid_by,
        "cost_notes": agreement.cost_notes,
        "service_terms": agreement.service_terms,
        "share_basis": agreement.share_basis,
        "share_percent": agreement.share_percent if agreement.share_bp else "",
        "share_recipient": agreement.share_recipient,
        "share_recipient_name": agreement.share_recipient_name,
        "settlement_period": agreement.settlement_period,
    }
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(actor=request.scope, agreement=agreement, **_terms_from(form))
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("partners:agreement_detail", agreement_id=agreement.pk)
    return render(
        request,
        "partners/form.html",
        {
            "form": form,
            "back_agreement": agreement,
            "title": _("Edit agreement %(number)s") % {"number": agreement.number},
        },
    )


def _agreement_action(request, agreement_id: int, do, success: str):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    try:
        result = do(agreement)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("partners:agreement_detail", agreement_id=agreement.pk)
    messages.success(request, success)
    return redirect("partners:agreement_detail", agreement_id=(result or agreement).pk)


@login_required
@require_POST
def agreement_sign(request, agreement_id: int):
    form = SignForm(request.POST)

    def do(agreement):
        if not form.is_valid():
            raise ValidationFailed(_("Name who signs for each party."))
        services.agreement_sign(actor=request.scope, agreement=agreement, **form.cleaned_data)

    return _agreement_action(request, agreement_id, do, _("Signed. The rooms are booked for the term."))


@login_required
@require_POST
def agreement_terminate(request, agreement_id: int):
    reason = request.POST.get("reason", "")
    return _agreement_action(
        request,
        agreement_id,
        lambda a: services.agreement_terminate(actor=request.scope, agreement=a, reason=reason),
        _("The agreement has been terminated; its remaining bookings are released."),
    )


@login_required
@require_POST
def agreement_cancel(request, agreement_id: int):
    reason = request.POST.get("reason", "")
    return _agreement_action(
        request,
        agreement_id,
        lambda a: services.agreement_cancel(actor=request.scope, agreement=a, reason=reason),
        _("The draft has been cancelled."),
    )


@login_required
@require_POST
def agreement_renew(request, agreement_id: int):
    form = RenewForm(request.POST)

    def do(agreement):
        if not form.is_valid():
            raise ValidationFailed(_("Give the date the renewal ends."), code="bad_dates")
        return services.agreement_renew(actor=request.scope, agreement=agreement, ends_on=form.cleaned_data["ends_on"])

    return _agreement_action(request, agreement_id, do, _("A renewal has been drafted with the same terms."))


@login_required
def agreement_pdf_view(request, agreement_id: int):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id)
    return _pdf_response(agreement)


@login_required
@require_POST
def commitment_add(request, agreement_id: int):
    form = CommitmentForm(request.POST)

    def do(agreement):
        if not form.is_valid():
            raise ValidationFailed(_("Fill in the commitment, what is counted and a target."))
        services.commitment_add(actor=request.scope, agreement=agreement, **form.cleaned_data)

    return _agreement_action(request, agreement_id, do, _("Commitment added."))


@login_required
@require_POST
def slot_add(request, agreement_id: int):
    agreement = selectors.agreement_get_for_user(scope=request.scope, agreement_id=agreement_id, cap=Cap.PARTNER_MANAGE)
    rooms = slot_services.rooms_for_agreement(scope=request.scope, agreement=agreement)
    form = SlotForm(request.POST, rooms=rooms)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Choose a room, the days and the times."))
        d = form.cleaned_data
        slot_services.slot_add(
            actor=request.scope,
            agreement=agreement,
            room=slot_services.room_get(scope=request.scope, room_id=d["room"]),
            weekdays=d["weekdays"],
            start_time=d["start_time"],
            end_time=d["end_time"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Room and time slot added."))
    return redirect("partners:agreement_detail", agreement_id=agreement.pk)


@login_required
@require_POST
def slot_remove(request, slot_id: int):
    slot = slot_services.slot_get_for_user(scope=request.scope, slot_id=slot_id)
    try:
        slot_services.slot_remove(actor=request.scope, slot=slot)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("partners:agreement_detail", agreement_id=slot.agreement_id)


@login_required
def commitment_detail(request, commitment_id: int):
    commitment = selectors.commitment_get_for_user(scope=request.scope, commitment_id=commitment_id)
    can_manage = _can_manage(request, commitment.community_id)
    form = EntryForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        if form.is_valid():
            try:
                services.commitment_entry_record(actor=request.scope, commitment=commitment, **form.cleaned_data)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Progress recorded."))
                return redirect("partners:commitment_detail", commitment_id=commitment.pk)
    return render(
        request,
        "partners/commitment_detail.html",
        {
            "commitment": commitment,
            "progress": selectors.commitment_progress(commitment),
            "entries": selectors.commitment_entries(commitment=commitment)[:200],
            "form": form if can_manage else None,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def commitment_remove(request, commitment_id: int):
    commitment = selectors.commitment_get_for_user(
        scope=request.scope, commitment_id=commitment_id, cap=Cap.PARTNER_MANAGE
    )
    try:
        services.commitment_remove(actor=request.scope, commitment=commitment)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("partners:agreement_detail", agreement_id=commitment.agreement_id)
