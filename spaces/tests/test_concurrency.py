"""Concurrent conflicting bookings against a real PostgreSQL: exactly one wins.

Each thread has its own database connection (Django opens one per thread) and its own
transaction; a barrier releases them together. The suite's SQLite run deselects these tests:
there, IMMEDIATE transactions serialise writers (see spaces/constraints.py).
"""

import datetime as dt
import json
import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.utils.translation import override

from linli.errors import Conflict
from orgs.models import OrgNode
from spaces.models import Booking, BookingStatus, Room
from spaces.services import bookings as booking_services
from spaces.tests.factories import at, book, day, make_room

# serialized_rollback: a transactional test empties the tables afterwards; this puts back what the
# migrations seeded (room functions, the city standard) for the tests that run later.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 6


def run_together(work, n=THREADS):
    """Run work(i) in n threads released at once; return [(i, result or exception)]."""
    barrier = threading.Barrier(n)
    results = []
    lock = threading.Lock()

    def target(i):
        try:
            barrier.wait(timeout=30)
            outcome = work(i)
        except Exception as exc:  # the point is to collect every outcome, whatever it is
            outcome = exc
        finally:
            connection.close()
        with lock:
            results.append((i, outcome))

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == n, "a thread did not finish"
    return sorted(results, key=lambda r: r[0])


def test_concurrent_api_requests_for_overlapping_times_exactly_one_wins(world):
    room = make_room(world.community_a, "书法室")
    clients = []
    for _i in range(THREADS):
        client = Client(headers={"Accept-Language": "en"})
        client.force_login(world.user("staff_a"), backend="accounts.backends.PhoneOrUsernameBackend")
        clients.append(client)

    def request(i):
        # Every request overlaps every other: 09:00–11:00, 09:10–11:10, … 09:50–11:50.
        body = {
            "room_id": room.pk, "starts_at": f"2030-03-04T09:{i * 10:02d}:00+08:00",
            "ends_at": f"2030-03-04T11:{i * 10:02d}:00+08:00", "holder_kind": "partner", "holder_id": i + 1,
            "holder_name": f"合伙人{i}", "title": f"课程{i}",
        }
        return clients[i].post("/api/v1/spaces/bookings", json.dumps(body), content_type="application/json")

    results = run_together(request)
    statuses = [r.status_code for _i, r in results]
    assert sorted(statuses) == [201] + [409] * (THREADS - 1), [r.content for _i, r in results]
    winner = Booking.objects.get(room=room, status=BookingStatus.BOOKED)
    for _i, response in results:
        if response.status_code == 409:
            body = response.json()
            assert body["code"] == "booking_clash"
            # The message names the clash: the room, the winner's time and its holder.
            assert "书法室" in body["message"] and winner.holder_name in body["message"]
            assert f"{winner.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8))):%H:%M}–" in body["message"]
    assert Booking.objects.filter(room=room).count() == 1


def test_concurrent_rows_written_past_the_services_still_never_overlap(world):
    """The exclusion constraint alone: raw inserts with no check and no lock."""
    room = make_room(world.community_a, "书法室")

    def insert(i):
        with transaction.atomic():
            return Booking.objects.create(
                community_id=room.community_id, room=room, starts_at=at(day(0), "09:00"),
                ends_at=at(day(0), "10:00") + dt.timedelta(minutes=i), holder_kind="activity",
                holder_name=f"团队{i}", title="x",
            )

    results = run_together(insert)
    created = [r for _i, r in results if isinstance(r, Booking)]
    refused = [r for _i, r in results if isinstance(r, IntegrityError)]
    assert len(created) == 1 and len(refused) == THREADS - 1
    assert all("booking_no_overlap" in str(e) for e in refused)


def test_when_the_check_misses_a_race_the_constraint_refuses_with_the_same_named_conflict(world, monkeypatch):
    """Simulate the race window: each thread's first overlap check sees nothing, as if the other
    transactions had not committed yet. The database refuses all but one insert, and the service
    still answers with a Conflict that names the booking that won."""
    room = make_room(world.community_a, "书法室")
    real = booking_services.overlapping
    seen = threading.local()

    def blind_first_check(*args, **kwargs):
        if not getattr(seen, "done", False):
            seen.done = True
            return []
        return real(*args, **kwargs)

    monkeypatch.setattr(booking_services, "overlapping", blind_first_check)

    def attempt(i):
        with override("en"):
            return book(room, day(0), "14:00", "16:00", holder=f"合伙人{i}", kind="partner")

    results = run_together(attempt)
    wins = [r for _i, r in results if isinstance(r, Booking)]
    conflicts = [r for _i, r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == THREADS - 1, results
    for exc in conflicts:
        assert exc.code == "booking_clash"
        assert "书法室" in str(exc.message) and wins[0].holder_name in str(exc.message) and "14:00–16:00" in str(exc.message)


def test_concurrent_weekly_series_one_wins_and_the_others_list_every_clashing_date(world):
    room = make_room(world.community_a, "书法室")

    def series(i):
        with override("en"):
            return booking_services.booking_series_create(
                actor=None, room=room, weekdays=[0, 2, 4], start_time=dt.time(16, 30), end_time=dt.time(18, 30),
                first_date=day(0), last_date=day(13), holder_kind="partner", holder_id=i + 1, holder_name=f"合伙人{i}",
                title="四点半课堂",
            )

    results = run_together(series, n=4)
    wins = [r for _i, r in results if not isinstance(r, Exception)]
    conflicts = [r for _i, r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 3, results
    for exc in conflicts:
        assert exc.code == "series_clash" and len(exc.details) == 6
        assert "6 of the 6 dates" in str(exc.message) and wins[0].holder_name in str(exc.message)
    assert Booking.objects.filter(room=room).count() == 6


def test_concurrent_cancels_of_one_booking_change_it_once(world):
    room = make_room(world.community_a, "书法室")
    booking = book(room, day(0), "09:00", "10:00")

    def cancel(i):
        return booking_services.booking_cancel(actor=None, booking=Booking.objects.get(pk=booking.pk), reason=f"原因{i}")

    results = run_together(cancel, n=4)
    assert sum(1 for _i, r in results if isinstance(r, Booking)) == 1
    assert all(r.code == "already_cancelled" for _i, r in results if isinstance(r, Conflict))
    assert booking.history.filter(status=BookingStatus.CANCELLED).count() == 1


def test_a_booking_locks_its_room_row_and_nothing_else(world):
    """Bookings of one room queue on the room's row; the community's row and other rooms stay free."""
    room = make_room(world.community_a, "书法室")
    other = make_room(world.community_a, "多功能厅", function="multipurpose")

    def probe(_i):
        with transaction.atomic():
            OrgNode.objects.select_for_update(nowait=True).get(pk=room.community_id)
            Room.objects.select_for_update(nowait=True).get(pk=other.pk)
            try:
                Room.objects.select_for_update(nowait=True).get(pk=room.pk)
            except DatabaseError:
                return "room locked"
            return "room free"

    with transaction.atomic():
        booking_services._lock_room(room)
        outcome = run_together(probe, n=1)
    assert outcome == [(0, "room locked")]
