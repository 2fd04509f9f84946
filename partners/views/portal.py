"""The partner portal: a partner's own staff see their agreements, rooms and schedule and
commitments, and record progress — for their own partner only (selectors.partner_ids_for_user)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import DomainError, NotFound
from orgs.roles import Cap
from partners import selectors, services
from partners.forms import EntryForm
from partners.models import AgreementStatus
from partners.services import slots as slot_services
from partners.views.staff import _pdf_response


def _portal_scope(request):
    if not request.scope.has_anywhere(Cap.PARTNER_PORTAL):
        raise NotFound()
    return request.scope


@login_required
def portal_home(request):
    scope = _portal_scope(request)
    today = timezone.localdate()
    sections = []
    for partner in selectors.portal_partners(scope=scope):
        agreements = list(selectors.portal_agreements(scope=scope, partner=partner))
        in_force = [a for a in agreements if a.in_force_on(today)]
        sections.append(
            {
                "partner": partner,
                "agreements": agreements,
                "slots": [slot for a in in_force for slot in selectors.agreement_slots(agreement=a)],
                "bookings": slot_services.upcoming_bookings(partner=partner),
                "progress": selectors.commitments_progress(selectors.portal_commitments(scope=scope, partner=partner)),
            }
        )
    return render(request, "partners/portal_home.html", {"sections": sections, "today": today})


@login_required
def portal_agreement(request, agreement_id: int):
    _portal_scope(request)
    agreement = selectors.portal_agreement_get(scope=request.scope, agreement_id=agreement_id)
    commitments = agreement.commitments.select_related("agreement")
    return render(
        request,
        "partners/portal_agreement.html",
        {
            "agreement": agreement,
            "slots": selectors.agreement_slots(agreement=agreement),
            "progress": selectors.commitments_progress(commitments)
            if agreement.status != AgreementStatus.DRAFT
            else [],
        },
    )


@login_required
def portal_agreement_pdf(request, agreement_id: int):
    _portal_scope(request)
    return _pdf_response(selectors.portal_agreement_get(scope=request.scope, agreement_id=agreement_id))


@login_required
def portal_commitment(request, commitment_id: int):
    _portal_scope(request)
    commitment = selectors.portal_commitment_get(scope=request.scope, commitment_id=commitment_id)
    form = EntryForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_entry_record(actor=request.scope, commitment=commitment, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Progress recorded. Thank you!"))
            return redirect("partners:portal_commitment", commitment_id=commitment.pk)
    return render(
        request,
        "partners/portal_commitment.html",
        {
            "commitment": commitment,
            "progress": selectors.commitment_progress(commitment),
            "entries": selectors.commitment_entries(commitment=commitment)[:100],
            "form": form,
        },
    )
