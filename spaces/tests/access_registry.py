"""What linli/tests/test_access_control.py needs to check the spaces endpoints.

(The contract is described in residents/tests/access_registry.py.) Every object is made through
the spaces services, once per test: a room open every day 08:00–21:00 in each community, a
booking of it tomorrow morning, a weekly series from tomorrow, and a room import awaiting
confirmation. The public page of a community's rooms takes a community id and is public on
purpose: it shows the community's rooms (public facts), never who booked them.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.utils import timezone

from linli.testkit import World
from orgs.scope import Scope
from spaces import hours, imports, services
from spaces.models import Booking, BookingSeries, Room, RoomFunction, RoomImport


def room(world: World, side: str) -> Room:
    def make() -> Room:
        fields = services.RoomFields(
            name=f"{side.upper()}-SECRET-ROOM",
            function=RoomFunction.objects.get(code="multipurpose"),
            area_m2=50,
            week=hours.parse_week("每天 08:00-21:00"),
        )
        return services.room_create(actor=None, community=world.community(side), fields=fields)

    return world.once(f"spaces.room.{side}", make)


def _tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def booking(world: World, side: str) -> Booking:
    def make() -> Booking:
        day = _tomorrow()
        return services.booking_create(
            actor=None,
            room=room(world, side),
            starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
            ends_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
            holder_kind="resident_group",
            holder_id=None,
            holder_name=f"{side.upper()}-SECRET-HOLDER",
            title=f"{side.upper()}-SECRET-TITLE",
        )

    return world.once(f"spaces.booking.{side}", make)


def series(world: World, side: str) -> BookingSeries:
    def make() -> BookingSeries:
        day = _tomorrow()
        return services.booking_series_create(
            actor=None,
            room=room(world, side),
            weekdays=list(range(7)),
            start_time=dt.time(14),
            end_time=dt.time(15),
            first_date=day,
            last_date=day + dt.timedelta(days=6),
            holder_kind="partner",
            holder_id=None,
            holder_name=f"{side.upper()}-SECRET-HOLDER",
            title=f"{side.upper()}-SECRET-TITLE",
        )

    return world.once(f"spaces.series.{side}", make)


def room_import(world: World, side: str) -> RoomImport:
    def make() -> RoomImport:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["名称", "面积", "功能"])
        ws.append([f"{side.upper()}-SECRET-IMPORTED-ROOM", 30, "画室"])
        buf = io.BytesIO()
        wb.save(buf)
        return imports.import_preview(
            actor=Scope(world.staff(side)),
            community=world.community(side),
            data=buf.getvalue(),
            filename=f"{side.upper()}-SECRET-ROOMS.xlsx",
        )

    return world.once(f"spaces.room_import.{side}", make)


REGISTRY = {
    "room_id": lambda w, s: room(w, s).pk,
    "booking_id": lambda w, s: booking(w, s).pk,
    "series_id": lambda w, s: series(w, s).pk,
    "room_import_id": lambda w, s: room_import(w, s).pk,
}

PUBLIC_PAGES = {"spaces_public:community"}
# A community's rooms are listed on its public page; who booked them never is.
PUBLIC_MARKERS = {"community B's room"}


def markers(world: World) -> dict[str, str]:
    return {
        room(world, "b").name: "community B's room",
        booking(world, "b").holder_name: "a holder of community B's bookings",
        booking(world, "b").title: "the title of community B's bookings",
        room_import(world, "b").filename: "community B's room import file",
        "B-SECRET-IMPORTED-ROOM": "a room in community B's import file",
    }
