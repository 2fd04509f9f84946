"""Decisions taken at the same moment, on real PostgreSQL: exactly one wins, the others are told.

Each thread has its own connection and transaction, released together by a barrier. The SQLite
run deselects these (conftest.py): there, IMMEDIATE transactions serialise writers anyway.
"""

import threading

import pytest
from django.db import connection

from linli.errors import Conflict
from orgs.scope import Scope
from partners import services
from partners.models import Agreement, AgreementStatus, Application, CommitmentEntry, Partner, PartnerStatus
from partners.tests.conftest import TODAY
from partners.tests.test_slots import draft_with_slot, make_room

# serialized_rollback: the flush after a transactional test would remove what data migrations
# seeded (room functions, vulnerable-group tags) for the tests that run later.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def together(*actions):
    """Run the actions in threads released at once; return each one's result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=30)
            results[i] = action()
        except Exception as exc:  # collect every outcome, whatever it is
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_four_reviewers_deciding_at_once_make_one_decision(pw):
    def approve():
        return services.application_approve(
            actor=Scope(pw.world.user("staff_a")), application=Application.objects.get(pk=pw.application_a.pk)
        )

    def reject():
        return services.application_reject(
            actor=Scope(pw.world.user("secretary_a")),
            application=Application.objects.get(pk=pw.application_a.pk),
            reason="同时拒绝",
        )

    results = together(approve, approve, reject, reject)
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception)), results
    application = Application.objects.get(pk=pw.application_a.pk)
    assert Partner.objects.filter(application=application).count() == (1 if application.status == "approved" else 0)
    assert application.history.filter(status__in=["approved", "rejected"]).count() == 1


def test_two_agreements_signed_at_once_for_the_same_room_and_time_book_it_once(pw):
    from spaces.models import Booking, BookingStatus

    room = make_room(pw.world.community_a, "画室")
    newcomer = services.application_approve(actor=pw.staff(), application=pw.application_a)
    first = draft_with_slot(pw, pw.y, room_obj=room)
    second = draft_with_slot(pw, newcomer, room_obj=room)

    def sign(agreement):
        return lambda: services.agreement_sign(
            actor=Scope(pw.world.user("staff_a")),
            agreement=Agreement.objects.get(pk=agreement.pk),
            community_signatory="甲",
            partner_signatory="乙",
        )

    results = together(sign(first), sign(second))
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    signed = Agreement.objects.filter(pk__in=[first.pk, second.pk], status=AgreementStatus.SIGNED)
    assert signed.count() == 1
    holders = set(Booking.objects.filter(room=room, status=BookingStatus.BOOKED).values_list("holder_id", flat=True))
    assert holders == {signed.get().partner_id}


def test_exit_and_signing_at_once_leave_no_agreement_in_force(pw):
    from django.utils import timezone

    from spaces.models import Booking, BookingStatus

    room = make_room(pw.world.community_a, "书法室")
    agreement = draft_with_slot(pw, pw.y, room_obj=room)
    results = together(
        lambda: services.partner_exit(
            actor=Scope(pw.world.user("staff_a")), partner=Partner.objects.get(pk=pw.y.pk), reason="退出"
        ),
        lambda: services.agreement_sign(
            actor=Scope(pw.world.user("secretary_a")),
            agreement=Agreement.objects.get(pk=agreement.pk),
            community_signatory="甲",
            partner_signatory="乙",
        ),
    )
    assert not isinstance(results[0], Exception), results
    assert Partner.objects.get(pk=pw.y.pk).status == PartnerStatus.EXITED
    assert not Agreement.objects.filter(partner=pw.y, status=AgreementStatus.SIGNED).exists()
    assert not Booking.objects.filter(room=room, status=BookingStatus.BOOKED, starts_at__gt=timezone.now()).exists()


def test_the_same_service_record_fed_twice_at_once_counts_once(pw):
    def feed():
        return services.commitment_entry_record(
            actor=None,
            commitment=pw.commitment_y,
            occurred_on=TODAY,
            quantity=1,
            source_type="orders.servicerecord",
            source_id=4242,
        )

    results = together(feed, feed, feed)
    assert not any(isinstance(r, Exception) for r in results), results
    assert CommitmentEntry.objects.filter(source_type="orders.servicerecord", source_id=4242).count() == 1
    assert len({r.pk for r in results}) == 1
