"""Helpers to build rooms and bookings in tests through the real services."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from orgs.models import OrgNode
from spaces import hours, services
from spaces.models import Booking, HolderKind, Room, RoomFunction

# A Monday far enough ahead that nothing in the tests is in the past.
MONDAY = dt.date(2030, 3, 4)
EXTENDED = "周一至周五 08:30-12:00、14:00-21:00；周六、周日 09:00-17:00"


def day(offset: int) -> dt.date:
    """MONDAY + offset days (0 = Monday 2030-03-04, 5 = Saturday)."""
    return MONDAY + dt.timedelta(days=offset)


def at(on: dt.date, hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return timezone.make_aware(dt.datetime.combine(on, dt.time(int(h), int(m))))


def make_room(
    community: OrgNode,
    name: str = "书法室",
    *,
    function: str = "calligraphy",
    area: int = 45,
    capacity: int = 16,
    week: str = EXTENDED,
    also: tuple[str, ...] = (),
    actor=None,
) -> Room:
    fields = services.RoomFields(
        name=name,
        function=RoomFunction.objects.get(code=function),
        area_m2=area,
        capacity=capacity,
        week=hours.parse_week(week),
        also_functions=list(RoomFunction.objects.filter(code__in=also)),
    )
    return services.room_create(actor=actor, community=community, fields=fields)


def book(
    room: Room,
    on: dt.date,
    start: str,
    end: str,
    *,
    holder: str = "康平社区居委会",
    kind: str = HolderKind.ACTIVITY,
    title: str = "活动",
    actor=None,
    holder_id: int | None = None,
) -> Booking:
    return services.booking_create(
        actor=actor,
        room=room,
        starts_at=at(on, start),
        ends_at=at(on, end),
        holder_kind=kind,
        holder_id=holder_id,
        holder_name=holder,
        title=title,
    )


def png(size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(buf, format="PNG")
    return SimpleUploadedFile("room.png", buf.getvalue(), content_type="image/png")
