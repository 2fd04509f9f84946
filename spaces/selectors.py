"""Reads of rooms and bookings, always inside the asker's scope.

``bookings_for_holder`` and ``bookings_for_source`` take an optional scope: the partners app calls
them for a partner whose access it has already checked (its portal shows partner staff their own
bookings, and partner staff hold no ``space.view``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from linli.errors import NotFound
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from spaces import utilisation
from spaces.models import (
    Booking,
    BookingSeries,
    BookingStatus,
    FunctionStandard,
    HolderKind,
    Room,
    RoomFunction,
    RoomImport,
    SpaceStandard,
    StandardLevel,
)

# --- Rooms ---------------------------------------------------------------------------------------


def _rooms(scope: Scope, cap: str) -> QuerySet[Room]:
    return scope.filter(Room.objects.all(), cap)


def room_list_for_user(
    *, scope: Scope, community: OrgNode, include_inactive: bool = True, cap: str = Cap.SPACE_VIEW
) -> QuerySet[Room]:
    qs = _rooms(scope, cap).filter(community=community)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return (
        qs.select_related("function", "building")
        .prefetch_related("also_functions")
        .order_by("-is_active", "floor", "name")
    )


def room_get_for_user(*, scope: Scope, room_id: int, cap: str = Cap.SPACE_VIEW) -> Room:
    room = (
        _rooms(scope, cap)
        .select_related("community", "function", "building")
        .prefetch_related("also_functions", "photos")
        .filter(pk=room_id)
        .first()
    )
    if room is None:
        raise NotFound()
    return room


def function_list() -> QuerySet[RoomFunction]:
    return RoomFunction.objects.all()


# --- Bookings ------------------------------------------------------------------------------------


def booking_get_for_user(*, scope: Scope, booking_id: int, cap: str = Cap.SPACE_VIEW) -> Booking:
    booking = (
        scope.filter(Booking.objects.all(), cap)
        .select_related("room", "room__community", "series", "created_by", "cancelled_by")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound()
    return booking


def series_get_for_user(*, scope: Scope, series_id: int, cap: str = Cap.SPACE_VIEW) -> BookingSeries:
    series = scope.filter(BookingSeries.objects.all(), cap).select_related("room", "created_by").filter(pk=series_id).first()
    if series is None:
        raise NotFound()
    return series


def booking_list_for_user(
    *,
    scope: Scope,
    community: OrgNode,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    room: Room | None = None,
    holder_kind: str = "",
    include_cancelled: bool = False,
) -> QuerySet[Booking]:
    """Bookings of the community overlapping [start, end) (either may be open)."""
    qs = scope.filter(Booking.objects.filter(community=community), Cap.SPACE_VIEW)
    if start is not None:
        qs = qs.filter(ends_at__gt=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    if room is not None:
        qs = qs.filter(room=room)
    if holder_kind in HolderKind.values:
        qs = qs.filter(holder_kind=holder_kind)
    if not include_cancelled:
        qs = qs.filter(status=BookingStatus.BOOKED)
    return qs.select_related("room").order_by("starts_at", "id")


def _window(qs: QuerySet[Booking], start: dt.datetime | None, end: dt.datetime | None) -> QuerySet[Booking]:
    if start is not None:
        qs = qs.filter(ends_at__gt=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs


def bookings_for_holder(
    *,
    holder_kind: str,
    holder_id: int | None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    scope: Scope | None = None,
    include_cancelled: bool = False,
) -> QuerySet[Booking]:
    """A holder's bookings overlapping [start, end). Without ``scope`` the caller vouches for access."""
    qs = Booking.objects.filter(holder_kind=holder_kind, holder_id=holder_id)
    if scope is not None:
        qs = scope.filter(qs, Cap.SPACE_VIEW)
    if not include_cancelled:
        qs = qs.filter(status=BookingStatus.BOOKED)
    return _window(qs, start, end).select_related("room").order_by("starts_at", "id")


def bookings_for_source(
    *,
    source_type: str,
    source_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    include_cancelled: bool = False,
) -> QuerySet[Booking]:
    """Bookings another app made for one of its records (e.g. ``partners.agreement`` 12). Trusted callers."""
    qs = Booking.objects.filter(source_type=source_type, source_id=source_id)
    if not include_cancelled:
        qs = qs.filter(status=BookingStatus.BOOKED)
    return _window(qs, start, end).select_related("room").order_by("starts_at", "id")


def series_for_source(*, source_type: str, source_id: int) -> QuerySet[BookingSeries]:
    return BookingSeries.objects.filter(source_type=source_type, source_id=source_id).select_related("room").order_by("id")


def room_import_get_for_user(*, scope: Scope, import_id: int) -> RoomImport:
    batch = scope.filter(RoomImport.objects.all(), Cap.SPACE_MANAGE).filter(pk=import_id).first()
    if batch is None:
        raise NotFound()
    return batch


# --- The city's standard and the space report ------------------------------------------------------


def city_of(community: OrgNode) -> OrgNode | None:
    ids = community.ancestor_ids()
    return OrgNode.objects.filter(pk=ids[0], kind=NodeKind.CITY).first() if ids else None


def standard_for_community(community: OrgNode) -> SpaceStandard | None:
    """The standard linked to the community's city, or else one seeded under the city's name."""
    city = city_of(community)
    if city is None:
        return None
    linked = SpaceStandard.objects.filter(city=city).first()
    if linked is not None:
        return linked
    return SpaceStandard.objects.filter(city__isnull=True, city_name=city.name).order_by("id").first()


@dataclass
class FunctionArea:
    function: RoomFunction
    rooms: int = 0
    area_m2: int = 0
    share: int = 0  # whole percent of the total area


@dataclass
class LentRoom:
    room: Room
    holders: list[str]
    booked_minutes: int

    @property
    def booked_hours(self) -> float:
        return round(self.booked_minutes / 60, 1)


@dataclass
class StandardRow:
    item: FunctionStandard
    rooms: list[Room]

    @property
    def present(self) -> bool:
        return bool(self.rooms)


@dataclass
class SpaceReport:
    community: OrgNode
    period: utilisation.Period
    rooms: list[Room]
    total_m2: int
    lent: list[LentRoom]
    by_function: list[FunctionArea]
    standard: SpaceStandard | None
    aspects: list[tuple[str, list[StandardRow]]] = field(default_factory=list)
    usage: utilisation.Usage = field(default_factory=utilisation.Usage)

    @property
    def lent_m2(self) -> int:
        return sum(r.room.area_m2 for r in self.lent)

    @property
    def lent_share(self) -> int | None:
        return round(100 * self.lent_m2 / self.total_m2) if self.total_m2 else None

    @property
    def missing_required(self) -> list[StandardRow]:
        return [row for _a, rows in self.aspects for row in rows if row.item.level == StandardLevel.REQUIRED and not row.present]

    @property
    def missing_recommended(self) -> list[StandardRow]:
        return [
            row for _a, rows in self.aspects for row in rows if row.item.level == StandardLevel.RECOMMENDED and not row.present
        ]

    @property
    def required_count(self) -> int:
        return sum(1 for _a, rows in self.aspects for row in rows if row.item.level == StandardLevel.REQUIRED)


def space_report(*, scope: Scope, community: OrgNode, period: utilisation.Period) -> SpaceReport:
    """Total area, area lent to partners in the period, area per function, and the city's
    required functions the community lacks.

    A room counts as **lent to partners** in the period when it holds at least one non-cancelled
    booking by a partner (holder kind ``partner``) that overlaps the period; its whole area counts.
    """
    rooms = list(room_list_for_user(scope=scope, community=community, include_inactive=False))
    bookings = utilisation.bookings_by_room(rooms, *period.bounds())
    lent = []
    for room in rooms:
        partner_bookings = [b for b in bookings[room.pk] if b.holder_kind == HolderKind.PARTNER]
        if partner_bookings:
            booked = utilisation.room_usage(room.week, utilisation.booked_by_day(partner_bookings), period.days)
            holders = list(dict.fromkeys(b.holder_name for b in partner_bookings))
            lent.append(LentRoom(room=room, holders=holders, booked_minutes=booked.booked_minutes))
    total = sum(r.area_m2 for r in rooms)
    by_function: dict[int, FunctionArea] = {}
    for room in rooms:
        row = by_function.setdefault(room.function_id, FunctionArea(function=room.function))
        row.rooms += 1
        row.area_m2 += room.area_m2
    for row in by_function.values():
        row.share = round(100 * row.area_m2 / total) if total else 0
    standard = standard_for_community(community)
    aspects: dict[str, list[StandardRow]] = defaultdict(list)
    if standard is not None:
        serving: dict[int, list[Room]] = defaultdict(list)
        for room in rooms:
            serving[room.function_id].append(room)
            for extra in room.also_functions.all():
                serving[extra.pk].append(room)
        for item in standard.items.select_related("function").order_by("sort_order", "id"):
            aspects[item.aspect].append(StandardRow(item=item, rooms=serving.get(item.function_id, [])))
    table = utilisation.usage_table(rooms, period, bookings)
    return SpaceReport(
        community=community,
        period=period,
        rooms=rooms,
        total_m2=total,
        lent=lent,
        by_function=sorted(by_function.values(), key=lambda r: (-r.area_m2, r.function.sort_order)),
        standard=standard,
        aspects=list(aspects.items()),
        usage=table.total,
    )


# --- Comparing communities (subdistrict officers) ------------------------------------------------


@dataclass
class CommunityUsage:
    community: OrgNode
    rooms: int
    area_m2: int
    lent_m2: int
    usage: utilisation.Usage
    idle_hours_bookable: float = 0.0


@dataclass
class SubdistrictUsage:
    subdistrict: OrgNode | None
    communities: list[CommunityUsage]

    @property
    def usage(self) -> utilisation.Usage:
        return sum((c.usage for c in self.communities), utilisation.Usage())

    @property
    def area_m2(self) -> int:
        return sum(c.area_m2 for c in self.communities)

    @property
    def lent_m2(self) -> int:
        return sum(c.lent_m2 for c in self.communities)

    @property
    def rooms(self) -> int:
        return sum(c.rooms for c in self.communities)


def communities_compared(*, scope: Scope, period: utilisation.Period) -> list[SubdistrictUsage]:
    """Every community the user may see rooms of, grouped by subdistrict, with its utilisation in
    the period (hour-weighted), area and area lent to partners. Three queries, whatever the count."""
    communities = list(
        OrgNode.objects.filter(id__in=scope.community_ids(Cap.SPACE_VIEW), kind=NodeKind.COMMUNITY)
        .select_related("parent")
        .order_by("path")
    )
    rooms = list(
        _rooms(scope, Cap.SPACE_VIEW)
        .filter(community__in=communities, is_active=True)
        .only("id", "community_id", "name", "area_m2", "opening_hours", "is_active")
    )
    bookings = utilisation.bookings_by_room(rooms, *period.bounds())
    by_community: dict[int, list[Room]] = defaultdict(list)
    for room in rooms:
        by_community[room.community_id].append(room)
    groups: dict[int | None, SubdistrictUsage] = {}
    for community in communities:
        own = by_community.get(community.pk, [])
        table = utilisation.usage_table(own, period, bookings)
        lent = sum(r.area_m2 for r in own if any(b.holder_kind == HolderKind.PARTNER for b in bookings[r.pk]))
        row = CommunityUsage(community=community, rooms=len(own), area_m2=table.area_m2, lent_m2=lent, usage=table.total)
        group = groups.setdefault(community.parent_id, SubdistrictUsage(subdistrict=community.parent, communities=[]))
        group.communities.append(row)
    for group in groups.values():
        group.communities.sort(key=lambda c: (-(c.usage.ratio or -1), c.community.name))
    return list(groups.values())


# --- Public pages --------------------------------------------------------------------------------


def public_community(*, community_id: int) -> OrgNode:
    """Communities and their rooms are public facts; only communities exist at this address."""
    community = OrgNode.objects.select_related("parent").filter(pk=community_id, kind=NodeKind.COMMUNITY).first()
    if community is None:
        raise NotFound()
    return community


def public_rooms(*, community: OrgNode) -> list[Room]:
    """Rooms in use, with what the public may know: name, function, area, hours, photos."""
    return list(
        Room.objects.filter(community=community, is_active=True)
        .select_related("function", "building")
        .prefetch_related("photos")
        .order_by("floor", "name")
    )
