"""booking_cancel and booking_move."""

import pytest
from django.utils.translation import override

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.scope import Scope
from spaces import services
from spaces.models import Booking, BookingStatus
from spaces.tests.factories import at, book, day

pytestmark = pytest.mark.django_db


def test_cancel_keeps_the_row_with_who_and_why(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "11:00")
    services.booking_cancel(actor=Scope(world.user("staff_a")), booking=booking, reason="老师请假")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_at is not None
    assert booking.cancelled_by == world.user("staff_a") and booking.cancel_reason == "老师请假"
    latest = booking.history.first()
    assert latest.status == BookingStatus.CANCELLED and latest.history_user == world.user("staff_a")


def test_cancel_needs_a_reason_and_happens_once(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "11:00")
    with pytest.raises(ValidationFailed) as exc:
        services.booking_cancel(actor=None, booking=booking, reason=" ")
    assert exc.value.code == "no_reason"
    services.booking_cancel(actor=None, booking=booking, reason="改期")
    with pytest.raises(Conflict) as exc:
        services.booking_cancel(actor=None, booking=booking, reason="改期")
    assert exc.value.code == "already_cancelled"


def test_a_booking_that_is_over_cannot_be_cancelled(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "11:00")
    with pytest.raises(Conflict) as exc:
        services.booking_cancel(actor=None, booking=booking, reason="x", now=at(day(0), "11:00"))
    assert exc.value.code == "already_over"


@pytest.mark.parametrize("username, error", [("staff_b", NotFound), ("officer", Forbidden)])
def test_cancel_is_for_the_community_s_staff(world, rooms, username, error):
    booking = book(rooms["a"], day(0), "09:00", "11:00")
    with pytest.raises(error):
        services.booking_cancel(actor=Scope(world.user(username)), booking=booking, reason="x")


def test_move_to_a_free_time_and_another_room(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "11:00")
    moved = services.booking_move(
        actor=Scope(world.user("staff_a")), booking=booking, starts_at=at(day(1), "14:00"), ends_at=at(day(1), "16:00"),
        room=rooms["a2"],
    )
    assert moved.room == rooms["a2"] and moved.starts_at == at(day(1), "14:00")
    assert "2030-03-04" in moved.history.first().history_change_reason
    # Its old time is free again.
    book(rooms["a"], day(0), "09:00", "11:00")


def test_move_within_its_own_time_does_not_clash_with_itself(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "11:00")
    moved = services.booking_move(actor=None, booking=booking, starts_at=at(day(0), "10:00"), ends_at=at(day(0), "11:30"))
    assert moved.starts_at == at(day(0), "10:00")


def test_move_onto_another_booking_is_refused_naming_it(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "10:00")
    book(rooms["a"], day(1), "09:00", "11:00", holder="二胡班")
    with override("en"), pytest.raises(Conflict) as exc:
        services.booking_move(actor=None, booking=booking, starts_at=at(day(1), "10:00"), ends_at=at(day(1), "11:00"))
    assert exc.value.code == "booking_clash" and "二胡班" in str(exc.value.message)
    booking.refresh_from_db()
    assert booking.starts_at == at(day(0), "09:00")


def test_move_outside_hours_or_into_the_past_is_refused(world, rooms):
    booking = book(rooms["a"], day(1), "09:00", "10:00")
    with pytest.raises(ValidationFailed) as exc:
        services.booking_move(actor=None, booking=booking, starts_at=at(day(5), "17:00"), ends_at=at(day(5), "18:00"))
    assert exc.value.code == "outside_hours"
    with pytest.raises(ValidationFailed) as exc:
        services.booking_move(
            actor=None, booking=booking, starts_at=at(day(0), "09:00"), ends_at=at(day(0), "10:00"),
            now=at(day(0), "12:00"),
        )
    assert exc.value.code == "in_the_past"


def test_a_booking_that_has_begun_or_is_cancelled_cannot_move(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "11:00")
    with pytest.raises(Conflict) as exc:
        services.booking_move(
            actor=None, booking=booking, starts_at=at(day(1), "09:00"), ends_at=at(day(1), "10:00"),
            now=at(day(0), "09:30"),
        )
    assert exc.value.code == "already_started"
    services.booking_cancel(actor=None, booking=booking, reason="x")
    with pytest.raises(Conflict) as exc:
        services.booking_move(actor=None, booking=booking, starts_at=at(day(1), "09:00"), ends_at=at(day(1), "10:00"))
    assert exc.value.code == "already_cancelled"


def test_a_move_from_a_stale_picture_is_refused(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "11:00")
    stale = Booking.objects.get(pk=booking.pk)
    services.booking_move(actor=None, booking=booking, starts_at=at(day(2), "09:00"), ends_at=at(day(2), "10:00"))
    with pytest.raises(Conflict) as exc:
        services.booking_move(actor=None, booking=stale, starts_at=at(day(3), "09:00"), ends_at=at(day(3), "10:00"))
    assert exc.value.code == "changed_meanwhile"


def test_a_booking_cannot_move_to_another_community(world, rooms):
    booking = book(rooms["a"], day(0), "09:00", "11:00")
    with pytest.raises(ValidationFailed) as exc:
        services.booking_move(
            actor=None, booking=booking, starts_at=at(day(1), "09:00"), ends_at=at(day(1), "10:00"), room=rooms["b"]
        )
    assert exc.value.code == "other_community"
    with pytest.raises(NotFound):
        services.booking_move(
            actor=Scope(world.user("staff_b")), booking=booking, starts_at=at(day(1), "09:00"),
            ends_at=at(day(1), "10:00"), room=rooms["b"],
        )
