"""The one way to write a service record. Every app that gives a service calls this."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import ValidationFailed
from orgs.models import NodeKind, OrgNode
from records.models import ProviderKind, ServiceRecord, Tier

# Phones and servers disagree a little about the time.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def service_record_create(
    *,
    community: OrgNode,
    service: str,
    occurred_at: dt.datetime,
    tier: str,
    provider_kind: str,
    source: tuple[str, int],
    category: str = "",
    partner=None,
    provider_name: str = "",
    served_by=None,
    resident=None,
    person_times: int = 1,
    room=None,
    amount_fen: int = 0,
    commitment=None,
    recorded_by=None,
) -> ServiceRecord:
    """Record a service given. Idempotent by ``source`` = (kind of thing, its id), e.g.
    ("catalog.order", 42): recording the same source again returns the first record.

    ``person_times`` counts people served (a market's free clinic stall: 37); a negative count
    reverses an earlier record. With ``commitment`` (a partner's public-welfare commitment), the
    record also counts towards it (``partners`` keeps the progress entry, once per record).
    Authorisation is the caller's: this function trusts that the service was given.
    """
    source_type, source_id = source
    source_type = str(source_type or "")[:50]
    if not source_type or source_id is None:
        raise ValidationFailed(_("A service record needs its source."), code="bad_source")
    existing = ServiceRecord.objects.filter(source_type=source_type, source_id=source_id).first()
    if existing is not None:
        return existing
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Services are recorded in a community."), code="not_a_community")
    service = (service or "").strip()[:100]
    if not service:
        raise ValidationFailed(_("Say which service was given."), code="bad_service")
    if tier not in Tier.values:
        raise ValidationFailed(_("Unknown price tier."), code="bad_tier")
    if provider_kind not in ProviderKind.values:
        raise ValidationFailed(_("Unknown kind of provider."), code="bad_provider")
    if not isinstance(person_times, int) or person_times == 0:
        raise ValidationFailed(_("The number of people served is a whole number other than 0."), code="bad_count")
    if not isinstance(amount_fen, int) or amount_fen < 0:
        raise ValidationFailed(_("The amount paid cannot be negative."), code="bad_amount")
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationFailed(_("A service is recorded once it has been given."), code="bad_dates")
    for obj in (partner, resident, room):
        if obj is not None and obj.community_id != community.pk:
            raise ValidationFailed(_("The record mixes two communities."), code="cross_community")
    if partner is not None and not provider_name:
        provider_name = partner.name
    try:
        with transaction.atomic():
            record = ServiceRecord.objects.create(
                community=community,
                occurred_at=occurred_at,
                service=service,
                category=(category or "").strip()[:50],
                tier=tier,
                provider_kind=provider_kind,
                partner=partner,
                provider_name=(provider_name or "")[:100],
                served_by=served_by,
                resident=resident,
                person_times=person_times,
                room=room,
                amount_fen=amount_fen,
                source_type=source_type,
                source_id=source_id,
                recorded_by=recorded_by,
            )
            if commitment is not None and person_times > 0:
                from partners.services import commitment_entry_record

                commitment_entry_record(
                    actor=None,
                    commitment=commitment,
                    occurred_on=timezone.localtime(occurred_at).date(),
                    quantity=person_times,
                    note=service,
                    source_type="records.servicerecord",
                    source_id=record.pk,
                )
    except IntegrityError:
        # Two requests recording the same source at once: the other one won; same answer.
        existing = ServiceRecord.objects.filter(source_type=source_type, source_id=source_id).first()
        if existing is None:
            raise
        return existing
    return record
