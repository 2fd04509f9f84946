"""A would-be partner answers a recruitment call on a phone; community staff approve it at their
desk, draft and sign the agreement, and the room's weekly bookings appear in Spaces."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from browser.pages import log_in, message
from orgs.scope import Scope
from partners import services as partner_services
from partners.models import Agreement, AgreementStatus, Application, Partner, PartnerStatus
from partners.uscc import check_character
from spaces import hours
from spaces.models import Booking, BookingStatus, RoomFunction
from spaces.services import RoomFields, room_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

APPLICANT = "乐学教育培训中心"
FIRST17 = "91370305MA3C8QX1"


def credit_code() -> str:
    first17 = (FIRST17 + "0")[:17]
    return first17 + check_character(first17)


@pytest.fixture
def call_and_room(world):
    staff = Scope(world.user("staff_a"))
    room = room_create(
        actor=staff,
        community=world.community_a,
        fields=RoomFields(
            name="二楼自习室",
            function=RoomFunction.objects.order_by("pk").first(),
            area_m2=60,
            capacity=30,
            week=hours.parse_week("周一至周日 08:00-21:00"),
        ),
    )
    call = partner_services.call_create(
        actor=staff,
        community=world.community_a,
        title="康平社区“社区合伙人”招募令",
        summary="社区提供二楼自习室，合伙人提供四点半课堂等公益和低偿服务",
        kinds=["training"],
        spaces_offered="二楼自习室 60㎡，周一至周五 18:00-21:00",
    )
    partner_services.call_publish(actor=staff, call=call)
    return call, room


def test_a_partner_applies_is_approved_signs_and_gets_the_room(journey, world, call_and_room):
    call, room = call_and_room

    # --- The applicant, on a phone, from the poster's QR code or the community's page -------------
    phone = journey.phone("applicant")
    phone.goto("/c/partners/")
    journey.step(phone, "public-calls")
    phone.click(f"main a[href='/c/partners/calls/{call.pk}/']")
    journey.step(phone, "the-call", doc="recruitment-call-phone")
    phone.click(f"main a.btn[href='/c/partners/calls/{call.pk}/apply/']")
    journey.step(phone, "application-form")

    phone.check("input[name=party_type][value=organisation]")
    phone.select_option("#id_kind", "training")
    phone.fill("#id_name", APPLICANT)
    phone.fill("#id_credit_code", credit_code())
    phone.fill("#id_contact_name", "周经理")
    phone.fill("#id_contact_phone", "13700000011")
    phone.fill("#id_services", "四点半课堂、周末成长营")
    phone.fill("#id_welfare_offer", "为困境儿童每周免费辅导两次")
    phone.fill("#id_space_needs", "周一至周五 18:00-20:00，自习室")
    phone.set_input_files(
        "#id_documents", files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    phone.check("#id_consent")
    journey.step(phone, "application-filled", doc="partner-apply-phone")
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    assert phone.url.endswith(f"/c/partners/calls/{call.pk}/thanks/")
    journey.step(phone, "application-sent")
    application = Application.objects.get(call=call, name=APPLICANT)
    assert application.documents.count() == 1

    # --- Community staff, at a desk ---------------------------------------------------------------
    desk = journey.desktop("staff")
    log_in(desk, "staff_a")
    journey.step(desk, "console-home")
    desk.goto("/console/partners/applications/")
    journey.step(desk, "applications-waiting")
    desk.click(f"main a[href='/console/partners/applications/{application.pk}/']")
    journey.step(desk, "application", doc="partner-review-desk")
    desk.check("input[name=decision][value=approve]")
    with desk.expect_navigation():
        desk.click(f"form[action$='/applications/{application.pk}/review/'] button[type=submit]")
    partner = Partner.objects.get(application=application)
    assert partner.status == PartnerStatus.APPROVED
    assert desk.url.endswith(f"/console/partners/{partner.pk}/")
    journey.step(desk, "approved-partner")

    desk.click(f"main a.btn[href='/console/partners/{partner.pk}/agreements/new/']")
    journey.step(desk, "draft-agreement")
    desk.fill("#id_space_terms", "社区提供二楼自习室，周一至周五 18:00-20:00")
    with desk.expect_navigation():
        desk.click("main form button[type=submit]")
    agreement = Agreement.objects.get(partner=partner)
    assert desk.url.endswith(f"/console/partners/agreements/{agreement.pk}/")
    journey.step(desk, "agreement-draft")

    slot_form = f"form[action$='/agreements/{agreement.pk}/slots/']"
    desk.click(f"details:has({slot_form}) > summary")
    desk.select_option(f"{slot_form} select[name=room]", str(room.pk))
    for weekday in range(5):  # Monday to Friday
        desk.check(f"{slot_form} input[name=weekdays][value='{weekday}']")
    desk.fill(f"{slot_form} input[name=start_time]", "18:00")
    desk.fill(f"{slot_form} input[name=end_time]", "20:00")
    journey.step(desk, "room-slot")
    with desk.expect_navigation():
        desk.click(f"{slot_form} button[type=submit]")
    assert agreement.slots.count() == 1, message(desk)

    commitment_form = f"form[action$='/agreements/{agreement.pk}/commitments/']"
    desk.click(f"details:has({commitment_form}) > summary")
    desk.fill(f"{commitment_form} [name=title]", "为8名困境儿童免费辅导")
    desk.fill(f"{commitment_form} [name=metric]", "受助儿童")
    desk.fill(f"{commitment_form} [name=unit]", "名")
    desk.fill(f"{commitment_form} [name=target]", "8")
    with desk.expect_navigation():
        desk.click(f"{commitment_form} button[type=submit]")
    assert agreement.commitments.count() == 1, message(desk)
    journey.step(desk, "agreement-ready")

    sign_form = f"form[action$='/agreements/{agreement.pk}/sign/']"
    desk.fill(f"{sign_form} [name=community_signatory]", "邵书记")
    desk.fill(f"{sign_form} [name=partner_signatory]", "周经理")
    before_signing = timezone.localtime()
    with desk.expect_navigation():
        desk.click(f"{sign_form} button[type=submit]")
    after_signing = timezone.localtime()
    agreement.refresh_from_db()
    partner.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED, message(desk)
    assert partner.status == PartnerStatus.ACTIVE
    journey.step(desk, "agreement-signed", doc="agreement-signed-desk")

    # --- The bookings appear in Spaces: every weekday evening of the term ----------------------------
    bookings = Booking.objects.filter(room=room, holder_id=partner.pk, status=BookingStatus.BOOKED)
    assert bookings.count() in {
        _weekday_evenings(agreement.starts_on, agreement.ends_on, signed=at) for at in (before_signing, after_signing)
    }
    desk.goto(f"/console/spaces/bookings/?room={room.pk}")
    journey.step(desk, "room-bookings")
    rows = desk.locator("main table tr").all_inner_texts()[1:]
    assert len(rows) == 30 and all(APPLICANT in row and "18:00" in row for row in rows)
    next_monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    desk.goto(f"/console/spaces/rooms/{room.pk}/calendar/?week={next_monday:%Y-%m-%d}")
    journey.step(desk, "room-calendar", doc="room-calendar-desk")
    assert APPLICANT in desk.locator("main").inner_text()

    # --- And the public sees the new partner, and the room no longer free on weekday evenings ------
    phone.goto(f"/c/partners/p/{partner.pk}/")
    journey.step(phone, "public-partner-page")
    assert APPLICANT in phone.locator("main").inner_text()
    phone.goto(f"/c/spaces/{world.community_a.pk}/")
    journey.step(phone, "public-rooms")
    free = phone.locator("main ul.slots li").all_inner_texts()
    assert free and not [block for block in free if _overlaps_a_weekday_evening(block, signed=after_signing)]
    journey.done()


def _overlaps_a_weekday_evening(block: str, *, signed: dt.datetime) -> bool:
    """A free block as the public rooms page shows it ("11-25 周三 08:00–18:00"): does it take
    any of a weekday's 18:00–20:00?"""
    match = re.match(r"(\d\d)-(\d\d) .*?(\d\d:\d\d)–(\d\d:\d\d)", block)
    assert match, block
    month, day, start, end = match.groups()
    today = timezone.localdate()
    date = dt.date(today.year, int(month), int(day))
    if date < today - dt.timedelta(days=1):
        date = date.replace(year=today.year + 1)
    if date < _first_evening(signed):
        return False  # today's evening had begun when the agreement was signed: not booked
    return date.weekday() < 5 and start < "20:00" and end > "18:00"


def _first_evening(signed: dt.datetime) -> dt.date:
    """The first evening a signing at that time books: that day's if 18:00 was still ahead."""
    return signed.date() + dt.timedelta(days=1) if signed.time() >= dt.time(18, 0) else signed.date()


def _weekday_evenings(first: dt.date, last: dt.date, *, signed: dt.datetime) -> int:
    """Mondays to Fridays from the first evening the signing booked to the end of the term."""
    day = max(first, _first_evening(signed))
    n = 0
    while day <= last:
        n += day.weekday() < 5
        day += dt.timedelta(days=1)
    return n
