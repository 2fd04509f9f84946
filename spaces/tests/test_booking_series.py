"""booking_series_create and booking_series_cancel: weekly bookings, all dates or none."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils.translation import override

from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.scope import Scope
from spaces import services
from spaces.models import Booking, BookingSeries, BookingStatus
from spaces.tests.factories import at, book, day

pytestmark = pytest.mark.django_db


FIRST, LAST = day(0), day(11)


def after_school(room, *, first=FIRST, last=LAST, weekdays=(0, 1, 2, 3, 4), start="16:30", end="18:30", **kwargs):
    h1, m1 = start.split(":")
    h2, m2 = end.split(":")
    return services.booking_series_create(
        actor=kwargs.pop("actor", None),
        room=room,
        weekdays=list(weekdays),
        start_time=dt.time(int(h1), int(m1)),
        end_time=dt.time(int(h2), int(m2)),
        first_date=first,
        last_date=last,
        holder_kind=kwargs.pop("holder_kind", "partner"),
        holder_id=kwargs.pop("holder_id", 3),
        holder_name=kwargs.pop("holder_name", "源艺文化培训中心"),
        title=kwargs.pop("title", "四点半课堂"),
        source_type=kwargs.pop("source_type", "partners.agreement"),
        source_id=kwargs.pop("source_id", 12),
        **kwargs,
    )


def test_every_weekday_for_two_weeks_makes_ten_bookings(world, rooms):
    series = after_school(rooms["a"])
    bookings = list(series.bookings.order_by("starts_at"))
    assert len(bookings) == 10
    assert bookings[0].starts_at == at(day(0), "16:30") and bookings[-1].ends_at == at(day(11), "18:30")
    assert {b.starts_at.astimezone(bookings[0].starts_at.tzinfo).weekday() for b in bookings} == {0, 1, 2, 3, 4}
    assert all(b.holder_name == "源艺文化培训中心" and b.source_id == 12 and b.community_id == world.community_a.pk for b in bookings)
    assert series.weekdays == [0, 1, 2, 3, 4] and series.community_id == world.community_a.pk
    assert all(b.history.count() == 1 for b in bookings)


def test_a_clash_on_some_dates_books_none_and_lists_every_clashing_date(world, rooms):
    book(rooms["a"], day(2), "17:00", "18:00", holder="银发合唱团", title="排练")
    book(rooms["a"], day(9), "18:00", "19:00", holder="读书会", title="分享会")
    with override("en"), pytest.raises(Conflict) as exc:
        after_school(rooms["a"])
    assert exc.value.code == "series_clash"
    message = str(exc.value.message)
    assert "2030-03-06" in message and "2030-03-13" in message
    assert "银发合唱团" in message and "读书会" in message
    assert "2 of the 10 dates" in message
    assert [d["date"] for d in exc.value.details] == ["2030-03-06", "2030-03-13"]
    assert not BookingSeries.objects.exists()
    assert Booking.objects.count() == 2


def test_dates_outside_opening_hours_are_listed(world, rooms):
    # Weekends close at 17:00: a 16:30–18:30 class does not fit on Saturday or Sunday.
    with override("en"), pytest.raises(ValidationFailed) as exc:
        after_school(rooms["a"], weekdays=(4, 5, 6), first=day(0), last=day(13))
    assert exc.value.code == "outside_hours"
    message = str(exc.value.message)
    assert "2030-03-09" in message and "2030-03-17" in message and "2030-03-08" not in message
    assert "Sat, Sun 09:00–17:00" in message
    assert len(exc.value.details) == 4
    assert not Booking.objects.exists()


def test_dates_already_passed_are_refused(world, rooms):
    with pytest.raises(ValidationFailed) as exc:
        after_school(rooms["a"], now=at(day(1), "17:00"))
    assert exc.value.code == "in_the_past"
    assert [d["date"] for d in exc.value.details] == ["2030-03-04", "2030-03-05"]


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"weekdays": ()}, "bad_weekdays"),
        ({"weekdays": (7,)}, "bad_weekdays"),
        ({"first": day(3), "last": day(2)}, "bad_dates"),
        ({"first": day(0), "last": day(0) + dt.timedelta(days=800)}, "bad_dates"),
        ({"weekdays": (5,), "first": day(0), "last": day(4)}, "bad_dates"),
        ({"start": "18:30", "end": "16:30"}, "bad_times"),
    ],
)
def test_the_series_itself_must_make_sense(world, rooms, kwargs, code):
    with pytest.raises(ValidationFailed) as exc:
        after_school(rooms["a"], **kwargs)
    assert exc.value.code == code


def test_a_refused_series_leaves_the_caller_s_transaction_usable(world, rooms):
    """The partners app books slots inside its own transaction (signing an agreement)."""
    book(rooms["a"], day(0), "17:00", "18:00")
    with transaction.atomic():
        with pytest.raises(Conflict):
            after_school(rooms["a"])
        later = after_school(rooms["a2"])
    assert later.bookings.count() == 10


def test_cancel_from_a_date_cancels_that_date_and_later_only(world, rooms):
    series = after_school(rooms["a"])
    staff = Scope(world.user("staff_a"))
    result = services.booking_series_cancel(actor=staff, series=series, reason="协议终止", from_date=day(7))
    assert result.cancelled_count == 5 and result.cancelled_from == day(7)
    statuses = [b.status for b in series.bookings.order_by("starts_at")]
    assert statuses == [BookingStatus.BOOKED] * 5 + [BookingStatus.CANCELLED] * 5
    cancelled = series.bookings.filter(status=BookingStatus.CANCELLED).first()
    assert cancelled.cancelled_by == world.user("staff_a") and cancelled.cancel_reason == "协议终止"
    assert cancelled.history.first().history_change_reason == "协议终止"
    # The freed dates can be booked by someone else.
    book(rooms["a"], day(7), "16:30", "18:30")


def test_cancel_without_a_date_keeps_what_has_begun(world, rooms):
    series = after_school(rooms["a"])
    result = services.booking_series_cancel(actor=None, series=series, reason="停课", now=at(day(2), "17:00"))
    # Monday and Tuesday are over, Wednesday's class has begun: 7 dates are left to cancel.
    assert result.cancelled_count == 7
    assert result.cancelled_from == day(2)


def test_a_single_date_of_a_series_can_be_cancelled_and_the_series_cancel_skips_it(world, rooms):
    series = after_school(rooms["a"])
    one = series.bookings.order_by("starts_at")[3]
    services.booking_cancel(actor=None, booking=one, reason="节假日")
    result = services.booking_series_cancel(actor=None, series=series, reason="停课")
    assert result.cancelled_count == 9
    one.refresh_from_db()
    assert one.cancel_reason == "节假日"


def test_another_community_cannot_book_or_cancel_a_series(world, rooms):
    with pytest.raises(NotFound):
        after_school(rooms["a"], actor=Scope(world.user("staff_b")))
    series = after_school(rooms["a"])
    with pytest.raises(NotFound):
        services.booking_series_cancel(actor=Scope(world.user("staff_b")), series=series, reason="x")
    assert series.bookings.filter(status=BookingStatus.BOOKED).count() == 10
