"""Pages for consent, moving out and deletion requests (staff console and the resident's /me/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.errors import DomainError, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.views import console_community
from residents import selectors, selectors_privacy, services_privacy
from residents.forms import ConsentForm, DeletionDecisionForm, DeletionRequestForm, MoveOutForm
from residents.models import DeletionStatus


def _first_error(form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Check the form.")


@login_required
@require_POST
def resident_consent(request, resident_id: int):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id, cap=Cap.RESIDENT_MANAGE)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("residents:detail", resident_id=resident.pk)
    d = form.cleaned_data
    try:
        services_privacy.consent_record(
            actor=request.scope,
            resident=resident,
            purpose=d["purpose"],
            granted=d["granted"],
            method=d["method"],
            note=d["note"],
            guardian_name=d["guardian_name"],
            guardian_relation=d["guardian_relation"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The consent has been recorded."))
    return redirect("residents:detail", resident_id=resident.pk)


@login_required
@require_POST
def resident_move_out(request, resident_id: int):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id, cap=Cap.RESIDENT_MANAGE)
    form = MoveOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("residents:detail", resident_id=resident.pk)
    try:
        services_privacy.resident_move_out(actor=request.scope, resident=resident, left_on=form.cleaned_data["left_on"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Recorded as moved out."))
    return redirect("residents:detail", resident_id=resident.pk)


@login_required
def deletion_requests(request):
    community = console_community(request)
    if not request.scope.has(Cap.RESIDENT_MANAGE, community.pk):
        raise NotFound()
    status = request.GET.get("status", DeletionStatus.OPEN)
    status = status if status in DeletionStatus.values or status == "" else DeletionStatus.OPEN
    qs = selectors_privacy.deletion_request_list_for_user(scope=request.scope, community=community, status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/deletion_requests.html",
        {"community": community, "page": page, "status": status, "statuses": DeletionStatus.choices},
    )


@login_required
@require_POST
def deletion_request_decide(request, deletion_request_id: int):
    found = selectors_privacy.deletion_request_get_for_user(
        scope=request.scope, deletion_request_id=deletion_request_id
    )
    form = DeletionDecisionForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Choose to carry the request out or to refuse it."), code="bad_action")
    try:
        if form.cleaned_data["action"] == "carry_out":
            services_privacy.deletion_request_carry_out(
                actor=request.scope, request=found, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Done: the resident's personal data has been anonymised."))
        else:
            services_privacy.deletion_request_refuse(
                actor=request.scope, request=found, reason=form.cleaned_data["note"]
            )
            messages.info(request, _("The request was refused; the resident sees your reason."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("residents:deletion_requests")


@login_required
@require_POST
def me_delete_request(request):
    selectors.resident_for_self(user=request.user)
    form = DeletionRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("me:home")
    try:
        services_privacy.deletion_request_create(user=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your request has been sent to the community. You will see their answer here."))
    return redirect("me:home")
