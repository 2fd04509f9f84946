"""A logged-in person's own pages, on a phone: the needs I raised, the wishes I claimed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.errors import DomainError
from matching import forms, selectors, services
from matching.models import WishStatus
from matching.views._common import report
from matching.views.staff import proof_response


def _resident_or_none(user):
    from residents.models import Resident

    return Resident.objects.filter(user=user).select_related("community").first()


@login_required
def home(request):
    resident = _resident_or_none(request.user)
    return render(
        request,
        "matching/me_home.html",
        {
            "resident": resident,
            "needs": selectors.need_list_for_resident(user=request.user)[:50],
            "claims": selectors.wish_list_claimed_by(user=request.user)[:50],
        },
    )


@login_required
def need_raise(request):
    resident = _resident_or_none(request.user)
    form = forms.RaiseForm(request.POST or None)
    if resident is None:
        return render(request, "matching/me_raise.html", {"form": None})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.need_raise(
                user=request.user,
                title=d["title"],
                category=d["category"],
                description=d["description"],
                urgency=d["urgency"],
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you. Your community has your need and will get back to you."))
            return redirect("matching_me:home")
    return render(request, "matching/me_raise.html", {"form": form, "resident": resident})


@login_required
def claim_detail(request, wish_id: int):
    wish = selectors.wish_get_claimed_by(user=request.user, wish_id=wish_id)
    return render(
        request,
        "matching/me_claim.html",
        {"wish": wish, "open": wish.status == WishStatus.CLAIMED, "fulfil_form": forms.FulfilForm()},
    )


def _claim_action(request, wish_id: int, act):
    wish = selectors.wish_get_claimed_by(user=request.user, wish_id=wish_id)
    try:
        act(wish)
    except DomainError as exc:
        report(request, exc)
        return redirect("matching_me:claim", wish_id=wish.pk)
    return redirect("matching_me:home")


@login_required
@require_POST
def claim_fulfil(request, wish_id: int):
    def act(wish):
        services.wish_fulfil(actor=request.scope, wish=wish, photo=request.FILES.get("photo"), note=request.POST.get("note", ""))
        messages.success(request, _("Thank you! The fulfilment is recorded."))

    return _claim_action(request, wish_id, act)


@login_required
@require_POST
def claim_release(request, wish_id: int):
    def act(wish):
        services.wish_release(actor=request.scope, wish=wish, reason=request.POST.get("text", ""))
        messages.info(request, _("The wish is back on the wall for someone else."))

    return _claim_action(request, wish_id, act)


@login_required
def claim_proof(request, wish_id: int):
    return proof_response(selectors.wish_get_claimed_by(user=request.user, wish_id=wish_id))
