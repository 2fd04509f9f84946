"""Staff and grid-worker pages: the three lists, matching, projects and micro-wishes.

Parse, fetch within scope, call one service, respond. Shared lists show needs as counts and
groups, never who raised them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.errors import DomainError, NotFound
from matching import forms, selectors, services
from matching.models import Category, NeedStatus, ProjectStatus, ResourceStatus, WishStatus
from matching.services._common import covers
from matching.views._common import need_cap, report, yuan_to_fen
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.selectors import buildings_of, grids_of

PAGE = 50


def _page(request, qs):
    return Paginator(qs, PAGE).get_page(request.GET.get("page"))


def _node(community, pk):
    return OrgNode.objects.filter(pk=pk, community=community).first() if pk else None


# --- Overview: what is not covered, and what could cover it ---------------------------------------


@login_required
def home(request):
    community = need_cap(request, Cap.MATCHING_VIEW)
    uncovered = selectors.uncovered_needs(scope=request.scope, community=community)
    return render(
        request,
        "matching/home.html",
        {
            "community": community,
            "uncovered": uncovered,
            "figures": selectors.public_figures(community=community),
            "can_manage": request.scope.has(Cap.MATCHING_MANAGE, community.pk),
        },
    )


# --- Needs -----------------------------------------------------------------------------------------


@login_required
def need_list(request):
    community = need_cap(request, Cap.MATCHING_VIEW)
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    qs = selectors.need_list_for_user(
        scope=request.scope, community=community, status=status, category=category, query=request.GET.get("q", "").strip()
    )
    return render(
        request,
        "matching/need_list.html",
        {
            "community": community,
            "page": _page(request, qs),
            "statuses": NeedStatus.choices,
            "categories": Category.choices,
            "can_add": request.scope.has(Cap.MATCHING_MANAGE, community.pk) or request.scope.has(Cap.WISH_POST, community.pk),
        },
    )


def _need_form(request, community, initial=None):
    return forms.NeedForm(
        request.POST or None,
        initial=initial,
        grids=grids_of(scope=request.scope, community=community, cap=Cap.MATCHING_VIEW),
        buildings=buildings_of(scope=request.scope, community=community, cap=Cap.MATCHING_VIEW),
    )


def _need_kwargs(form, community) -> dict:
    d = form.cleaned_data
    return {
        "title": d["title"],
        "category": d["category"],
        "description": d["description"],
        "affected_count": d["affected_count"],
        "affected_groups": d["affected_groups"],
        "urgency": d["urgency"],
        "grid": _node(community, d["grid"]),
        "building": _node(community, d["building"]),
        "needed_from": d["needed_from"],
        "needed_until": d["needed_until"],
    }


@login_required
def need_create(request):
    community = need_cap(request, Cap.MATCHING_MANAGE, Cap.WISH_POST)
    form = _need_form(request, community)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_create(
                actor=request.scope, community=community, source=form.cleaned_data["source"], **_need_kwargs(form, community)
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Need recorded."))
            return redirect("matching:need_detail", need_id=need.pk)
    return render(request, "matching/form.html", {"form": form, "title": _("Record a need")})


@login_required
def need_detail(request, need_id: int):
    need = selectors.need_get_for_user(scope=request.scope, need_id=need_id)
    can_manage = covers(request.scope, Cap.MATCHING_MANAGE, need.community)
    return render(
        request,
        "matching/need_detail.html",
        {
            "need": need,
            "suggestions": selectors.suggestions_for_need(need=need),
            "projects": need.projects.all(),
            "can_manage": can_manage,
            "statuses": [s for s in NeedStatus.choices if s[0] != NeedStatus.IN_PROJECT],
        },
    )


@login_required
def need_edit(request, need_id: int):
    need = selectors.need_get_for_user(scope=request.scope, need_id=need_id, cap=Cap.MATCHING_MANAGE)
    initial = {
        "title": need.title,
        "category": need.category,
        "source": need.source,
        "description": need.description,
        "affected_count": need.affected_count,
        "affected_groups": need.affected_groups,
        "urgency": need.urgency,
        "grid": need.grid_id,
        "building": need.building_id,
        "needed_from": need.needed_from,
        "needed_until": need.needed_until,
    }
    form = _need_form(request, need.community, initial)
    form.fields.pop("source")
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(actor=request.scope, need=need, **_need_kwargs(form, need.community))
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Need saved."))
            return redirect("matching:need_detail", need_id=need.pk)
    return render(request, "matching/form.html", {"form": form, "title": need.title})


@login_required
@require_POST
def need_status(request, need_id: int):
    need = selectors.need_get_for_user(scope=request.scope, need_id=need_id, cap=Cap.MATCHING_MANAGE)
    try:
        services.need_set_status(actor=request.scope, need=need, status=request.POST.get("status", ""))
    except DomainError as exc:
        report(request, exc)
    return redirect("matching:need_detail", need_id=need.pk)


# --- Resources -------------------------------------------------------------------------------------


@login_required
def resource_list(request):
    community = need_cap(request, Cap.MATCHING_VIEW)
    qs = selectors.resource_list_for_user(
        scope=request.scope, community=community, status=request.GET.get("status", ""), category=request.GET.get("category", "")
    )
    return render(
        request,
        "matching/resource_list.html",
        {
            "community": community,
            "page": _page(request, qs),
            "statuses": ResourceStatus.choices,
            "categories": Category.choices,
            "can_manage": request.scope.has(Cap.MATCHING_MANAGE, community.pk),
        },
    )


def _resource_form(request, community, initial=None):
    from partners.models import Partner

    return forms.ResourceForm(
        request.POST or None,
        initial=initial,
        grids=grids_of(scope=request.scope, community=community, cap=Cap.MATCHING_VIEW),
        partners=Partner.objects.filter(community=community).order_by("name"),
    )


def _resource_kwargs(form, community) -> dict:
    from partners.models import Partner

    d = form.cleaned_data
    return {
        "title": d["title"],
        "category": d["category"],
        "offered_by": d["offered_by"],
        "provider_name": d["provider_name"],
        "partner": Partner.objects.filter(pk=d["partner"], community=community).first() if d["partner"] else None,
        "description": d["description"],
        "quantity": d["quantity"],
        "unit": d["unit"],
        "available_from": d["available_from"],
        "available_until": d["available_until"],
        "grid": _node(community, d["grid"]),
    }


@login_required
def resource_create(request):
    community = need_cap(request, Cap.MATCHING_MANAGE)
    form = _resource_form(request, community)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(actor=request.scope, community=community, **_resource_kwargs(form, community))
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Resource recorded."))
            return redirect("matching:resource_detail", resource_id=resource.pk)
    return render(request, "matching/form.html", {"form": form, "title": _("Record a resource")})


@login_required
def resource_detail(request, resource_id: int):
    resource = selectors.resource_get_for_user(scope=request.scope, resource_id=resource_id)
    return render(
        request,
        "matching/resource_detail.html",
        {
            "resource": resource,
            "projects": resource.projects.all(),
            "can_manage": request.scope.has(Cap.MATCHING_MANAGE, resource.community_id),
            "statuses": ResourceStatus.choices,
        },
    )


@login_required
def resource_edit(request, resource_id: int):
    resource = selectors.resource_get_for_user(scope=request.scope, resource_id=resource_id, cap=Cap.MATCHING_MANAGE)
    fields = ("title", "category", "offered_by", "provider_name", "description", "quantity", "unit")
    initial = {f: getattr(resource, f) for f in fields} | {
        "partner": resource.partner_id,
        "available_from": resource.available_from,
        "available_until": resource.available_until,
        "grid": resource.grid_id,
    }
    form = _resource_form(request, resource.community, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(actor=request.scope, resource=resource, **_resource_kwargs(form, resource.community))
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Resource saved."))
            return redirect("matching:resource_detail", resource_id=resource.pk)
    return render(request, "matching/form.html", {"form": form, "title": resource.title})


@login_required
@require_POST
def resource_status(request, resource_id: int):
    resource = selectors.resource_get_for_user(scope=request.scope, resource_id=resource_id, cap=Cap.MATCHING_MANAGE)
    try:
        services.resource_set_status(actor=request.scope, resource=resource, status=request.POST.get("status", ""))
    except DomainError as exc:
        report(request, exc)
    return redirect("matching:resource_detail", resource_id=resource.pk)


# --- Projects --------------------------------------------------------------------------------------


@login_required
def project_list(request):
    community = need_cap(request, Cap.MATCHING_VIEW)
    qs = selectors.project_list_for_user(scope=request.scope, community=community, status=request.GET.get("status", ""))
    return render(
        request,
        "matching/project_list.html",
        {
            "community": community,
            "page": _page(request, qs),
            "statuses": ProjectStatus.choices,
            "can_manage": request.scope.has(Cap.MATCHING_MANAGE, community.pk),
        },
    )


def _int_list(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


@login_required
def project_create(request):
    community = need_cap(request, Cap.MATCHING_MANAGE)
    needs = selectors.need_list_for_user(scope=request.scope, community=community).filter(
        status__in=[NeedStatus.OPEN, NeedStatus.IN_PROJECT]
    )
    resources = selectors.resource_list_for_user(scope=request.scope, community=community, status=ResourceStatus.AVAILABLE)
    initial = {"needs": _int_list(request.GET.getlist("need")), "resources": _int_list(request.GET.getlist("resource"))}
    first_need = needs.filter(pk__in=initial["needs"]).first()
    if first_need is not None:
        initial["title"] = first_need.title
    form = forms.ProjectForm(request.POST or None, initial=initial, needs=needs, resources=resources)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.project_create(
                actor=request.scope,
                community=community,
                title=d["title"],
                owner_name=d["owner_name"],
                plan=d["plan"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                need_ids=d["needs"],
                resource_ids=d["resources"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Project started."))
            return redirect("matching:project_detail", match_project_id=project.pk)
    return render(request, "matching/form.html", {"form": form, "title": _("Start a project")})


@login_required
def project_detail(request, match_project_id: int):
    project = selectors.project_get_for_user(scope=request.scope, project_id=match_project_id)
    can_manage = request.scope.has(Cap.MATCHING_MANAGE, project.community_id)
    live = project.status in (ProjectStatus.PLANNED, ProjectStatus.ACTIVE)
    return render(
        request,
        "matching/project_detail.html",
        {
            "project": project,
            "needs": project.needs.select_related("grid"),
            "resources": project.resources.all(),
            "updates": project.updates.select_related("author"),
            "can_manage": can_manage and live,
            "can_fund": live
            and not project.fund_request_id
            and request.scope.has(Cap.FUND_PROPOSE, project.community_id),
            "progress_form": forms.ProgressForm(initial={"progress": project.progress}),
            "funding_form": forms.FundingForm(),
        },
    )


def _project_action(request, match_project_id: int, act):
    project = selectors.project_get_for_user(scope=request.scope, project_id=match_project_id, cap=Cap.MATCHING_MANAGE)
    try:
        act(project)
    except DomainError as exc:
        report(request, exc)
    return redirect("matching:project_detail", match_project_id=project.pk)


@login_required
@require_POST
def project_progress(request, match_project_id: int):
    form = forms.ProgressForm(request.POST)

    def act(project):
        if not form.is_valid():
            raise _invalid(form)
        services.project_progress(
            actor=request.scope, project=project, note=form.cleaned_data["note"], progress=form.cleaned_data["progress"]
        )

    return _project_action(request, match_project_id, act)


def _invalid(form):
    from linli.errors import ValidationFailed

    errors = [str(e) for errs in form.errors.values() for e in errs]
    return ValidationFailed("; ".join(errors) or _("Please check the form."))


def _text(request) -> str:
    return request.POST.get("text", "")


@login_required
@require_POST
def project_finish(request, match_project_id: int):
    return _project_action(
        request, match_project_id, lambda p: services.project_finish(actor=request.scope, project=p, result=_text(request))
    )


@login_required
@require_POST
def project_cancel(request, match_project_id: int):
    return _project_action(
        request, match_project_id, lambda p: services.project_cancel(actor=request.scope, project=p, reason=_text(request))
    )


@login_required
@require_POST
def project_link(request, match_project_id: int):
    return _project_action(
        request,
        match_project_id,
        lambda p: services.project_link(
            actor=request.scope,
            project=p,
            need_ids=_int_list(request.POST.getlist("need")),
            resource_ids=_int_list(request.POST.getlist("resource")),
        ),
    )


@login_required
@require_POST
def project_funding(request, match_project_id: int):
    form = forms.FundingForm(request.POST)

    def act(project):
        if not form.is_valid():
            raise _invalid(form)
        services.project_request_funding(
            actor=request.scope,
            project=project,
            amount_fen=yuan_to_fen(form.cleaned_data["amount_yuan"]),
            purpose=form.cleaned_data["purpose"],
        )
        messages.success(request, _("Spending request drafted in the fund."))

    return _project_action(request, match_project_id, act)


# --- Micro-wishes (grid workers on a phone, and staff) ----------------------------------------------


@login_required
def wish_list(request):
    community = need_cap(request, Cap.MATCHING_VIEW, Cap.WISH_POST)
    mine = request.GET.get("mine") == "1"
    qs = selectors.wish_list_for_user(
        scope=request.scope, community=community, status=request.GET.get("status", ""), mine=mine
    )
    return render(
        request,
        "matching/wish_list.html",
        {
            "community": community,
            "page": _page(request, qs),
            "statuses": WishStatus.choices,
            "mine": mine,
            "can_post": request.scope.has(Cap.WISH_POST, community.pk),
        },
    )


@login_required
def wish_create(request):
    from residents.selectors import resident_get_for_user, resident_list_for_user

    community = need_cap(request, Cap.WISH_POST)
    residents = resident_list_for_user(scope=request.scope, community=community)[:500]
    form = forms.WishForm(request.POST or None, residents=residents)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            resident = resident_get_for_user(scope=request.scope, resident_id=d["resident"])
            wish = services.wish_post(
                actor=request.scope,
                resident=resident,
                title=d["title"],
                who_public=d["who_public"],
                details=d["details"],
                category=d["category"],
                estimated_fen=(d["estimated_yuan"] or 0) * 100,
                consent_note=d["consent_note"],
                record_consent=d["consent_given"],
                consent_method=d["consent_method"],
                guardian_name=d["guardian_name"],
                guardian_relation=d["guardian_relation"],
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Wish posted on the wish wall."))
            return redirect("matching:wish_detail", wish_id=wish.pk)
    return render(request, "matching/form.html", {"form": form, "title": _("Post a micro-wish"), "idempotent": True})


@login_required
def wish_detail(request, wish_id: int):
    wish = selectors.wish_get_for_user(scope=request.scope, wish_id=wish_id)
    can_post = covers(request.scope, Cap.WISH_POST, wish.grid)
    return render(
        request,
        "matching/wish_detail.html",
        {
            "wish": wish,
            "events": selectors.wish_events(wish=wish),
            "can_post": can_post,
            "can_fund": wish.status in (WishStatus.POSTED, WishStatus.CLAIMED)
            and not wish.fund_request_id
            and request.scope.has(Cap.FUND_PROPOSE, wish.community_id),
            "fulfil_form": forms.FulfilForm(),
            "funding_form": forms.FundingForm(initial={"amount_yuan": wish.estimated_fen / 100 or None}),
        },
    )


def _wish_action(request, wish_id: int, act, cap=Cap.WISH_POST):
    wish = selectors.wish_get_for_user(scope=request.scope, wish_id=wish_id, cap=cap)
    try:
        act(wish)
    except DomainError as exc:
        report(request, exc)
    return redirect("matching:wish_detail", wish_id=wish.pk)


@login_required
@require_POST
def wish_thank(request, wish_id: int):
    return _wish_action(request, wish_id, lambda w: services.wish_thank(actor=request.scope, wish=w, thanks=_text(request)))


@login_required
@require_POST
def wish_withdraw(request, wish_id: int):
    return _wish_action(
        request, wish_id, lambda w: services.wish_withdraw(actor=request.scope, wish=w, reason=_text(request))
    )


@login_required
@require_POST
def wish_release(request, wish_id: int):
    return _wish_action(request, wish_id, lambda w: services.wish_release(actor=request.scope, wish=w, reason=_text(request)))


@login_required
@require_POST
def wish_fulfil(request, wish_id: int):
    return _wish_action(
        request,
        wish_id,
        lambda w: services.wish_fulfil(
            actor=request.scope, wish=w, photo=request.FILES.get("photo"), note=request.POST.get("note", "")
        ),
    )


@login_required
@require_POST
def wish_funding(request, wish_id: int):
    form = forms.FundingForm(request.POST)

    def act(wish):
        if not form.is_valid():
            raise _invalid(form)
        services.wish_request_funding(
            actor=request.scope,
            wish=wish,
            amount_fen=yuan_to_fen(form.cleaned_data["amount_yuan"]),
            purpose=form.cleaned_data["purpose"],
        )
        messages.success(request, _("Spending request drafted in the fund."))

    return _wish_action(request, wish_id, act, cap=Cap.MATCHING_VIEW)


@login_required
def wish_proof(request, wish_id: int):
    """The proof photo: for those who see the wish in the console (it may show the resident)."""
    wish = selectors.wish_get_for_user(scope=request.scope, wish_id=wish_id)
    return proof_response(wish)


def proof_response(wish):
    if not wish.proof or not default_storage.exists(wish.proof.name):
        raise NotFound()
    response = FileResponse(default_storage.open(wish.proof.name, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response
