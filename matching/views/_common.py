"""What the matching pages share."""

from __future__ import annotations

from django.contrib import messages

from linli.errors import DomainError, NotFound
from orgs.views import console_community


def need_cap(request, *caps: str):
    """The console's community, if the user holds one of ``caps`` there (else a 404)."""
    community = console_community(request)
    if not any(request.scope.has(cap, community.pk) for cap in caps):
        raise NotFound()
    return community


def report(request, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def yuan_to_fen(value) -> int:
    return int((value * 100).to_integral_value())
