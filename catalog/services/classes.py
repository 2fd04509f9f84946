"""Classes and care: enrolment with seats and a waiting list, sessions and attendance.

Seats are taken like portions: ``UPDATE catalog_item SET seats_taken = seats_taken + 1 WHERE id
= … AND seats_taken < capacity``; who does not get a seat joins the waiting list. When an
enrolled student withdraws, the seat passes straight to the first on the waiting list (the
counter does not move), so a newcomer racing with the withdrawal cannot jump the queue. On
PostgreSQL the first waiting row is locked with ``FOR UPDATE SKIP LOCKED``: two withdrawals at
once promote two different people.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Attendance, ClassSession, Enrolment, EnrolmentStatus, Item, ItemKind, PaymentState
from catalog.services import payments
from catalog.services._common import check_key, may_act_for, require_serve
from catalog.services.items import quote_for
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.scope import Scope
from records.services import service_record_create
from residents.models import Resident


def enrolment_create(
    *,
    actor: Scope,
    item: Item,
    resident: Resident,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> Enrolment:
    """Enrol (or join the waiting list). A repeated Idempotency-Key returns the first answer."""
    key = check_key(idempotency_key)
    user = actor.user if actor.is_authenticated else None
    if user is None:
        raise NotFound()
    if key is not None:
        existing = Enrolment.objects.filter(ordered_by=user, idempotency_key=key).first()
        if existing is not None:
            return existing
    if resident.community_id != item.community_id or not may_act_for(actor, resident):
        raise NotFound()
    if item.kind != ItemKind.CLASS or not item.is_active:
        raise ValidationFailed(_("This service takes no enrolment."), code="not_a_class")
    now = now or timezone.now()
    quote = quote_for(item=item, resident=resident, on=timezone.localtime(now).date())
    try:
        with transaction.atomic():
            if Enrolment.objects.filter(
                item=item, resident=resident, status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING]
            ).exists():
                raise Conflict(
                    _("%(name)s is already enrolled or on the waiting list.") % {"name": resident.name},
                    code="already_enrolled",
                )
            seated = bool(
                Item.objects.filter(pk=item.pk, seats_taken__lt=F("capacity")).update(
                    seats_taken=F("seats_taken") + 1
                )
            )
            enrolment = Enrolment.objects.create(
                community_id=item.community_id,
                item=item,
                partner_id=item.partner_id,
                resident=resident,
                ordered_by=user,
                status=EnrolmentStatus.ENROLLED if seated else EnrolmentStatus.WAITING,
                created_at=now,
                enrolled_at=now if seated else None,
                list_price_fen=quote.total_list_fen,
                amount_fen=quote.total_fen,
                price_lines=quote.lines,
                payment_state=payments.initial_state(quote.total_fen),
                payment_method="offline" if quote.total_fen else "",
                idempotency_key=key,
            )
    except IntegrityError:
        if key is not None:
            existing = Enrolment.objects.filter(ordered_by=user, idempotency_key=key).first()
            if existing is not None:
                return existing
        raise Conflict(
            _("%(name)s is already enrolled or on the waiting list.") % {"name": resident.name},
            code="already_enrolled",
        ) from None
    return enrolment


def _first_waiting(item_id: int) -> Enrolment | None:
    qs = Enrolment.objects.filter(item_id=item_id, status=EnrolmentStatus.WAITING).order_by("created_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        # Two withdrawals at once each promote a different person, neither waits for the other.
        qs = qs.select_for_update(skip_locked=True)
    return qs.first()


def enrolment_withdraw(*, actor: Scope, enrolment: Enrolment, now: dt.datetime | None = None) -> Enrolment | None:
    """Withdraw (the student, their family, or the provider). Returns whoever got the seat."""
    if not (
        may_act_for(actor, enrolment.resident)
        or enrolment.ordered_by_id == getattr(actor.user, "pk", None)
        or _may_serve_enrolment(actor, enrolment)
    ):
        raise NotFound()
    now = now or timezone.now()
    promoted = None
    with transaction.atomic():
        was = enrolment.status
        if not Enrolment.objects.filter(
            pk=enrolment.pk, status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING]
        ).update(status=EnrolmentStatus.WITHDRAWN, withdrawn_at=now):
            raise Conflict(_("This enrolment has already ended."), code="not_active")
        if was == EnrolmentStatus.ENROLLED:
            while True:
                nxt = _first_waiting(enrolment.item_id)
                if nxt is None:
                    Item.objects.filter(pk=enrolment.item_id, seats_taken__gt=0).update(
                        seats_taken=F("seats_taken") - 1
                    )
                    break
                if Enrolment.objects.filter(pk=nxt.pk, status=EnrolmentStatus.WAITING).update(
                    status=EnrolmentStatus.ENROLLED, enrolled_at=now
                ):
                    promoted = nxt
                    promoted.refresh_from_db()
                    break
        enrolment.refresh_from_db()
        payments.payment_refund(payable=enrolment, recorded_by=actor.user, at=now)
    enrolment.refresh_from_db()
    return promoted


def _may_serve_enrolment(actor: Scope, enrolment: Enrolment) -> bool:
    from catalog.services._common import may_serve

    return may_serve(actor, community_id=enrolment.community_id, partner_id=enrolment.partner_id)


def session_create(*, actor: Scope | None, item: Item, starts_at: dt.datetime, topic: str = "") -> ClassSession:
    if actor is not None:
        require_serve(actor, community_id=item.community_id, partner_id=item.partner_id)
    if item.kind != ItemKind.CLASS:
        raise ValidationFailed(_("Only a class has sessions."), code="not_a_class")
    session, _created = ClassSession.objects.get_or_create(
        item=item, starts_at=starts_at, defaults={"community_id": item.community_id, "topic": (topic or "")[:100]}
    )
    return session


def attendance_record(
    *, actor: Scope | None, session: ClassSession, present_ids: set[int], now: dt.datetime | None = None
) -> int:
    """Mark who came to a session (everyone enrolled is listed; the others were absent).
    Each student present is a service given. Recording again adds nobody twice. Returns the
    number present."""
    item = session.item
    if actor is not None:
        require_serve(actor, community_id=item.community_id, partner_id=item.partner_id)
    now = now or timezone.now()
    if session.starts_at > now + dt.timedelta(minutes=30):
        raise ValidationFailed(_("Attendance is taken when the session starts."), code="too_early")
    user = actor.user if actor is not None else None
    enrolled = list(
        Enrolment.objects.filter(item=item, status=EnrolmentStatus.ENROLLED).select_related("resident")
    )
    unknown = set(present_ids) - {e.pk for e in enrolled}
    if unknown:
        raise ValidationFailed(_("Someone marked present is not enrolled in this class."), code="not_enrolled")
    count = 0
    with transaction.atomic():
        existing = {a.enrolment_id: a for a in Attendance.objects.filter(session=session)}
        for e in enrolled:
            present = e.pk in present_ids
            row = existing.get(e.pk)
            if row is None:
                row = Attendance.objects.create(
                    community_id=session.community_id, session=session, enrolment=e, present=present, recorded_by=user
                )
            elif row.present != present and not row.present:
                Attendance.objects.filter(pk=row.pk).update(present=True, recorded_by=user)
                row.present = True
            if row.present:
                count += 1
                service_record_create(
                    community=session.community,
                    service=item.name,
                    category=item.category.name,
                    occurred_at=min(session.starts_at, now),
                    tier=item.tier,
                    provider_kind=item.provider_kind,
                    partner=item.partner,
                    provider_name=item.provider_name,
                    served_by=user,
                    resident=e.resident,
                    room=item.room,
                    commitment=_welfare_commitment(item, e, session),
                    recorded_by=user,
                    source=("catalog.attendance", row.pk),
                )
    return count


def _welfare_commitment(item: Item, enrolment: Enrolment, session: ClassSession):
    commitment = item.commitment
    if commitment is None or enrolment.amount_fen >= enrolment.list_price_fen:
        return None
    if not commitment.agreement.in_force_on(timezone.localtime(session.starts_at).date()):
        return None
    return commitment


def enrolment_payment_state(enrolment: Enrolment) -> str:
    return PaymentState(enrolment.payment_state).label
