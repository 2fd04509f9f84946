"""The auditors' pages: search the log, and export what the search found (itself logged)."""

from __future__ import annotations

import io

import openpyxl
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import selectors, services
from audit.forms import EventFilter
from audit.models import Kind
from linli.errors import NotFound

EXPORT_LIMIT = 50_000


def _search(request):
    form = EventFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.events_for_user(
        scope=request.scope,
        kind=filters.get("kind", ""),
        username=filters.get("username", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return form, qs


@login_required
def events(request):
    if not selectors.may_search(request.scope):
        raise NotFound()
    form, qs = _search(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {"form": form, "page": page, "query": query.urlencode(), "may_export": selectors.may_export(request.scope)},
    )


@login_required
def events_xlsx(request):
    if not selectors.may_export(request.scope):
        raise NotFound()
    form, qs = _search(request)
    rows = list(qs[:EXPORT_LIMIT])
    services.record(
        Kind.AUDIT_EXPORT,
        summary=_("%(n)s events: %(query)s") % {"n": len(rows), "query": request.GET.urlencode()[:200]},
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _("Audit log")
    ws.append(
        [_("When"), _("Event"), _("Account"), _("Community id"), _("Object"), _("Summary"), _("Address"), _("Browser")]
    )
    for e in rows:
        ws.append(
            [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.get_kind_display(),
                e.username,
                e.community_id,
                f"{e.object_type} {e.object_id}".strip(),
                e.summary,
                e.ip_address or "",
                e.user_agent,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
