"""Writes to rooms and their photos. One transaction each; the actor's scope is checked first."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Conflict, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.scope import Scope
from spaces import hours
from spaces.models import Booking, BookingStatus, Room, RoomFunction, RoomPhoto
from spaces.services._common import clean_text, day_minutes, require_manage, when_text
from spaces.text import aside, join_list

MAX_AREA_M2 = 100_000
MAX_CAPACITY = 10_000
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_FACILITIES = 40


@dataclass
class RoomFields:
    """A room's editable fields, checked. Shared by the form, the API and the Excel import."""

    name: str
    function: RoomFunction
    area_m2: int
    capacity: int = 0
    building: OrgNode | None = None
    floor: int | None = None
    facilities: list[str] = field(default_factory=list)
    week: hours.Week = field(default_factory=hours.empty_week)
    also_functions: list[RoomFunction] = field(default_factory=list)
    description: str = ""
    is_active: bool = True


def clean_facilities(values: Iterable[str] | str) -> list[str]:
    """A list of short texts; a string is split on 、 , ， ; ； and new lines. Duplicates dropped."""
    if isinstance(values, str):
        values = re.split(r"[、,，;；\n]+", values)
    found: list[str] = []
    for value in values:
        text = " ".join(str(value).split())[:40]
        if text and text not in found:
            found.append(text)
    if len(found) > MAX_FACILITIES:
        raise ValidationFailed(_("At most %(n)s facilities per room.") % {"n": MAX_FACILITIES}, code="bad_facilities")
    return found


def check_room_fields(*, community: OrgNode, fields: RoomFields) -> RoomFields:
    """Validate every field; raises ValidationFailed naming the first problem."""
    fields.name = clean_text(fields.name, max_length=60, field=_("The room's name"), required=True, code="bad_name")
    if not isinstance(fields.area_m2, int) or isinstance(fields.area_m2, bool) or not 0 < fields.area_m2 <= MAX_AREA_M2:
        raise ValidationFailed(
            _("The area must be a whole number of square metres between 1 and %(max)s.") % {"max": MAX_AREA_M2},
            code="bad_area",
        )
    if not isinstance(fields.capacity, int) or not 0 <= fields.capacity <= MAX_CAPACITY:
        raise ValidationFailed(
            _("The capacity must be a whole number of people between 0 and %(max)s.") % {"max": MAX_CAPACITY},
            code="bad_capacity",
        )
    if fields.floor is not None and not -5 <= fields.floor <= 100:
        raise ValidationFailed(_("The floor must be between -5 and 100."), code="bad_floor")
    if fields.building is not None and (
        fields.building.kind != NodeKind.BUILDING or fields.building.community_id != community.pk
    ):
        raise ValidationFailed(_("The building is not in this community."), code="bad_building")
    fields.facilities = clean_facilities(fields.facilities)
    fields.week = [hours.normalise_day(list(day)) for day in fields.week] if len(fields.week) == 7 else None
    if fields.week is None:
        raise ValidationFailed(_("Opening hours need all seven weekdays."), code="bad_hours")
    fields.also_functions = [f for f in dict.fromkeys(fields.also_functions) if f.pk != fields.function.pk]
    fields.description = clean_text(fields.description, max_length=300, field=_("The description"))
    return fields


def _name_taken(community: OrgNode, name: str, exclude_pk: int | None = None) -> bool:
    qs = Room.objects.filter(community=community, name=name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


@transaction.atomic
def room_create(*, actor: Scope | None, community: OrgNode, fields: RoomFields) -> Room:
    require_manage(actor, community.pk)
    fields = check_room_fields(community=community, fields=fields)
    if _name_taken(community, fields.name):
        raise Conflict(
            _("%(community)s already has a room called “%(name)s”.") % {"community": community.name, "name": fields.name},
            code="duplicate_room",
        )
    room = Room.objects.create(
        community=community,
        building=fields.building,
        name=fields.name,
        floor=fields.floor,
        area_m2=fields.area_m2,
        capacity=fields.capacity,
        function=fields.function,
        facilities=fields.facilities,
        opening_hours=hours.to_json(fields.week),
        description=fields.description,
        is_active=fields.is_active,
    )
    if fields.also_functions:
        room.also_functions.set(fields.also_functions)
    return room


def _future_bookings(room: Room):
    return Booking.objects.filter(room=room, status=BookingStatus.BOOKED, ends_at__gt=timezone.now()).order_by("starts_at")


@transaction.atomic
def room_update(*, actor: Scope | None, room: Room, fields: RoomFields) -> Room:
    """Replace the room's fields. Refused when it would strand future bookings: a room taken out of
    use, or opening hours that no longer cover a booking (cancel or move those first)."""
    require_manage(actor, room.community_id)
    # Lock the room: a booking made meanwhile must be judged against the hours saved here.
    room = Room.objects.select_for_update(of=("self",)).select_related("community").get(pk=room.pk)
    fields = check_room_fields(community=room.community, fields=fields)
    if _name_taken(room.community, fields.name, exclude_pk=room.pk):
        raise Conflict(
            _("%(community)s already has a room called “%(name)s”.")
            % {"community": room.community.name, "name": fields.name},
            code="duplicate_room",
        )
    future = list(_future_bookings(room))
    if not fields.is_active and future:
        raise Conflict(
            _("%(room)s still has %(n)s future bookings; cancel or move them before taking it out of use.")
            % {"room": room.name, "n": len(future)},
            code="room_has_bookings",
        )
    stranded = [b for b in future if not _inside(fields.week, b)]
    if stranded:
        shown = join_list(aside(when_text(b.starts_at, b.ends_at), b.holder_name) for b in stranded[:10])
        more = len(stranded) - 10
        raise Conflict(
            _("The new opening hours would leave %(n)s bookings outside them: %(list)s%(more)s. Move or cancel them first.")
            % {"n": len(stranded), "list": shown, "more": _(" and %(n)s more") % {"n": more} if more > 0 else ""},
            code="bookings_outside_hours",
            details=[{"booking_id": b.pk, "when": when_text(b.starts_at, b.ends_at)} for b in stranded],
        )
    room.building = fields.building
    room.name = fields.name
    room.floor = fields.floor
    room.area_m2 = fields.area_m2
    room.capacity = fields.capacity
    room.function = fields.function
    room.facilities = fields.facilities
    room.opening_hours = hours.to_json(fields.week)
    room.description = fields.description
    room.is_active = fields.is_active
    room.save()
    room.also_functions.set(fields.also_functions)
    return room


def _inside(week: hours.Week, booking: Booking) -> bool:
    span = day_minutes(booking.starts_at, booking.ends_at)
    return span is not None and hours.is_within(week, span[0], span[1], span[2])


@transaction.atomic
def room_photo_add(*, actor: Scope | None, room: Room, image, caption: str = "") -> RoomPhoto:
    require_manage(actor, room.community_id)
    if getattr(image, "size", 0) > MAX_PHOTO_BYTES:
        raise ValidationFailed(_("A photo may be 5 MB at most."), code="photo_too_big")
    if room.photos.count() >= 12:
        raise ValidationFailed(_("A room may have 12 photos at most."), code="too_many_photos")
    photo = RoomPhoto(community_id=room.community_id, room=room, caption=clean_text(caption, max_length=100, field=_("The caption")))
    photo.image.save(getattr(image, "name", "photo.jpg"), image, save=False)
    photo.save()
    return photo


@transaction.atomic
def room_photo_remove(*, actor: Scope | None, photo: RoomPhoto) -> None:
    require_manage(actor, photo.community_id)
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))
