"""The provider's pages (the partner portal, and staff at the desk): today's production list,
box labels, the pick-up counter (scan or type the code), no-shows, class rosters and attendance.
A partner's staff see their own partner's meals and classes only."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import selectors, services
from catalog.pdf import labels_pdf, mask_name
from catalog.services._common import own_partner_ids
from catalog.services.meals import order_find_by_code
from linli.errors import DomainError, NotFound
from orgs.roles import Cap
from orgs.selectors import current_community


def _provider(request):
    """Partner staff with a partner, or staff who may see the catalogue here; else a 404."""
    scope = request.scope
    community = current_community(request)
    staff = community is not None and scope.has(Cap.CATALOG_VIEW, community.pk)
    if not staff and not own_partner_ids(scope):
        raise NotFound()
    return community if staff else None


def _day(request) -> dt.date:
    return parse_date(request.GET.get("day") or "") or timezone.localdate()


@login_required
def home(request):
    community = _provider(request)
    day = _day(request)
    meals = list(selectors.meal_list_for_user(scope=request.scope, community=community, day=day))
    classes = list(selectors.class_list_for_user(scope=request.scope, community=community))
    return render(
        request,
        "catalog/kitchen_home.html",
        {
            "day": day,
            "prev": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "rows": selectors.production_list(meals=meals),
            "classes": classes,
        },
    )


@login_required
def meal_detail(request, meal_id: int):
    _provider(request)
    meal = selectors.meal_get_for_user(scope=request.scope, meal_id=meal_id)
    orders = list(selectors.order_list_for_user(scope=request.scope, meal=meal))
    for o in orders:
        o.masked = mask_name(o.resident.name)
    window_end = timezone.make_aware(dt.datetime.combine(meal.serve_date, meal.pickup_end))
    return render(
        request,
        "catalog/kitchen_meal.html",
        {"meal": meal, "orders": orders, "after_window": timezone.now() >= window_end},
    )


@login_required
def meal_labels(request, meal_id: int):
    _provider(request)
    meal = selectors.meal_get_for_user(scope=request.scope, meal_id=meal_id)
    orders = selectors.order_list_for_user(scope=request.scope, meal=meal).exclude(status="cancelled")
    response = HttpResponse(labels_pdf(orders), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=labels-{meal.serve_date:%Y%m%d}-{meal.pk}.pdf"
    return response


@login_required
@require_POST
def meal_no_shows(request, meal_id: int):
    _provider(request)
    meal = selectors.meal_get_for_user(scope=request.scope, meal_id=meal_id)
    try:
        n = services.meal_record_no_shows(actor=request.scope, meal=meal)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s orders recorded as not collected.") % {"n": n})
    return redirect("catalog:kitchen_meal", meal_id=meal.pk)


@login_required
def scan(request):
    """The pick-up counter: a phone's camera app or a USB scanner types the QR text into the
    field; staff can also type the 6-digit code."""
    community = _provider(request)
    scope = request.scope
    handed = None
    error = None
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()
        try:
            order = _find(scope, community, code)
            handed = services.order_hand_over(actor=scope, order=order, delivered=request.POST.get("delivered") == "1")
            handed.masked = mask_name(handed.resident.name)
        except DomainError as exc:
            error = exc.message
    return render(request, "catalog/kitchen_scan.html", {"handed": handed, "error": error})


def _find(scope, community, code):
    day = timezone.localdate()
    if community is not None:
        return order_find_by_code(actor=scope, code=code, partner_id=None, community_id=community.pk, day=day)
    from partners.models import Partner

    for partner in Partner.objects.filter(pk__in=own_partner_ids(scope)):
        try:
            return order_find_by_code(
                actor=scope, code=code, partner_id=partner.pk, community_id=partner.community_id, day=day
            )
        except NotFound:
            continue
    raise NotFound(_("No order of today has this code."))


@login_required
@require_POST
def order_hand_over(request, meal_order_id: int):
    _provider(request)
    order = selectors.order_get_for_user(scope=request.scope, order_id=meal_order_id)
    try:
        services.order_hand_over(actor=request.scope, order=order, delivered=request.POST.get("delivered") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order %(number)s handed over.") % {"number": order.number})
    return redirect("catalog:kitchen_meal", meal_id=order.meal_id)


@login_required
def meal_create(request):
    community = _provider(request)
    scope = request.scope
    items = [
        i
        for i in selectors.item_list_for_user(scope=scope, community=community)
        if i.kind == "meal"
    ] if community is not None else []
    if community is None:
        from catalog.models import Item

        items = list(Item.objects.filter(kind="meal", partner_id__in=own_partner_ids(scope)))
    error = None
    if request.method == "POST":
        try:
            item = next(i for i in items if str(i.pk) == request.POST.get("item"))
            meal = services.meal_create(
                actor=scope,
                item=item,
                serve_date=parse_date(request.POST.get("serve_date") or "") or timezone.localdate(),
                name=request.POST.get("name", ""),
                portions=int(request.POST.get("portions") or 0),
                pickup_point=request.POST.get("pickup_point", ""),
                pickup_start=dt.time.fromisoformat(request.POST.get("pickup_start") or "11:00"),
                pickup_end=dt.time.fromisoformat(request.POST.get("pickup_end") or "12:30"),
            )
        except StopIteration:
            error = _("Choose the meal service.")
        except ValueError:
            error = _("Check the number of portions and the times.")
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Added to the menu."))
            return redirect(f"{redirect('catalog:kitchen').url}?day={meal.serve_date:%Y-%m-%d}")
    return render(
        request,
        "catalog/kitchen_meal_form.html",
        {"items": items, "error": error, "tomorrow": timezone.localdate() + dt.timedelta(days=1)},
    )


@login_required
def class_detail(request, class_item_id: int):
    _provider(request)
    item = selectors.class_get_for_user(scope=request.scope, item_id=class_item_id)
    error = None
    if request.method == "POST":
        starts = parse_datetime(request.POST.get("starts_at") or "")
        try:
            if starts is None:
                raise ValueError
            if timezone.is_naive(starts):
                starts = timezone.make_aware(starts)
            session = services.session_create(
                actor=request.scope, item=item, starts_at=starts, topic=request.POST.get("topic", "")
            )
        except ValueError:
            error = _("Give the date and time the session starts.")
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("catalog:kitchen_session", class_session_id=session.pk)
    return render(
        request,
        "catalog/kitchen_class.html",
        {
            "item": item,
            "roster": list(selectors.class_roster(item=item)),
            "sessions": list(item.sessions.all()[:20]),
            "error": error,
        },
    )


@login_required
def session_detail(request, class_session_id: int):
    _provider(request)
    session = selectors.session_get_for_user(scope=request.scope, session_id=class_session_id)
    item = session.item
    roster = [e for e in selectors.class_roster(item=item) if e.status == "enrolled"]
    error = None
    if request.method == "POST":
        try:
            present = {int(v) for v in request.POST.getlist("present")}
            n = services.attendance_record(actor=request.scope, session=session, present_ids=present)
        except ValueError:
            error = _("Tick the students who came.")
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Attendance saved: %(n)s present.") % {"n": n})
            return redirect("catalog:kitchen_session", class_session_id=session.pk)
    marked = {a.enrolment_id: a.present for a in session.attendance.all()}
    for e in roster:
        e.present = marked.get(e.pk, False)
    return render(request, "catalog/kitchen_session.html", {"session": session, "item": item, "roster": roster, "error": error})
