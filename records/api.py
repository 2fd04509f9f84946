"""Service records through the API: a community's records and counts, and one's own."""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from ninja import Query, Router, Schema

from orgs.roles import Cap
from orgs.selectors import community_get_for_user
from records.selectors import records_for_user, records_of_resident, served_counts

router = Router(tags=["records"])


class ServiceRecordOut(Schema):
    id: int
    community_id: int
    occurred_at: dt.datetime
    service: str
    category: str
    tier: str
    provider_kind: str
    provider_name: str
    partner_id: int | None
    resident_id: int | None
    person_times: int
    amount_fen: int


class CountsOut(Schema):
    person_times: int
    residents: int
    free: int
    low_cost: int
    market: int


class Period(Schema):
    start: dt.datetime | None = None
    end: dt.datetime | None = None


@router.get("/communities/{community_id}/records", response=list[ServiceRecordOut], summary="Latest 500 service records")
def record_list(request, community_id: int, period: Query[Period]):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.RECORD_VIEW)
    qs = records_for_user(scope=request.scope, community_id=community.pk)
    if period.start:
        qs = qs.filter(occurred_at__gte=period.start)
    if period.end:
        qs = qs.filter(occurred_at__lt=period.end)
    return list(qs[:500])


@router.get("/communities/{community_id}/counts", response=CountsOut, summary="Person-times and residents served")
def record_counts(request, community_id: int, period: Query[Period]):
    community = community_get_for_user(scope=request.scope, community_id=community_id, cap=Cap.RECORD_VIEW)
    return served_counts(
        records_for_user(scope=request.scope, community_id=community.pk), start=period.start, end=period.end
    )


@router.get("/mine", response=list[ServiceRecordOut], summary="The services I received")
def my_records(request):
    from residents.models import Resident

    ids = list(Resident.objects.filter(user=request.user).values_list("pk", flat=True))
    return list(records_of_resident(resident_ids=ids)[:200]) if ids else []
