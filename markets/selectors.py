"""Reads of the markets app, always inside what the asker may see.

Three kinds of readers:

* community staff, by capability (``Cap.MARKET_VIEW`` / ``MARKET_MANAGE``) through ``scope.filter``;
* a merchant's own logins (``Cap.MERCHANT_PORTAL``), who see **only their own merchants'**
  applications and stalls, and the markets of their community to apply to —
  ``merchant_ids_for_user`` is the one place that says which merchants (the jobs app uses it too);
* residents, who see the markets of their own community and the free service stalls at them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from linli.errors import NotFound
from markets.models import (
    ApplicationStatus,
    Donation,
    Market,
    MarketStatus,
    Merchant,
    MerchantMember,
    MerchantStatus,
    Stall,
    StallApplication,
    StallKind,
    VisitCount,
)
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope


def merchant_ids_for_user(scope: Scope) -> frozenset[int]:
    """Active merchants this user is a login of, in communities where they still hold
    ``Cap.MERCHANT_PORTAL`` (a revoked grant closes the portal at once). Cached on the scope."""
    ids = getattr(scope, "_merchant_ids", None)
    if ids is None:
        ids = frozenset()
        if scope.is_authenticated:
            ids = frozenset(
                MerchantMember.objects.filter(
                    user=scope.user,
                    community_id__in=scope.community_ids(Cap.MERCHANT_PORTAL),
                    merchant__status=MerchantStatus.ACTIVE,
                ).values_list("merchant_id", flat=True)
            )
        scope._merchant_ids = ids
    return ids


def portal_merchants(*, scope: Scope) -> QuerySet[Merchant]:
    return Merchant.objects.filter(pk__in=merchant_ids_for_user(scope)).select_related("community")


def _one(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


# --- Merchants ------------------------------------------------------------------------------------


def merchant_list_for_user(*, scope: Scope, community: OrgNode, status: str = "", query: str = "") -> QuerySet[Merchant]:
    qs = Merchant.objects.filter(community=community)
    qs = scope.filter(qs, Cap.MARKET_VIEW) | scope.filter(qs, Cap.JOB_VIEW)
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(business__icontains=query))
    return qs.order_by("status", "name")


def merchant_get_for_user(*, scope: Scope, merchant_id: int, cap: str = Cap.MARKET_VIEW) -> Merchant:
    """Staff with ``cap`` (or its jobs twin), or the merchant's own logins."""
    qs = Merchant.objects.select_related("community", "partner")
    twin = {Cap.MARKET_VIEW: Cap.JOB_VIEW, Cap.MARKET_MANAGE: Cap.JOB_MANAGE}.get(cap, cap)
    visible = scope.filter(qs, cap) | scope.filter(qs, twin) | qs.filter(pk__in=merchant_ids_for_user(scope))
    return _one(visible, merchant_id)


def merchant_members(*, merchant: Merchant) -> QuerySet[MerchantMember]:
    return merchant.members.select_related("user").order_by("pk")


def communities_for_registration(*, scope: Scope) -> QuerySet[OrgNode]:
    """Where a person may register a business themselves: the community they live in, and those
    where they already hold a role. (Anyone else is registered by the community's staff.)"""
    from residents.models import Resident

    if not scope.is_authenticated:
        return OrgNode.objects.none()
    lived = Resident.objects.filter(user=scope.user).values("community_id")
    return OrgNode.objects.filter(
        Q(pk__in=lived) | Q(pk__in=scope.community_ids(Cap.CONSOLE)), kind=NodeKind.COMMUNITY
    ).order_by("path")


def merchants_applied_by(*, user) -> QuerySet[Merchant]:
    """A person's own registrations (pending or decided), for their /me page."""
    return Merchant.objects.filter(members__user=user).select_related("community").order_by("-created_at")


# --- Markets ---------------------------------------------------------------------------------------


def _markets_visible(scope: Scope, cap: str) -> QuerySet[Market]:
    qs = Market.objects.select_related("community", "room")
    staff = scope.filter(qs, cap)
    if cap in (Cap.MARKET_VIEW,) and merchant_ids_for_user(scope):
        portal_communities = Merchant.objects.filter(pk__in=merchant_ids_for_user(scope)).values("community_id")
        return staff | qs.filter(community_id__in=portal_communities)
    return staff


def market_list_for_user(*, scope: Scope, community: OrgNode, year: int | None = None) -> QuerySet[Market]:
    qs = scope.filter(Market.objects.filter(community=community), Cap.MARKET_VIEW)
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.select_related("room").annotate(
        n_stalls=Count("stalls", distinct=True),
        n_allocated=Count("applications", filter=Q(applications__status=ApplicationStatus.ALLOCATED), distinct=True),
        n_waiting=Count("applications", filter=Q(applications__status=ApplicationStatus.APPLIED), distinct=True),
    ).order_by("-held_on", "-pk")


def market_get_for_user(*, scope: Scope, market_id: int, cap: str = Cap.MARKET_VIEW) -> Market:
    return _one(_markets_visible(scope, cap), market_id)


def portal_markets(*, scope: Scope) -> QuerySet[Market]:
    """Markets a merchant may apply to: planned, today or later, in their communities."""
    ids = merchant_ids_for_user(scope)
    communities = Merchant.objects.filter(pk__in=ids).values("community_id")
    return (
        Market.objects.filter(community_id__in=communities, status=MarketStatus.PLANNED, held_on__gte=timezone.localdate())
        .select_related("community", "room")
        .order_by("held_on")
    )


def resident_markets(*, community_id: int) -> QuerySet[Market]:
    """The coming markets of a resident's own community (what they see on their phone)."""
    return (
        Market.objects.filter(community_id=community_id, status=MarketStatus.PLANNED, held_on__gte=timezone.localdate())
        .select_related("room")
        .order_by("held_on")
    )


def service_stalls_of(*, market: Market) -> QuerySet[StallApplication]:
    """The free services offered at a market (public facts: who and what, no contact details)."""
    return (
        market.applications.filter(status=ApplicationStatus.ALLOCATED, kind=StallKind.SERVICE)
        .select_related("merchant", "stall")
        .order_by("stall__number")
    )


def stalls_of(*, market: Market) -> list[dict]:
    """The layout with each stall's holder, in one query for stalls and one for holders."""
    holders = {
        a.stall_id: a
        for a in market.applications.filter(status=ApplicationStatus.ALLOCATED).select_related("merchant")
    }
    return [{"stall": s, "holder": holders.get(s.pk)} for s in Stall.objects.filter(market=market).order_by("number")]


def free_stalls(*, market: Market, kind: str = "") -> QuerySet[Stall]:
    taken = StallApplication.objects.filter(market=market, status=ApplicationStatus.ALLOCATED).values("stall_id")
    qs = Stall.objects.filter(market=market).exclude(pk__in=taken)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("number")


def stall_get(*, market: Market, stall_number: int) -> Stall:
    stall = Stall.objects.filter(market=market, number=stall_number).first()
    if stall is None:
        raise NotFound()
    return stall


# --- Applications ------------------------------------------------------------------------------------


def _applications_visible(scope: Scope, cap: str) -> QuerySet[StallApplication]:
    qs = StallApplication.objects.select_related("market", "merchant", "stall", "community", "market__room")
    return scope.filter(qs, cap) | qs.filter(merchant_id__in=merchant_ids_for_user(scope))


def application_list(*, scope: Scope, market: Market, status: str = "") -> QuerySet[StallApplication]:
    qs = _applications_visible(scope, Cap.MARKET_VIEW).filter(market=market)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "stall__number", "pk")


def application_get_for_user(*, scope: Scope, application_id: int, cap: str = Cap.MARKET_VIEW) -> StallApplication:
    """Staff with ``cap`` in the community, or a login of the applying merchant."""
    return _one(_applications_visible(scope, cap), application_id)


def portal_applications(*, scope: Scope) -> QuerySet[StallApplication]:
    return (
        StallApplication.objects.filter(merchant_id__in=merchant_ids_for_user(scope))
        .select_related("market", "merchant", "stall")
        .order_by("-market__held_on", "pk")
    )


def donation_list(*, market: Market) -> QuerySet[Donation]:
    return market.donations.select_related("merchant").order_by("pk")


# --- Summaries ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    markets: int
    businesses: int  # stall holders (a business at three markets counts three times, as the reports count)
    distinct_businesses: int
    service_stalls: int
    person_times: int
    to_fund_fen: int
    paid_fen: int
    items_donated: int
    donated_value_fen: int


def summary_of(markets: QuerySet[Market]) -> Summary:
    """The figures of these markets (callers scope the queryset)."""
    ids = markets.values("pk")
    held = StallApplication.objects.filter(market_id__in=ids, status=ApplicationStatus.ALLOCATED)
    counts = held.aggregate(
        n=Count("pk"),
        distinct=Count("merchant", distinct=True),
        service=Count("pk", filter=Q(kind=StallKind.SERVICE)),
        due=Sum("due_fen"),
        paid=Sum("due_fen", filter=Q(paid=True)),
    )
    visits = VisitCount.objects.filter(application__market_id__in=ids).aggregate(n=Sum("person_times"))
    gifts = Donation.objects.filter(market_id__in=ids).aggregate(n=Sum("quantity"), v=Sum("value_fen"))
    return Summary(
        markets=markets.count(),
        businesses=counts["n"] or 0,
        distinct_businesses=counts["distinct"] or 0,
        service_stalls=counts["service"] or 0,
        person_times=visits["n"] or 0,
        to_fund_fen=counts["due"] or 0,
        paid_fen=counts["paid"] or 0,
        items_donated=gifts["n"] or 0,
        donated_value_fen=gifts["v"] or 0,
    )


def market_summary(*, market: Market) -> Summary:
    return summary_of(Market.objects.filter(pk=market.pk))


def year_summary(*, scope: Scope, community: OrgNode, year: int) -> Summary:
    """The year's markets that took place (planned ones still to come are not counted)."""
    markets = scope.filter(
        Market.objects.filter(community=community, held_on__year=year).exclude(status=MarketStatus.CANCELLED),
        Cap.MARKET_VIEW,
    ).filter(held_on__lte=timezone.localdate())
    return summary_of(markets)


def rolling_summary(*, scope: Scope, community: OrgNode, days: int = 365) -> Summary:
    """The markets held in the last ``days`` days (a year of markets rarely starts in January)."""
    today = timezone.localdate()
    markets = scope.filter(
        Market.objects.filter(community=community, held_on__gt=today - dt.timedelta(days=days), held_on__lte=today)
        .exclude(status=MarketStatus.CANCELLED),
        Cap.MARKET_VIEW,
    )
    return summary_of(markets)


def years_with_markets(*, scope: Scope, community: OrgNode) -> list[int]:
    qs = scope.filter(Market.objects.filter(community=community), Cap.MARKET_VIEW)
    years = sorted({d.year for d in qs.values_list("held_on", flat=True)}, reverse=True)
    return years or [dt.date.today().year]
