"""Rooms and weekly slots of agreements: signing books them in the spaces app, in the same
transaction; a clash refuses the signing; termination releases what is left."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.errors import Conflict, NotFound, ValidationFailed
from linli.testkit import World
from orgs.scope import Scope
from partners import selectors, services
from partners.models import AgreementSlot, AgreementStatus, PartnerStatus
from partners.services import slots as slot_services
from partners.tests.conftest import TODAY, make_partner

T = dt.time
AFTER_SCHOOL = (T(16, 30), T(18, 30))


def make_room(community, name: str, hours: str = "周一至周日 08:00-21:30"):
    from spaces import hours as room_hours
    from spaces.models import RoomFunction
    from spaces.services import RoomFields, room_create

    return room_create(
        actor=None,
        community=community,
        fields=RoomFields(
            name=name,
            function=RoomFunction.objects.order_by("pk").first(),
            area_m2=60,
            week=room_hours.parse_week(hours),
        ),
    )


def room(world: World, side: str, name: str = "画室"):
    community = world.community_a if side == "a" else world.community_b
    return world.once(f"partners.room.{side}.{name}", lambda: make_room(community, name))


def draft_with_slot(pw, partner, *, room_obj, weekdays=(0, 2, 4), start=AFTER_SCHOOL[0], end=AFTER_SCHOOL[1], days=90):
    staff = pw.staff("a" if partner.community_id == pw.world.community_a.pk else "b")
    agreement = services.agreement_create(
        actor=staff, partner=partner, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=days)
    )
    slot_services.slot_add(
        actor=staff, agreement=agreement, room=room_obj, weekdays=list(weekdays), start_time=start, end_time=end
    )
    return agreement


def sign(pw, agreement, side="a"):
    return services.agreement_sign(
        actor=pw.staff(side), agreement=agreement, community_signatory="甲", partner_signatory="乙"
    )


def slot_target(pw, which: str) -> dict:
    """A slot of a signed agreement of partner ``which``, for the isolation sweeps."""

    def make():
        partner = {"x": pw.x, "y": pw.y, "z": pw.z}[which]
        side = "b" if which == "z" else "a"
        agreement = draft_with_slot(pw, partner, room_obj=room(pw.world, side, f"活动室{which}"), weekdays=[5])
        sign(pw, agreement, side)
        return agreement.slots.get()

    return {"slot_id": pw.world.once(f"partners.slot.{which}", make).pk}


def test_signing_books_the_weekly_slots_for_the_term(pw):
    from spaces.models import Booking

    art_room = room(pw.world, "a")
    agreement = draft_with_slot(pw, pw.y, room_obj=art_room)
    rows = selectors.agreement_slots(agreement=agreement)
    assert [(r.room_name, r.weekdays_label, r.time_label, r.booked) for r in rows] == [
        ("画室", rows[0].weekdays_label, "16:30–18:30", False)
    ]
    sign(pw, agreement)
    slot = agreement.slots.get()
    assert slot.series is not None and slot.series.holder_kind == "partner" and slot.series.holder_id == pw.y.pk
    assert (slot.series.source_type, slot.series.source_id) == ("partners.agreement", agreement.pk)
    bookings = Booking.objects.filter(series=slot.series)
    assert bookings.count() >= 30  # Mon, Wed, Fri for three months
    assert {timezone.localtime(b.starts_at).weekday() for b in bookings} <= {0, 2, 4}
    assert all(timezone.localtime(b.starts_at).date() <= agreement.ends_on for b in bookings)
    assert all(b.starts_at > timezone.now() for b in bookings), "nothing is booked in the past"
    assert selectors.agreement_slots(agreement=agreement)[0].booked


def test_a_clash_refuses_the_signing_with_the_spaces_message_and_changes_nothing(pw):
    from spaces.models import Booking

    art_room = room(pw.world, "a")
    sign(pw, draft_with_slot(pw, pw.y, room_obj=art_room))
    newcomer = services.application_approve(actor=pw.staff(), application=pw.application_a)
    clashing = draft_with_slot(pw, newcomer, room_obj=art_room, weekdays=[2], start=T(17, 0), end=T(19, 0))
    before = Booking.objects.count()
    with pytest.raises(Conflict) as exc:
        sign(pw, clashing)
    assert pw.y.name in str(exc.value.message), "the spaces app says who holds the room"
    clashing.refresh_from_db()
    newcomer.refresh_from_db()
    assert clashing.status == AgreementStatus.DRAFT and clashing.signed_at is None
    assert newcomer.status == PartnerStatus.APPROVED
    assert Booking.objects.count() == before
    assert not clashing.slots.exclude(series=None).exists()


def test_a_slot_outside_the_rooms_hours_refuses_the_signing(pw):
    morning_only = make_room(pw.world.community_a, "晨练室", hours="周一至周五 06:00-09:00")
    agreement = draft_with_slot(pw, pw.y, room_obj=morning_only)
    with pytest.raises(ValidationFailed) as exc:
        sign(pw, agreement)
    assert exc.value.code == "outside_hours"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT


def test_termination_and_exit_release_the_remaining_bookings(pw):
    from spaces.models import Booking, BookingStatus

    agreement = draft_with_slot(pw, pw.y, room_obj=room(pw.world, "a"))
    sign(pw, agreement)
    series = agreement.slots.get().series
    services.partner_exit(actor=pw.staff(), partner=pw.y, reason="合伙人退出")
    assert not Booking.objects.filter(series=series, status=BookingStatus.BOOKED, starts_at__gt=timezone.now()).exists()
    assert Booking.objects.filter(series=series, status=BookingStatus.CANCELLED).exists()


def test_renewal_copies_the_slots_and_books_its_own_term(pw):
    from spaces.models import BookingSeries

    agreement = draft_with_slot(pw, pw.y, room_obj=room(pw.world, "a"), days=30)
    sign(pw, agreement)
    renewal = services.agreement_renew(
        actor=pw.staff(), agreement=agreement, ends_on=agreement.ends_on + dt.timedelta(days=60)
    )
    [copy] = renewal.slots.all()
    assert (copy.room_id, copy.weekdays, copy.series_id) == (agreement.slots.get().room_id, [0, 2, 4], None)
    sign(pw, renewal)
    assert BookingSeries.objects.filter(source_type="partners.agreement", source_id=renewal.pk).count() == 1


def test_slots_change_only_on_drafts_and_stay_in_the_community(pw):
    staff = pw.staff()
    agreement = draft_with_slot(pw, pw.y, room_obj=room(pw.world, "a"))
    with pytest.raises(ValidationFailed) as exc:
        slot_services.slot_add(
            actor=staff,
            agreement=agreement,
            room=room(pw.world, "a"),
            weekdays=[0],
            start_time=T(17, 0),
            end_time=T(17, 30),
        )
    assert exc.value.code == "overlapping_slot"
    for bad in ({"weekdays": []}, {"weekdays": [7]}, {"start_time": T(18, 0), "end_time": T(17, 0)}):
        fields = {"weekdays": [1], "start_time": T(9, 0), "end_time": T(10, 0), **bad}
        with pytest.raises(ValidationFailed):
            slot_services.slot_add(actor=staff, agreement=agreement, room=room(pw.world, "a"), **fields)
    with pytest.raises(NotFound):
        slot_services.slot_add(
            actor=staff,
            agreement=agreement,
            room=room(pw.world, "b"),
            weekdays=[1],
            start_time=T(9, 0),
            end_time=T(10, 0),
        )
    with pytest.raises(NotFound):
        slot_services.slot_add(
            actor=Scope(pw.world.user("staff_b")),
            agreement=agreement,
            room=room(pw.world, "a"),
            weekdays=[1],
            start_time=T(9, 0),
            end_time=T(10, 0),
        )
    sign(pw, agreement)
    with pytest.raises(Conflict):
        slot_services.slot_remove(actor=staff, slot=agreement.slots.get())
    with pytest.raises(Conflict):
        slot_services.slot_add(
            actor=staff,
            agreement=agreement,
            room=room(pw.world, "a"),
            weekdays=[1],
            start_time=T(9, 0),
            end_time=T(10, 0),
        )
    draft = draft_with_slot(pw, pw.x, room_obj=room(pw.world, "a", "书法室"))
    slot_services.slot_remove(actor=staff, slot=draft.slots.get())
    assert not AgreementSlot.objects.filter(agreement=draft).exists()


def test_the_portal_shows_the_partners_rooms_and_next_bookings(pw, login):
    agreement = draft_with_slot(pw, pw.x, room_obj=room(pw.world, "a"), weekdays=range(7))
    sign(pw, agreement)
    other = draft_with_slot(pw, pw.y, room_obj=room(pw.world, "a", "自习室"), weekdays=range(7))
    sign(pw, other)
    body = login(pw.world.user("partner_a")).get("/console/partners/portal/").content.decode()
    assert "画室" in body and "16:30" in body
    assert "自习室" not in body, "another partner's room and bookings stay out of this portal"


def test_slots_through_the_pages_and_the_api(pw, login):
    import json

    staff = login(pw.world.user("staff_a"))
    art_room = room(pw.world, "a")
    agreement = services.agreement_create(
        actor=pw.staff(), partner=pw.y, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=60)
    )
    page = staff.get(f"/console/partners/agreements/{agreement.pk}/").content.decode()
    assert "画室" in page
    staff.post(
        f"/console/partners/agreements/{agreement.pk}/slots/",
        {"room": art_room.pk, "weekdays": ["1", "3"], "start_time": "09:00", "end_time": "11:00"},
    )
    assert agreement.slots.get().weekdays == [1, 3]
    response = staff.post(
        f"/api/v1/partners/agreements/{agreement.pk}/slots",
        json.dumps({"room_id": art_room.pk, "weekdays": [5], "start_time": "09:00", "end_time": "11:00"}),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["room_name"] == "画室"
    slot_id = response.json()["slot_id"]
    assert staff.delete(f"/api/v1/partners/slots/{slot_id}").status_code == 204
    other_room = room(pw.world, "b")
    refused = staff.post(
        f"/api/v1/partners/agreements/{agreement.pk}/slots",
        json.dumps({"room_id": other_room.pk, "weekdays": [5], "start_time": "09:00", "end_time": "11:00"}),
        content_type="application/json",
    )
    assert refused.status_code == 404
    staff.post(
        f"/console/partners/agreements/{agreement.pk}/sign/", {"community_signatory": "甲", "partner_signatory": "乙"}
    )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED and agreement.slots.get().series_id
    pdf_rows = selectors.agreement_slots(agreement=agreement)
    assert pdf_rows[0].area == "60"


def test_a_partner_made_while_rooms_exist_keeps_its_own_name_on_bookings(pw):
    partner = make_partner(pw.staff(), pw.world.community_a, name="宝芝林医院", seed=900, kind="medical")
    agreement = draft_with_slot(pw, partner, room_obj=room(pw.world, "a", "诊室"))
    sign(pw, agreement)
    series = agreement.slots.get().series
    assert series.holder_name == "宝芝林医院" and agreement.number in series.title
