from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import mfa, reauth
from accounts.reauth import redirect_to_confirm
from linli.errors import DomainError, Forbidden, NotFound, ValidationFailed
from linli.paging import KeysFirst
from orgs.roles import Cap
from orgs.selectors import buildings_of, grids_of
from orgs.views import console_community
from residents import exports, imports, selectors, selectors_privacy, services
from residents.forms import (
    ConsentForm,
    DeletionRequestForm,
    ImportUploadForm,
    ResidentForm,
    RevealForm,
    SelfContactForm,
)
from residents.models import GUARDIAN_AGE, ImportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _need(request, cap: str):
    community = console_community(request)
    if not request.scope.has(cap, community.pk):
        raise NotFound()
    return community


@login_required
def resident_list(request):
    community = _need(request, Cap.RESIDENT_VIEW)
    grid_id = request.GET.get("grid") or None
    qs = selectors.resident_list_for_user(
        scope=request.scope,
        community=community,
        query=request.GET.get("q", ""),
        grid_id=int(grid_id) if grid_id and grid_id.isdigit() else None,
        tag=request.GET.get("tag", ""),
    )
    page = Paginator(KeysFirst(qs), 25).get_page(request.GET.get("page"))
    all_tags = list(selectors.tag_list())
    rows = [(r, selectors.effective_tags(r, all_tags)) for r in page.object_list]
    context = {
        "community": community,
        "page": page,
        "rows": rows,
        "grids": grids_of(scope=request.scope, community=community, cap=Cap.RESIDENT_VIEW),
        "tags": all_tags,
        "can_manage": request.scope.has(Cap.RESIDENT_MANAGE, community.pk),
        "can_export": request.scope.has(Cap.RESIDENT_EXPORT, community.pk),
        "can_reveal": request.scope.has(Cap.RESIDENT_REVEAL, community.pk),
    }
    template = "residents/_rows.html" if request.htmx and request.htmx.target == "resident-rows" else "residents/list.html"
    return render(request, template, context)


def _form_context(request, community, cap=Cap.RESIDENT_MANAGE):
    return {
        "grids": grids_of(scope=request.scope, community=community, cap=cap),
        "buildings": buildings_of(scope=request.scope, community=community, cap=cap),
    }


@login_required
def resident_create(request):
    community = _need(request, Cap.RESIDENT_MANAGE)
    form = ResidentForm(request.POST or None, **_form_context(request, community))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            address = services.resolve_address(
                scope=request.scope, community=community, grid_name=d["grid"], building_name=d["building"],
                unit=d["unit"], room=d["room"],
            )
            resident = services.resident_create(
                actor=request.scope, community=community, name=d["name"], id_number=d["id_number"], phone=d["phone"],
                address=address, tags=list(d["tags"]), note=d["note"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("%(name)s has been registered.") % {"name": resident.name})
            return redirect("residents:detail", resident_id=resident.pk)
    return render(request, "residents/form.html", {"form": form, "community": community, "creating": True})


@login_required
def resident_detail(request, resident_id: int):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id)
    return render(
        request,
        "residents/detail.html",
        {
            "r": resident,
            "tags": selectors.effective_tags(resident),
            "can_manage": request.scope.has(Cap.RESIDENT_MANAGE, resident.community_id),
            "can_reveal": request.scope.has(Cap.RESIDENT_REVEAL, resident.community_id),
            "reveal_form": RevealForm(),
            "needs_reauth": not reauth.is_recent(request),
            "has_device": mfa.confirmed_device(request.user) is not None,
            "consents": selectors_privacy.consent_states(resident),
            "consent_history": selectors_privacy.consent_history(resident)[:20],
            "consent_form": ConsentForm(),
            "needs_guardian": resident.age < GUARDIAN_AGE,
        },
    )


@login_required
def resident_edit(request, resident_id: int):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id, cap=Cap.RESIDENT_MANAGE)
    community = resident.community
    initial = {
        "name": resident.name, "id_number": resident.id_number_masked, "phone": resident.phone, "grid": resident.grid.name,
        "building": resident.building.name if resident.building_id else "", "unit": resident.unit, "room": resident.room,
        "tags": [t for t in selectors.effective_tags(resident) if t.min_age is None], "note": resident.note,
    }
    form = ResidentForm(request.POST or None, initial=initial, editing=True, **_form_context(request, community))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            address = services.resolve_address(
                scope=request.scope, community=community, grid_name=d["grid"], building_name=d["building"],
                unit=d["unit"], room=d["room"],
            )
            services.resident_update(
                actor=request.scope, resident=resident, name=d["name"], phone=d["phone"], address=address,
                tags=list(d["tags"]), note=d["note"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("residents:detail", resident_id=resident.pk)
    return render(request, "residents/form.html", {"form": form, "community": community, "resident": resident})


@login_required
@require_POST
def resident_reveal(request, resident_id: int):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Say why you need the full number (this is logged)."), code="no_reason")
    if not request.scope.has(Cap.RESIDENT_REVEAL, resident.community_id):
        raise Forbidden(_("Your role may not see full ID or mobile numbers."))
    reauth.require_recent(request, password=form.cleaned_data["password"], code=form.cleaned_data["code"])
    value = services.resident_reveal(
        actor=request.scope, resident=resident, field=form.cleaned_data["field"], reason=form.cleaned_data["reason"],
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return render(request, "residents/_revealed.html", {"value": value, "field": form.cleaned_data["field"], "r": resident})


@login_required
def resident_history(request, resident_id: int):
    resident = selectors.resident_get_for_user(scope=request.scope, resident_id=resident_id)
    records = list(resident.history.select_related("history_user").order_by("-history_date")[:100])
    changes = []
    for record in records:
        prev = record.prev_record
        diff = record.diff_against(prev).changes if prev else []
        changes.append({"record": record, "fields": [c.field for c in diff if c.field not in ("name_pinyin", "name_initials", "updated_at")]})
    return render(request, "residents/history.html", {"r": resident, "changes": changes})


@login_required
def resident_export(request):
    community = _need(request, Cap.RESIDENT_EXPORT)
    qs = selectors.resident_list_for_user(
        scope=request.scope, community=community, query=request.GET.get("q", ""), tag=request.GET.get("tag", "")
    )
    full = request.GET.get("full") == "1"
    if full and not reauth.is_recent(request):
        # Refuse what would be refused anyway before asking for the password.
        exports.full_export_check(actor=request.scope, community_id=community.pk, reason=request.GET.get("reason", ""))
        return redirect_to_confirm(request)
    content = exports.residents_workbook(
        actor=request.scope, residents=qs, community_id=community.pk, full=full, reason=request.GET.get("reason", "")
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(content, f"residents-{community.pk}-{stamp}.xlsx")


@login_required
def import_upload(request):
    community = _need(request, Cap.RESIDENT_MANAGE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.import_preview(
                actor=request.scope, community=community, data=upload.read(), filename=upload.name
            )
        except ValidationFailed as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect("residents:import_preview", batch_id=batch.pk)
    return render(request, "residents/import.html", {"form": form, "community": community})


@login_required
def import_template(request):
    _need(request, Cap.RESIDENT_MANAGE)
    return _xlsx(imports.template_workbook(), "residents-template.xlsx")


@login_required
def import_preview(request, batch_id: int):
    batch = selectors.import_batch_get_for_user(scope=request.scope, batch_id=batch_id)
    bad = [r for r in batch.rows if r["errors"]]
    good_sample = [r for r in batch.rows if not r["errors"]][:10]
    return render(
        request,
        "residents/import_preview.html",
        {"batch": batch, "bad": bad, "good_sample": good_sample, "good_count": batch.total_rows - batch.error_rows,
         "is_open": batch.status == ImportStatus.PREVIEW},
    )


@login_required
@require_POST
def import_confirm(request, batch_id: int):
    batch = selectors.import_batch_get_for_user(scope=request.scope, batch_id=batch_id)
    action = request.POST.get("action")
    if action == "discard":
        imports.import_discard(actor=request.scope, batch=batch)
        messages.info(request, _("The file was discarded; nothing was imported."))
        return redirect("residents:import")
    try:
        batch = imports.import_commit(actor=request.scope, batch=batch, good_rows_only=action == "good_only")
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect("residents:import_preview", batch_id=batch.pk)
    messages.success(request, _("%(n)s residents imported.") % {"n": batch.imported_count})
    return redirect("residents:list")


@login_required
def import_errors(request, batch_id: int):
    batch = selectors.import_batch_get_for_user(scope=request.scope, batch_id=batch_id)
    return _xlsx(imports.error_report(batch), f"import-{batch.pk}-errors.xlsx")


@login_required
def reveal_log(request):
    community = _need(request, Cap.AUDIT_VIEW)
    page = Paginator(selectors.reveal_log_for_user(scope=request.scope, community=community), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "residents/reveal_log.html", {"community": community, "page": page})


# --- The resident's own pages -------------------------------------------------


@login_required
def me(request):
    resident = selectors.resident_for_self(user=request.user)
    return render(
        request,
        "residents/me.html",
        {
            "r": resident,
            "tags": selectors.effective_tags(resident),
            "reveals": resident.reveals.select_related("actor")[:20],
            "consents": selectors_privacy.consent_states(resident),
            "deletion_requests": selectors_privacy.deletion_requests_for_self(user=request.user),
            "deletion_form": DeletionRequestForm(),
        },
    )


@login_required
def me_edit(request):
    resident = selectors.resident_for_self(user=request.user)
    form = SelfContactForm(request.POST or None, initial={"phone": resident.phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_self_update(user=request.user, phone=form.cleaned_data["phone"])
        except DomainError as exc:
            form.add_error("phone", str(exc.message))
        else:
            messages.success(request, _("Your mobile number has been updated."))
            return redirect("me:home")
    return render(request, "residents/me_edit.html", {"form": form, "r": resident})


@login_required
def me_download(request):
    resident = selectors.resident_for_self(user=request.user)
    body = json.dumps(exports.own_data(resident), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename=my-data.json"
    return response
