"""Pages of the jobs app: staff console, the employer portal, the workshop lead's and residents'
phone pages. Views parse, fetch through a scoped selector, call one service, and respond."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import user_for_login_name
from jobs import selectors, services
from jobs.exports import statement_pdf, statements_workbook
from jobs.forms import IncomeForm, JobForm, PeriodForm, ProfileForm, RateForm, WeeklyFairForm, WorkshopForm
from jobs.models import JobApplicationStatus
from jobs.services._common import can_run_workshop
from linli.errors import DomainError, NotFound
from orgs.roles import Cap
from orgs.views import console_community


def _need(request, cap: str):
    community = console_community(request)
    if not request.scope.has(cap, community.pk):
        raise NotFound()
    return community


def _fail(request, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def _form_errors(request, form) -> None:
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()


def _pdf(statement) -> HttpResponse:
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=wage-statement-{statement.pk}.pdf"
    return response


# --- Staff: overview --------------------------------------------------------------------------------


@login_required
def home(request):
    community = _need(request, Cap.JOB_VIEW)
    year = timezone.localdate().year
    return render(
        request,
        "jobs/home.html",
        {
            "community": community,
            "workshops": selectors.workshop_list_for_user(scope=request.scope, community=community),
            "jobs": selectors.job_list_for_user(scope=request.scope, community=community)[:50],
            "fairs": selectors.fair_list_for_user(scope=request.scope, community=community, upcoming=True)[:6],
            "figures": selectors.job_figures(scope=request.scope, community=community, year=year),
            "year": year,
            "can_manage": request.scope.has(Cap.JOB_MANAGE, community.pk),
        },
    )


# --- Staff: workshops ---------------------------------------------------------------------------------


@login_required
def workshop_create(request):
    community = _need(request, Cap.JOB_MANAGE)
    from markets.selectors import merchant_list_for_user
    from spaces.selectors import room_list_for_user

    merchants = list(merchant_list_for_user(scope=request.scope, community=community, status="active"))
    rooms = list(room_list_for_user(scope=request.scope, community=community)) if request.scope.has(Cap.SPACE_VIEW, community.pk) else []
    form = WorkshopForm(request.POST or None, merchants=merchants, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        login = data.pop("lead_login").strip()
        lead = user_for_login_name(login) if login else None
        if login and lead is None:
            form.add_error("lead_login", _("No account with that login name."))
        else:
            try:
                workshop = services.workshop_create(actor=request.scope, community=community, lead=lead, **data)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                return redirect("jobs:workshop", workshop_id=workshop.pk)
    return render(request, "jobs/form.html", {"form": form, "title": _("Start a workshop")})


def _staff_workshop(request, workshop_id: int):
    workshop = selectors.workshop_get_for_user(scope=request.scope, workshop_id=workshop_id)
    if not request.scope.has(Cap.JOB_VIEW, workshop.community_id):
        raise NotFound()
    return workshop


@login_required
def workshop_detail(request, workshop_id: int):
    workshop = _staff_workshop(request, workshop_id)
    today = timezone.localdate()
    month_start = today.replace(day=1)
    return render(
        request,
        "jobs/workshop_detail.html",
        {
            "w": workshop,
            "rates": workshop.rates.all(),
            "roster": selectors.roster(workshop=workshop),
            "statements": selectors.statements_of(workshop=workshop)[:60],
            "incomes": selectors.incomes_of(workshop=workshop)[:20],
            "figures": selectors.workshop_figures(workshop=workshop, year=today.year),
            "rate_form": RateForm(),
            "period_form": PeriodForm(initial={"period_start": month_start, "period_end": today}),
            "income_form": IncomeForm(initial={"occurred_on": today}),
            "can_manage": request.scope.has(Cap.JOB_MANAGE, workshop.community_id),
            "year": today.year,
        },
    )


@login_required
@require_POST
def workshop_action(request, workshop_id: int):
    workshop = _staff_workshop(request, workshop_id)
    action = request.POST.get("action", "")
    try:
        if action == "rate":
            form = RateForm(request.POST)
            if form.is_valid():
                services.rate_add(actor=request.scope, workshop=workshop, **form.cleaned_data)
            else:
                _form_errors(request, form)
        elif action == "worker":
            _worker_add(request, workshop)
        elif action == "statements":
            form = PeriodForm(request.POST)
            if form.is_valid():
                issued = services.statements_issue_for_period(actor=request.scope, workshop=workshop, **form.cleaned_data)
                messages.success(request, _("%(n)s wage statements issued.") % {"n": len(issued)})
            else:
                _form_errors(request, form)
        elif action == "income":
            form = IncomeForm(request.POST)
            if form.is_valid():
                services.income_record(
                    actor=request.scope, workshop=workshop, idempotency_key=request.POST.get("idempotency_key", ""), **form.cleaned_data
                )
                messages.success(request, _("Recorded in the fund's books."))
            else:
                _form_errors(request, form)
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("jobs:workshop", workshop_id=workshop.pk)


def _worker_add(request, workshop) -> None:
    """Staff find the resident by name or mobile number in the workshop's community."""
    from django.db.models import Q

    from residents.models import phone_index
    from residents.selectors import resident_list_for_user

    if not request.scope.has(Cap.JOB_MANAGE, workshop.community_id) or not request.scope.has(
        Cap.RESIDENT_VIEW, workshop.community_id
    ):
        raise NotFound()
    needle = request.POST.get("resident", "").strip()
    found = list(
        resident_list_for_user(scope=request.scope, community=workshop.community).filter(Q(name=needle) | Q(phone_hash=phone_index(needle)))[:2]
    ) if needle else []
    if len(found) != 1:
        messages.error(request, _("Type the resident's full name or mobile number (one person must match)."))
        return
    services.worker_add(actor=request.scope, workshop=workshop, resident=found[0])
    messages.success(request, _("%(name)s is on the roster.") % {"name": found[0].name})


def _day_entry(request, workshop, *, template: str, back: str):
    """The day's work on a phone: a row per worker, a box per rate. Empty boxes are skipped."""
    day = _day(request.POST.get("day") or request.GET.get("day"))
    roster = list(selectors.roster(workshop=workshop))
    rates = list(workshop.rates.filter(is_active=True))
    if request.method == "POST":
        saved, errors = 0, []
        for worker in roster:
            for rate in rates:
                raw = request.POST.get(f"q_{worker.pk}_{rate.pk}", "").strip()
                if not raw:
                    continue
                try:
                    services.work_record_enter(actor=request.scope, worker=worker, rate=rate, worked_on=day, quantity=int(raw))
                    saved += 1
                except ValueError:
                    errors.append(f"{worker.resident.name}: {raw}")
                except DomainError as exc:
                    errors.append(f"{worker.resident.name}: {exc.message}")
        if saved:
            messages.success(request, _("%(n)s entries saved.") % {"n": saved})
        for error in errors:
            messages.error(request, error)
        return redirect(f"{request.path}?day={day.isoformat()}")
    existing = {(r.worker_id, r.rate_id): r for r in selectors.records_of_day(workshop=workshop, day=day)}
    rows = [
        {"worker": w, "cells": [{"rate": r, "record": existing.get((w.pk, r.pk))} for r in rates]} for w in roster
    ]
    return render(request, template, {"w": workshop, "day": day, "rows": rows, "rates": rates, "back": back})


@login_required
def workshop_day(request, workshop_id: int):
    workshop = _staff_workshop(request, workshop_id)
    return _day_entry(request, workshop, template="jobs/day_console.html", back="jobs:workshop")


@login_required
def statement_pdf_view(request, wage_statement_id: int):
    """Staff and the workshop's merchant, in the console (a worker opens hers from /me/jobs/)."""
    statement = selectors.statement_get_for_user(scope=request.scope, wage_statement_id=wage_statement_id)
    if not (
        request.scope.has(Cap.JOB_VIEW, statement.community_id) or statement.workshop.merchant_id in _portal_ids(request)
    ):
        raise NotFound()
    return _pdf(statement)


@login_required
def statements_xlsx(request, workshop_id: int):
    workshop = _staff_workshop(request, workshop_id)
    start, end = _day(request.GET.get("start")), _day(request.GET.get("end"))
    data = statements_workbook(list(selectors.statements_of(workshop=workshop, start=start, end=end)))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=wages-{workshop.pk}-{start}-{end}.xlsx"
    return response


# --- Staff and employers: gig jobs ---------------------------------------------------------------------


@login_required
def job_create(request):
    community = _need(request, Cap.JOB_MANAGE)
    from markets.selectors import merchant_list_for_user

    merchants = list(merchant_list_for_user(scope=request.scope, community=community, status="active"))
    form = JobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        merchant = next((m for m in merchants if str(m.pk) == request.POST.get("merchant")), None)
        if merchant is None:
            form.add_error(None, _("Choose the employer."))
        else:
            try:
                job = services.job_post(actor=request.scope, merchant=merchant, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                return redirect("jobs:job", job_post_id=job.pk)
    return render(request, "jobs/job_form.html", {"form": form, "merchants": merchants, "title": _("Post a job")})


@login_required
def job_detail(request, job_post_id: int):
    job = selectors.job_get_for_user(scope=request.scope, job_post_id=job_post_id)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "applications": selectors.applications_of(job=job),
            "is_staff_view": request.scope.has(Cap.JOB_VIEW, job.community_id),
        },
    )


@login_required
@require_POST
def job_action(request, job_post_id: int):
    job = selectors.job_get_for_user(scope=request.scope, job_post_id=job_post_id)
    try:
        if request.POST.get("action") == "close":
            services.job_close(actor=request.scope, job=job)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("jobs:job", job_post_id=job.pk)


@login_required
@require_POST
def application_decide(request, job_application_id: int):
    application = selectors.job_application_get_for_user(scope=request.scope, job_application_id=job_application_id)
    status = request.POST.get("status", "")
    if status == JobApplicationStatus.WITHDRAWN or not (
        request.scope.has(Cap.JOB_VIEW, application.community_id)
        or application.job.merchant_id in _portal_ids(request)
    ):
        raise NotFound()
    try:
        services.job_application_decide(actor=request.scope, application=application, status=status)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("jobs:job", job_post_id=application.job_id)


def _portal_ids(request) -> frozenset[int]:
    from markets.selectors import merchant_ids_for_user

    return merchant_ids_for_user(request.scope)


@login_required
def fair_list(request):
    community = _need(request, Cap.JOB_VIEW)
    form = WeeklyFairForm(request.POST or None)
    if request.method == "POST":
        if not request.scope.has(Cap.JOB_MANAGE, community.pk):
            raise NotFound()
        if form.is_valid():
            try:
                fairs = services.fairs_schedule_weekly(actor=request.scope, community=community, **form.cleaned_data)
            except DomainError as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("%(n)s fairs scheduled.") % {"n": len(fairs)})
                return redirect("jobs:fairs")
    fairs = selectors.fair_list_for_user(scope=request.scope, community=community).order_by("-held_on")[:60]
    return render(
        request,
        "jobs/fair_list.html",
        {"community": community, "fairs": fairs, "form": form, "can_manage": request.scope.has(Cap.JOB_MANAGE, community.pk)},
    )


@login_required
def fair_detail(request, job_fair_id: int):
    fair = selectors.fair_get_for_user(scope=request.scope, job_fair_id=job_fair_id)
    staff = request.scope.has(Cap.JOB_VIEW, fair.community_id)
    if staff:
        offer = selectors.job_list_for_user(scope=request.scope, community=fair.community, status="open")
    else:
        offer = selectors.portal_jobs(scope=request.scope).filter(status="open", community_id=fair.community_id)
    if request.method == "POST":
        job = next((j for j in offer if str(j.pk) == request.POST.get("job")), None)
        if job is None:
            messages.error(request, _("Choose a job."))
        else:
            try:
                services.fair_add_job(actor=request.scope, fair=fair, job=job)
            except DomainError as exc:
                _fail(request, exc)
        return redirect("jobs:fair", job_fair_id=fair.pk)
    jobs = fair.jobs.select_related("merchant")
    if not staff:
        jobs = jobs.filter(merchant_id__in=_portal_ids(request))
    placed = fair.applications.filter(status=JobApplicationStatus.PLACED).count() if staff else None
    return render(request, "jobs/fair_detail.html", {"fair": fair, "jobs": jobs, "offer": offer, "placed": placed, "is_staff_view": staff})


@login_required
def portal_home(request):
    if not request.scope.has_anywhere(Cap.MERCHANT_PORTAL):
        raise NotFound()
    from markets.selectors import portal_merchants

    merchants = list(portal_merchants(scope=request.scope))
    form = JobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        merchant = next((m for m in merchants if str(m.pk) == request.POST.get("merchant")), merchants[0] if merchants else None)
        if merchant is None:
            raise NotFound()
        try:
            job = services.job_post(actor=request.scope, merchant=merchant, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The job has been posted."))
            return redirect("jobs:job", job_post_id=job.pk)
    return render(
        request,
        "jobs/portal_home.html",
        {
            "merchants": merchants,
            "jobs": selectors.portal_jobs(scope=request.scope),
            "workshops": selectors.portal_workshops(scope=request.scope),
            "fairs": selectors.portal_fairs(scope=request.scope),
            "form": form,
        },
    )


@login_required
def portal_workshop_day(request, workshop_id: int):
    """A workshop's merchant enters or checks the day's work from the console."""
    workshop = selectors.workshop_get_for_user(scope=request.scope, workshop_id=workshop_id, cap=Cap.JOB_MANAGE)
    # The console is for staff and merchants; the lead has her phone page (me_lead).
    if not (request.scope.has(Cap.JOB_MANAGE, workshop.community_id) or workshop.merchant_id in _portal_ids(request)):
        raise NotFound()
    return _day_entry(request, workshop, template="jobs/day_console.html", back="jobs:portal")


# --- Residents and workshop leads (phone) -----------------------------------------------------------------


def _resident(request):
    from residents.models import Resident

    return Resident.objects.filter(user=request.user).select_related("community").first()


@login_required
def me_home(request):
    resident = _resident(request)
    profile = selectors.profile_of(resident=resident) if resident else None
    form = ProfileForm(
        request.POST or None,
        initial={
            "skills": profile.skills,
            "availability": profile.availability,
            "wanted_pay_fen": f"{profile.wanted_pay_fen / 100:.2f}",
            "wanted_unit": profile.wanted_unit,
            "note": profile.note,
            "is_looking": profile.is_looking,
        }
        if profile
        else None,
    )
    if request.method == "POST":
        if resident is None:
            raise NotFound()
        if form.is_valid():
            try:
                services.seeker_profile_save(actor=request.scope, resident=resident, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("jobs_me:home")
    applied = {a.job_id: a for a in selectors.my_applications(user=request.user)}
    return render(
        request,
        "jobs/me_home.html",
        {
            "resident": resident,
            "profile": profile,
            "form": form,
            "jobs": [
                {"job": j, "application": applied.get(j.pk)}
                for j in (selectors.open_jobs_for_resident(community_id=resident.community_id)[:50] if resident else [])
            ],
            "fairs": selectors.next_fairs(community_id=resident.community_id)[:3] if resident else [],
            "applications": list(applied.values()),
            "work": selectors.my_work(user=request.user),
            "statements": selectors.my_statements(user=request.user)[:24],
            "led": selectors.workshops_led_by(user=request.user),
        },
    )


@login_required
@require_POST
def me_apply(request, job_post_id: int):
    resident = _resident(request)
    if resident is None:
        raise NotFound()
    job = selectors.open_job_for_resident(community_id=resident.community_id, job_post_id=job_post_id)
    profile = selectors.profile_of(resident=resident)
    if profile is None:
        messages.error(request, _("Fill in your job-seeker profile first."))
        return redirect("jobs_me:home")
    fair = selectors.next_fairs(community_id=resident.community_id).first()
    try:
        services.job_apply(actor=request.scope, job=job, seeker=profile, fair=fair)
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("You have applied. The employer will contact you."))
    return redirect("jobs_me:home")


@login_required
@require_POST
def me_withdraw(request, job_application_id: int):
    application = selectors.job_application_get_for_user(scope=request.scope, job_application_id=job_application_id)
    if application.seeker.resident.user_id != request.user.pk:
        raise NotFound()
    try:
        services.job_application_decide(actor=request.scope, application=application, status=JobApplicationStatus.WITHDRAWN)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("jobs_me:home")


@login_required
def me_lead(request, workshop_id: int):
    """The workshop lead's phone page: the day's work of the roster."""
    workshop = selectors.workshop_get_for_user(scope=request.scope, workshop_id=workshop_id, cap=Cap.JOB_MANAGE)
    if not can_run_workshop(request.scope, workshop):
        raise NotFound()
    return _day_entry(request, workshop, template="jobs/day_me.html", back="jobs_me:home")


@login_required
def me_statement(request, wage_statement_id: int):
    return _pdf(selectors.statement_get_for_user(scope=request.scope, wage_statement_id=wage_statement_id))

