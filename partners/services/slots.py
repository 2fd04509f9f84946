"""Rooms and weekly time slots granted by an agreement, booked through the spaces app."""

from __future__ import annotations

import datetime as dt

from orgs.scope import Scope
from partners.models import Agreement


def book_slots(*, actor: Scope | None, agreement: Agreement, today: dt.date) -> None:
    return None


def release_slots(*, actor: Scope | None, agreement: Agreement, reason: str) -> None:
    return None


def copy_slots(*, source: Agreement, target: Agreement) -> None:
    return None


def rooms_available() -> bool:
    return False


def rooms_for_agreement(*, scope, agreement) -> list:
    return []


def upcoming_bookings(*, partner) -> list:
    return []


def slot_get_for_user(*, scope, slot_id: int):
    from linli.errors import NotFound

    raise NotFound()


def slot_add(**kwargs):
    from linli.errors import NotFound

    raise NotFound()


def slot_remove(**kwargs):
    from linli.errors import NotFound

    raise NotFound()
