"""Every write of the spaces app. Import from here: ``from spaces import services``.

Other apps (partners) call the booking functions with ``actor=None`` once they have checked
access themselves; the functions keep their keyword-only signatures as a contract.
"""

from spaces.services.bookings import (
    Holder,
    booking_cancel,
    booking_create,
    booking_move,
    booking_series_cancel,
    booking_series_create,
    check_holder,
    hours_refusal,
    overlapping,
    series_dates,
)
from spaces.services.rooms import (
    RoomFields,
    check_room_fields,
    clean_facilities,
    room_create,
    room_photo_add,
    room_photo_remove,
    room_update,
)

__all__ = [
    "Holder",
    "RoomFields",
    "booking_cancel",
    "booking_create",
    "booking_move",
    "booking_series_cancel",
    "booking_series_create",
    "check_holder",
    "check_room_fields",
    "clean_facilities",
    "hours_refusal",
    "overlapping",
    "room_create",
    "room_photo_add",
    "room_photo_remove",
    "room_update",
    "series_dates",
]
