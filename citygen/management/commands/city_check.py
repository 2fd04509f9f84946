"""After generating a city or a load test: is everything still true?

* no meal sold more portions than it had (portions − portions left = portions ordered);
* no two bookings of a room overlap;
* every ledger book balances and its hash chain verifies;
* every dashboard rollup equals a recount from the records.

Exit status 1 if any fails; each failure is listed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum

from catalog.models import Meal, Order, OrderStatus
from insights.services import rollups
from ledger.tasks import verify_all_books
from spaces.models import Booking, BookingStatus


def oversold_meals() -> list[str]:
    ordered = dict(
        Order.objects.exclude(status=OrderStatus.CANCELLED)
        .values("meal_id")
        .annotate(n=Sum("quantity"))
        .values_list("meal_id", "n")
    )
    out = []
    for meal_id, portions, left in Meal.objects.values_list("pk", "portions", "portions_left"):
        if portions - left != ordered.get(meal_id, 0) or left < 0:
            out.append(f"meal {meal_id}: {portions} made, {left} left, {ordered.get(meal_id, 0)} ordered")
    return out


def overlapping_bookings() -> list[str]:
    """Live bookings of each room in time order: each must start at or after the last one ends."""
    out: list[str] = []
    room = last_end = last_pk = None
    rows = (
        Booking.objects.filter(status=BookingStatus.BOOKED)
        .order_by("room_id", "starts_at", "pk")
        .values_list("pk", "room_id", "starts_at", "ends_at")
    )
    for pk, room_id, starts_at, ends_at in rows.iterator(chunk_size=20_000):
        if room_id == room and starts_at < last_end:
            out.append(f"bookings {last_pk} and {pk} overlap in room {room_id}")
        if room_id != room or ends_at > last_end:
            room, last_end, last_pk = room_id, ends_at, pk
    return out


class Command(BaseCommand):
    help = "Check the invariants: no oversold meal, no overlapping booking, books verify, rollups equal records."

    def handle(self, *args, **options):
        problems = oversold_meals() + overlapping_bookings()
        books = verify_all_books()
        problems += [f"ledger book {b['book']} fails verification" for b in books if not b["ok"]]
        differences = rollups.check()
        problems += [
            f"rollup {g} {key}: {have} stored, {counted} counted" for g, key, have, counted in differences[:50]
        ]
        for line in problems:
            self.stdout.write(line)
        self.stdout.write(
            f"{Meal.objects.count()} meals, {Booking.objects.count()} bookings, {len(books)} ledger books, "
            f"rollups compared: {len(differences)} differences"
        )
        if problems:
            raise CommandError(f"city_check: {len(problems)} problems")
        self.stdout.write(self.style.SUCCESS("city_check: everything holds"))
