"""What the database itself guarantees, whatever code writes the rows."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from spaces.models import Booking, BookingStatus
from spaces.tests.factories import at, day

pytestmark = pytest.mark.django_db


MONDAY = day(0)


def raw(room, start: str, end: str, *, on=MONDAY, status=BookingStatus.BOOKED, **extra) -> Booking:
    """A row written straight to the table, past every service check."""
    with transaction.atomic():
        return Booking.objects.create(
            community_id=room.community_id, room=room, starts_at=at(on, start), ends_at=at(on, end), holder_kind="activity",
            holder_name="x", title="x", status=status, **extra,
        )


def test_a_booking_must_end_after_it_starts(world, rooms):
    with pytest.raises(IntegrityError):
        raw(rooms["a"], "10:00", "09:00")
    with pytest.raises(IntegrityError):
        raw(rooms["a"], "10:00", "10:00")


def test_a_cancelled_booking_must_say_when(world, rooms):
    with pytest.raises(IntegrityError):
        raw(rooms["a"], "09:00", "10:00", status=BookingStatus.CANCELLED)


def test_sqlite_serialises_writers_with_immediate_transactions(world):
    """On SQLite the booking services rely on this setting for a race-free overlap check."""
    if connection.vendor == "sqlite":
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    else:
        assert connection.vendor == "postgresql"


@pytest.mark.postgres
def test_postgres_refuses_an_overlapping_row_itself(world, rooms):
    raw(rooms["a"], "09:00", "11:00")
    with pytest.raises(IntegrityError) as exc:
        raw(rooms["a"], "10:59", "12:00")
    assert "booking_no_overlap" in str(exc.value)


@pytest.mark.postgres
def test_postgres_allows_back_to_back_other_rooms_and_cancelled_rows(world, rooms):
    raw(rooms["a"], "09:00", "11:00")
    raw(rooms["a"], "11:00", "12:00")  # half-open ranges: touching is not overlapping
    raw(rooms["a2"], "09:00", "11:00")
    raw(rooms["a"], "09:00", "11:00", status=BookingStatus.CANCELLED, cancelled_at=timezone.now())
    assert Booking.objects.count() == 4


@pytest.mark.postgres
def test_postgres_refuses_a_move_onto_another_booking(world, rooms):
    raw(rooms["a"], "09:00", "11:00")
    later = raw(rooms["a"], "14:00", "15:00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=later.pk).update(starts_at=at(day(0), "10:00"))


@pytest.mark.postgres
def test_postgres_refuses_reviving_a_cancelled_booking_onto_a_taken_time(world, rooms):
    old = raw(rooms["a"], "09:00", "11:00", status=BookingStatus.CANCELLED, cancelled_at=timezone.now())
    raw(rooms["a"], "09:00", "11:00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=old.pk).update(status=BookingStatus.BOOKED, cancelled_at=None)
