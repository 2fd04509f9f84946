"""The catalog JSON API: the same selectors and services as the pages, thin.

* ``/public/…``: the catalogue of a community, for anyone;
* residents (and grid workers, family): open meals and classes, their orders and enrolments;
* the provider (community staff at the desk, a partner's own staff): menus, production list,
  pick-ups, no-shows, payments, class rosters, sessions and attendance;
* staff: catalogue items, price rules, settlement.

Every creating request accepts an ``Idempotency-Key`` header: a repeat returns the first object.
"""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from catalog import selectors, services
from catalog.idempotency import header_key, idempotent
from catalog.models import ClassSession, Item, Meal, PriceRule, SharePayment
from catalog.services.meals import order_find_by_code
from catalog.services.settlement import month_start
from linli.errors import NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.selectors import community_get_for_user
from residents.models import VulnerableTag

router = Router(tags=["catalog"])


# --- Schemas -----------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    community_id: int
    category: str
    name: str
    description: str
    kind: str
    provider_kind: str
    provider: str
    partner_id: int | None
    tier: str
    price_fen: int
    price_unit: str
    where: str
    room_id: int | None
    schedule: str
    capacity: int | None
    seats_left: int | None
    target_groups: list[str]
    eligibility: str
    is_active: bool

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider_name or (obj.partner.name if obj.partner_id else "")


class ItemIn(Schema):
    community_id: int
    category: str
    name: str
    kind: str = "service"
    provider_kind: str
    partner_id: int | None = None
    provider_name: str = ""
    tier: str
    price_fen: int = 0
    price_unit: str = ""
    room_id: int | None = None
    place: str = ""
    schedule: str = ""
    capacity: int | None = None
    target_groups: list[str] = []
    eligibility: str = ""
    description: str = ""
    delivery_min_age: int | None = None


class ItemPatch(Schema):
    name: str | None = None
    description: str | None = None
    tier: str | None = None
    price_fen: int | None = None
    schedule: str | None = None
    capacity: int | None = None
    eligibility: str | None = None
    is_active: bool | None = None


class CatalogRuleOut(Schema):
    id: int
    community_id: int
    label: str
    kind: str
    min_age: int | None
    max_age: int | None
    tag: str | None
    effect: str
    amount_fen: int
    percent: int
    stacks: bool
    tier: str
    category_id: int | None
    item_id: int | None
    is_active: bool

    @staticmethod
    def resolve_tag(obj) -> str | None:
        return obj.tag.code if obj.tag_id else None


class CatalogRuleIn(Schema):
    community_id: int
    label: str
    kind: str
    effect: str
    amount_fen: int = 0
    percent: int = 0
    min_age: int | None = None
    max_age: int | None = None
    tag: str | None = None
    stacks: bool = False
    tier: str = ""
    item_id: int | None = None


class CatalogActiveIn(Schema):
    active: bool


class MealOut(Schema):
    id: int
    community_id: int
    item_id: int
    service: str
    serve_date: dt.date
    name: str
    portions: int
    portions_left: int
    cutoff_at: dt.datetime
    pickup_point: str
    pickup_start: dt.time
    pickup_end: dt.time
    price_fen: int
    delivery_from_age: int | None

    @staticmethod
    def resolve_service(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_price_fen(obj) -> int:
        return obj.item.price_fen

    @staticmethod
    def resolve_delivery_from_age(obj) -> int | None:
        return obj.item.delivery_min_age


class MealIn(Schema):
    item_id: int
    serve_date: dt.date
    name: str
    portions: int
    pickup_point: str = ""
    pickup_start: dt.time
    pickup_end: dt.time


class OrderOut(Schema):
    id: int
    number: str
    community_id: int
    meal_id: int
    meal: str
    serve_date: dt.date
    resident_id: int
    resident: str
    quantity: int
    status: str
    delivery: bool
    pickup_code: str
    pickup_point: str
    list_price_fen: int
    amount_fen: int
    price_lines: list[str]
    payment_state: str
    payment_method: str
    created_at: dt.datetime
    handed_over_at: dt.datetime | None

    @staticmethod
    def resolve_meal(obj) -> str:
        return obj.meal.name

    @staticmethod
    def resolve_serve_date(obj) -> dt.date:
        return obj.meal.serve_date

    @staticmethod
    def resolve_resident(obj) -> str:
        return obj.resident.name

    @staticmethod
    def resolve_pickup_point(obj) -> str:
        return obj.meal.pickup_point


class OrderIn(Schema):
    meal_id: int
    resident_id: int
    quantity: int = 1
    delivery: bool = False
    note: str = ""
    payment_method: str = "offline"


class PickupIn(Schema):
    community_id: int
    code: str
    delivered: bool = False


class EnrolmentOut(Schema):
    id: int
    community_id: int
    item_id: int
    service: str
    resident_id: int
    resident: str
    status: str
    list_price_fen: int
    amount_fen: int
    price_lines: list[str]
    payment_state: str
    created_at: dt.datetime
    enrolled_at: dt.datetime | None

    @staticmethod
    def resolve_service(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_resident(obj) -> str:
        return obj.resident.name


class EnrolmentIn(Schema):
    item_id: int
    resident_id: int


class SessionOut(Schema):
    id: int
    item_id: int
    starts_at: dt.datetime
    topic: str


class SessionIn(Schema):
    starts_at: dt.datetime
    topic: str = ""


class CatalogAttendanceIn(Schema):
    present: list[int]


class AttendanceOut(Schema):
    session_id: int
    present: int


class ProductionRow(Schema):
    meal_id: int
    name: str
    orders: int
    ordered: int
    delivery: int
    collected: int
    no_show: int


class CountOut(Schema):
    count: int


class StatementLine(Schema):
    what: str
    paid: int
    refunded: int
    revenue_fen: int
    share_fen: int


class CatalogStatementOut(Schema):
    partner_id: int
    partner: str
    month: dt.date
    lines: list[StatementLine]
    paid_count: int
    revenue_fen: int
    share_owed_fen: int
    share_paid_fen: int
    share_outstanding_fen: int


class SharePaymentIn(Schema):
    month: dt.date
    amount_fen: int
    note: str = ""


class SharePaymentOut(Schema):
    id: int
    partner_id: int
    month: dt.date
    amount_fen: int
    paid_at: dt.datetime


class CatalogFilters(Schema):
    q: str = ""
    category: int | None = None
    tier: str = ""
    group: str = ""


class DayQuery(Schema):
    day: dt.date | None = None


class MonthQuery(Schema):
    month: dt.date | None = None


class RecentQuery(Schema):
    limit: int = Field(30, ge=1, le=200, description="how many, newest first (30 unless asked; at most 200)")


# --- Public -----------------------------------------------------------------------------------


@router.get(
    "/public/communities/{community_id}/items",
    auth=None,
    response=list[ItemOut],
    summary="A community's service catalogue (public), searchable and filterable",
)
def public_item_list(request, community_id: int, filters: Query[CatalogFilters]):
    community = selectors.public_community_get(community_id=community_id)
    return list(
        selectors.public_items(
            community=community, query=filters.q, category_id=filters.category, tier=filters.tier, group=filters.group
        )
    )


@router.get("/public/items/{catalog_item_id}", auth=None, response=ItemOut, summary="A catalogue item (public)")
def public_item_detail(request, catalog_item_id: int):
    return selectors.public_item_get(item_id=catalog_item_id)


# --- Residents: ordering and enrolling ------------------------------------------------------------


@router.get("/meals", response=list[MealOut], summary="Meals still taking orders where I may order")
def meal_open_list(request):
    return list(selectors.meals_open(scope=request.scope))


@router.get("/orders", response=list[OrderOut], summary="My orders (for me, or made by me for family), newest first")
def my_order_list(request, recent: Query[RecentQuery]):
    return list(selectors.my_orders(scope=request.scope)[: recent.limit])


@router.post("/orders", response={201: OrderOut, 200: OrderOut}, summary="Order a meal (Idempotency-Key honoured)")
def order_create(request, payload: OrderIn):
    meal = selectors.meal_get_to_order(scope=request.scope, meal_id=payload.meal_id)
    resident = selectors.resident_for_order(scope=request.scope, resident_id=payload.resident_id)
    key = header_key(request)
    order = services.order_create(
        actor=request.scope,
        meal=meal,
        resident=resident,
        quantity=payload.quantity,
        delivery=payload.delivery,
        note=payload.note,
        payment_method=payload.payment_method,
        idempotency_key=key,
    )
    return Status(200 if getattr(order, "repeated", False) else 201, order)


@router.get("/orders/{meal_order_id}", response=OrderOut, summary="An order (mine, or on the provider's side)")
def order_detail(request, meal_order_id: int):
    return selectors.order_get_for_user(scope=request.scope, order_id=meal_order_id)


@router.post("/orders/{meal_order_id}/cancel", response=OrderOut, summary="Cancel before the cut-off (refunds)")
def order_cancel(request, meal_order_id: int):
    order = selectors.order_get_for_user(scope=request.scope, order_id=meal_order_id)
    return services.order_cancel(actor=request.scope, order=order)


@router.get("/classes", response=list[ItemOut], summary="Classes and care I may enrol in (or enrol family in)")
def class_open_list(request):
    return list(selectors.classes_open(scope=request.scope))


@router.get("/enrolments", response=list[EnrolmentOut], summary="My enrolments")
def my_enrolment_list(request):
    return list(selectors.my_enrolments(scope=request.scope)[:200])


@router.post("/enrolments", response={201: EnrolmentOut}, summary="Enrol, or join the waiting list (Idempotency-Key)")
def enrolment_create(request, payload: EnrolmentIn):
    item = selectors.class_get_to_enrol(scope=request.scope, item_id=payload.item_id)
    resident = selectors.resident_for_order(scope=request.scope, resident_id=payload.resident_id)
    return Status(201, services.enrolment_create(
        actor=request.scope, item=item, resident=resident, idempotency_key=header_key(request)
    ))


@router.get("/enrolments/{enrolment_id}", response=EnrolmentOut)
def enrolment_detail(request, enrolment_id: int):
    return selectors.enrolment_get_for_user(scope=request.scope, enrolment_id=enrolment_id)


@router.post("/enrolments/{enrolment_id}/withdraw", response=EnrolmentOut, summary="Withdraw; the seat passes on")
def enrolment_withdraw(request, enrolment_id: int):
    enrolment = selectors.enrolment_get_for_user(scope=request.scope, enrolment_id=enrolment_id)
    services.enrolment_withdraw(actor=request.scope, enrolment=enrolment)
    enrolment.refresh_from_db()
    return enrolment


# --- The provider: kitchen and classes --------------------------------------------------------------


@router.get("/kitchen/meals", response=list[MealOut], summary="Meals of a day on the provider's side")
def kitchen_meal_list(request, filters: Query[DayQuery]):
    return list(selectors.meal_list_for_user(scope=request.scope, day=filters.day or timezone.localdate()))


@router.post("/kitchen/meals", response={201: MealOut}, summary="Put a dish on a day's menu (Idempotency-Key)")
def kitchen_meal_create(request, payload: MealIn):
    item = _served_item(request, payload.item_id)
    return Status(201, idempotent(
        request,
        Meal,
        lambda: services.meal_create(
            actor=request.scope,
            item=item,
            serve_date=payload.serve_date,
            name=payload.name,
            portions=payload.portions,
            pickup_point=payload.pickup_point,
            pickup_start=payload.pickup_start,
            pickup_end=payload.pickup_end,
        ),
    ))


@router.get("/kitchen/production", response=list[ProductionRow], summary="Production list of a day")
def kitchen_production(request, filters: Query[DayQuery]):
    meals = list(selectors.meal_list_for_user(scope=request.scope, day=filters.day or timezone.localdate()))
    return [
        {
            "meal_id": r["meal"].pk,
            "name": r["meal"].name,
            **{k: r[k] for k in ("orders", "ordered", "delivery", "collected", "no_show")},
        }
        for r in selectors.production_list(meals=meals)
    ]


@router.get("/kitchen/meals/{meal_id}/orders", response=list[OrderOut], summary="Orders of a meal")
def kitchen_meal_orders(request, meal_id: int):
    meal = selectors.meal_get_for_user(scope=request.scope, meal_id=meal_id)
    return list(selectors.order_list_for_user(scope=request.scope, meal=meal))


@router.post("/kitchen/meals/{meal_id}/no-shows", response=CountOut, summary="Record the no-shows after the window")
def kitchen_no_shows(request, meal_id: int):
    meal = selectors.meal_get_for_user(scope=request.scope, meal_id=meal_id)
    return {"count": services.meal_record_no_shows(actor=request.scope, meal=meal)}


@router.post("/kitchen/pickups", response=OrderOut, summary="Scan or type a pick-up code: hand over once")
def kitchen_pickup(request, payload: PickupIn):
    order = _find_code(request, payload.community_id, payload.code)
    return services.order_hand_over(actor=request.scope, order=order, delivered=payload.delivered)


@router.post("/orders/{meal_order_id}/hand-over", response=OrderOut, summary="Hand over (or deliver) an order")
def order_hand_over(request, meal_order_id: int, delivered: bool = False):
    order = selectors.order_get_for_user(scope=request.scope, order_id=meal_order_id)
    return services.order_hand_over(actor=request.scope, order=order, delivered=delivered)


@router.post("/orders/{meal_order_id}/payment", response=OrderOut, summary="The provider confirms payment")
def order_payment(request, meal_order_id: int):
    order = selectors.order_get_for_user(scope=request.scope, order_id=meal_order_id)
    return services.payment_confirm(actor=request.scope, payable=order)


@router.post("/enrolments/{enrolment_id}/payment", response=EnrolmentOut, summary="The provider confirms payment")
def enrolment_payment(request, enrolment_id: int):
    enrolment = selectors.enrolment_get_for_user(scope=request.scope, enrolment_id=enrolment_id)
    return services.payment_confirm(actor=request.scope, payable=enrolment)


@router.get("/kitchen/classes", response=list[ItemOut], summary="Classes on the provider's side")
def provider_class_list(request):
    return list(selectors.class_list_for_user(scope=request.scope))


@router.get("/kitchen/classes/{class_item_id}/roster", response=list[EnrolmentOut], summary="Enrolled and waiting")
def class_roster(request, class_item_id: int):
    item = selectors.class_get_for_user(scope=request.scope, item_id=class_item_id)
    return list(selectors.class_roster(item=item))


@router.post(
    "/kitchen/classes/{class_item_id}/sessions", response={201: SessionOut}, summary="A session (Idempotency-Key)"
)
def session_create(request, class_item_id: int, payload: SessionIn):
    item = selectors.class_get_for_user(scope=request.scope, item_id=class_item_id)
    return Status(201, idempotent(
        request,
        ClassSession,
        lambda: services.session_create(actor=request.scope, item=item, starts_at=payload.starts_at, topic=payload.topic),
    ))


@router.post("/kitchen/sessions/{class_session_id}/attendance", response=AttendanceOut, summary="Who came")
def attendance(request, class_session_id: int, payload: CatalogAttendanceIn):
    session = selectors.session_get_for_user(scope=request.scope, session_id=class_session_id)
    n = services.attendance_record(actor=request.scope, session=session, present_ids=set(payload.present))
    return {"session_id": session.pk, "present": n}


# --- Staff: the catalogue, price rules, settlement ---------------------------------------------------


@router.get("/communities/{community_id}/items", response=list[ItemOut], summary="All items, published or not")
def item_list(request, community_id: int):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.CATALOG_VIEW)
    return list(selectors.item_list_for_user(scope=request.scope, community=community))


@router.post("/items", response={201: ItemOut}, summary="Add a service to the catalogue (Idempotency-Key)")
def item_create(request, payload: ItemIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.CATALOG_MANAGE)
    partner = room = None
    if payload.partner_id is not None:
        from partners.selectors import partner_get_for_user

        partner = partner_get_for_user(scope=request.scope, partner_id=payload.partner_id)
    if payload.room_id is not None:
        from spaces.selectors import room_get_for_user

        room = room_get_for_user(scope=request.scope, room_id=payload.room_id)

    def make():
        category = services.category_create(actor=request.scope, community=community, name=payload.category)
        fields = payload.dict(exclude={"community_id", "category", "partner_id", "room_id"})
        return services.item_create(
            actor=request.scope, community=community, category=category, partner=partner, room=room, **fields
        )

    return Status(201, idempotent(request, Item, make))


@router.patch("/items/{catalog_item_id}", response=ItemOut)
def item_update(request, catalog_item_id: int, payload: ItemPatch):
    item = selectors.item_get_for_user(scope=request.scope, item_id=catalog_item_id, cap=Cap.CATALOG_MANAGE)
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    return services.item_update(actor=request.scope, item=item, **fields)


@router.get("/communities/{community_id}/rules", response=list[CatalogRuleOut], summary="Price rules")
def rule_list(request, community_id: int):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.CATALOG_VIEW)
    return list(selectors.rule_list_for_user(scope=request.scope, community=community))


@router.post("/rules", response={201: CatalogRuleOut}, summary="Add a price rule (Idempotency-Key)")
def rule_create(request, payload: CatalogRuleIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.CATALOG_MANAGE)
    tag = None
    if payload.tag:
        tag = VulnerableTag.objects.filter(code=payload.tag).first()
        if tag is None:
            raise ValidationFailed(_("Unknown group."), code="bad_rule")
    item = None
    if payload.item_id is not None:
        item = selectors.item_get_for_user(scope=request.scope, item_id=payload.item_id, cap=Cap.CATALOG_MANAGE)
    fields = payload.dict(exclude={"community_id", "tag", "item_id"})
    return Status(201, idempotent(
        request,
        PriceRule,
        lambda: services.price_rule_create(actor=request.scope, community=community, tag=tag, item=item, **fields),
    ))


@router.post("/rules/{price_rule_id}/active", response=CatalogRuleOut, summary="Switch a rule on or off")
def rule_active(request, price_rule_id: int, payload: CatalogActiveIn):
    rule = selectors.rule_get_for_user(scope=request.scope, rule_id=price_rule_id)
    return services.price_rule_set_active(actor=request.scope, rule=rule, active=payload.active)


@router.get("/settlement/{partner_id}", response=CatalogStatementOut, summary="A partner's monthly statement")
def statement(request, partner_id: int, filters: Query[MonthQuery]):
    partner = selectors.settlement_partner_get(scope=request.scope, partner_id=partner_id)
    st = selectors.statement_for(partner=partner, month=filters.month or timezone.localdate())
    return {**st, "partner_id": partner.pk, "partner": partner.name}


@router.post(
    "/settlement/{partner_id}/payments", response={201: SharePaymentOut}, summary="Record a share payment (Idempotency-Key)"
)
def share_payment(request, partner_id: int, payload: SharePaymentIn):
    partner = selectors.settlement_partner_get(scope=request.scope, partner_id=partner_id)
    key = header_key(request)
    return Status(201, idempotent(
        request,
        SharePayment,
        lambda: services.share_payment_record(
            actor=request.scope,
            partner=partner,
            month=month_start(payload.month),
            amount_fen=payload.amount_fen,
            note=payload.note,
            idempotency_key=key,
        ),
    ))


# --- Helpers ------------------------------------------------------------------------------------


def _served_item(request, item_id: int) -> Item:
    item = Item.objects.filter(pk=item_id).first()
    if item is None or not selectors.may_serve_item(request.scope, item):
        raise NotFound()
    return item


def _find_code(request, community_id: int, code: str):
    scope = request.scope
    day = timezone.localdate()
    if scope.has(Cap.CATALOG_MANAGE, community_id):
        return order_find_by_code(actor=scope, code=code, partner_id=None, community_id=community_id, day=day)
    from catalog.services._common import own_partner_ids
    from partners.models import Partner

    for partner_id in Partner.objects.filter(pk__in=own_partner_ids(scope), community_id=community_id).values_list(
        "pk", flat=True
    ):
        try:
            return order_find_by_code(actor=scope, code=code, partner_id=partner_id, community_id=community_id, day=day)
        except NotFound:
            continue
    raise NotFound(_("No order of today has this code."))
