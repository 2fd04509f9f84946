"""Registering volunteers and building teams."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phone import normalize_phone
from accounts.selectors import user_by_phone
from accounts.services import user_create, username_generate
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from residents.models import Resident
from volunteers.models import Skill, Team, TeamMember, Volunteer, VolunteerKind, VolunteerStatus
from volunteers.services._common import require, text, user_of
from volunteers.services.points import points_account


def self_community_ids(user) -> set[int]:
    """Communities a person may register in by themselves: where they live (their resident
    record) and where they hold a role at the community or below (a volunteer's grant). Anyone
    else (a delivery rider who lives elsewhere) is registered by the community's staff."""
    if user is None or not user.is_authenticated:
        return set()
    ids = set(Resident.objects.filter(user=user).values_list("community_id", flat=True))
    for grant in Scope(user).grants:
        if grant.node_kind not in (NodeKind.CITY, NodeKind.DISTRICT, NodeKind.SUBDISTRICT) and grant.community_id:
            ids.add(grant.community_id)
    return ids


def _check_kind(kind: str) -> str:
    if kind not in VolunteerKind.values:
        raise ValidationFailed(_("Choose what kind of volunteer this is."), code="bad_kind")
    return kind


def _create(
    *, community: OrgNode, user: User, resident: Resident | None, name: str, kind: str, skills: str,
    availability: str, registered_by,
) -> Volunteer:
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Volunteers register in a community."), code="not_a_community")
    if resident is not None and resident.community_id != community.pk:
        raise ValidationFailed(_("The resident lives in another community."), code="cross_community")
    fields = dict(
        name=text(name, label=_("the name"), max_length=50),
        kind=_check_kind(kind),
        skills=text(skills, label=_("the skills"), max_length=200, required=False),
        availability=text(availability, label=_("when available"), max_length=100, required=False),
    )
    if Volunteer.objects.filter(community=community, user=user).exists():
        raise Conflict(_("Already registered as a volunteer in this community."), code="already_registered")
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(
                community=community, user=user, resident=resident, registered_by=registered_by, **fields
            )
            points_account(volunteer)  # open it now: the record page shows 0 points from day one
    except IntegrityError:
        raise Conflict(_("Already registered as a volunteer in this community."), code="already_registered") from None
    return volunteer


def volunteer_register_self(
    *, actor: Scope, community: OrgNode, kind: str = VolunteerKind.RESIDENT, skills: str = "", availability: str = ""
) -> Volunteer:
    """A logged-in person registers themselves (邻里合伙人) in a community that is theirs."""
    user = user_of(actor)
    if user is None or community.pk not in self_community_ids(user):
        raise NotFound()
    resident = Resident.objects.filter(user=user, community=community).first()
    name = resident.name if resident else (user.display_name or user.username)
    return _create(
        community=community, user=user, resident=resident, name=name, kind=kind, skills=skills,
        availability=availability, registered_by=user,
    )


def volunteer_register(
    *,
    actor: Scope | None,
    community: OrgNode,
    name: str,
    phone: str,
    kind: str,
    skills: str = "",
    availability: str = "",
) -> Volunteer:
    """Staff register a volunteer by mobile number. The login with that number is used, or made
    (without a password: the person sets one when they first log in by phone). A resident of the
    community with that login is linked."""
    require(actor, Cap.VOLUNTEER_MANAGE, community.pk)
    phone = normalize_phone(phone)
    name = text(name, label=_("the name"), max_length=50)
    with transaction.atomic():
        user = user_by_phone(phone)
        if user is None:
            # A generated username: the number is the login name, kept encrypted (accounts.User).
            user = user_create(username=username_generate(prefix="v"), password=None, display_name=name, phone=phone)
        resident = Resident.objects.filter(user=user, community=community).first()
        return _create(
            community=community, user=user, resident=resident, name=name, kind=kind, skills=skills,
            availability=availability, registered_by=user_of(actor),
        )


def volunteer_set_status(*, actor: Scope | None, volunteer: Volunteer, status: str) -> Volunteer:
    require(actor, Cap.VOLUNTEER_MANAGE, volunteer.community_id)
    if status not in VolunteerStatus.values:
        raise ValidationFailed(_("Unknown status."), code="bad_status")
    volunteer.status = status
    volunteer.save(update_fields=["status"])
    return volunteer


def volunteer_update(
    *, actor: Scope | None, volunteer: Volunteer, kind: str, skills: str, availability: str
) -> Volunteer:
    """The volunteer themselves or staff update what they do and when."""
    user = user_of(actor)
    if not (actor is None or volunteer.user_id == getattr(user, "pk", None)):
        require(actor, Cap.VOLUNTEER_MANAGE, volunteer.community_id)
    volunteer.kind = _check_kind(kind)
    volunteer.skills = text(skills, label=_("the skills"), max_length=200, required=False)
    volunteer.availability = text(availability, label=_("when available"), max_length=100, required=False)
    volunteer.save(update_fields=["kind", "skills", "availability"])
    return volunteer


# --- Teams ------------------------------------------------------------------------------------


def team_create(
    *, actor: Scope | None, community: OrgNode, name: str, place: str = "", description: str = "",
    grid: OrgNode | None = None,
) -> Team:
    require(actor, Cap.VOLUNTEER_MANAGE, community.pk)
    name = text(name, label=_("the team's name"), max_length=60)
    if grid is not None and (grid.community_id != community.pk or grid.kind != NodeKind.GRID):
        raise ValidationFailed(_("Choose a grid of this community."), code="bad_grid")
    if Team.objects.filter(community=community, name=name).exists():
        raise Conflict(_("The community already has a team called %(name)s.") % {"name": name}, code="team_exists")
    return Team.objects.create(
        community=community,
        name=name,
        place=text(place, label=_("the place"), max_length=100, required=False),
        description=text(description, label=_("what the team does"), max_length=300, required=False),
        grid=grid,
        created_by=user_of(actor),
    )


def team_member_add(*, actor: Scope | None, team: Team, volunteer: Volunteer, skill: str = Skill.GENERAL) -> TeamMember:
    """Add a volunteer to a team (or change their skill in it)."""
    require(actor, Cap.VOLUNTEER_MANAGE, team.community_id)
    if volunteer.community_id != team.community_id:
        raise NotFound()
    if skill not in Skill.values:
        raise ValidationFailed(_("Choose a skill."), code="bad_skill")
    member, created = TeamMember.objects.get_or_create(
        team=team, volunteer=volunteer, defaults={"skill": skill, "community_id": team.community_id}
    )
    if not created and member.skill != skill:
        member.skill = skill
        member.save(update_fields=["skill"])
    return member


def team_member_remove(*, actor: Scope | None, team: Team, volunteer: Volunteer) -> None:
    require(actor, Cap.VOLUNTEER_MANAGE, team.community_id)
    with transaction.atomic():
        if team.leader_id == volunteer.pk:
            team.leader = None
            team.save(update_fields=["leader"])
        TeamMember.objects.filter(team=team, volunteer=volunteer).delete()


def team_set_leader(*, actor: Scope | None, team: Team, volunteer: Volunteer | None) -> Team:
    """Designate the team leader, who may then organise the team's tasks and confirm their hours
    from the phone. The leader is made a member if they are not one."""
    require(actor, Cap.VOLUNTEER_MANAGE, team.community_id)
    with transaction.atomic():
        if volunteer is not None:
            if volunteer.community_id != team.community_id:
                raise NotFound()
            if volunteer.status != VolunteerStatus.ACTIVE:
                raise ValidationFailed(_("A suspended volunteer cannot lead a team."), code="suspended")
            TeamMember.objects.get_or_create(
                team=team, volunteer=volunteer, defaults={"community_id": team.community_id}
            )
        team.leader = volunteer
        team.save(update_fields=["leader"])
    return team
