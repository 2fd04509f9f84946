"""The audit log over the API: the same scoped search as the page (auditors and administrators)."""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from audit import selectors
from linli.errors import NotFound

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    user_id: int | None
    username: str
    community_id: int | None
    object_type: str
    object_id: str
    summary: str
    ip_address: str | None


class AuditFilters(Schema):
    kind: str = ""
    username: str = ""
    community_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@router.get("/events", response=list[AuditEventOut], summary="Search the audit log (auditors)")
@paginate(LimitOffsetPagination)
def event_list(request, filters: Query[AuditFilters]):
    if not selectors.may_search(request.scope):
        raise NotFound()
    return selectors.events_for_user(
        scope=request.scope,
        kind=filters.kind,
        username=filters.username,
        community_id=filters.community_id,
        since=filters.since,
        until=filters.until,
    )
