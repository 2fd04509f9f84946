"""Reading the audit log: scoped to the communities where the user holds ``audit.view``.

Events that belong to no community (log-ins, lockouts, account changes) are for platform
administrators: an account may act in several communities, and a lockout may concern a name
that is no account at all.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from audit.models import Event
from orgs.roles import Cap
from orgs.scope import Scope


def events_for_user(
    *,
    scope: Scope,
    kind: str = "",
    username: str = "",
    community_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Event]:
    qs = Event.objects.all()
    if not scope.is_platform_admin:
        qs = qs.filter(community_id__in=scope.community_ids(Cap.AUDIT_VIEW))
    if kind:
        qs = qs.filter(kind=kind)
    if username:
        qs = qs.filter(username__icontains=username.strip())
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    tz = timezone.get_current_timezone()
    if since is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until is not None:
        qs = qs.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs.order_by("-at", "-pk")


def may_search(scope: Scope) -> bool:
    return scope.is_platform_admin or scope.has_anywhere(Cap.AUDIT_VIEW)


def may_export(scope: Scope) -> bool:
    return scope.is_platform_admin or scope.has_anywhere(Cap.AUDIT_EXPORT)
