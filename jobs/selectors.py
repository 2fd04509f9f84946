"""Reads of the jobs app, always inside what the asker may see.

* Staff: by capability (``Cap.JOB_VIEW`` / ``JOB_MANAGE``) in the community, through ``scope.filter``.
* Employers and workshop merchants: their own jobs, applications and workshops only, through
  ``markets.selectors.merchant_ids_for_user`` (the one register of merchants).
* A workshop's lead: that workshop (its roster and records), from their phone.
* Residents: open jobs and fairs of their own community, their own profile, applications,
  work records and wage statements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from jobs.models import (
    JobApplication,
    JobApplicationStatus,
    JobFair,
    JobPost,
    JobStatus,
    SeekerProfile,
    WageStatement,
    Worker,
    WorkRecord,
    Workshop,
    WorkshopIncome,
)
from linli.errors import NotFound
from markets.selectors import merchant_ids_for_user
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope


def _one(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


# --- Workshops ---------------------------------------------------------------------------------


def _workshops_visible(scope: Scope, cap: str) -> QuerySet[Workshop]:
    qs = Workshop.objects.select_related("community", "merchant", "room", "lead")
    visible = scope.filter(qs, cap)
    if scope.is_authenticated:
        visible = visible | qs.filter(lead=scope.user) | qs.filter(merchant_id__in=merchant_ids_for_user(scope))
    return visible


def workshop_list_for_user(*, scope: Scope, community: OrgNode) -> QuerySet[Workshop]:
    return (
        scope.filter(Workshop.objects.filter(community=community), Cap.JOB_VIEW)
        .select_related("merchant", "room")
        .annotate(n_workers=Count("workers", filter=Q(workers__is_active=True), distinct=True))
        .order_by("name")
    )


def workshop_get_for_user(*, scope: Scope, workshop_id: int, cap: str = Cap.JOB_VIEW) -> Workshop:
    """Staff with ``cap``, the workshop's lead, or a login of its merchant."""
    return _one(_workshops_visible(scope, cap), workshop_id)


def workshops_led_by(*, user) -> QuerySet[Workshop]:
    return Workshop.objects.filter(lead=user, is_active=True).select_related("community")


def portal_workshops(*, scope: Scope) -> QuerySet[Workshop]:
    return Workshop.objects.filter(merchant_id__in=merchant_ids_for_user(scope)).select_related("community")


def roster(*, workshop: Workshop) -> QuerySet[Worker]:
    return workshop.workers.filter(is_active=True).select_related("resident").order_by("resident__name_pinyin", "pk")


def worker_get(*, workshop: Workshop, worker_id: int) -> Worker:
    return _one(workshop.workers.select_related("resident", "workshop"), worker_id)


def records_of_day(*, workshop: Workshop, day: dt.date) -> QuerySet[WorkRecord]:
    return workshop.records.filter(worked_on=day).select_related("worker__resident", "rate").order_by("worker", "rate")


def records_between(*, workshop: Workshop, start: dt.date, end: dt.date) -> QuerySet[WorkRecord]:
    return workshop.records.filter(worked_on__gte=start, worked_on__lte=end).select_related("worker__resident", "rate")


def statements_of(*, workshop: Workshop, start: dt.date | None = None, end: dt.date | None = None) -> QuerySet[WageStatement]:
    qs = workshop.statements.select_related("worker__resident")
    if start and end:
        qs = qs.filter(period_start=start, period_end=end)
    return qs.order_by("-period_start", "worker__resident__name_pinyin")


def statement_get_for_user(*, scope: Scope, wage_statement_id: int) -> WageStatement:
    """Staff, the lead or the merchant of its workshop, or the worker themselves."""
    workshops = _workshops_visible(scope, Cap.JOB_VIEW).values("pk")
    qs = WageStatement.objects.select_related("workshop", "worker__resident", "community")
    visible = qs.filter(workshop_id__in=workshops)
    if scope.is_authenticated:
        visible = visible | qs.filter(worker__resident__user=scope.user)
    return _one(visible, wage_statement_id)


def incomes_of(*, workshop: Workshop) -> QuerySet[WorkshopIncome]:
    return workshop.incomes.order_by("-occurred_on", "-pk")


@dataclass(frozen=True)
class WorkshopFigures:
    workers: int
    days_worked: int
    wages_fen: int
    to_fund_fen: int
    sales_fen: int


def workshop_figures(*, workshop: Workshop, year: int) -> WorkshopFigures:
    records = workshop.records.filter(worked_on__year=year)
    work = records.aggregate(wages=Sum("amount_fen"), workers=Count("worker", distinct=True))
    days = records.values("worker", "worked_on").distinct().count()
    money = workshop.incomes.filter(occurred_on__year=year).aggregate(
        share=Sum("amount_fen", filter=Q(kind="share")), sales=Sum("amount_fen", filter=Q(kind="sale"))
    )
    return WorkshopFigures(
        workers=work["workers"] or 0,
        days_worked=days,
        wages_fen=work["wages"] or 0,
        to_fund_fen=(money["share"] or 0) + (money["sales"] or 0),
        sales_fen=money["sales"] or 0,
    )


def my_work(*, user) -> QuerySet[Worker]:
    return Worker.objects.filter(resident__user=user, is_active=True).select_related("workshop")


def my_statements(*, user) -> QuerySet[WageStatement]:
    return WageStatement.objects.filter(worker__resident__user=user).select_related("workshop").order_by("-period_start")


# --- Gig jobs ---------------------------------------------------------------------------------------


def _jobs_visible(scope: Scope, cap: str) -> QuerySet[JobPost]:
    qs = JobPost.objects.select_related("merchant", "community")
    return scope.filter(qs, cap) | qs.filter(merchant_id__in=merchant_ids_for_user(scope))


def job_list_for_user(*, scope: Scope, community: OrgNode, status: str = "") -> QuerySet[JobPost]:
    qs = scope.filter(JobPost.objects.filter(community=community), Cap.JOB_VIEW).select_related("merchant")
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(n_applications=Count("applications")).order_by("status", "-created_at")


def job_get_for_user(*, scope: Scope, job_post_id: int, cap: str = Cap.JOB_VIEW) -> JobPost:
    """Staff with ``cap``, or a login of the employer."""
    return _one(_jobs_visible(scope, cap), job_post_id)


def portal_jobs(*, scope: Scope) -> QuerySet[JobPost]:
    return (
        JobPost.objects.filter(merchant_id__in=merchant_ids_for_user(scope))
        .select_related("merchant")
        .annotate(n_applications=Count("applications"))
        .order_by("status", "-created_at")
    )


def applications_of(*, job: JobPost) -> QuerySet[JobApplication]:
    return job.applications.select_related("seeker__resident").order_by("status", "pk")


def job_application_get_for_user(*, scope: Scope, job_application_id: int) -> JobApplication:
    """The employer's logins, staff with ``job.view``, or the seeker themselves."""
    qs = JobApplication.objects.select_related("job__merchant", "seeker__resident", "community")
    visible = scope.filter(qs, Cap.JOB_VIEW) | qs.filter(job__merchant_id__in=merchant_ids_for_user(scope))
    if scope.is_authenticated:
        visible = visible | qs.filter(seeker__resident__user=scope.user)
    return _one(visible, job_application_id)


def fair_list_for_user(*, scope: Scope, community: OrgNode, upcoming: bool = False) -> QuerySet[JobFair]:
    qs = scope.filter(JobFair.objects.filter(community=community), Cap.JOB_VIEW)
    if upcoming:
        qs = qs.filter(held_on__gte=timezone.localdate()).order_by("held_on")
    return qs.annotate(
        n_jobs=Count("jobs", distinct=True),
        n_placed=Count("applications", filter=Q(applications__status=JobApplicationStatus.PLACED), distinct=True),
    )


def fair_get_for_user(*, scope: Scope, job_fair_id: int, cap: str = Cap.JOB_VIEW) -> JobFair:
    """Staff with ``cap``, or an employer of that community (who brings jobs to the fair)."""
    qs = JobFair.objects.select_related("community", "room")
    communities = merchant_community_ids(scope)
    return _one(scope.filter(qs, cap) | (qs.filter(community_id__in=communities) if cap == Cap.JOB_VIEW else qs.none()), job_fair_id)


def merchant_community_ids(scope: Scope) -> list[int]:
    from markets.models import Merchant

    return list(Merchant.objects.filter(pk__in=merchant_ids_for_user(scope)).values_list("community_id", flat=True))


def portal_fairs(*, scope: Scope) -> QuerySet[JobFair]:
    return JobFair.objects.filter(
        community_id__in=merchant_community_ids(scope), held_on__gte=timezone.localdate()
    ).order_by("held_on")[:8]


# What a resident sees (their own community only)


def open_jobs_for_resident(*, community_id: int) -> QuerySet[JobPost]:
    return JobPost.objects.filter(community_id=community_id, status=JobStatus.OPEN).select_related("merchant").order_by("-created_at")


def open_job_for_resident(*, community_id: int, job_post_id: int) -> JobPost:
    return _one(open_jobs_for_resident(community_id=community_id), job_post_id)


def next_fairs(*, community_id: int) -> QuerySet[JobFair]:
    return JobFair.objects.filter(community_id=community_id, held_on__gte=timezone.localdate()).order_by("held_on")


def profile_of(*, resident) -> SeekerProfile | None:
    return SeekerProfile.objects.filter(resident=resident).first()


def my_applications(*, user) -> QuerySet[JobApplication]:
    return JobApplication.objects.filter(seeker__resident__user=user).select_related("job__merchant").order_by("-created_at")


@dataclass(frozen=True)
class JobFigures:
    jobs_posted: int
    openings: int
    applications: int
    placements: int
    people_placed: int
    fairs_held: int


def job_figures(*, scope: Scope, community: OrgNode, year: int) -> JobFigures:
    jobs = scope.filter(JobPost.objects.filter(community=community, created_at__year=year), Cap.JOB_VIEW)
    apps = scope.filter(JobApplication.objects.filter(community=community, created_at__year=year), Cap.JOB_VIEW)
    placed = scope.filter(
        JobApplication.objects.filter(community=community, status=JobApplicationStatus.PLACED, placed_on__year=year),
        Cap.JOB_VIEW,
    )
    fairs = scope.filter(
        JobFair.objects.filter(community=community, held_on__year=year, held_on__lte=timezone.localdate()), Cap.JOB_VIEW
    )
    return JobFigures(
        jobs_posted=jobs.count(),
        openings=jobs.aggregate(n=Sum("openings"))["n"] or 0,
        applications=apps.count(),
        placements=placed.count(),
        people_placed=placed.values("seeker").distinct().count(),
        fairs_held=fairs.count(),
    )
