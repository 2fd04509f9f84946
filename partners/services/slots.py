"""Rooms and weekly time slots granted by an agreement, booked through the spaces app.

The partners app decides who may grant and sign (``partner.manage``); the bookings themselves
are made by ``spaces.services.booking_series_create`` with ``actor=None`` (the spaces app's
contract for a caller that has checked access), inside the signing's transaction: a clash or a
closed room refuses the whole signing with the spaces app's own message.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from partners.models import Agreement, AgreementSlot, AgreementStatus, Partner
from partners.services._common import require, stamp

SOURCE_TYPE = "partners.agreement"
HOLDER_KIND = "partner"
PORTAL_DAYS_AHEAD = 14


def rooms_for_agreement(*, scope: Scope, agreement: Agreement) -> QuerySet:
    """Rooms in use in the agreement's community that the user may see."""
    from spaces.selectors import room_list_for_user

    return room_list_for_user(scope=scope, community=agreement.community, include_inactive=False)


def room_get(*, scope: Scope, room_id: int):
    from spaces.selectors import room_get_for_user

    return room_get_for_user(scope=scope, room_id=room_id)


def slot_get_for_user(*, scope: Scope, slot_id: int, cap: str = Cap.PARTNER_MANAGE) -> AgreementSlot:
    slot = scope.filter(AgreementSlot.objects.select_related("agreement", "room"), cap).filter(pk=slot_id).first()
    if slot is None:
        raise NotFound()
    return slot


def _check_weekdays(weekdays) -> list[int]:
    try:
        values = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError):
        values = []
    if not values or any(not 0 <= d <= 6 for d in values):
        raise ValidationFailed(_("Choose at least one day of the week."), code="bad_weekdays")
    return values


@transaction.atomic
def slot_add(
    *,
    actor: Scope | None,
    agreement: Agreement,
    room,
    weekdays: list[int],
    start_time: dt.time,
    end_time: dt.time,
) -> AgreementSlot:
    """Grant a room at weekly times under a draft agreement (booked when it is signed)."""
    require(actor, Cap.PARTNER_MANAGE, agreement.community_id)
    if agreement.status != AgreementStatus.DRAFT:
        raise Conflict(
            _("Rooms and times are part of the agreement: add them before it is signed."), code="illegal_transition"
        )
    if room.community_id != agreement.community_id:
        raise NotFound()
    if not room.is_active:
        raise ValidationFailed(_("%(room)s is no longer in use.") % {"room": room.name}, code="room_inactive")
    days = _check_weekdays(weekdays)
    if end_time <= start_time:
        raise ValidationFailed(_("The time slot must end after it starts."), code="bad_times")
    for other in agreement.slots.filter(room=room):
        if set(other.weekdays) & set(days) and other.start_time < end_time and start_time < other.end_time:
            raise ValidationFailed(
                _("This agreement already has %(room)s at an overlapping time.") % {"room": room.name},
                code="overlapping_slot",
            )
    slot = stamp(
        AgreementSlot(
            community_id=agreement.community_id,
            agreement=agreement,
            room=room,
            weekdays=days,
            start_time=start_time,
            end_time=end_time,
        ),
        actor,
    )
    slot.save()
    return slot


@transaction.atomic
def slot_remove(*, actor: Scope | None, slot: AgreementSlot) -> None:
    require(actor, Cap.PARTNER_MANAGE, slot.community_id)
    if slot.agreement.status != AgreementStatus.DRAFT:
        raise Conflict(
            _("A signed agreement's rooms cannot be removed; terminate or renew it."), code="illegal_transition"
        )
    stamp(slot, actor).delete()


def _first_date(slot: AgreementSlot, agreement: Agreement, today: dt.date, now: dt.datetime) -> dt.date:
    """The first day to book: the term's start, but never a slot that has already begun."""
    first = max(agreement.starts_on, today)
    starts = timezone.make_aware(dt.datetime.combine(first, slot.start_time))
    return first + dt.timedelta(days=1) if starts <= now else first


def book_slots(*, actor: Scope | None, agreement: Agreement, today: dt.date) -> None:
    """Book every slot of a just-signed agreement for the rest of its term (called by
    ``agreement_sign`` inside its transaction)."""
    from spaces.services import booking_series_create, series_dates

    partner: Partner = agreement.partner
    now = timezone.now()
    for slot in agreement.slots.select_related("room"):
        first = _first_date(slot, agreement, today, now)
        if first > agreement.ends_on or not series_dates(
            weekdays=slot.weekdays, first_date=first, last_date=agreement.ends_on
        ):
            continue  # the slot never falls in what is left of the term: nothing to book
        series = booking_series_create(
            actor=None,
            room=slot.room,
            weekdays=slot.weekdays,
            start_time=slot.start_time,
            end_time=slot.end_time,
            first_date=first,
            last_date=agreement.ends_on,
            holder_kind=HOLDER_KIND,
            holder_id=partner.pk,
            holder_name=partner.name,
            title=_("Partner agreement %(number)s") % {"number": agreement.number},
            source_type=SOURCE_TYPE,
            source_id=agreement.pk,
        )
        AgreementSlot.objects.filter(pk=slot.pk).update(series=series)


def release_slots(*, actor: Scope | None, agreement: Agreement, reason: str) -> None:
    """Cancel the bookings of a terminated agreement that have not begun yet."""
    from spaces.services import booking_series_cancel

    for slot in agreement.slots.exclude(series=None).select_related("series"):
        booking_series_cancel(actor=None, series=slot.series, reason=reason[:200])


def copy_slots(*, source: Agreement, target: Agreement) -> None:
    AgreementSlot.objects.bulk_create(
        [
            AgreementSlot(
                community_id=s.community_id,
                agreement=target,
                room_id=s.room_id,
                weekdays=s.weekdays,
                start_time=s.start_time,
                end_time=s.end_time,
            )
            for s in source.slots.all()
        ]
    )


def upcoming_bookings(*, partner: Partner, days: int = PORTAL_DAYS_AHEAD) -> list:
    """The partner's bookings in the next two weeks, for its portal (the caller has checked that
    the user works for this partner)."""
    from spaces.selectors import bookings_for_holder

    now = timezone.now()
    return list(
        bookings_for_holder(
            holder_kind=HOLDER_KIND, holder_id=partner.pk, start=now, end=now + dt.timedelta(days=days)
        )[:50]
    )
