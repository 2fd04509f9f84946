"""Service records (服务人次): the community's list for staff, and a resident's own services."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from linli.errors import NotFound
from orgs.roles import Cap
from orgs.views import console_community
from records.models import ProviderKind, Tier
from records.selectors import records_for_user, records_of_resident, served_counts


@login_required
def record_list(request):
    community = console_community(request)
    if not request.scope.has(Cap.RECORD_VIEW, community.pk):
        raise NotFound()
    today = timezone.localdate()
    start = parse_date(request.GET.get("start") or "") or today.replace(day=1)
    end = parse_date(request.GET.get("end") or "") or today
    qs = records_for_user(scope=request.scope, community_id=community.pk)
    tier = request.GET.get("tier") if request.GET.get("tier") in Tier.values else ""
    provider = request.GET.get("provider") if request.GET.get("provider") in ProviderKind.values else ""
    if tier:
        qs = qs.filter(tier=tier)
    if provider:
        qs = qs.filter(provider_kind=provider)
    tz = timezone.get_current_timezone()
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time()), tz)
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), tz)
    counts = served_counts(qs, start=lo, end=hi)
    rows = qs.filter(occurred_at__gte=lo, occurred_at__lt=hi)[:200]
    return render(
        request,
        "records/list.html",
        {
            "community": community,
            "rows": rows,
            "counts": counts,
            "start": start,
            "end": end,
            "tier": tier,
            "provider": provider,
            "tiers": Tier.choices,
            "providers": ProviderKind.choices,
        },
    )


@login_required
def my_services(request):
    from residents.models import Resident

    ids = list(Resident.objects.filter(user=request.user).values_list("pk", flat=True))
    rows = records_of_resident(resident_ids=ids)[:100] if ids else []
    return render(request, "records/mine.html", {"rows": rows, "total": len(rows)})
