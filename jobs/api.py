"""The jobs JSON API: workshops and gig jobs, the same selectors and services as the pages.

Staff need ``job.view`` / ``job.manage`` in the community; a workshop's lead reaches that
workshop (roster, work records); an employer's logins reach their own jobs and applications;
residents use ``/me/…``: their profile, the open jobs and fairs of their own community, their
applications, work and wage statements. Money is integer fen.
"""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from accounts.selectors import user_for_login_name
from jobs import selectors, services
from jobs.exports import statement_pdf, statements_workbook
from linli.errors import NotFound, ValidationFailed
from markets.selectors import merchant_get_for_user
from orgs.roles import Cap
from orgs.selectors import community_get_for_user

router = Router(tags=["jobs"])


def _key(request) -> str:
    return request.headers.get("Idempotency-Key", "")


def _own_resident(request):
    from residents.selectors import resident_for_self

    return resident_for_self(user=request.user)


# --- Schemas ------------------------------------------------------------------------------------


class WorkshopOut(Schema):
    id: int
    community_id: int
    name: str
    product: str
    merchant_id: int | None
    room_id: int | None
    lead_id: int | None
    serves_residents: bool
    is_active: bool


class WorkshopIn(Schema):
    community_id: int
    name: str
    product: str
    merchant_id: int | None = None
    room_id: int | None = None
    lead_login: str = ""
    serves_residents: bool = False


class RateOut(Schema):
    id: int
    workshop_id: int
    name: str
    unit: str
    rate_fen: int


class RateIn(Schema):
    name: str
    unit: str
    rate_fen: int


class WorkerOut(Schema):
    id: int
    workshop_id: int
    resident_id: int
    name: str
    joined_on: dt.date

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.resident.name


class WorkerIn(Schema):
    resident_id: int


class JobRecordOut(Schema):
    id: int
    worker_id: int
    rate_id: int
    worked_on: dt.date
    quantity: int
    rate_fen: int
    amount_fen: int
    statement_id: int | None


class RecordIn(Schema):
    workshop_worker_id: int
    rate_id: int
    worked_on: dt.date
    quantity: int


class JobPeriodIn(Schema):
    period_start: dt.date
    period_end: dt.date


class JobStatementOut(Schema):
    id: int
    workshop_id: int
    worker_id: int
    worker: str
    period_start: dt.date
    period_end: dt.date
    days_worked: int
    total_fen: int

    @staticmethod
    def resolve_worker(obj) -> str:
        return obj.worker.resident.name


class JobIncomeIn(Schema):
    kind: str
    amount_fen: int
    item: str
    occurred_on: dt.date | None = None
    quantity: int = 0
    channel: str = ""


class JobIncomeOut(Schema):
    id: int
    workshop_id: int
    kind: str
    channel: str
    item: str
    quantity: int
    amount_fen: int
    occurred_on: dt.date


class WorkshopFiguresOut(Schema):
    workers: int
    days_worked: int
    wages_fen: int
    to_fund_fen: int
    sales_fen: int


class WorkshopDetailOut(Schema):
    workshop: WorkshopOut
    rates: list[RateOut]
    figures: WorkshopFiguresOut


class JobOut(Schema):
    id: int
    community_id: int
    merchant_id: int
    employer: str
    title: str
    description: str
    pay_min_fen: int
    pay_max_fen: int
    pay_unit: str
    hours: str
    place: str
    skills: str
    openings: int
    placed_count: int
    status: str

    @staticmethod
    def resolve_employer(obj) -> str:
        return obj.merchant.name


class JobIn(Schema):
    merchant_id: int
    title: str
    pay_min_fen: int
    pay_max_fen: int
    hours: str
    place: str
    pay_unit: str = "day"
    skills: str = ""
    openings: int = 1
    description: str = ""


class FairOut(Schema):
    id: int
    community_id: int
    title: str
    held_on: dt.date
    starts_at: dt.time
    ends_at: dt.time
    place: str


class FairIn(Schema):
    community_id: int
    held_on: dt.date
    place: str
    starts_at: dt.time = dt.time(9, 0)
    ends_at: dt.time = dt.time(11, 30)
    title: str = "零工招聘会"


class WeeklyIn(Schema):
    community_id: int
    weekday: int = 2
    weeks: int = 4
    place: str
    starts_at: dt.time = dt.time(9, 0)
    ends_at: dt.time = dt.time(11, 30)


class FairJobIn(Schema):
    job_post_id: int


class FairDetailOut(Schema):
    fair: FairOut
    jobs: list[JobOut]


class ProfileIn(Schema):
    skills: str
    availability: str
    wanted_pay_fen: int = 0
    wanted_unit: str = "day"
    note: str = ""
    is_looking: bool = True


class ProfileOut(Schema):
    id: int
    skills: str
    availability: str
    wanted_pay_fen: int
    wanted_unit: str
    note: str
    is_looking: bool


class JobApplicationOut(Schema):
    id: int
    job_id: int
    seeker_id: int
    name: str
    skills: str
    availability: str
    fair_id: int | None
    status: str
    placed_on: dt.date | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.seeker.resident.name

    @staticmethod
    def resolve_skills(obj) -> str:
        return obj.seeker.skills

    @staticmethod
    def resolve_availability(obj) -> str:
        return obj.seeker.availability


class StaffApplyIn(Schema):
    resident_id: int
    job_fair_id: int | None = None


class MyApplyIn(Schema):
    job_fair_id: int | None = None


class DecideIn(Schema):
    status: str


class JobFiguresOut(Schema):
    jobs_posted: int
    openings: int
    applications: int
    placements: int
    people_placed: int
    fairs_held: int


class CommunityYear(Schema):
    community_id: int
    year: int | None = None


class JobCommunityFilter(Schema):
    community_id: int
    status: str = ""


class MyJobsOut(Schema):
    jobs: list[JobOut]
    fairs: list[FairOut]


class MyWorkOut(Schema):
    workshops: list[WorkshopOut]
    statements: list[JobStatementOut]


class JobPortalOut(Schema):
    jobs: list[JobOut]
    workshops: list[WorkshopOut]
    fairs: list[FairOut]


# --- Workshops ------------------------------------------------------------------------------------


@router.get("/workshops", response=list[WorkshopOut], summary="Workshops of a community")
def workshop_list(request, community_id: int):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.JOB_VIEW)
    return list(selectors.workshop_list_for_user(scope=request.scope, community=community))


@router.post("/workshops", response={201: WorkshopOut}, summary="Start a workshop project")
def workshop_create(request, payload: WorkshopIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.JOB_MANAGE)
    merchant = room = lead = None
    if payload.merchant_id:
        merchant = merchant_get_for_user(scope=request.scope, merchant_id=payload.merchant_id, cap=Cap.JOB_VIEW)
    if payload.room_id:
        from spaces.selectors import room_get_for_user

        room = room_get_for_user(scope=request.scope, room_id=payload.room_id)
    if payload.lead_login:
        lead = user_for_login_name(payload.lead_login)
        if lead is None:
            raise ValidationFailed(_("No account with that login name."))
    workshop = services.workshop_create(
        actor=request.scope,
        community=community,
        name=payload.name,
        product=payload.product,
        merchant=merchant,
        room=room,
        lead=lead,
        serves_residents=payload.serves_residents,
    )
    return Status(201, workshop)


def _workshop(request, workshop_id: int, cap: str = Cap.JOB_VIEW):
    return selectors.workshop_get_for_user(scope=request.scope, workshop_id=workshop_id, cap=cap)


@router.get("/workshops/{workshop_id}", response=WorkshopDetailOut, summary="A workshop, its rates and this year's figures")
def workshop_detail(request, workshop_id: int):
    workshop = _workshop(request, workshop_id)
    figures = selectors.workshop_figures(workshop=workshop, year=timezone.localdate().year)
    return {"workshop": workshop, "rates": list(workshop.rates.all()), "figures": figures.__dict__}


@router.post("/workshops/{workshop_id}/rates", response={201: RateOut}, summary="Add a piece, hour or day rate")
def rate_add(request, workshop_id: int, payload: RateIn):
    workshop = _workshop(request, workshop_id, Cap.JOB_MANAGE)
    return Status(201, services.rate_add(actor=request.scope, workshop=workshop, **payload.dict()))


@router.get("/workshops/{workshop_id}/workers", response=list[WorkerOut], summary="The roster")
def worker_list(request, workshop_id: int):
    return list(selectors.roster(workshop=_workshop(request, workshop_id)))


@router.post("/workshops/{workshop_id}/workers", response={201: WorkerOut}, summary="Put a resident on the roster")
def worker_add(request, workshop_id: int, payload: WorkerIn):
    from residents.models import Resident

    workshop = _workshop(request, workshop_id, Cap.JOB_MANAGE)
    # Staff keep the roster: they may look residents up; a lead or merchant may not.
    if not request.scope.has(Cap.JOB_MANAGE, workshop.community_id):
        raise NotFound()
    resident = Resident.objects.filter(pk=payload.resident_id, community_id=workshop.community_id).first()
    if resident is None:
        raise NotFound()
    return Status(201, services.worker_add(actor=request.scope, workshop=workshop, resident=resident))


@router.get("/workshops/{workshop_id}/records", response=list[JobRecordOut], summary="Work records of a day")
def record_list(request, workshop_id: int, day: dt.date | None = None):
    workshop = _workshop(request, workshop_id)
    return list(selectors.records_of_day(workshop=workshop, day=day or timezone.localdate()))


@router.post("/workshops/{workshop_id}/records", response={201: JobRecordOut}, summary="Enter or correct a day's work")
def record_enter(request, workshop_id: int, payload: RecordIn):
    workshop = _workshop(request, workshop_id)
    worker = selectors.worker_get(workshop=workshop, worker_id=payload.workshop_worker_id)
    rate = workshop.rates.filter(pk=payload.rate_id).first()
    if rate is None:
        raise NotFound()
    record = services.work_record_enter(
        actor=request.scope, worker=worker, rate=rate, worked_on=payload.worked_on, quantity=payload.quantity
    )
    return Status(201, record)


@router.get("/workshops/{workshop_id}/statements", response=list[JobStatementOut], summary="Wage statements")
def statement_list(request, workshop_id: int, start: dt.date | None = None, end: dt.date | None = None):
    return list(selectors.statements_of(workshop=_workshop(request, workshop_id), start=start, end=end)[:500])


@router.post(
    "/workshops/{workshop_id}/statements", response={201: list[JobStatementOut]}, summary="Issue a period's wage statements"
)
def statements_issue(request, workshop_id: int, payload: JobPeriodIn):
    workshop = _workshop(request, workshop_id)
    issued = services.statements_issue_for_period(
        actor=request.scope, workshop=workshop, period_start=payload.period_start, period_end=payload.period_end
    )
    return Status(201, issued)


@router.get("/workshops/{workshop_id}/statements.xlsx", summary="A period's wage statements as Excel")
def statements_xlsx(request, workshop_id: int, start: dt.date, end: dt.date):
    workshop = _workshop(request, workshop_id)
    data = statements_workbook(list(selectors.statements_of(workshop=workshop, start=start, end=end)))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=wages-{workshop.pk}-{start}-{end}.xlsx"
    return response


@router.get("/statements/{wage_statement_id}", response=JobStatementOut, summary="A wage statement")
def statement_detail(request, wage_statement_id: int):
    return selectors.statement_get_for_user(scope=request.scope, wage_statement_id=wage_statement_id)


@router.get("/statements/{wage_statement_id}/pdf", summary="A wage statement as PDF")
def statement_pdf_view(request, wage_statement_id: int):
    statement = selectors.statement_get_for_user(scope=request.scope, wage_statement_id=wage_statement_id)
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=wage-statement-{statement.pk}.pdf"
    return response


@router.get("/workshops/{workshop_id}/incomes", response=list[JobIncomeOut], summary="Money from the workshop to the fund")
def income_list(request, workshop_id: int):
    workshop = _workshop(request, workshop_id)
    if not request.scope.has(Cap.JOB_VIEW, workshop.community_id):
        raise NotFound()
    return list(selectors.incomes_of(workshop=workshop)[:500])


@router.post(
    "/workshops/{workshop_id}/incomes",
    response={201: JobIncomeOut},
    summary="Record the community's share or products sold (accepts an Idempotency-Key header)",
)
def income_record(request, workshop_id: int, payload: JobIncomeIn):
    workshop = _workshop(request, workshop_id, Cap.JOB_MANAGE)
    income = services.income_record(actor=request.scope, workshop=workshop, idempotency_key=_key(request), **payload.dict())
    return Status(201, income)


# --- Gig jobs -------------------------------------------------------------------------------------


@router.get("/jobs", response=list[JobOut], summary="Jobs posted in a community")
@paginate(LimitOffsetPagination)
def job_list(request, filters: Query[JobCommunityFilter]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.JOB_VIEW)
    return selectors.job_list_for_user(scope=request.scope, community=community, status=filters.status)


@router.post("/jobs", response={201: JobOut}, summary="Post a job (employer or staff)")
def job_post(request, payload: JobIn):
    merchant = merchant_get_for_user(scope=request.scope, merchant_id=payload.merchant_id, cap=Cap.JOB_VIEW)
    job = services.job_post(actor=request.scope, merchant=merchant, **payload.dict(exclude={"merchant_id"}))
    return Status(201, job)


@router.get("/figures", response=JobFiguresOut, summary="A community's jobs of one year, in figures")
def job_figures(request, filters: Query[CommunityYear]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.JOB_VIEW)
    return selectors.job_figures(
        scope=request.scope, community=community, year=filters.year or timezone.localdate().year
    ).__dict__


@router.get("/jobs/{job_post_id}", response=JobOut, summary="A job (staff or its employer)")
def job_detail(request, job_post_id: int):
    return selectors.job_get_for_user(scope=request.scope, job_post_id=job_post_id)


@router.post("/jobs/{job_post_id}/close", response=JobOut, summary="Close a job")
def job_close(request, job_post_id: int):
    job = selectors.job_get_for_user(scope=request.scope, job_post_id=job_post_id)
    return services.job_close(actor=request.scope, job=job)


@router.get("/jobs/{job_post_id}/applications", response=list[JobApplicationOut], summary="Who applied for a job")
def job_applications(request, job_post_id: int):
    job = selectors.job_get_for_user(scope=request.scope, job_post_id=job_post_id)
    return list(selectors.applications_of(job=job))


@router.post(
    "/jobs/{job_post_id}/applications", response={201: JobApplicationOut}, summary="Apply for a resident (staff at the fair)"
)
def job_apply_for(request, job_post_id: int, payload: StaffApplyIn):
    job = selectors.job_get_for_user(scope=request.scope, job_post_id=job_post_id, cap=Cap.JOB_MANAGE)
    if not request.scope.has(Cap.JOB_MANAGE, job.community_id):
        raise NotFound()
    from jobs.models import SeekerProfile

    seeker = SeekerProfile.objects.filter(resident_id=payload.resident_id, community_id=job.community_id).first()
    if seeker is None:
        raise NotFound()
    fair = None
    if payload.job_fair_id:
        fair = selectors.fair_get_for_user(scope=request.scope, job_fair_id=payload.job_fair_id)
    return Status(201, services.job_apply(actor=request.scope, job=job, seeker=seeker, fair=fair))


@router.post(
    "/applications/{job_application_id}/decide",
    response=JobApplicationOut,
    summary="Shortlist, place or decline (employer, staff); withdraw (the seeker)",
)
def application_decide(request, job_application_id: int, payload: DecideIn):
    application = selectors.job_application_get_for_user(scope=request.scope, job_application_id=job_application_id)
    return services.job_application_decide(actor=request.scope, application=application, status=payload.status)


@router.get("/fairs", response=list[FairOut], summary="Job fairs of a community")
def fair_list(request, community_id: int):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.JOB_VIEW)
    return list(selectors.fair_list_for_user(scope=request.scope, community=community).order_by("-held_on")[:200])


@router.post("/fairs", response={201: FairOut}, summary="Schedule a job fair")
def fair_create(request, payload: FairIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.JOB_MANAGE)
    return Status(201, services.fair_create(actor=request.scope, community=community, **payload.dict(exclude={"community_id"})))


@router.post("/fairs/weekly", response={201: list[FairOut]}, summary="Schedule a weekly fair (e.g. every Wednesday)")
def fairs_weekly(request, payload: WeeklyIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.JOB_MANAGE)
    fairs = services.fairs_schedule_weekly(actor=request.scope, community=community, **payload.dict(exclude={"community_id"}))
    return Status(201, fairs)


@router.get("/fairs/{job_fair_id}", response=FairDetailOut, summary="A job fair and the jobs on offer")
def fair_detail(request, job_fair_id: int):
    fair = selectors.fair_get_for_user(scope=request.scope, job_fair_id=job_fair_id)
    return {"fair": fair, "jobs": list(fair.jobs.select_related("merchant"))}


@router.post("/fairs/{job_fair_id}/jobs", response=FairDetailOut, summary="Offer a job at a fair")
def fair_add_job(request, job_fair_id: int, payload: FairJobIn):
    fair = selectors.fair_get_for_user(scope=request.scope, job_fair_id=job_fair_id)
    job = selectors.job_get_for_user(scope=request.scope, job_post_id=payload.job_post_id)
    services.fair_add_job(actor=request.scope, fair=fair, job=job)
    return {"fair": fair, "jobs": list(fair.jobs.select_related("merchant"))}


@router.get("/portal", response=JobPortalOut, summary="An employer's own jobs and workshops, and the coming fairs")
def portal(request):
    return {
        "jobs": list(selectors.portal_jobs(scope=request.scope)),
        "workshops": list(selectors.portal_workshops(scope=request.scope)),
        "fairs": list(selectors.portal_fairs(scope=request.scope)),
    }


# --- A resident's own ------------------------------------------------------------------------------


@router.get("/me/profile", response={200: ProfileOut, 204: None}, summary="My job-seeker profile")
def my_profile(request):
    profile = selectors.profile_of(resident=_own_resident(request))
    return Status(200, profile) if profile else Status(204, None)


@router.put("/me/profile", response=ProfileOut, summary="Keep my job-seeker profile")
def my_profile_save(request, payload: ProfileIn):
    return services.seeker_profile_save(actor=request.scope, resident=_own_resident(request), **payload.dict())


@router.get("/me/jobs", response=MyJobsOut, summary="Open jobs and coming fairs of my community")
def my_jobs(request):
    resident = _own_resident(request)
    return {
        "jobs": list(selectors.open_jobs_for_resident(community_id=resident.community_id)[:100]),
        "fairs": list(selectors.next_fairs(community_id=resident.community_id)[:4]),
    }


@router.post("/me/jobs/{job_post_id}/apply", response={201: JobApplicationOut}, summary="Apply for a job from my phone")
def my_apply(request, job_post_id: int, payload: MyApplyIn):
    resident = _own_resident(request)
    job = selectors.open_job_for_resident(community_id=resident.community_id, job_post_id=job_post_id)
    profile = selectors.profile_of(resident=resident)
    if profile is None:
        raise ValidationFailed(_("Fill in your job-seeker profile first."), code="no_profile")
    fair = None
    if payload.job_fair_id:
        fair = selectors.next_fairs(community_id=resident.community_id).filter(pk=payload.job_fair_id).first()
    return Status(201, services.job_apply(actor=request.scope, job=job, seeker=profile, fair=fair))


@router.get("/me/applications", response=list[JobApplicationOut], summary="My job applications")
def my_applications(request):
    return list(selectors.my_applications(user=request.user))


@router.get("/me/work", response=MyWorkOut, summary="My workshops and wage statements")
def my_work(request):
    return {
        "workshops": [w.workshop for w in selectors.my_work(user=request.user)],
        "statements": list(selectors.my_statements(user=request.user).select_related("worker__resident")[:100]),
    }
