"""The community kitchen: menus, orders, pick-ups, no-shows ("线上预订+定点取餐").

Portions are never oversold: an order takes its portions with ONE conditional UPDATE,

    UPDATE catalog_meal SET portions_left = portions_left - n
     WHERE id = … AND portions_left >= n AND cutoff_at > now

which the database evaluates against the row as it is at that moment, under the row's write
lock. On PostgreSQL a second order for the last portion waits for the first to commit, re-reads
the row and finds nothing left; on SQLite writers are serialised. Reading ``portions_left`` in
Python and then saving would let two residents both see "1 left" and both get it.

An order is handed over once: ``UPDATE … SET status = 'collected' WHERE id = … AND status =
'placed'``; a second scan of the same label changes nothing and says when it was collected.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import Item, ItemKind, Meal, Order, OrderStatus, PaymentState
from catalog.services import payments
from catalog.services._common import check_key, may_act_for, require, require_serve
from catalog.services.items import quote_for
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from records.services import service_record_create
from residents.models import Resident

MAX_PORTIONS_PER_ORDER = 5


def cutoff_for(item: Item, serve_date: dt.date) -> dt.datetime:
    day = serve_date - dt.timedelta(days=item.cutoff_days_before)
    return timezone.make_aware(dt.datetime.combine(day, item.cutoff_time))


def meal_create(
    *,
    actor: Scope | None,
    item: Item,
    serve_date: dt.date,
    name: str,
    portions: int,
    pickup_point: str,
    pickup_start: dt.time,
    pickup_end: dt.time,
    cutoff_at: dt.datetime | None = None,
) -> Meal:
    """Put a dish on a day's menu (the kitchen or community staff)."""
    if actor is not None:
        require_serve(actor, community_id=item.community_id, partner_id=item.partner_id)
    if item.kind != ItemKind.MEAL:
        raise ValidationFailed(_("Only a meal service has a menu."), code="not_a_meal")
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationFailed(_("Name the dish."), code="bad_name")
    if not isinstance(portions, int) or portions < 1:
        raise ValidationFailed(_("Say how many portions will be made (at least 1)."), code="bad_portions")
    if pickup_end <= pickup_start:
        raise ValidationFailed(_("The pick-up window ends before it starts."), code="bad_window")
    pickup_point = (pickup_point or "").strip()[:100] or item.where
    if not pickup_point:
        raise ValidationFailed(_("Say where the meal is picked up."), code="bad_pickup_point")
    try:
        with transaction.atomic():
            return Meal.objects.create(
                community_id=item.community_id,
                item=item,
                serve_date=serve_date,
                name=name,
                portions=portions,
                portions_left=portions,
                cutoff_at=cutoff_at or cutoff_for(item, serve_date),
                pickup_point=pickup_point,
                pickup_start=pickup_start,
                pickup_end=pickup_end,
                created_by=actor.user if actor is not None else None,
            )
    except IntegrityError:
        raise Conflict(_("This dish is already on that day's menu."), code="meal_exists") from None


def _closed_message(meal: Meal) -> str:
    closes = timezone.localtime(meal.cutoff_at)
    return _("Orders for %(meal)s closed at %(time)s. Please choose another day.") % {
        "meal": f"{date_format(meal.serve_date, 'SHORT_DATE_FORMAT')} {meal.name}",
        "time": date_format(closes, "SHORT_DATETIME_FORMAT"),
    }


def delivery_allowed(meal: Meal, resident: Resident) -> bool:
    min_age = meal.item.delivery_min_age
    return min_age is not None and resident.age_on(meal.serve_date) >= min_age


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def order_create(
    *,
    actor: Scope,
    meal: Meal,
    resident: Resident,
    quantity: int = 1,
    delivery: bool = False,
    note: str = "",
    idempotency_key: str | None = None,
    payment_method: str = "offline",
    now: dt.datetime | None = None,
    quote=None,
) -> Order:
    """Order a meal for ``resident`` (oneself, a family member, or by a grid worker).

    With an ``idempotency_key`` a repeated request (a double tap, a retry after a lost answer)
    returns the first order instead of making a second one. The key is not looked up first:
    the order's unique (orderer, key) constraint refuses the second INSERT, whose transaction
    (portions included) rolls back, and any refusal is answered with the first order when
    there is one — so the everyday first request pays no extra query. ``quote`` lets a caller
    that has already priced the order (the benchmark's warm path) skip the rules lookup.
    """
    key = check_key(idempotency_key)
    user = actor.user if actor.is_authenticated else None
    if user is None:
        raise NotFound()
    try:
        order = _order_place(
            actor=actor,
            user=user,
            meal=meal,
            resident=resident,
            quantity=quantity,
            delivery=delivery,
            note=note,
            key=key,
            payment_method=payment_method,
            now=now,
            quote=quote,
        )
    except (IntegrityError, ValidationFailed, Conflict):
        # A repeat whose first order exists (raced in at the same moment, or retried after
        # the cut-off or the last portion) gets that order, not the refusal.
        if key is not None:
            existing = Order.objects.filter(ordered_by=user, idempotency_key=key).first()
            if existing is not None:
                existing.repeated = True
                return existing
        raise
    order.meal = meal
    return order


def _is_code_clash(exc: IntegrityError) -> bool:
    """Two orders of one meal drew the same pick-up code (and not: the same Idempotency-Key)."""
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    if constraint is not None:  # PostgreSQL names the constraint
        return constraint == "catalog_order_code_unique_in_meal"
    return "catalog_order.pickup_code" in str(exc)  # SQLite names the columns


def _order_place(
    *, actor, user, meal, resident, quantity, delivery, note, key, payment_method, now, quote
) -> Order:
    if resident.community_id != meal.community_id or not may_act_for(actor, resident):
        raise NotFound()
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_PORTIONS_PER_ORDER:
        raise ValidationFailed(
            _("An order is for 1 to %(n)s portions.") % {"n": MAX_PORTIONS_PER_ORDER}, code="bad_quantity"
        )
    now = now or timezone.now()
    if now >= meal.cutoff_at:
        raise ValidationFailed(_closed_message(meal), code="order_closed")
    if delivery and not delivery_allowed(meal, resident):
        raise ValidationFailed(_("Door delivery is for older residents who cannot come; please pick up."), code="no_delivery")
    method = payments.method_get(payment_method)
    item = meal.item
    if quote is None:
        quote = quote_for(item=item, resident=resident, on=meal.serve_date, quantity=quantity)
    # A pick-up code drawn twice for one meal (a one-in-ten-thousand chance at a busy
    # kitchen) fails the INSERT on the meal's unique codes: the whole transaction, portions
    # included, is tried again with a new code (cheaper than a savepoint on every order).
    for _attempt in range(5):
        try:
            with transaction.atomic():
                _take_portions(meal, quantity, now)
                order = Order(
                    community_id=meal.community_id,
                    meal=meal,
                    partner_id=item.partner_id,
                    resident=resident,
                    ordered_by=user,
                    quantity=quantity,
                    delivery=bool(delivery),
                    note=(note or "").strip()[:100],
                    pickup_code=_new_code(),
                    created_at=now,
                    list_price_fen=quote.total_list_fen,
                    amount_fen=quote.total_fen,
                    price_lines=quote.lines,
                    payment_state=payments.initial_state(quote.total_fen),
                    payment_method=method.code if quote.total_fen else "",
                    idempotency_key=key,
                )
                # The new row is its own record of the order (who, for whom, when, at what
                # price and why), and every later step is a conditional UPDATE that stamps its
                # own time and actor (handed over, cancelled, paid, refunded): a history copy
                # of the new row would say nothing more, and costs a sixth of the hot path
                # (docs/benchmarks.md).
                order.skip_history_when_saving = True
                order.save(force_insert=True)
                del order.skip_history_when_saving
                if method.paid_on_order and order.payment_state == PaymentState.DUE:
                    payments.payment_confirm(actor=None, payable=order, at=now, method=method.code)
            return order
        except IntegrityError as exc:
            if not _is_code_clash(exc):
                raise
    raise Conflict(_("Please try again."), code="retry")


_TAKE_SQL = (
    f"UPDATE {Meal._meta.db_table} SET portions_left = portions_left - %s"  # nosec B608 (a table name)
    " WHERE id = %s AND portions_left >= %s AND cutoff_at > %s"
)


def _take_portions(meal: Meal, quantity: int, now: dt.datetime) -> None:
    """Take the portions in one conditional UPDATE, or say why not."""
    # Written out: the one statement every order makes, and the ORM took longer to build it
    # than the database to run it (docs/benchmarks.md).
    with connection.cursor() as cur:
        cur.execute(_TAKE_SQL, [quantity, meal.pk, quantity, connection.ops.adapt_datetimefield_value(now)])
        if cur.rowcount == 1:
            return
    left = Meal.objects.filter(pk=meal.pk).values_list("portions_left", flat=True).first() or 0
    if left >= quantity:  # the order closed between our check and the update
        raise ValidationFailed(_closed_message(meal), code="order_closed")
    if left == 0:
        raise Conflict(_("%(meal)s is sold out. Please choose another dish.") % {"meal": meal.name}, code="sold_out")
    raise Conflict(
        _("Only %(left)s portions of %(meal)s are left.") % {"left": left, "meal": meal.name},
        code="sold_out",
    )


def order_cancel(*, actor: Scope, order: Order, now: dt.datetime | None = None) -> Order:
    """Cancel before the cut-off: the portions go back on sale and a payment is refunded."""
    if not (may_act_for(actor, order.resident) or order.ordered_by_id == getattr(actor.user, "pk", None)):
        raise NotFound()
    now = now or timezone.now()
    meal = order.meal
    if now >= meal.cutoff_at:
        raise ValidationFailed(
            _("Orders can be cancelled until %(time)s; the kitchen has already planned this meal.")
            % {"time": date_format(timezone.localtime(meal.cutoff_at), "SHORT_DATETIME_FORMAT")},
            code="cancel_closed",
        )
    with transaction.atomic():
        if not Order.objects.filter(pk=order.pk, status=OrderStatus.PLACED).update(
            status=OrderStatus.CANCELLED, cancelled_at=now
        ):
            raise Conflict(_("This order can no longer be cancelled."), code="not_cancellable")
        Meal.objects.filter(pk=meal.pk).update(portions_left=F("portions_left") + order.quantity)
        order.refresh_from_db()
        payments.payment_refund(payable=order, recorded_by=actor.user, at=now)
    order.refresh_from_db()
    return order


def order_hand_over(
    *, actor: Scope | None, order: Order, delivered: bool = False, now: dt.datetime | None = None
) -> Order:
    """The kitchen hands the box over (pick-up code scanned or typed, or delivered to the door).

    At most once: the status moves from "ordered" in one conditional UPDATE; a second scan is a
    Conflict that says when it was collected. An unpaid offline payment is confirmed here (the
    resident pays at the counter). The service given is recorded (服务人次)."""
    if actor is not None:
        require_serve(actor, community_id=order.community_id, partner_id=order.partner_id)
    now = now or timezone.now()
    meal = order.meal
    if timezone.localtime(now).date() < meal.serve_date:
        raise ValidationFailed(_("This order is for %(day)s.") % {"day": meal.serve_date}, code="not_today")
    user = actor.user if actor is not None else None
    with transaction.atomic():
        status = OrderStatus.DELIVERED if delivered else OrderStatus.COLLECTED
        changed = Order.objects.filter(pk=order.pk, status__in=[OrderStatus.PLACED, OrderStatus.NO_SHOW]).update(
            status=status, handed_over_at=now, handed_over_by=user
        )
        order.refresh_from_db()
        if not changed:
            if order.status in (OrderStatus.COLLECTED, OrderStatus.DELIVERED):
                raise Conflict(
                    _("Order %(number)s was already collected at %(time)s.")
                    % {"number": order.number, "time": date_format(timezone.localtime(order.handed_over_at), "H:i")},
                    code="already_collected",
                )
            raise Conflict(_("Order %(number)s was cancelled.") % {"number": order.number}, code="cancelled")
        if order.payment_state == PaymentState.DUE:
            payments.payment_confirm(actor=None, payable=order, at=now, method=order.payment_method or "offline")
            if user is not None:
                Order.objects.filter(pk=order.pk).update(payment_confirmed_by=user)
            order.refresh_from_db()
        item = meal.item
        commitment = item.commitment
        welfare = order.amount_fen < order.list_price_fen
        if commitment is not None and not (welfare and commitment.agreement.in_force_on(timezone.localtime(now).date())):
            commitment = None
        service_record_create(
            community=order.community,
            service=item.name,
            category=item.category.name,
            occurred_at=now,
            tier=item.tier,
            provider_kind=item.provider_kind,
            partner=order.partner,
            provider_name=item.provider_name,
            served_by=user,
            resident=order.resident,
            person_times=order.quantity,
            room=item.room,
            amount_fen=order.amount_fen,
            commitment=commitment,
            recorded_by=user,
            source=("catalog.order", order.pk),
        )
    return order


def meal_record_no_shows(*, actor: Scope | None, meal: Meal, now: dt.datetime | None = None) -> int:
    """After the pick-up window: every order not collected is recorded as a no-show."""
    if actor is not None:
        require_serve(actor, community_id=meal.community_id, partner_id=meal.item.partner_id)
    now = now or timezone.now()
    window_end = timezone.make_aware(dt.datetime.combine(meal.serve_date, meal.pickup_end))
    if now < window_end:
        raise ValidationFailed(_("No-shows are recorded after the pick-up window closes."), code="too_early")
    with transaction.atomic():
        n = Order.objects.filter(meal=meal, status=OrderStatus.PLACED).update(status=OrderStatus.NO_SHOW)
        Meal.objects.filter(pk=meal.pk).update(no_shows_recorded_at=now)
    return n


def order_find_by_code(*, actor: Scope, code: str, partner_id: int | None, community_id: int, day: dt.date) -> Order:
    """What the kitchen scans (the label's QR "LINLI-MEAL:<id>:<code>") or types (6 digits)."""
    require_serve(actor, community_id=community_id, partner_id=partner_id)
    code = (code or "").strip()
    qs = Order.objects.select_related("meal", "meal__item", "resident", "community").filter(
        community_id=community_id, meal__serve_date=day
    )
    if partner_id is not None and not actor.has(Cap.CATALOG_MANAGE, community_id):
        qs = qs.filter(partner_id=partner_id)
    if code.startswith("LINLI-MEAL:"):
        parts = code.split(":")
        if len(parts) != 3 or not parts[1].isdigit():
            raise ValidationFailed(_("This QR code is not a Linli meal label."), code="bad_code")
        found = qs.filter(pk=int(parts[1]), pickup_code=parts[2]).first()
    elif code.isdigit() and len(code) == 6:
        matches = list(qs.filter(pickup_code=code)[:2])
        if len(matches) > 1:
            raise ValidationFailed(_("Two orders today have this code: scan the label instead."), code="ambiguous")
        found = matches[0] if matches else None
    else:
        raise ValidationFailed(_("Type the 6-digit pick-up code or scan the label."), code="bad_code")
    if found is None:
        raise NotFound(_("No order of today has this code."))
    return found


__all__ = ["require"]
