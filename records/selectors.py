"""Reads of service records, scoped to the user's communities."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from orgs.roles import Cap
from orgs.scope import Scope
from records.models import ServiceRecord


def records_for_user(*, scope: Scope, community_id: int | None = None) -> QuerySet[ServiceRecord]:
    qs = scope.filter(ServiceRecord.objects.all(), Cap.RECORD_VIEW)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.select_related("partner", "resident", "room")


def records_of_resident(*, resident_ids) -> QuerySet[ServiceRecord]:
    """A resident's own services (their page): the caller has established whose they are."""
    return ServiceRecord.objects.filter(resident_id__in=list(resident_ids)).select_related("partner", "room")


def served_counts(
    qs: QuerySet[ServiceRecord], *, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> dict:
    """Person-times (sum, reversals included) and distinct residents served, by tier."""
    if start is not None:
        qs = qs.filter(occurred_at__gte=start)
    if end is not None:
        qs = qs.filter(occurred_at__lt=end)
    totals = qs.aggregate(
        n_times=Sum("person_times"),
        n_residents=Count("resident", distinct=True),
        n_free=Sum("person_times", filter=Q(tier="free")),
        n_low_cost=Sum("person_times", filter=Q(tier="low_cost")),
        n_market=Sum("person_times", filter=Q(tier="market")),
    )
    names = {"n_times": "person_times", "n_residents": "residents", "n_free": "free"}
    names |= {"n_low_cost": "low_cost", "n_market": "market"}
    return {names[k]: v or 0 for k, v in totals.items()}
