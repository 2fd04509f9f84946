"""Public pages, no login: a community's partners and what they offer, and recruitment calls
anyone can open on a phone and answer. Nothing here shows an applicant's or partner's contact
details; the only logged-in page is the residents' rating form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.errors import DomainError, Forbidden
from linli.throttles import limit_anonymous_posts
from orgs.selectors import public_communities
from partners import selectors, services
from partners.forms import ApplicationForm, RatingForm
from partners.models import PartnerStatus


def index(request):
    counts = selectors.public_partner_counts()
    communities = [(c, counts[c.pk]) for c in public_communities() if c.pk in counts]
    return render(
        request,
        "partners/public_index.html",
        {"calls": selectors.public_calls(open_only=True)[:50], "communities": communities},
    )


def community(request, community_id: int):
    node = selectors.public_community_get(community_id=community_id)
    partners = list(selectors.public_partners(community=node))
    return render(
        request,
        "partners/public_community.html",
        {"community": node, "partners": partners, "calls": selectors.public_calls(community=node)},
    )


def call_detail(request, call_id: int):
    call = selectors.public_call_get(call_id=call_id)
    return render(request, "partners/public_call.html", {"call": call, "accepting": call.is_accepting()})


@limit_anonymous_posts
def call_apply(request, call_id: int):
    call = selectors.public_call_get(call_id=call_id)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.application_submit(
                    call=call,
                    party_type=d["party_type"],
                    kind=d["kind"],
                    name=d["name"],
                    credit_code=d["credit_code"],
                    licence_no=d["licence_no"],
                    contact_name=d["contact_name"],
                    contact_phone=d["contact_phone"],
                    services=d["services"],
                    welfare_offer=d["welfare_offer"],
                    space_needs=d["space_needs"],
                    documents=d["documents"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                return redirect("partners_public:call_thanks", call_id=call.pk)
        status = 422
    return render(
        request,
        "partners/public_apply.html",
        {"call": call, "form": form, "accepting": call.is_accepting()},
        status=status,
    )


def call_thanks(request, call_id: int):
    call = selectors.public_call_get(call_id=call_id)
    return render(request, "partners/public_thanks.html", {"call": call})


def partner_detail(request, partner_id: int):
    partner = selectors.public_partner_get(partner_id=partner_id)
    return render(
        request,
        "partners/public_partner.html",
        {
            "partner": partner,
            "progress": selectors.public_commitments(partner=partner),
            "ratings": selectors.rating_summary(partner=partner),
            "may_rate": selectors.resident_may_rate(user=request.user, partner=partner),
        },
    )


@login_required
def partner_rate(request, partner_id: int):
    partner = selectors.public_partner_get(partner_id=partner_id)
    if not selectors.resident_may_rate(user=request.user, partner=partner):
        # A 403, not a 404: the partner's existence is public, only the rating is reserved.
        raise Forbidden(_("Only residents of this community can rate its partners."))
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(user=request.user, partner=partner, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you: your rating helps the community evaluate its partners."))
            return redirect("partners_public:partner", partner_id=partner.pk)
    return render(
        request,
        "partners/public_rate.html",
        {"partner": partner, "form": form, "active": partner.status == PartnerStatus.ACTIVE},
    )
