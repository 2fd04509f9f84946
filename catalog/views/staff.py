"""Community staff's pages: the catalogue, price rules, worker cards and settlement."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import selectors, services
from catalog.models import ItemKind, RuleEffect, RuleKind
from catalog.pdf import statement_pdf, statement_xlsx
from linli.errors import DomainError, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.views import console_community
from partners.revenue import yuan_to_fen
from records.models import ProviderKind, TargetGroup, Tier
from residents.models import VulnerableTag


def _need(request, cap: str):
    community = console_community(request)
    if not request.scope.has(cap, community.pk):
        raise NotFound()
    return community


def _opt_int(raw) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(_("“%(value)s” is not a whole number.") % {"value": raw}, code="bad_number") from None


@login_required
def item_list(request):
    community = _need(request, Cap.CATALOG_VIEW)
    items = list(selectors.item_list_for_user(scope=request.scope, community=community))
    return render(
        request,
        "catalog/item_list.html",
        {
            "community": community,
            "items": items,
            "can_manage": request.scope.has(Cap.CATALOG_MANAGE, community.pk),
            "n_free": sum(1 for i in items if i.tier == Tier.FREE),
        },
    )


def _item_fields(request, community) -> tuple[object, dict]:
    from partners.models import Partner
    from spaces.models import Room

    post = request.POST
    category = services.category_create(actor=request.scope, community=community, name=post.get("category", ""))
    partner_id = _opt_int(post.get("partner"))
    room_id = _opt_int(post.get("room"))
    fields = {
        "name": post.get("name", ""),
        "description": post.get("description", ""),
        "kind": post.get("kind", ItemKind.SERVICE),
        "provider_kind": post.get("provider_kind", ""),
        "provider_name": post.get("provider_name", ""),
        "tier": post.get("tier", ""),
        "price_fen": yuan_to_fen(post.get("price", "")),
        "price_unit": post.get("price_unit", ""),
        "place": post.get("place", ""),
        "schedule": post.get("schedule", ""),
        "capacity": _opt_int(post.get("capacity")),
        "target_groups": post.getlist("target_groups"),
        "eligibility": post.get("eligibility", ""),
        "delivery_min_age": _opt_int(post.get("delivery_min_age")),
        "is_active": post.get("is_active") == "1",
        "partner": Partner.objects.filter(pk=partner_id, community=community).first() if partner_id else None,
        "room": Room.objects.filter(pk=room_id, community=community).first() if room_id else None,
    }
    return category, fields


def _item_form(request, community, item=None, error=None):
    from partners.models import Partner
    from spaces.models import Room

    if request.method == "POST":
        v = {k: request.POST.get(k, "") for k in request.POST}
        v["target_groups"] = request.POST.getlist("target_groups")
        v["is_active"] = request.POST.get("is_active") == "1"
    elif item is not None:
        v = {f: getattr(item, f) for f in ("name", "description", "kind", "provider_kind", "provider_name", "tier",
                                           "price_unit", "place", "schedule", "eligibility", "target_groups",
                                           "is_active")}
        v |= {
            "category": item.category.name,
            "partner": str(item.partner_id or ""),
            "room": str(item.room_id or ""),
            "price": f"{item.price_fen / 100:g}" if item.price_fen else "",
            "capacity": item.capacity if item.capacity is not None else "",
            "delivery_min_age": item.delivery_min_age if item.delivery_min_age is not None else "",
        }
    else:
        v = {"is_active": True, "target_groups": [], "kind": ItemKind.SERVICE}
    return render(
        request,
        "catalog/item_form.html",
        {
            "v": v,
            "item": item,
            "error": error,
            "categories": selectors.category_list(community=community),
            "partners": Partner.objects.filter(community=community).order_by("name"),
            "rooms": Room.objects.filter(community=community).order_by("name"),
            "kinds": ItemKind.choices,
            "providers": ProviderKind.choices,
            "tiers": Tier.choices,
            "groups": TargetGroup.choices,
        },
    )


@login_required
def item_create(request):
    community = _need(request, Cap.CATALOG_MANAGE)
    if request.method == "POST":
        try:
            category, fields = _item_fields(request, community)
            item = services.item_create(actor=request.scope, community=community, category=category, **fields)
        except DomainError as exc:
            return _item_form(request, community, error=exc.message)
        messages.success(request, _("Added to the catalogue."))
        return redirect("catalog:item_edit", catalog_item_id=item.pk)
    return _item_form(request, community)


@login_required
def item_edit(request, catalog_item_id: int):
    item = selectors.item_get_for_user(scope=request.scope, item_id=catalog_item_id, cap=Cap.CATALOG_MANAGE)
    community = item.community
    if request.method == "POST":
        try:
            category, fields = _item_fields(request, community)
            services.item_update(actor=request.scope, item=item, category=category, **fields)
        except DomainError as exc:
            return _item_form(request, community, item=item, error=exc.message)
        messages.success(request, _("Saved."))
        return redirect("catalog:item_edit", catalog_item_id=item.pk)
    return _item_form(request, community, item=item)


@login_required
def rule_list(request):
    community = _need(request, Cap.CATALOG_VIEW)
    can_manage = request.scope.has(Cap.CATALOG_MANAGE, community.pk)
    error = None
    if request.method == "POST":
        if not can_manage:
            raise NotFound()
        post = request.POST
        try:
            tag = VulnerableTag.objects.filter(code=post.get("tag", "")).first()
            services.price_rule_create(
                actor=request.scope,
                community=community,
                label=post.get("label", ""),
                kind=post.get("kind", ""),
                effect=post.get("effect", ""),
                amount_fen=yuan_to_fen(post.get("amount", "")),
                percent=_opt_int(post.get("percent")) or 0,
                min_age=_opt_int(post.get("min_age")),
                max_age=_opt_int(post.get("max_age")),
                tag=tag,
                stacks=post.get("stacks") == "1",
                tier=post.get("tier", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Price rule added."))
            return redirect("catalog:rules")
    return render(
        request,
        "catalog/rule_list.html",
        {
            "rules": selectors.rule_list_for_user(scope=request.scope, community=community),
            "can_manage": can_manage,
            "error": error,
            "kinds": RuleKind.choices,
            "effects": RuleEffect.choices,
            "tags": VulnerableTag.objects.all(),
            "tiers": Tier.choices,
        },
    )


@login_required
@require_POST
def rule_toggle(request, price_rule_id: int):
    rule = selectors.rule_get_for_user(scope=request.scope, rule_id=price_rule_id)
    services.price_rule_set_active(actor=request.scope, rule=rule, active=not rule.is_active)
    return redirect("catalog:rules")


def _month(request) -> dt.date:
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        year, month = (int(p) for p in raw.split("-")[:2])
        return dt.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def settlement_list(request):
    community = _need(request, Cap.CATALOG_VIEW)
    month = _month(request)
    rows = [
        selectors.statement_for(partner=p, month=month)
        for p in selectors.settlement_partners(scope=request.scope, community=community)
    ]
    return render(request, "catalog/settlement_list.html", {"rows": rows, "month": month})


@login_required
def settlement_detail(request, partner_id: int):
    partner = selectors.settlement_partner_get(scope=request.scope, partner_id=partner_id)
    month = _month(request)
    st = selectors.statement_for(partner=partner, month=month)
    return render(
        request,
        "catalog/settlement_detail.html",
        {
            "st": st,
            "month": month,
            "partner": partner,
            "can_manage": request.scope.has(Cap.CATALOG_MANAGE, partner.community_id),
        },
    )


@login_required
def settlement_xlsx(request, partner_id: int):
    partner = selectors.settlement_partner_get(scope=request.scope, partner_id=partner_id)
    month = _month(request)
    response = HttpResponse(
        statement_xlsx(selectors.statement_for(partner=partner, month=month)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename=settlement-{partner.pk}-{month:%Y-%m}.xlsx"
    return response


@login_required
def settlement_pdf(request, partner_id: int):
    partner = selectors.settlement_partner_get(scope=request.scope, partner_id=partner_id)
    month = _month(request)
    response = HttpResponse(
        statement_pdf(selectors.statement_for(partner=partner, month=month)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f"inline; filename=settlement-{partner.pk}-{month:%Y-%m}.pdf"
    return response


@login_required
@require_POST
def settlement_pay(request, partner_id: int):
    partner = selectors.settlement_partner_get(scope=request.scope, partner_id=partner_id)
    if not request.scope.has(Cap.CATALOG_MANAGE, partner.community_id):
        raise NotFound()
    month = _month(request)
    try:
        services.share_payment_record(
            actor=request.scope,
            partner=partner,
            month=month,
            amount_fen=yuan_to_fen(request.POST.get("amount", "")),
            note=request.POST.get("note", ""),
            idempotency_key=(request.POST.get("idempotency_key") or None),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Share payment recorded."))
    return redirect(f"{redirect('catalog:settlement_detail', partner_id=partner.pk).url}?month={month:%Y-%m}")
