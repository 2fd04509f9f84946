"""Gig jobs (零工招聘): job posts, the weekly job fair, seekers' profiles, applications, placements.

A placement takes one of the job's openings with a conditional UPDATE (``placed_count <
openings``), the capacity pattern of ARCHITECTURE.md: two employers' clerks placing the last
opening at once place one person, and the database's CHECK holds the count within the openings.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import (
    JobApplication,
    JobApplicationStatus,
    JobFair,
    JobPost,
    JobStatus,
    PayUnit,
    SeekerProfile,
)
from jobs.services._common import as_community, is_merchant_login, need, positive, text, user_of
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope


def _employer_or_staff(actor: Scope | None, merchant) -> None:
    if actor is None or actor.has(Cap.JOB_MANAGE, merchant.community_id) or is_merchant_login(actor, merchant.pk):
        return
    raise NotFound()


def _money(value: int, field: str) -> int:
    return positive(value, field=field, maximum=100_000_000)


# --- Jobs ---------------------------------------------------------------------------------------


@transaction.atomic
def job_post(
    *,
    actor: Scope | None,
    merchant,
    title: str,
    pay_min_fen: int,
    pay_max_fen: int,
    hours: str,
    place: str,
    pay_unit: str = PayUnit.DAY,
    skills: str = "",
    openings: int = 1,
    description: str = "",
) -> JobPost:
    """An employer (or staff for them) posts a job: pay, hours, place, skills, openings."""
    from markets.models import MerchantStatus

    _employer_or_staff(actor, merchant)
    if merchant.status != MerchantStatus.ACTIVE:
        raise Conflict(_("The employer's registration has not been approved."), code="merchant_inactive")
    if pay_unit not in PayUnit.values:
        raise ValidationFailed(_("Unknown pay unit."), code="bad_unit")
    pay_min_fen, pay_max_fen = _money(pay_min_fen, _("The pay")), _money(pay_max_fen, _("The pay"))
    if pay_max_fen < pay_min_fen:
        raise ValidationFailed(_("The highest pay is at least the lowest."), code="bad_pay")
    return JobPost.objects.create(
        community_id=merchant.community_id,
        merchant=merchant,
        title=text(title, field=_("The job"), max_length=100),
        description=text(description, field=_("The description"), max_length=500, required=False),
        pay_min_fen=pay_min_fen,
        pay_max_fen=pay_max_fen,
        pay_unit=pay_unit,
        hours=text(hours, field=_("The working hours"), max_length=100),
        place=text(place, field=_("The place of work"), max_length=100),
        skills=text(skills, field=_("The skills"), max_length=200, required=False),
        openings=positive(openings, field=_("The openings"), maximum=1000),
        posted_by=user_of(actor),
    )


@transaction.atomic
def job_close(*, actor: Scope | None, job: JobPost) -> JobPost:
    _employer_or_staff(actor, job.merchant)
    JobPost.objects.filter(pk=job.pk).update(status=JobStatus.CLOSED)
    job.refresh_from_db()
    return job


# --- Job fairs ------------------------------------------------------------------------------------


@transaction.atomic
def fair_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    held_on: dt.date,
    place: str,
    starts_at: dt.time = dt.time(9, 0),
    ends_at: dt.time = dt.time(11, 30),
    title: str = "零工招聘会",
    room=None,
) -> JobFair:
    node = as_community(community)
    need(actor, Cap.JOB_MANAGE, node.pk)
    if ends_at <= starts_at:
        raise ValidationFailed(_("The fair ends after it starts."), code="bad_times")
    if room is not None and room.community_id != node.pk:
        raise ValidationFailed(_("The room belongs to another community."), code="cross_community")
    fair, _created = JobFair.objects.get_or_create(
        community=node,
        held_on=held_on,
        starts_at=starts_at,
        defaults={
            "ends_at": ends_at,
            "place": text(place, field=_("The place"), max_length=100),
            "title": text(title, field=_("The title"), max_length=100),
            "room": room,
        },
    )
    return fair


def fairs_schedule_weekly(
    *,
    actor: Scope | None,
    community: OrgNode,
    weekday: int,
    weeks: int,
    place: str,
    first_on: dt.date | None = None,
    starts_at: dt.time = dt.time(9, 0),
    ends_at: dt.time = dt.time(11, 30),
    title: str = "零工招聘会",
) -> list[JobFair]:
    """A fair on the same weekday every week (0 = Monday; 2 = Wednesday), ``weeks`` of them from
    ``first_on`` (today by default). Fairs already there are kept: running it twice adds nothing."""
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValidationFailed(_("Choose a day of the week."), code="bad_weekday")
    positive(weeks, field=_("The number of weeks"), maximum=104)
    day = first_on or timezone.localdate()
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    return [
        fair_create(
            actor=actor, community=community, held_on=day + dt.timedelta(weeks=i), place=place,
            starts_at=starts_at, ends_at=ends_at, title=title,
        )
        for i in range(weeks)
    ]


@transaction.atomic
def fair_add_job(*, actor: Scope | None, fair: JobFair, job: JobPost) -> JobFair:
    """Offer a job at a fair (staff, or the employer for their own job)."""
    _employer_or_staff(actor, job.merchant)
    if job.community_id != fair.community_id:
        raise ValidationFailed(_("The job is in another community."), code="cross_community")
    if job.status != JobStatus.OPEN:
        raise Conflict(_("This job is closed."), code="job_closed")
    fair.jobs.add(job)
    return fair


# --- Seekers and applications --------------------------------------------------------------------


@transaction.atomic
def seeker_profile_save(
    *,
    actor: Scope | None,
    resident,
    skills: str,
    availability: str,
    wanted_pay_fen: int = 0,
    wanted_unit: str = PayUnit.DAY,
    note: str = "",
    is_looking: bool = True,
) -> SeekerProfile:
    """A resident keeps their own profile (staff may keep it for someone at the fair's desk)."""
    own = actor is not None and actor.is_authenticated and resident.user_id == actor.user.pk
    if actor is not None and not own:
        need(actor, Cap.JOB_MANAGE, resident.community_id)
    if wanted_unit not in PayUnit.values:
        raise ValidationFailed(_("Unknown pay unit."), code="bad_unit")
    if not isinstance(wanted_pay_fen, int) or wanted_pay_fen < 0:
        raise ValidationFailed(_("The pay you want is 0 or more."), code="bad_pay")
    fields = {
        "community_id": resident.community_id,
        "skills": text(skills, field=_("Your skills"), max_length=200),
        "availability": text(availability, field=_("When you can work"), max_length=100),
        "wanted_pay_fen": wanted_pay_fen,
        "wanted_unit": wanted_unit,
        "note": text(note, field=_("The note"), max_length=200, required=False),
        "is_looking": bool(is_looking),
    }
    profile = SeekerProfile.objects.filter(resident=resident).first()
    if profile is None:
        return SeekerProfile.objects.create(resident=resident, **fields)
    for key, value in fields.items():
        setattr(profile, key, value)
    profile.save()
    return profile


@transaction.atomic
def job_apply(
    *, actor: Scope | None, job: JobPost, seeker: SeekerProfile, fair: JobFair | None = None, note: str = ""
) -> JobApplication:
    """A resident applies from their phone (or staff for them at the fair). Applying twice is one
    application."""
    own = actor is not None and actor.is_authenticated and seeker.resident.user_id == actor.user.pk
    if actor is not None and not own:
        need(actor, Cap.JOB_MANAGE, job.community_id)
    if seeker.community_id != job.community_id:
        raise NotFound()
    if job.status != JobStatus.OPEN:
        raise Conflict(_("This job is no longer open."), code="job_closed")
    if fair is not None and fair.community_id != job.community_id:
        raise ValidationFailed(_("The fair is in another community."), code="cross_community")
    existing = JobApplication.objects.filter(job=job, seeker=seeker).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return JobApplication.objects.create(
                job=job,
                community_id=job.community_id,
                seeker=seeker,
                fair=fair,
                note=text(note, field=_("The note"), max_length=200, required=False),
            )
    except IntegrityError:
        return JobApplication.objects.get(job=job, seeker=seeker)


_MOVES = {
    JobApplicationStatus.SHORTLISTED: (JobApplicationStatus.APPLIED,),
    JobApplicationStatus.PLACED: (JobApplicationStatus.APPLIED, JobApplicationStatus.SHORTLISTED),
    JobApplicationStatus.DECLINED: (JobApplicationStatus.APPLIED, JobApplicationStatus.SHORTLISTED),
    JobApplicationStatus.WITHDRAWN: (JobApplicationStatus.APPLIED, JobApplicationStatus.SHORTLISTED),
}


@transaction.atomic
def job_application_decide(
    *, actor: Scope | None, application: JobApplication, status: str, placed_on: dt.date | None = None
) -> JobApplication:
    """The employer (or staff) shortlists, places or declines; the seeker may withdraw."""
    if status not in _MOVES:
        raise ValidationFailed(_("Unknown decision."), code="bad_status")
    job = application.job
    if status == JobApplicationStatus.WITHDRAWN:
        own = actor is None or (actor.is_authenticated and application.seeker.resident.user_id == actor.user.pk)
        if not own:
            _employer_or_staff(actor, job.merchant)
    else:
        _employer_or_staff(actor, job.merchant)
    if status == JobApplicationStatus.PLACED:
        # Take one opening, only if one is left (conditional UPDATE under the job row's lock).
        took = JobPost.objects.filter(pk=job.pk, placed_count__lt=F("openings")).update(
            placed_count=F("placed_count") + 1
        )
        if took != 1:
            raise Conflict(_("All openings of this job are filled."), code="job_full")
    moved = JobApplication.objects.filter(pk=application.pk, status__in=_MOVES[status]).update(
        status=status,
        decided_by=user_of(actor),
        placed_on=(placed_on or timezone.localdate()) if status == JobApplicationStatus.PLACED else None,
    )
    if moved != 1:
        # Undo the opening taken above with the whole transaction.
        raise Conflict(_("This application has already been decided."), code="already_decided")
    if status == JobApplicationStatus.PLACED:
        JobPost.objects.filter(pk=job.pk, placed_count=F("openings")).update(status=JobStatus.CLOSED)
    application.refresh_from_db()
    return application
