"""Public pages, no login: a community's wish wall and each wish. They show the wish, the grid at
most, and the claimant's chosen name; never who the resident is or where exactly they live.
Claiming needs a login (any user, from any community)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.errors import DomainError, NotFound
from matching import forms, selectors, services
from matching.models import WishStatus
from orgs.models import NodeKind, OrgNode


def wall(request, community_id: int):
    community = OrgNode.objects.filter(pk=community_id, kind=NodeKind.COMMUNITY).first()
    if community is None:
        raise NotFound()
    status = request.GET.get("status", "")
    if status not in WishStatus.values:
        status = ""
    return render(
        request,
        "matching/public_wall.html",
        {
            "community": community,
            "wishes": selectors.public_wishes(community=community, status=status)[:200],
            "figures": selectors.public_figures(community=community),
            "status": status,
        },
    )


def wish(request, wish_id: int):
    obj = selectors.public_wish(wish_id=wish_id)
    form = forms.ClaimForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                services.wish_claim(
                    actor=request.scope,
                    wish=obj,
                    promise=form.cleaned_data["promise"],
                    display_name=form.cleaned_data["display_name"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Thank you! The wish is yours. Your grid worker will be in touch."))
                return redirect("matching_me:claim", wish_id=obj.pk)
    return render(
        request,
        "matching/public_wish.html",
        {"wish": obj, "form": form, "open": obj.status == WishStatus.POSTED, "mine": obj.claimant_id == request.user.pk},
    )
