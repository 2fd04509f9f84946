"""Writes for the resident's rights under PIPL: consent (art. 14, 29, 31), moving out and
retention (art. 19), anonymisation and deletion requests (art. 47).

Anonymising keeps the row and its id: orders, service records, ledger postings, volunteer hours
and statistics point at the resident by foreign key and stay whole; what identifies the person
(name, ID and mobile numbers, address, groups, the login's name) is replaced by placeholders, in
the record and in its history.
"""

from __future__ import annotations

import datetime as dt

import django.dispatch
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from residents.models import (
    GUARDIAN_AGE,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    DeletionRequest,
    DeletionStatus,
    ImportBatch,
    Resident,
    id_number_index,
)
from residents.services import _require_resident

# What an anonymised resident's fields hold. Stored data, not interface text: the same in every
# language the pages are shown in.
ANONYMOUS_NAME = "已匿名居民"

# Sent, inside the transaction, when a resident was anonymised (the audit log records it): resident, user (who did it,
# None for the nightly retention run), reason.
resident_anonymised = django.dispatch.Signal()
# Sent when a resident asks for deletion, and when the request is carried out or refused.
deletion_request_made = django.dispatch.Signal()
deletion_request_decided = django.dispatch.Signal()


def _placeholder_id(resident_id: int) -> str:
    # Unique per resident, so the (community, ID number) constraint holds for any number of them.
    return f"ANONYMISED-{resident_id}"


@transaction.atomic
def resident_move_out(*, actor: Scope | None, resident: Resident, left_on: dt.date | None = None) -> Resident:
    """Record that a resident moved out. Their personal data is anonymised once the retention
    period has passed (``anonymise_expired``); records that point at them stay."""
    _require_resident(actor, Cap.RESIDENT_MANAGE, resident)
    left_on = left_on or timezone.localdate()
    if left_on > timezone.localdate():
        raise ValidationFailed(_("The moving-out date cannot be in the future."), code="future_date")
    if resident.anonymised_at is not None:
        raise Conflict(_("This resident's data has already been anonymised."), code="anonymised")
    resident.left_on = left_on
    resident.save(update_fields=["left_on", "updated_at"])
    return resident


@transaction.atomic
def resident_anonymise(*, actor: Scope | None, resident: Resident, reason: str, user: User | None = None) -> Resident:
    """Replace what identifies the resident with placeholders, keep the row (and its id).

    Idempotent: a resident already anonymised is returned unchanged."""
    _require_resident(actor, Cap.RESIDENT_MANAGE, resident)
    # Locked: a retention run and a deletion decision may reach the same resident at once.
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.anonymised_at is not None:
        return resident
    placeholder = _placeholder_id(resident.pk)
    resident.name = ANONYMOUS_NAME
    resident.name_pinyin = resident.name_initials = ""
    resident.id_number = placeholder
    resident.phone = ""
    resident.sensitive_tags = ""
    resident.building = None
    resident.household = None
    resident.unit = resident.room = resident.note = ""
    # The year stays (age groups in the statistics); the day that helps identify a person goes.
    resident.birth_date = dt.date(resident.birth_date.year, 1, 1)
    resident.anonymised_at = timezone.now()
    resident._change_reason = "anonymised"
    resident.save()
    resident.tags.clear()

    # The history copies every field: without this it would keep the name and numbers forever.
    Resident.history.filter(id=resident.pk).update(
        name=ANONYMOUS_NAME,
        name_pinyin="",
        name_initials="",
        id_number=placeholder,
        id_number_hash=id_number_index(placeholder),
        phone="",
        phone_hash="",
        phone_tail_hash="",
        sensitive_tags="",
        building=None,
        household=None,
        unit="",
        room="",
        note="",
        birth_date=resident.birth_date,
    )
    apps.get_model("residents", "HistoricalResident_tags").objects.filter(resident_id=resident.pk).delete()
    ConsentRecord.objects.filter(resident=resident).update(guardian_name="", guardian_relation="", note="")

    if resident.user_id:
        account = User.objects.select_for_update().get(pk=resident.user_id)
        account.username = f"anonymised-{account.pk}"
        account.display_name = ANONYMOUS_NAME
        account.phone = None
        account.is_active = False
        account.save()
        # The account's history copies its names and number too.
        User.history.filter(id=account.pk).update(
            username=account.username, display_name=ANONYMOUS_NAME, first_name="", last_name="", email="",
            phone=None, phone_hash="",
        )
    # Inside the transaction, like every audit event: the change and its record commit together.
    resident_anonymised.send(sender=Resident, resident=resident, user=user, reason=reason)
    return resident


def anonymise_expired(*, today: dt.date | None = None) -> dict[str, int]:
    """Apply the retention periods (settings.LINLI_RETENTION_DAYS). Idempotent: safe to run
    twice, or twice at once (each resident is locked and checked again)."""
    days = settings.LINLI_RETENTION_DAYS
    today = today or timezone.localdate()
    now = timezone.now()
    done = {"residents": 0, "snapshot_photos": 0, "import_files": 0}

    cutoff = today - dt.timedelta(days=days["moved_out"])
    for resident in Resident.objects.filter(left_on__lte=cutoff, anonymised_at__isnull=True).order_by("pk"):
        resident_anonymise(actor=None, resident=resident, reason="retention")
        done["residents"] += 1

    from snapshots.models import Photo, Status

    photo_cutoff = now - dt.timedelta(days=days["snapshot_photos"])
    for photo in Photo.objects.filter(report__status=Status.CLOSED, report__closed_at__lt=photo_cutoff):
        with transaction.atomic():
            if Photo.objects.filter(pk=photo.pk).delete()[0]:
                transaction.on_commit(lambda name=photo.image.name, storage=photo.image.storage: storage.delete(name))
                done["snapshot_photos"] += 1

    # An import file's rows (names and numbers as typed) serve the preview and the commit only.
    done["import_files"] = ImportBatch.objects.filter(
        created_at__lt=now - dt.timedelta(days=days["import_files"]), total_rows__gt=0
    ).update(rows=[], total_rows=0, error_rows=0)
    return done


# --- Consent -----------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor: Scope | None,
    resident: Resident,
    purpose: str,
    granted: bool,
    method: str,
    note: str = "",
    guardian_name: str = "",
    guardian_relation: str = "",
    user: User | None = None,
) -> ConsentRecord:
    """Record a consent or its withdrawal (a new record; the latest per purpose counts)."""
    _require_resident(actor, Cap.RESIDENT_MANAGE, resident)
    if purpose not in ConsentPurpose.values:
        raise ValidationFailed(_("Choose what the consent is for."), code="bad_purpose")
    if method not in ConsentMethod.values:
        raise ValidationFailed(_("Choose how the consent was given."), code="bad_method")
    if resident.anonymised_at is not None:
        raise Conflict(_("This resident's data has already been anonymised."), code="anonymised")
    guardian_name, guardian_relation = (guardian_name or "").strip(), (guardian_relation or "").strip()
    if resident.age < GUARDIAN_AGE and (not guardian_name or not guardian_relation):
        raise ValidationFailed(
            _(
                "%(name)s is under 14: only a parent or guardian can consent or withdraw. "
                "Record the guardian's name and relation."
            )
            % {"name": resident.name},
            code="guardian_required",
        )
    # Locked, as matching's wish_post locks it: a wish being posted and a withdrawal of the
    # consent for it happen one after the other, never interleaved.
    Resident.objects.select_for_update().filter(pk=resident.pk).first()
    record = ConsentRecord.objects.create(
        community_id=resident.community_id,
        resident=resident,
        purpose=purpose,
        granted=bool(granted),
        recorded_by=user if user is not None else (actor.user if actor is not None else None),
        method=method,
        note=(note or "").strip()[:200],
        guardian_name=guardian_name[:50],
        guardian_relation=guardian_relation[:20],
    )
    if purpose == ConsentPurpose.WISH and not record.granted:
        # Withdrawn: the resident's open micro-wishes leave the public wall now (docs/matching.md).
        from matching.services import wishes_withdraw_for_consent

        wishes_withdraw_for_consent(actor=actor, resident=resident)
    return record


# --- Deletion requests -------------------------------------------------------------------------


@transaction.atomic
def deletion_request_create(*, user: User, reason: str = "") -> DeletionRequest:
    """A resident asks, from their own page, for their personal data to be deleted."""
    resident = Resident.objects.select_for_update().filter(user=user).first()
    if resident is None:
        raise NotFound()
    already = Conflict(_("You have already asked; the community has not answered yet."), code="request_open")
    if DeletionRequest.objects.filter(resident=resident, status=DeletionStatus.OPEN).exists():
        raise already
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(
                community_id=resident.community_id,
                resident=resident,
                requested_by=user,
                reason=(reason or "").strip()[:300],
            )
    except IntegrityError:  # a second click that passed the check at the same moment
        raise already from None
    deletion_request_made.send(sender=DeletionRequest, request=request)
    return request


def _decide(*, actor: Scope, request: DeletionRequest, status: str, note: str) -> DeletionRequest:
    _require_resident(actor, Cap.RESIDENT_MANAGE, request.resident)
    # A conditional update: two staff deciding at once, only one decision counts.
    now = timezone.now()
    changed = DeletionRequest.objects.filter(pk=request.pk, status=DeletionStatus.OPEN).update(
        status=status, decided_by=actor.user, decided_at=now, decision_note=note[:300]
    )
    if not changed:
        raise Conflict(_("This request has already been answered."), code="request_closed")
    request.refresh_from_db()
    deletion_request_decided.send(sender=DeletionRequest, request=request)
    return request


@transaction.atomic
def deletion_request_carry_out(*, actor: Scope, request: DeletionRequest, note: str = "") -> DeletionRequest:
    request = _decide(actor=actor, request=request, status=DeletionStatus.DONE, note=(note or "").strip())
    resident_anonymise(actor=actor, resident=request.resident, reason="deletion request", user=actor.user)
    return request


@transaction.atomic
def deletion_request_refuse(*, actor: Scope, request: DeletionRequest, reason: str) -> DeletionRequest:
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationFailed(
            _("Say why the data must be kept (for example, subsidy records the law requires us to keep)."),
            code="no_reason",
        )
    return _decide(actor=actor, request=request, status=DeletionStatus.REFUSED, note=reason)
