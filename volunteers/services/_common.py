"""What the volunteers services share: who may do what, and small validators."""

from __future__ import annotations

from django.utils.translation import gettext as _

from linli.errors import NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from volunteers.models import Task, Team, VolunteerStatus


def user_of(actor: Scope | None):
    return actor.user if actor is not None and actor.is_authenticated else None


def require(actor: Scope | None, cap: str, community_id: int) -> None:
    """``actor`` None is a trusted caller (demo data, another app). Anyone else needs ``cap`` in
    the community; outside it the record does not exist for them (NotFound)."""
    if actor is not None and not actor.has(cap, community_id):
        raise NotFound()


def leads(actor: Scope | None, team: Team | None) -> bool:
    """The user is the (active) leader of ``team``."""
    user = user_of(actor)
    if user is None or team is None or team.leader_id is None:
        return False
    leader = team.leader
    return leader.user_id == user.pk and leader.status == VolunteerStatus.ACTIVE


def can_organise(actor: Scope | None, task: Task) -> bool:
    """Staff who manage volunteers in the community, the task's organiser, or its team's leader
    may assign volunteers and mark check-ins. (Confirming hours is the organiser's alone.)"""
    if actor is None or actor.has(Cap.VOLUNTEER_MANAGE, task.community_id):
        return True
    user = user_of(actor)
    return user is not None and (task.organiser_id == user.pk or leads(actor, task.team))


def text(value: str, *, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("Fill in %(field)s.") % {"field": label}, code="missing")
    if len(value) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long (%(n)s characters at most).") % {"field": label, "n": max_length}, code="too_long"
        )
    return value


def whole(value, *, label: str, minimum: int = 0, maximum: int = 1_000_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValidationFailed(
            _("%(field)s must be a whole number from %(min)s to %(max)s.") % {"field": label, "min": minimum, "max": maximum},
            code="bad_number",
        )
    return value
