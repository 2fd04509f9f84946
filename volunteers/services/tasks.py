"""Tasks and activities, sign-up, check-in/out and the organiser's confirmation of hours."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from records.models import ProviderKind, Tier
from records.services import service_record_create
from residents.models import Resident
from volunteers.models import (
    HOLDS_PLACE,
    Signup,
    SignupStatus,
    Skill,
    Task,
    TaskKind,
    TaskStatus,
    Team,
    Volunteer,
    VolunteerStatus,
)
from volunteers.services._common import can_organise, leads, require, text, user_of, whole
from volunteers.services.points import points_for, post_earned

# A volunteer may check in by QR code from an hour before the start until the end.
CHECKIN_EARLY = dt.timedelta(hours=1)
# …and check out until three hours after the end (then the organiser marks it).
CHECKOUT_LATE = dt.timedelta(hours=3)
MAX_MINUTES = 12 * 60
CLOCK_SKEW = dt.timedelta(minutes=5)


def _organiser_ok(community: OrgNode, team: Team | None, user) -> bool:
    """Who may be a task's organiser: staff who manage volunteers there, or the team's leader."""
    scope = Scope(user)
    return scope.has(Cap.VOLUNTEER_MANAGE, community.pk) or leads(scope, team)


def task_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    title: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    slots: int = 1,
    kind: str = TaskKind.ACTIVITY,
    skill: str = "",
    description: str = "",
    team: Team | None = None,
    household: Resident | None = None,
    organiser=None,
    idempotency_key: str | None = None,
) -> Task:
    """Publish a task. Staff who manage volunteers, or the leader of ``team``, may; the
    organiser (who alone confirms the hours) is the creator unless staff name another. A retry
    with the same ``idempotency_key`` returns the task the first request made."""
    key = (idempotency_key or "").strip()[:100] or None
    if key and user_of(actor) is not None:
        existing = Task.objects.filter(created_by=user_of(actor), idempotency_key=key).first()
        if existing is not None:
            return existing
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Tasks belong to a community."), code="not_a_community")
    if team is not None and team.community_id != community.pk:
        raise NotFound()
    is_staff = actor is None or actor.has(Cap.VOLUNTEER_MANAGE, community.pk)
    if not is_staff and not leads(actor, team):
        raise NotFound()
    if household is not None:
        # Naming a household is staff work: it comes from the resident records.
        if not is_staff or household.community_id != community.pk:
            raise NotFound()
    organiser = organiser or user_of(actor)
    if organiser is None:
        raise ValidationFailed(_("Name the task's organiser."), code="no_organiser")
    if organiser != user_of(actor) and not _organiser_ok(community, team, organiser):
        raise ValidationFailed(
            _("The organiser must be a community worker who manages volunteers, or the team's leader."),
            code="bad_organiser",
        )
    if not is_staff and organiser != user_of(actor):
        raise Forbidden()
    if kind not in TaskKind.values:
        raise ValidationFailed(_("Unknown kind of task."), code="bad_kind")
    if skill and skill not in Skill.values:
        raise ValidationFailed(_("Unknown skill."), code="bad_skill")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationFailed(_("Times need their time zone."), code="naive_time")
    if ends_at <= starts_at:
        raise ValidationFailed(_("The task must end after it starts."), code="bad_times")
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise ValidationFailed(_("A task lasts a day at most; publish one per day."), code="bad_times")
    return Task.objects.create(
        community=community,
        team=team,
        title=text(title, label=_("the title"), max_length=100),
        kind=kind,
        skill=skill,
        description=text(description, label=_("the description"), max_length=2000, required=False),
        place=text(place, label=_("the place"), max_length=100),
        starts_at=starts_at,
        ends_at=ends_at,
        slots=whole(slots, label=_("Places"), minimum=1, maximum=500),
        household=household,
        organiser=organiser,
        created_by=user_of(actor),
        idempotency_key=key if user_of(actor) is not None else None,
    )


def _set_status(task: Task, *, allowed_from: tuple[str, ...], to: str) -> Task:
    moved = Task.objects.filter(pk=task.pk, status__in=allowed_from).update(status=to)
    if not moved:
        raise Conflict(_("The task is %(status)s.") % {"status": task.get_status_display()}, code="bad_status")
    task.refresh_from_db()
    return task


def task_close(*, actor: Scope | None, task: Task) -> Task:
    """No more sign-ups; those signed up still do the task."""
    if not can_organise(actor, task):
        raise NotFound()
    return _set_status(task, allowed_from=(TaskStatus.OPEN,), to=TaskStatus.CLOSED)


def task_reopen(*, actor: Scope | None, task: Task) -> Task:
    if not can_organise(actor, task):
        raise NotFound()
    return _set_status(task, allowed_from=(TaskStatus.CLOSED,), to=TaskStatus.OPEN)


def task_cancel(*, actor: Scope | None, task: Task) -> Task:
    """Call the task off. Refused once any hours are confirmed (points have been paid)."""
    if not can_organise(actor, task):
        raise NotFound()
    with transaction.atomic():
        if Signup.objects.filter(task=task, status=SignupStatus.CONFIRMED).exists():
            raise Conflict(_("Hours on this task are confirmed already; it cannot be cancelled."), code="has_hours")
        task = _set_status(task, allowed_from=(TaskStatus.OPEN, TaskStatus.CLOSED), to=TaskStatus.CANCELLED)
        Signup.objects.filter(task=task, status__in=HOLDS_PLACE).update(status=SignupStatus.CANCELLED)
        Task.objects.filter(pk=task.pk).update(taken=0)
    task.refresh_from_db()
    return task


def task_set_organiser(*, actor: Scope | None, task: Task, organiser) -> Task:
    """Staff hand a task to another organiser (the one who will confirm its hours)."""
    require(actor, Cap.VOLUNTEER_MANAGE, task.community_id)
    if not _organiser_ok(task.community, task.team, organiser):
        raise ValidationFailed(
            _("The organiser must be a community worker who manages volunteers, or the team's leader."),
            code="bad_organiser",
        )
    task.organiser = organiser
    task.save(update_fields=["organiser"])
    return task


def regenerate_checkin_token(*, actor: Scope | None, task: Task) -> Task:
    """A new QR code (the old one was shared too widely)."""
    if not can_organise(actor, task):
        raise NotFound()
    task.checkin_token = secrets.token_urlsafe(16)
    task.save(update_fields=["checkin_token"])
    return task


# --- Sign-up ----------------------------------------------------------------------------------


def _own(actor: Scope | None, volunteer: Volunteer) -> None:
    user = user_of(actor)
    if actor is not None and (user is None or user.pk != volunteer.user_id):
        raise NotFound()


def signup_create(*, actor: Scope | None, volunteer: Volunteer, task: Task) -> Signup:
    """Take a place on the task. Signing up twice returns the same sign-up.

    The place is taken with one conditional UPDATE (``taken < slots``): of two volunteers racing
    for the last place, the database lets exactly one through. A task that helps a named
    household waits for the organiser to assign the volunteer (who sees the household then)."""
    _own(actor, volunteer)
    if task.community_id != volunteer.community_id:
        raise NotFound()
    existing = Signup.objects.filter(task=task, volunteer=volunteer).first()
    if existing is not None and existing.status in HOLDS_PLACE:
        return existing
    if existing is not None and existing.status == SignupStatus.DECLINED:
        raise Conflict(_("The organiser has not assigned you to this task."), code="declined")
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationFailed(_("Your volunteer registration is suspended."), code="suspended")
    if task.status != TaskStatus.OPEN or task.ends_at <= timezone.now():
        raise Conflict(_("This task is not open for sign-up."), code="not_open")
    status = SignupStatus.REQUESTED if task.household_id else SignupStatus.ASSIGNED
    try:
        with transaction.atomic():
            took = Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN, taken__lt=F("slots")).update(
                taken=F("taken") + 1
            )
            if not took:
                raise Conflict(_("All places on this task are taken."), code="full")
            if existing is not None:
                moved = Signup.objects.filter(pk=existing.pk, status=SignupStatus.CANCELLED).update(status=status)
                if not moved:
                    raise Conflict(_("Your sign-up changed meanwhile; reload the page."), code="changed")
                existing.refresh_from_db()
                return existing
            return Signup.objects.create(community_id=task.community_id, task=task, volunteer=volunteer, status=status)
    except IntegrityError:
        # The same volunteer's second tap raced the first: the first one's sign-up stands.
        signup = Signup.objects.filter(task=task, volunteer=volunteer).first()
        if signup is None:
            raise
        return signup


def signup_add(*, actor: Scope | None, task: Task, volunteer: Volunteer) -> Signup:
    """The organiser adds a volunteer who came without signing up (a walk-in, a paper sheet):
    assigned at once, taking a place, even after sign-up has closed or the task has ended."""
    if not can_organise(actor, task):
        raise NotFound()
    if volunteer.community_id != task.community_id:
        raise NotFound()
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(_("The task is cancelled."), code="cancelled")
    existing = Signup.objects.filter(task=task, volunteer=volunteer).first()
    if existing is not None and existing.status in HOLDS_PLACE:
        if existing.status == SignupStatus.REQUESTED:
            return signup_assign(actor=actor, signup=existing)
        return existing
    with transaction.atomic():
        took = Task.objects.filter(pk=task.pk, taken__lt=F("slots")).update(taken=F("taken") + 1)
        if not took:
            raise Conflict(_("All places on this task are taken."), code="full")
        if existing is not None:
            Signup.objects.filter(pk=existing.pk).update(status=SignupStatus.ASSIGNED)
            existing.refresh_from_db()
            return existing
        return Signup.objects.create(
            community_id=task.community_id, task=task, volunteer=volunteer, status=SignupStatus.ASSIGNED
        )


def _release(signup: Signup, *, allowed_from: tuple[str, ...], to: str) -> Signup:
    with transaction.atomic():
        moved = Signup.objects.filter(pk=signup.pk, status__in=allowed_from, checked_in_at__isnull=True).update(
            status=to
        )
        if not moved:
            raise Conflict(_("This sign-up can no longer be withdrawn."), code="bad_status")
        Task.objects.filter(pk=signup.task_id, taken__gte=1).update(taken=F("taken") - 1)
    signup.refresh_from_db()
    return signup


def signup_cancel(*, actor: Scope | None, signup: Signup) -> Signup:
    """The volunteer withdraws (before checking in); the place is freed."""
    _own(actor, signup.volunteer)
    return _release(signup, allowed_from=(SignupStatus.REQUESTED, SignupStatus.ASSIGNED), to=SignupStatus.CANCELLED)


def signup_assign(*, actor: Scope | None, signup: Signup) -> Signup:
    if not can_organise(actor, signup.task):
        raise NotFound()
    moved = Signup.objects.filter(pk=signup.pk, status=SignupStatus.REQUESTED).update(status=SignupStatus.ASSIGNED)
    if not moved:
        raise Conflict(_("Only a sign-up waiting to be assigned can be assigned."), code="bad_status")
    signup.refresh_from_db()
    return signup


def signup_decline(*, actor: Scope | None, signup: Signup) -> Signup:
    if not can_organise(actor, signup.task):
        raise NotFound()
    return _release(signup, allowed_from=(SignupStatus.REQUESTED, SignupStatus.ASSIGNED), to=SignupStatus.DECLINED)


# --- Check-in and check-out -------------------------------------------------------------------


def check_in(*, actor: Scope | None, signup: Signup, token: str, now: dt.datetime | None = None) -> Signup:
    """The volunteer scans the task's QR code at the place."""
    _own(actor, signup.volunteer)
    task = signup.task
    now = now or timezone.now()
    if not secrets.compare_digest(str(token or ""), task.checkin_token):
        raise ValidationFailed(_("This QR code is not the task's current code."), code="bad_token")
    if signup.status != SignupStatus.ASSIGNED:
        raise Conflict(_("You are not assigned to this task."), code="not_assigned")
    if signup.checked_in_at:
        return signup
    if not task.starts_at - CHECKIN_EARLY <= now <= task.ends_at:
        raise ValidationFailed(
            _("Check-in opens an hour before the task starts and closes when it ends."), code="not_now"
        )
    Signup.objects.filter(pk=signup.pk, checked_in_at__isnull=True).update(checked_in_at=now)
    signup.refresh_from_db()
    return signup


def check_out(*, actor: Scope | None, signup: Signup, token: str, now: dt.datetime | None = None) -> Signup:
    _own(actor, signup.volunteer)
    task = signup.task
    now = now or timezone.now()
    if not secrets.compare_digest(str(token or ""), task.checkin_token):
        raise ValidationFailed(_("This QR code is not the task's current code."), code="bad_token")
    if signup.status != SignupStatus.ASSIGNED or not signup.checked_in_at:
        raise Conflict(_("Check in first."), code="not_checked_in")
    if signup.checked_out_at:
        return signup
    if now > task.ends_at + CHECKOUT_LATE:
        raise ValidationFailed(_("Too late to check out by QR code; ask the organiser."), code="not_now")
    Signup.objects.filter(pk=signup.pk, checked_out_at__isnull=True).update(checked_out_at=max(now, signup.checked_in_at))
    signup.refresh_from_db()
    return signup


def signup_mark_attendance(
    *, actor: Scope | None, signup: Signup, checked_in_at: dt.datetime, checked_out_at: dt.datetime | None = None
) -> Signup:
    """The organiser records when a volunteer came and left (no phone, forgot to scan)."""
    if not can_organise(actor, signup.task):
        raise NotFound()
    if signup.status != SignupStatus.ASSIGNED:
        raise Conflict(_("Only an assigned volunteer's attendance can be marked."), code="not_assigned")
    now = timezone.now()
    for moment in (checked_in_at, checked_out_at):
        if moment is not None and (timezone.is_naive(moment) or moment > now + CLOCK_SKEW):
            raise ValidationFailed(_("Attendance is marked once it has happened."), code="bad_times")
    if checked_out_at is not None and checked_out_at <= checked_in_at:
        raise ValidationFailed(_("Check-out must be after check-in."), code="bad_times")
    signup.checked_in_at = checked_in_at
    signup.checked_out_at = checked_out_at
    signup.checkin_by_organiser = True
    signup.save(update_fields=["checked_in_at", "checked_out_at", "checkin_by_organiser"])
    return signup


# --- Confirmation -----------------------------------------------------------------------------


def attended_minutes(signup: Signup) -> int | None:
    if signup.checked_in_at and signup.checked_out_at:
        return int((signup.checked_out_at - signup.checked_in_at).total_seconds() // 60)
    return None


def signup_confirm(*, actor: Scope, signup: Signup, minutes: int | None = None, note: str = "") -> Signup:
    """The task's organiser confirms the hours: points are posted to the ledger and the service
    becomes a service record, in one transaction.

    Only the organiser named on the task may confirm — not other staff, not an administrator:
    the person who saw the work vouches for it. (Staff can hand the task to another organiser.)
    Nobody confirms their own hours."""
    user = user_of(actor)
    task = signup.task
    if user is None or user.pk != task.organiser_id:
        if actor is not None and (can_organise(actor, task) or actor.has(Cap.VOLUNTEER_VIEW, task.community_id)):
            raise Forbidden(_("Only the task's organiser can confirm its hours."), code="not_organiser")
        raise NotFound()
    if signup.volunteer.user_id == user.pk:
        raise Forbidden(_("Nobody confirms their own hours."), code="own_hours")
    now = timezone.now()
    if now < task.starts_at:
        raise Conflict(_("Hours are confirmed after the task has started."), code="too_early")
    if minutes is None:
        minutes = attended_minutes(signup)
        if minutes is None:
            raise ValidationFailed(_("Say how long the volunteer worked (no check-in and check-out)."), code="no_hours")
    minutes = whole(minutes, label=_("Minutes"), minimum=1, maximum=MAX_MINUTES)
    volunteer = signup.volunteer
    occurred_at = min(signup.checked_out_at or task.ends_at, now)
    with transaction.atomic():
        points = points_for(community_id=task.community_id, task_kind=task.kind, minutes=minutes)
        moved = Signup.objects.filter(pk=signup.pk, status=SignupStatus.ASSIGNED).update(
            status=SignupStatus.CONFIRMED,
            minutes=minutes,
            points=points,
            confirmed_by=user,
            confirmed_at=now,
            note=(note or "")[:200],
        )
        if not moved:
            raise Conflict(_("Only an assigned volunteer's hours can be confirmed, once."), code="bad_status")
        hours = f"{minutes / 60:.1f}".rstrip("0").rstrip(".")
        if points:
            post_earned(
                volunteer=volunteer,
                points=points,
                memo=f"{task.title} · {volunteer.name} · {hours}小时",
                source=("volunteers.signup", signup.pk),
                recorded_by=user,
                occurred_at=occurred_at,
            )
        service_record_create(
            community=task.community,
            service=task.title,
            category=str(TaskKind(task.kind).label),
            occurred_at=occurred_at,
            tier=Tier.FREE,
            provider_kind=ProviderKind.VOLUNTEER,
            provider_name=task.team.name if task.team_id else volunteer.name,
            served_by=volunteer.user,
            resident=task.household,
            source=("volunteers.signup", signup.pk),
            recorded_by=user,
        )
    signup.refresh_from_db()
    return signup
