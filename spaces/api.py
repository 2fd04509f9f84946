# No ``from __future__ import annotations``: django-ninja builds its models from the real annotations.
"""JSON API of the spaces app: rooms, bookings, utilisation, idle slots — the same services and
selectors as the pages, so the same rules and the same scope."""

import datetime as dt

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from linli.errors import NotFound
from orgs.roles import Cap
from orgs.selectors import community_get_for_user
from spaces import selectors, services, utilisation
from spaces.models import Booking, BookingSeries, BookingStatus, Room

router = Router(tags=["spaces"])


class RoomOut(Schema):
    id: int
    community_id: int
    name: str
    building_id: int | None
    building_name: str
    floor: int | None
    area_m2: int
    capacity: int
    function: str
    function_name: str
    also_functions: list[str]
    facilities: list[str]
    opening_hours: list[list[list[str]]]
    hours_text: str
    description: str
    is_active: bool

    @staticmethod
    def resolve_building_name(obj: Room) -> str:
        return obj.building.name if obj.building_id else ""

    @staticmethod
    def resolve_function(obj: Room) -> str:
        return obj.function.code

    @staticmethod
    def resolve_function_name(obj: Room) -> str:
        return obj.function.name

    @staticmethod
    def resolve_also_functions(obj: Room) -> list[str]:
        return [f.code for f in obj.also_functions.all()]


class BookingOut(Schema):
    id: int
    room_id: int
    room_name: str
    series_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    holder_kind: str
    holder_id: int | None
    holder_name: str
    title: str
    status: str
    source_type: str
    source_id: int | None
    cancelled_at: dt.datetime | None
    cancel_reason: str

    @staticmethod
    def resolve_room_name(obj: Booking) -> str:
        return obj.room.name

    # Local wall-clock times with their offset (+08:00): what people and opening hours use.
    @staticmethod
    def resolve_starts_at(obj: Booking) -> dt.datetime:
        return timezone.localtime(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj: Booking) -> dt.datetime:
        return timezone.localtime(obj.ends_at)

    @staticmethod
    def resolve_cancelled_at(obj: Booking) -> dt.datetime | None:
        return timezone.localtime(obj.cancelled_at) if obj.cancelled_at else None


class SeriesOut(Schema):
    id: int
    room_id: int
    weekdays: list[int]
    start_time: dt.time
    end_time: dt.time
    first_date: dt.date
    last_date: dt.date
    holder_kind: str
    holder_id: int | None
    holder_name: str
    title: str
    booked: int
    cancelled_from: dt.date | None

    @staticmethod
    def resolve_booked(obj: BookingSeries) -> int:
        return obj.bookings.filter(status=BookingStatus.BOOKED).count()


class RoomFilters(Schema):
    community_id: int
    include_inactive: bool = False


class BookingWindow(Schema):
    start: dt.datetime | None = None
    end: dt.datetime | None = None


class BookingIn(Schema):
    room_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    holder_kind: str
    holder_id: int | None = None
    holder_name: str
    title: str


class SeriesIn(Schema):
    room_id: int
    weekdays: list[int]
    start_time: dt.time
    end_time: dt.time
    first_date: dt.date
    last_date: dt.date
    holder_kind: str
    holder_id: int | None = None
    holder_name: str
    title: str


class CancelIn(Schema):
    reason: str


class SeriesCancelIn(Schema):
    reason: str
    from_date: dt.date | None = None


class MoveIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int | None = None


class UsageFilters(Schema):
    community_id: int
    period: str = "week"
    date: dt.date | None = None


class RoomUsageOut(Schema):
    room_id: int
    room_name: str
    area_m2: int
    open_hours: float
    booked_hours: float
    percent: int | None


class UsageOut(Schema):
    community_id: int
    period: str
    first_day: dt.date
    last_day: dt.date
    open_hours: float
    booked_hours: float
    percent: int | None
    rooms: list[RoomUsageOut]


class SlotFilters(Schema):
    community_id: int
    room_id: int | None = None
    days: int = utilisation.IDLE_DAYS


class SpaceSlotOut(Schema):
    room_id: int
    room_name: str
    date: dt.date
    start: str
    end: str
    hours: float


@router.get("/rooms", response=list[RoomOut], summary="Rooms of a community")
def room_list(request, filters: Query[RoomFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.SPACE_VIEW)
    return list(
        selectors.room_list_for_user(scope=request.scope, community=community, include_inactive=filters.include_inactive)
    )


@router.get("/rooms/{room_id}", response=RoomOut)
def room_detail(request, room_id: int):
    return selectors.room_get_for_user(scope=request.scope, room_id=room_id)


@router.get("/rooms/{room_id}/bookings", response=list[BookingOut], summary="Bookings of a room in a time window")
def room_bookings(request, room_id: int, window: Query[BookingWindow]):
    room = selectors.room_get_for_user(scope=request.scope, room_id=room_id)
    start = window.start or timezone.now()
    end = window.end or start + dt.timedelta(days=31)
    return list(selectors.booking_list_for_user(scope=request.scope, community=room.community, room=room, start=start, end=end))


@router.post("/bookings", response={201: BookingOut}, summary="Book a room once")
def booking_create(request, payload: BookingIn):
    room = selectors.room_get_for_user(scope=request.scope, room_id=payload.room_id)
    booking = services.booking_create(
        actor=request.scope, room=room, starts_at=payload.starts_at, ends_at=payload.ends_at,
        holder_kind=payload.holder_kind, holder_id=payload.holder_id, holder_name=payload.holder_name,
        title=payload.title,
    )
    return Status(201, booking)


@router.get("/bookings/{booking_id}", response=BookingOut)
def booking_detail(request, booking_id: int):
    return selectors.booking_get_for_user(scope=request.scope, booking_id=booking_id)


@router.post("/bookings/{booking_id}/cancel", response=BookingOut, summary="Cancel a booking")
def booking_cancel(request, booking_id: int, payload: CancelIn):
    booking = selectors.booking_get_for_user(scope=request.scope, booking_id=booking_id)
    return services.booking_cancel(actor=request.scope, booking=booking, reason=payload.reason)


@router.post("/bookings/{booking_id}/move", response=BookingOut, summary="Move a booking to another time or room")
def booking_move(request, booking_id: int, payload: MoveIn):
    booking = selectors.booking_get_for_user(scope=request.scope, booking_id=booking_id)
    room = None
    if payload.room_id is not None:
        room = selectors.room_get_for_user(scope=request.scope, room_id=payload.room_id)
    return services.booking_move(
        actor=request.scope, booking=booking, starts_at=payload.starts_at, ends_at=payload.ends_at, room=room
    )


@router.post("/series", response={201: SeriesOut}, summary="Book a room every week (all dates or none)")
def series_create(request, payload: SeriesIn):
    room = selectors.room_get_for_user(scope=request.scope, room_id=payload.room_id)
    series = services.booking_series_create(
        actor=request.scope, room=room, weekdays=payload.weekdays, start_time=payload.start_time,
        end_time=payload.end_time, first_date=payload.first_date, last_date=payload.last_date,
        holder_kind=payload.holder_kind, holder_id=payload.holder_id, holder_name=payload.holder_name,
        title=payload.title,
    )
    return Status(201, series)


@router.get("/series/{series_id}", response=SeriesOut)
def series_detail(request, series_id: int):
    return selectors.series_get_for_user(scope=request.scope, series_id=series_id)


@router.post("/series/{series_id}/cancel", response=SeriesOut, summary="Cancel the dates of a weekly booking")
def series_cancel(request, series_id: int, payload: SeriesCancelIn):
    series = selectors.series_get_for_user(scope=request.scope, series_id=series_id)
    return services.booking_series_cancel(
        actor=request.scope, series=series, reason=payload.reason, from_date=payload.from_date
    )


@router.get("/utilisation", response=UsageOut, summary="Booked hours ÷ open hours, per room and in total")
def usage(request, filters: Query[UsageFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.SPACE_VIEW)
    kind = filters.period if filters.period in utilisation.PERIOD_KINDS else "week"
    period = utilisation.period_of(kind, filters.date or timezone.localdate())
    rooms = list(selectors.room_list_for_user(scope=request.scope, community=community, include_inactive=False))
    table = utilisation.usage_table(rooms, period)
    return UsageOut(
        community_id=community.pk,
        period=period.kind,
        first_day=period.first,
        last_day=period.last,
        open_hours=table.total.open_hours,
        booked_hours=table.total.booked_hours,
        percent=table.total.percent,
        rooms=[
            RoomUsageOut(
                room_id=row.room.pk, room_name=row.room.name, area_m2=row.room.area_m2,
                open_hours=row.usage.open_hours, booked_hours=row.usage.booked_hours, percent=row.usage.percent,
            )
            for row in table.rooms
        ],
    )


@router.get("/idle-slots", response=list[SpaceSlotOut], summary="Free blocks of an hour or more in the coming days")
def idle_slots(request, filters: Query[SlotFilters]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.SPACE_VIEW)
    rooms = list(selectors.room_list_for_user(scope=request.scope, community=community, include_inactive=False))
    if filters.room_id is not None:
        rooms = [r for r in rooms if r.pk == filters.room_id]
        if not rooms:
            raise NotFound()
    days = max(1, min(filters.days, 31))
    return [
        SpaceSlotOut(room_id=s.room.pk, room_name=s.room.name, date=s.day, start=s.start_text, end=s.end_text, hours=s.hours)
        for s in utilisation.idle_slots(rooms, days=days)
    ]
