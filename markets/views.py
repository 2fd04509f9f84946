"""Pages of the markets app: staff console, the merchant portal, residents' phone pages.

Views parse, fetch through a scoped selector, call one service, and respond; the rules live in
services.py. Another community's market, merchant or application is a 404.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import user_for_login_name
from linli.errors import DomainError, NotFound
from markets import selectors, services
from markets.forms import ApplyForm, DonationForm, MarketForm, MerchantApplyForm, MerchantForm, TakingsForm, VisitsForm
from markets.models import ApplicationStatus, MarketStatus, MerchantStatus, StallKind
from orgs.roles import Cap
from orgs.views import console_community


def _need(request, cap: str):
    community = console_community(request)
    if not request.scope.has(cap, community.pk):
        raise NotFound()
    return community


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _fail(request, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


# --- Markets (staff) ----------------------------------------------------------------------------


@login_required
def market_list(request):
    community = _need(request, Cap.MARKET_VIEW)
    years = selectors.years_with_markets(scope=request.scope, community=community)
    year = _int(request.GET.get("year"))
    if year is None:
        summary = selectors.rolling_summary(scope=request.scope, community=community)
    else:
        summary = selectors.year_summary(scope=request.scope, community=community, year=year)
    return render(
        request,
        "markets/market_list.html",
        {
            "community": community,
            "markets": selectors.market_list_for_user(scope=request.scope, community=community, year=year),
            "summary": summary,
            "year": year,
            "years": years,
            "can_manage": request.scope.has(Cap.MARKET_MANAGE, community.pk),
        },
    )


@login_required
def market_create(request):
    community = _need(request, Cap.MARKET_MANAGE)
    from spaces.selectors import room_list_for_user

    rooms = list(room_list_for_user(scope=request.scope, community=community)) if request.scope.has(
        Cap.SPACE_VIEW, community.pk
    ) else []
    form = MarketForm(request.POST or None, rooms=rooms, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            market = services.market_create(actor=request.scope, community=community, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The market has been scheduled."))
            return redirect("markets:detail", market_id=market.pk)
    return render(request, "markets/form.html", {"form": form, "title": _("Schedule a market"), "back": "markets:list"})


@login_required
def market_detail(request, market_id: int):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id)
    if not request.scope.has(Cap.MARKET_VIEW, market.community_id):
        raise NotFound()
    applications = list(selectors.application_list(scope=request.scope, market=market))
    return render(
        request,
        "markets/market_detail.html",
        {
            "market": market,
            "stalls": selectors.stalls_of(market=market),
            "waiting": [a for a in applications if a.status == ApplicationStatus.APPLIED],
            "allocated": [a for a in applications if a.status == ApplicationStatus.ALLOCATED],
            "free_selling": list(selectors.free_stalls(market=market, kind=StallKind.SELLING)),
            "free_service": list(selectors.free_stalls(market=market, kind=StallKind.SERVICE)),
            "donations": selectors.donation_list(market=market),
            "summary": selectors.market_summary(market=market),
            "donation_form": DonationForm(),
            "can_manage": request.scope.has(Cap.MARKET_MANAGE, market.community_id),
            "is_planned": market.status == MarketStatus.PLANNED,
        },
    )


@login_required
@require_POST
def market_status(request, market_id: int):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id, cap=Cap.MARKET_MANAGE)
    try:
        services.market_set_status(actor=request.scope, market=market, status=request.POST.get("status", ""))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("markets:detail", market_id=market.pk)


@login_required
@require_POST
def donation_add(request, market_id: int):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id, cap=Cap.MARKET_MANAGE)
    form = DonationForm(request.POST)
    if form.is_valid():
        try:
            services.donation_record(
                actor=request.scope, market=market, idempotency_key=request.POST.get("idempotency_key", ""), **form.cleaned_data
            )
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("The donation has been recorded."))
    else:
        messages.error(request, _("Please fill in the donor, the item and the count."))
    return redirect("markets:detail", market_id=market.pk)


# --- One stall application ----------------------------------------------------------------------


def _pass_qr(request, application) -> str:
    url = request.build_absolute_uri(
        reverse("markets:checkin", kwargs={"stall_application_id": application.pk}) + f"?code={application.checkin_code}"
    )
    return segno.make(url, micro=False).svg_data_uri(scale=5, border=2)


@login_required
def application_detail(request, stall_application_id: int):
    application = selectors.application_get_for_user(scope=request.scope, application_id=stall_application_id)
    manage = request.scope.has(Cap.MARKET_MANAGE, application.community_id)
    return render(
        request,
        "markets/application_detail.html",
        {
            "a": application,
            "can_manage": manage,
            "free": list(selectors.free_stalls(market=application.market, kind=application.kind)) if manage else [],
            "qr": _pass_qr(request, application) if application.status == ApplicationStatus.ALLOCATED else None,
            "takings_form": TakingsForm(),
            "visits_form": VisitsForm(),
            "visits": application.visit_counts.order_by("pk"),
            "is_staff_view": request.scope.has(Cap.MARKET_VIEW, application.community_id),
        },
    )


@login_required
@require_POST
def application_action(request, stall_application_id: int):
    """The buttons on an application's page: one service each."""
    application = selectors.application_get_for_user(scope=request.scope, application_id=stall_application_id)
    action = request.POST.get("action", "")
    try:
        if action == "allocate":
            stall = selectors.stall_get(market=application.market, stall_number=_int(request.POST.get("stall_number"), 0))
            services.stall_allocate(actor=request.scope, application=application, stall=stall)
            messages.success(request, _("Stall %(n)s allocated.") % {"n": stall.number})
        elif action == "decline":
            services.application_decline(actor=request.scope, application=application)
        elif action == "withdraw":
            services.application_withdraw(actor=request.scope, application=application)
        elif action == "takings":
            form = TakingsForm(request.POST)
            if not form.is_valid():
                raise _FormError(form)
            services.takings_report(actor=request.scope, application=application, **form.cleaned_data)
            messages.success(request, _("The takings have been reported."))
        elif action == "settle":
            services.contribution_settle(actor=request.scope, application=application)
        elif action == "visits":
            form = VisitsForm(request.POST)
            if not form.is_valid():
                raise _FormError(form)
            services.visits_record(
                actor=request.scope,
                application=application,
                person_times=form.cleaned_data["person_times"],
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
            messages.success(request, _("Counted. Thank you!"))
        else:
            messages.error(request, _("Unknown action."))
    except _FormError as exc:
        messages.error(request, " ".join(str(e) for errors in exc.form.errors.values() for e in errors))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("markets:application", stall_application_id=application.pk)


class _FormError(Exception):
    def __init__(self, form) -> None:
        self.form = form


@login_required
def checkin(request, stall_application_id: int):
    """Where the holder's QR pass leads: staff at the gate (or the holder) confirm the check-in."""
    application = selectors.application_get_for_user(scope=request.scope, application_id=stall_application_id)
    code = request.POST.get("code") or request.GET.get("code", "")
    if request.method == "POST":
        try:
            services.stall_checkin(actor=request.scope, application=application, code=code)
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Checked in: stall %(n)s.") % {"n": application.stall.number if application.stall else "—"})
        return redirect("markets:application", stall_application_id=application.pk)
    return render(request, "markets/checkin.html", {"a": application, "code": code})


# --- Merchants (staff) -----------------------------------------------------------------------------


def _need_merchants(request, manage: bool = False):
    community = console_community(request)
    caps = (Cap.MARKET_MANAGE, Cap.JOB_MANAGE) if manage else (Cap.MARKET_VIEW, Cap.JOB_VIEW)
    if not any(request.scope.has(cap, community.pk) for cap in caps):
        raise NotFound()
    return community


@login_required
def merchant_list(request):
    community = _need_merchants(request)
    status = request.GET.get("status", "")
    return render(
        request,
        "markets/merchant_list.html",
        {
            "community": community,
            "merchants": selectors.merchant_list_for_user(
                scope=request.scope,
                community=community,
                status=status if status in MerchantStatus.values else "",
                query=request.GET.get("q", ""),
            ),
            "statuses": MerchantStatus.choices,
            "can_manage": request.scope.has(Cap.MARKET_MANAGE, community.pk)
            or request.scope.has(Cap.JOB_MANAGE, community.pk),
        },
    )


@login_required
def merchant_create(request):
    community = _need_merchants(request, manage=True)
    form = MerchantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merchant = services.merchant_create(actor=request.scope, community=community, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("markets:merchant", merchant_id=merchant.pk)
    return render(request, "markets/form.html", {"form": form, "title": _("Register a merchant"), "back": "markets:merchants"})


def _merchant_for_staff(request, merchant_id: int):
    merchant = selectors.merchant_get_for_user(scope=request.scope, merchant_id=merchant_id)
    if not (
        request.scope.has(Cap.MARKET_VIEW, merchant.community_id) or request.scope.has(Cap.JOB_VIEW, merchant.community_id)
    ):
        raise NotFound()
    return merchant


@login_required
def merchant_detail(request, merchant_id: int):
    merchant = _merchant_for_staff(request, merchant_id)
    return render(
        request,
        "markets/merchant_detail.html",
        {
            "merchant": merchant,
            "members": selectors.merchant_members(merchant=merchant),
            "applications": merchant.stall_applications.select_related("market", "stall").order_by("-market__held_on")[:50],
            "can_manage": request.scope.has(Cap.MARKET_MANAGE, merchant.community_id)
            or request.scope.has(Cap.JOB_MANAGE, merchant.community_id),
        },
    )


@login_required
@require_POST
def merchant_action(request, merchant_id: int):
    merchant = _merchant_for_staff(request, merchant_id)
    action = request.POST.get("action", "")
    try:
        if action in ("approve", "reject"):
            services.merchant_review(
                actor=request.scope, merchant=merchant, approve=action == "approve", note=request.POST.get("note", "")
            )
        elif action == "member":
            user = user_for_login_name(request.POST.get("login", ""))
            if user is None:
                messages.error(request, _("No account with that login name."))
            else:
                services.merchant_member_add(actor=request.scope, merchant=merchant, user=user)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("markets:merchant", merchant_id=merchant.pk)


# --- The merchant portal ----------------------------------------------------------------------------


def _portal(request):
    if not request.scope.has_anywhere(Cap.MERCHANT_PORTAL):
        raise NotFound()
    return request.scope


@login_required
def portal_home(request):
    scope = _portal(request)
    return render(
        request,
        "markets/portal_home.html",
        {
            "merchants": list(selectors.portal_merchants(scope=scope)),
            "markets": list(selectors.portal_markets(scope=scope)),
            "applications": list(selectors.portal_applications(scope=scope)[:50]),
            "form": ApplyForm(),
        },
    )


@login_required
@require_POST
def portal_apply(request, market_id: int):
    scope = _portal(request)
    market = selectors.market_get_for_user(scope=scope, market_id=market_id)
    merchants = [m for m in selectors.portal_merchants(scope=scope) if m.community_id == market.community_id]
    if not merchants:
        raise NotFound()
    merchant = next((m for m in merchants if m.pk == _int(request.POST.get("merchant"))), merchants[0])
    form = ApplyForm(request.POST)
    if form.is_valid():
        try:
            services.stall_apply(actor=scope, market=market, merchant=merchant, **form.cleaned_data)
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Your application has been sent. Staff will allocate a stall."))
    else:
        messages.error(request, _("Please say what you offer."))
    return redirect("markets:portal")


# --- Residents' phone pages ---------------------------------------------------------------------------


@login_required
def me_home(request):
    from residents.models import Resident

    resident = Resident.objects.filter(user=request.user).select_related("community").first()
    markets = []
    if resident is not None:
        markets = [
            {"market": m, "services": list(selectors.service_stalls_of(market=m))}
            for m in selectors.resident_markets(community_id=resident.community_id)[:6]
        ]
    return render(
        request,
        "markets/me_home.html",
        {"resident": resident, "markets": markets, "registrations": selectors.merchants_applied_by(user=request.user)},
    )


@login_required
def me_register(request):
    """A person registers their business (or their unit) to take stalls and post jobs."""
    communities = list(selectors.communities_for_registration(scope=request.scope))
    form = MerchantApplyForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("consent")
        try:
            services.merchant_apply(user=request.user, **data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you. The community will review your registration."))
            return redirect("markets_me:home")
    return render(request, "markets/me_register.html", {"form": form, "communities": communities})
