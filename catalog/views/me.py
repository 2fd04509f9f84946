"""A resident's own pages, on a phone: menus, the order form, their orders and pick-up codes,
classes to enrol in. Family members order for each other within their household; grid workers
use the same form for the elderly of their grid (``order.proxy``)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import selectors, services
from catalog.models import OrderStatus
from catalog.services.meals import delivery_allowed
from linli.errors import DomainError, NotFound


def _key(request) -> str | None:
    return (request.POST.get("idempotency_key") or "").strip()[:100] or None


@login_required
def home(request):
    scope = request.scope
    return render(
        request,
        "catalog/me_home.html",
        {
            "orders": list(selectors.my_orders(scope=scope)[:30]),
            "enrolments": list(selectors.my_enrolments(scope=scope)[:30]),
            "meals": list(selectors.meals_open(scope=scope)[:30]),
            "classes": list(selectors.classes_open(scope=scope)[:30]),
            "people": selectors.residents_i_act_for(scope=scope),
        },
    )


def _for_whom(request, people):
    raw = request.POST.get("resident") or request.GET.get("resident")
    if raw:
        try:
            return selectors.resident_for_order(scope=request.scope, resident_id=int(raw))
        except (TypeError, ValueError):
            raise NotFound() from None
    return people[0] if people else None


@login_required
def meal_order(request, meal_id: int):
    scope = request.scope
    meal = selectors.meal_get_to_order(scope=scope, meal_id=meal_id)
    people = selectors.residents_i_act_for(scope=scope)
    resident = _for_whom(request, people)
    error = None
    if request.method == "POST":
        if resident is None:
            raise NotFound()
        try:
            quantity = int(request.POST.get("quantity") or 1)
        except ValueError:
            quantity = 0
        try:
            order = services.order_create(
                actor=scope,
                meal=meal,
                resident=resident,
                quantity=quantity,
                delivery=request.POST.get("delivery") == "1",
                note=request.POST.get("note", ""),
                idempotency_key=_key(request),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Ordered. Show the pick-up code when you collect."))
            return redirect("catalog_me:order", meal_order_id=order.pk)
    quote = None
    if resident is not None:
        quote = services.quote_for(item=meal.item, resident=resident, on=meal.serve_date)
    import uuid

    return render(
        request,
        "catalog/me_order_form.html",
        {
            "meal": meal,
            "people": people,
            "resident": resident,
            "quote": quote,
            "error": error,
            "closed": timezone.now() >= meal.cutoff_at,
            "can_deliver": resident is not None and delivery_allowed(meal, resident),
            "idempotency_key": uuid.uuid4().hex,
        },
    )


@login_required
def order_detail(request, meal_order_id: int):
    # Own orders, or (support, the desk) orders the user may see on the provider's side.
    order = selectors.order_get_for_user(scope=request.scope, order_id=meal_order_id)
    qr = segno.make(order.qr_payload, micro=False).svg_data_uri(scale=6, border=2)
    return render(
        request,
        "catalog/me_order.html",
        {
            "order": order,
            "qr": qr,
            "cancellable": order.status == OrderStatus.PLACED and timezone.now() < order.meal.cutoff_at,
        },
    )


@login_required
@require_POST
def order_cancel(request, meal_order_id: int):
    order = selectors.order_get_for_user(scope=request.scope, order_id=meal_order_id)
    try:
        services.order_cancel(actor=request.scope, order=order)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order cancelled."))
    return redirect("catalog_me:order", meal_order_id=order.pk)


@login_required
def class_enrol(request, class_item_id: int):
    scope = request.scope
    item = selectors.class_get_to_enrol(scope=scope, item_id=class_item_id)
    people = selectors.residents_i_act_for(scope=scope)
    resident = _for_whom(request, people)
    error = None
    if request.method == "POST":
        if resident is None:
            raise NotFound()
        try:
            enrolment = services.enrolment_create(
                actor=scope, item=item, resident=resident, idempotency_key=_key(request)
            )
        except DomainError as exc:
            error = exc.message
        else:
            if enrolment.status == "enrolled":
                messages.success(request, _("Enrolled. See you in class!"))
            else:
                messages.info(request, _("The class is full: you are on the waiting list and will get the next seat."))
            return redirect("catalog_me:home")
    import uuid

    quote = services.quote_for(item=item, resident=resident) if resident is not None else None
    return render(
        request,
        "catalog/me_enrol.html",
        {
            "item": item,
            "people": people,
            "resident": resident,
            "quote": quote,
            "error": error,
            "idempotency_key": uuid.uuid4().hex,
        },
    )


@login_required
@require_POST
def enrolment_withdraw(request, enrolment_id: int):
    enrolment = selectors.enrolment_get_for_user(scope=request.scope, enrolment_id=enrolment_id)
    try:
        services.enrolment_withdraw(actor=request.scope, enrolment=enrolment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Withdrawn."))
    return redirect("catalog_me:home")
