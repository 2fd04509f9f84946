"""Reads of the catalog app, always scoped to who is asking.

* the public catalogue: published items of a community, for anyone;
* community staff: ``catalog.view`` in the community (``scope.filter``);
* a partner's own staff: their partner's meals, orders and classes only
  (``partners.selectors.partner_ids_for_user``);
* a resident: their own orders and enrolments, and those they made for family members.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from catalog.models import (
    Category,
    ClassSession,
    Enrolment,
    EnrolmentStatus,
    Item,
    ItemKind,
    Meal,
    Order,
    OrderStatus,
    PaymentState,
    PriceRule,
    ProfitShare,
    SharePayment,
)
from catalog.services._common import may_serve, own_partner_ids, own_resident
from linli.errors import NotFound
from linli.prepared import OneRow
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from residents.models import Resident


def _one(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


# --- Public catalogue ---------------------------------------------------------------------------


def public_community_get(*, community_id: int) -> OrgNode:
    community = OrgNode.objects.filter(pk=community_id, kind=NodeKind.COMMUNITY).first()
    if community is None:
        raise NotFound()
    return community


def public_items(
    *, community: OrgNode, query: str = "", category_id: int | None = None, tier: str = "", group: str = ""
) -> QuerySet[Item]:
    qs = Item.objects.filter(community=community, is_active=True).select_related("category", "room", "partner")
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(description__icontains=query)
            | Q(category__name__icontains=query)
            | Q(provider_name__icontains=query)
            | Q(partner__name__icontains=query)
        )
    if category_id:
        qs = qs.filter(category_id=category_id)
    if tier:
        qs = qs.filter(tier=tier)
    items = qs.order_by("category__sort_order", "category__name", "sort_order", "name")
    if group:
        # JSON "contains" is not portable across SQLite and PostgreSQL; the lists are short.
        ids = [i.pk for i in items if group in (i.target_groups or []) or "everyone" in (i.target_groups or [])]
        items = items.filter(pk__in=ids)
    return items


def public_categories(*, community: OrgNode) -> QuerySet[Category]:
    return Category.objects.filter(community=community).annotate(
        n=Count("items", filter=Q(items__is_active=True))
    ).filter(n__gt=0)


def public_item_get(*, item_id: int) -> Item:
    return _one(Item.objects.filter(is_active=True).select_related("category", "room", "partner", "community"), item_id)


def public_rules(*, community: OrgNode) -> QuerySet[PriceRule]:
    return PriceRule.objects.filter(community=community, is_active=True).select_related("tag", "category", "item")


# --- Staff ------------------------------------------------------------------------------------


def item_list_for_user(*, scope: Scope, community: OrgNode) -> QuerySet[Item]:
    return scope.filter(Item.objects.filter(community=community), Cap.CATALOG_VIEW).select_related(
        "category", "partner", "room"
    )


def item_get_for_user(*, scope: Scope, item_id: int, cap: str = Cap.CATALOG_VIEW) -> Item:
    return _one(scope.filter(Item.objects.all(), cap).select_related("category", "partner", "room", "community"), item_id)


def category_list(*, community: OrgNode) -> QuerySet[Category]:
    return Category.objects.filter(community=community)


def rule_list_for_user(*, scope: Scope, community: OrgNode) -> QuerySet[PriceRule]:
    return scope.filter(PriceRule.objects.filter(community=community), Cap.CATALOG_VIEW).select_related(
        "tag", "category", "item"
    )


def rule_get_for_user(*, scope: Scope, rule_id: int, cap: str = Cap.CATALOG_MANAGE) -> PriceRule:
    return _one(scope.filter(PriceRule.objects.all(), cap), rule_id)


def _served(scope: Scope, qs: QuerySet, *, partner_field: str = "partner_id") -> QuerySet:
    """Rows staff may see with catalog.view, plus the rows of the user's own partners."""
    staff = scope.filter(qs, Cap.CATALOG_VIEW)
    own = own_partner_ids(scope)
    if not own:
        return staff
    return staff | qs.filter(**{f"{partner_field}__in": own})


def meal_list_for_user(*, scope: Scope, community: OrgNode | None = None, day: dt.date | None = None) -> QuerySet[Meal]:
    qs = _served(scope, Meal.objects.all(), partner_field="item__partner_id")
    if community is not None:
        qs = qs.filter(community=community)
    if day is not None:
        qs = qs.filter(serve_date=day)
    return qs.select_related("item", "item__partner").order_by("serve_date", "pickup_start", "name")


def meal_get_for_user(*, scope: Scope, meal_id: int) -> Meal:
    """A meal on the provider's side (staff, or the kitchen's own staff)."""
    return _one(_served(scope, Meal.objects.all(), partner_field="item__partner_id").select_related(
        "item", "item__partner", "community"), meal_id)


def order_list_for_user(
    *, scope: Scope, community: OrgNode | None = None, day: dt.date | None = None, meal: Meal | None = None
) -> QuerySet[Order]:
    qs = _served(scope, Order.objects.all())
    if community is not None:
        qs = qs.filter(community=community)
    if day is not None:
        qs = qs.filter(meal__serve_date=day)
    if meal is not None:
        qs = qs.filter(meal=meal)
    return qs.select_related("meal", "resident", "resident__building", "meal__item").order_by("meal__pickup_start", "pk")


def _mine(scope: Scope) -> Q:
    me = own_resident(scope)
    q = Q(ordered_by=scope.user)
    if me is not None:
        q |= Q(resident=me)
    return q


def order_get_for_user(*, scope: Scope, order_id: int) -> Order:
    """Own orders (for oneself, or made for a family member), or on the provider's side."""
    if not scope.is_authenticated:
        raise NotFound()
    base = Order.objects.select_related("meal", "meal__item", "meal__item__category", "resident", "community")
    order = base.filter(_mine(scope), pk=order_id).first()
    if order is None:
        order = _served(scope, base).filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    return order


def my_orders(*, scope: Scope) -> QuerySet[Order]:
    if not scope.is_authenticated:
        return Order.objects.none()
    return Order.objects.filter(_mine(scope)).select_related("meal", "resident").order_by("-meal__serve_date", "-pk")


def my_enrolments(*, scope: Scope) -> QuerySet[Enrolment]:
    if not scope.is_authenticated:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(_mine(scope)).select_related("item", "resident").order_by("-created_at")


def enrolment_get_for_user(*, scope: Scope, enrolment_id: int) -> Enrolment:
    if not scope.is_authenticated:
        raise NotFound()
    base = Enrolment.objects.select_related("item", "resident", "community")
    found = base.filter(_mine(scope), pk=enrolment_id).first()
    if found is None:
        found = _served(scope, base).filter(pk=enrolment_id).first()
    if found is None:
        raise NotFound()
    return found


def residents_i_act_for(*, scope: Scope) -> list[Resident]:
    """Whom this user may order for on the resident pages: themself and their household."""
    me = own_resident(scope)
    if me is None:
        return []
    if me.household_id:
        return list(Resident.objects.filter(household_id=me.household_id).order_by("birth_date"))
    return [me]


def resident_for_order(*, scope: Scope, resident_id: int) -> Resident:
    """A resident this user may order for (self, household, proxy, desk)."""
    from catalog.services._common import may_act_for

    me = own_resident(scope)
    if me is not None and me.pk == resident_id:
        return me
    resident = Resident.objects.select_related("community", "building").filter(pk=resident_id).first()
    if resident is None or not may_act_for(scope, resident):
        raise NotFound()
    return resident


def _ordering_communities(scope: Scope) -> set[int]:
    ids = set(scope.community_ids(Cap.ORDER_PROXY)) | set(scope.community_ids(Cap.CATALOG_MANAGE))
    for r in residents_i_act_for(scope=scope):
        ids.add(r.community_id)
    return ids


def meals_open(*, scope: Scope, community_id: int | None = None, now: dt.datetime | None = None) -> QuerySet[Meal]:
    """Meals still taking orders, in communities where the user may order."""
    now = now or timezone.now()
    ids = _ordering_communities(scope)
    if community_id is not None:
        ids &= {community_id}
    return (
        Meal.objects.filter(community_id__in=ids, cutoff_at__gt=now)
        .select_related("item", "item__partner")
        .order_by("serve_date", "pickup_start", "name")
    )


def _may_order_in(scope: Scope, community_id: int) -> bool:
    me = own_resident(scope)
    if me is not None and me.community_id == community_id:
        return True  # household members live in the same community
    return scope.has(Cap.ORDER_PROXY, community_id) or scope.has(Cap.CATALOG_MANAGE, community_id)


# Asked on every order: compiled once (linli/prepared.py).
_MEAL_WITH_ITEM = OneRow(lambda pk: Meal.objects.select_related("item").filter(pk=pk).order_by())


def meal_get_to_order(*, scope: Scope, meal_id: int) -> Meal:
    """A meal in a community where the user may order (one query on the hot path)."""
    meal = _MEAL_WITH_ITEM.get(meal_id)
    if meal is None or not _may_order_in(scope, meal.community_id):
        raise NotFound()
    return meal


def classes_open(*, scope: Scope) -> QuerySet[Item]:
    return Item.objects.filter(
        community_id__in=_ordering_communities(scope), kind=ItemKind.CLASS, is_active=True
    ).select_related("category", "room", "partner")


def class_get_to_enrol(*, scope: Scope, item_id: int) -> Item:
    return _one(classes_open(scope=scope), item_id)


def class_list_for_user(*, scope: Scope, community: OrgNode | None = None) -> QuerySet[Item]:
    qs = _served(scope, Item.objects.filter(kind=ItemKind.CLASS))
    if community is not None:
        qs = qs.filter(community=community)
    return qs.select_related("category", "partner", "room").order_by("name")


def class_get_for_user(*, scope: Scope, item_id: int) -> Item:
    return _one(class_list_for_user(scope=scope).select_related("community"), item_id)


def class_roster(*, item: Item) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(item=item, status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING])
        .select_related("resident")
        .order_by("status", "created_at", "pk")
    )


def session_get_for_user(*, scope: Scope, session_id: int) -> ClassSession:
    return _one(
        _served(scope, ClassSession.objects.all(), partner_field="item__partner_id").select_related(
            "item", "item__category", "item__partner", "community"
        ),
        session_id,
    )


def may_serve_item(scope: Scope, item: Item) -> bool:
    return may_serve(scope, community_id=item.community_id, partner_id=item.partner_id)


# --- Production list, labels ---------------------------------------------------------------------


def production_list(*, meals) -> list[dict]:
    """Per dish: portions ordered, for pick-up and for delivery, collected so far."""
    rows = []
    stats = {
        r["meal_id"]: r
        for r in Order.objects.filter(meal__in=list(meals))
        .values("meal_id")
        .annotate(
            ordered=Sum("quantity", filter=~Q(status=OrderStatus.CANCELLED)),
            delivery=Sum("quantity", filter=Q(delivery=True) & ~Q(status=OrderStatus.CANCELLED)),
            collected=Sum("quantity", filter=Q(status__in=[OrderStatus.COLLECTED, OrderStatus.DELIVERED])),
            no_show=Sum("quantity", filter=Q(status=OrderStatus.NO_SHOW)),
            orders=Count("id", filter=~Q(status=OrderStatus.CANCELLED)),
        )
    }
    for meal in meals:
        s = stats.get(meal.pk, {})
        rows.append(
            {
                "meal": meal,
                "orders": s.get("orders") or 0,
                "ordered": s.get("ordered") or 0,
                "delivery": s.get("delivery") or 0,
                "collected": s.get("collected") or 0,
                "no_show": s.get("no_show") or 0,
            }
        )
    return rows


# --- Settlement -------------------------------------------------------------------------------


def statement_for(*, partner, month: dt.date) -> dict:
    """A partner's month: orders and enrolments paid, revenue, share owed and paid.

    Revenue counts payments confirmed in the month minus refunds made in the month (the same
    dates the ledger posts them on), so the statement adds up to the ledger's entries."""
    from catalog.services.settlement import month_bounds, month_start

    month = month_start(month)
    start, end = month_bounds(month)
    sums = {"revenue_fen": 0, "share_fen": 0, "paid_count": 0, "refund_count": 0}
    lines = []
    for model, label in ((Order, "orders"), (Enrolment, "enrolments")):
        paid = model.objects.filter(partner=partner, paid_at__gte=start, paid_at__lt=end, amount_fen__gt=0).exclude(
            payment_state=PaymentState.DUE
        )
        refunded = model.objects.filter(
            partner=partner, refunded_at__gte=start, refunded_at__lt=end, payment_state=PaymentState.REFUNDED,
            paid_at__isnull=False,
        )
        p = paid.aggregate(n=Count("id"), amount=Sum("amount_fen"), share=Sum("share_fen"))
        r = refunded.aggregate(n=Count("id"), amount=Sum("amount_fen"), share=Sum("share_fen"))
        revenue = (p["amount"] or 0) - (r["amount"] or 0)
        share = (p["share"] or 0) - (r["share"] or 0)
        lines.append({"what": label, "paid": p["n"], "refunded": r["n"], "revenue_fen": revenue, "share_fen": share})
        sums["revenue_fen"] += revenue
        sums["share_fen"] += share
        sums["paid_count"] += p["n"]
        sums["refund_count"] += r["n"]
    served = Order.objects.filter(
        partner=partner, handed_over_at__gte=start, handed_over_at__lt=end
    ).aggregate(n=Count("id"), portions=Sum("quantity"))
    profit = ProfitShare.objects.filter(partner=partner, month=month).first()
    share_owed = sums["share_fen"] + (profit.share_fen if profit else 0)
    share_paid = (
        SharePayment.objects.filter(partner=partner, month=month).aggregate(s=Sum("amount_fen"))["s"] or 0
    )
    return {
        "partner": partner,
        "month": month,
        "lines": lines,
        "orders_handed_over": served["n"] or 0,
        "portions_handed_over": served["portions"] or 0,
        "paid_count": sums["paid_count"],
        "refund_count": sums["refund_count"],
        "revenue_fen": sums["revenue_fen"],
        "revenue_share_fen": sums["share_fen"],
        "profit_share": profit,
        "share_owed_fen": share_owed,
        "share_paid_fen": share_paid,
        "share_outstanding_fen": share_owed - share_paid,
        "payments": list(SharePayment.objects.filter(partner=partner, month=month).order_by("paid_at")),
    }


def settlement_partners(*, scope: Scope, community: OrgNode):
    from partners.models import Partner

    ids = set(Item.objects.filter(community=community, partner__isnull=False).values_list("partner_id", flat=True))
    return scope.filter(Partner.objects.filter(pk__in=ids), Cap.CATALOG_VIEW).order_by("name")


def settlement_partner_get(*, scope: Scope, partner_id: int):
    from partners.models import Partner

    partner = scope.filter(Partner.objects.filter(pk=partner_id), Cap.CATALOG_VIEW).select_related("community").first()
    if partner is None:
        if partner_id in own_partner_ids(scope):
            return Partner.objects.select_related("community").get(pk=partner_id)
        raise NotFound()
    return partner
