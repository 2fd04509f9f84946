"""Writes to residents. Each function is one transaction and checks the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phone import normalize_phone
from accounts.selectors import phone_taken
from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from residents.idcard import parse_id_number
from residents.models import Household, Resident, RevealField, RevealLog, VulnerableTag, id_number_index
from residents.names import pinyin_keys


@dataclass
class Address:
    grid: OrgNode
    building: OrgNode | None
    unit: str
    room: str


def resolve_address(
    *, scope: Scope | None, community: OrgNode, grid_name: str, building_name: str = "", unit: str = "", room: str = ""
) -> Address:
    """Find the grid (and building) by name inside ``community``; refuse unknown ones."""
    grid_name = (grid_name or "").strip()
    if not grid_name:
        raise ValidationFailed(_("The grid is required."), code="no_grid")
    grid = OrgNode.objects.filter(community=community, kind=NodeKind.GRID, name=grid_name).first()
    if grid is None:
        raise ValidationFailed(
            _("There is no grid “%(grid)s” in %(community)s.") % {"grid": grid_name, "community": community.name},
            code="unknown_grid",
        )
    building = None
    if (building_name or "").strip():
        building = OrgNode.objects.filter(parent=grid, kind=NodeKind.BUILDING, name=building_name.strip()).first()
        if building is None:
            raise ValidationFailed(
                _("There is no building “%(building)s” in grid “%(grid)s”.") % {"building": building_name, "grid": grid_name},
                code="unknown_building",
            )
    return _checked_address(scope, community, grid, building, unit, room)


def _checked_address(scope, community, grid, building, unit, room) -> Address:
    if grid.community_id != community.pk or grid.kind != NodeKind.GRID:
        raise ValidationFailed(_("The grid does not belong to this community."), code="unknown_grid")
    if building is not None and building.parent_id != grid.pk:
        raise ValidationFailed(_("The building is not in that grid."), code="unknown_building")
    if scope is not None and not scope.is_platform_admin:
        whole = scope.whole_community_ids(Cap.RESIDENT_MANAGE)
        if community.pk not in whole and not any(
            grid.path.startswith(g.node_path) for g in scope.grants_with(Cap.RESIDENT_MANAGE)
        ):
            raise Forbidden(_("You may only manage residents of your own grid."))
    return Address(grid=grid, building=building, unit=(unit or "").strip()[:10], room=(room or "").strip()[:10])


def _require(scope: Scope | None, cap: str, community: OrgNode) -> None:
    if scope is not None and not scope.has(cap, community.pk):
        raise NotFound()


def _require_resident(scope: Scope | None, cap: str, resident: Resident) -> None:
    """The actor holds ``cap`` for this very resident: a grid worker only in their own grid."""
    if scope is None:
        return
    mine = scope.filter(Resident.objects.filter(pk=resident.pk), cap, community_field="community_id", path_field="grid__path")
    if not mine.exists():
        raise NotFound()


def sensitive_codes(tags: list[VulnerableTag]) -> str:
    """The value of ``Resident.sensitive_tags``: sensitive groups are never rows of the tags table."""
    return ",".join(sorted(t.code for t in tags if t.sensitive))


def _household_for(community: OrgNode, address: Address) -> Household | None:
    if address.building is None or not address.room:
        return None
    household, _created = Household.objects.get_or_create(
        community=community,
        building=address.building,
        unit=address.unit,
        room=address.room,
        defaults={"grid": address.grid},
    )
    return household


@transaction.atomic
def resident_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    name: str,
    id_number: str,
    phone: str = "",
    address: Address,
    tags: list[VulnerableTag] | None = None,
    note: str = "",
) -> Resident:
    _require(actor, Cap.RESIDENT_MANAGE, community)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("The name is required."), code="no_name")
    if len(name) > 50:
        raise ValidationFailed(_("The name is too long (50 characters at most)."), code="bad_name")
    info = parse_id_number(id_number)
    phone_value = normalize_phone(phone) if (phone or "").strip() else ""
    duplicate = Conflict(
        _("A resident with ID number %(masked)s is already registered in %(community)s.")
        % {"masked": info.number[:4] + "**********" + info.number[-4:], "community": community.name},
        code="duplicate_resident",
    )
    if Resident.objects.filter(community=community, id_number_hash=id_number_index(info.number)).exists():
        raise duplicate
    full, initials = pinyin_keys(name)
    try:
        # A savepoint: a concurrent registration of the same person can pass the check above;
        # the unique constraint then refuses this insert, and it is the same conflict.
        with transaction.atomic():
            resident = Resident.objects.create(
                community=community,
                grid=address.grid,
                building=address.building,
                unit=address.unit,
                room=address.room,
                household=_household_for(community, address),
                name=name,
                name_pinyin=full,
                name_initials=initials,
                id_number=info.number,
                birth_date=info.birth_date,
                gender=info.gender,
                phone=phone_value,
                sensitive_tags=sensitive_codes(tags or []),
                note=(note or "").strip()[:200],
            )
    except IntegrityError:
        raise duplicate from None
    if tags:
        resident.tags.set([t for t in tags if not t.sensitive])
    return resident


@transaction.atomic
def resident_update(
    *,
    actor: Scope | None,
    resident: Resident,
    name: str | None = None,
    phone: str | None = None,
    address: Address | None = None,
    tags: list[VulnerableTag] | None = None,
    note: str | None = None,
) -> Resident:
    _require_resident(actor, Cap.RESIDENT_MANAGE, resident)
    # Check every input before touching the resident, so a refused update changes nothing,
    # not even the object the caller holds.
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationFailed(_("The name is required."), code="no_name")
        if len(name) > 50:
            raise ValidationFailed(_("The name is too long (50 characters at most)."), code="bad_name")
    if phone is not None:
        phone = normalize_phone(phone) if phone.strip() else ""
    if name is not None:
        resident.name = name
        resident.name_pinyin, resident.name_initials = pinyin_keys(name)
    if phone is not None:
        resident.phone = phone
    if address is not None:
        resident.grid, resident.building = address.grid, address.building
        resident.unit, resident.room = address.unit, address.room
        resident.household = _household_for(resident.community, address)
    if note is not None:
        resident.note = note.strip()[:200]
    if tags is not None:
        resident.sensitive_tags = sensitive_codes(tags)
    resident.save()
    if tags is not None:
        resident.tags.set([t for t in tags if not t.sensitive])
    return resident


@transaction.atomic
def resident_self_update(*, user: User, phone: str) -> Resident:
    """A resident corrects their own contact number (PIPL art. 46: the right to correct)."""
    resident = Resident.objects.select_for_update().filter(user=user).first()
    if resident is None:
        raise NotFound()
    new_phone = normalize_phone(phone)
    resident.phone = new_phone
    resident.save(update_fields=["phone", "updated_at"])
    if user.phone != new_phone:
        if phone_taken(new_phone, exclude=user):
            raise Conflict(_("This mobile number already belongs to another account."), code="phone_taken")
        user.phone = new_phone
        user.save(update_fields=["phone"])
    return resident


def resident_reveal(*, actor: Scope, resident: Resident, field: str, reason: str, ip_address: str | None = None) -> str:
    """Return the full value of a sensitive field and log who asked and why."""
    if not actor.has(Cap.RESIDENT_REVEAL, resident.community_id):
        raise Forbidden(_("Your role may not see full ID or mobile numbers."))
    # A grid worker may reveal only residents of their own grid.
    if not any(
        resident.grid.path.startswith(g.node_path) for g in actor.grants_with(Cap.RESIDENT_REVEAL)
    ) and not actor.is_platform_admin:
        raise Forbidden(_("Your role may not see full ID or mobile numbers."))
    if field not in (RevealField.ID_NUMBER, RevealField.PHONE):
        raise ValidationFailed(_("Only the ID number or the mobile number can be revealed."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed(_("Say why you need the full number (this is logged)."), code="no_reason")
    RevealLog.objects.create(
        community_id=resident.community_id,
        resident=resident,
        actor=actor.user,
        field=field,
        reason=reason[:200],
        ip_address=ip_address,
    )
    return resident.id_number if field == RevealField.ID_NUMBER else resident.phone


@transaction.atomic
def resident_account_create(*, actor: Scope | None, resident: Resident, password: str) -> User:
    """Give a resident a login. They log in with their mobile number (looked up by its blind
    index); the username is generated, so it does not repeat the number in clear."""
    from accounts.services import user_create, username_generate
    from orgs.roles import Role
    from orgs.services import role_grant

    _require_resident(actor, Cap.RESIDENT_MANAGE, resident)
    if resident.user_id:
        raise Conflict(_("This resident already has a login."))
    if not resident.phone:
        raise ValidationFailed(_("Record the resident's mobile number first: it is their login name."))
    user = user_create(
        username=username_generate(prefix="r"), password=password, display_name=resident.name, phone=resident.phone
    )
    resident.user = user
    resident.save(update_fields=["user", "updated_at"])
    role_grant(user=user, node=resident.grid, role=Role.RESIDENT)
    return user
