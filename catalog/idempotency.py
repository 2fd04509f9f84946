"""``Idempotency-Key`` for creating API requests whose objects do not carry the key themselves."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from catalog.models import IdempotentRequest
from catalog.services._common import check_key
from linli.errors import Conflict

M = TypeVar("M", bound=models.Model)

HEADER = "Idempotency-Key"


def header_key(request) -> str | None:
    return check_key(request.headers.get(HEADER))


def idempotent(request, model: type[M], make: Callable[[], M]) -> M:
    """Run ``make`` once per (user, key); a repeat returns what the first run made."""
    key = header_key(request)
    if key is None:
        return make()
    kind = model._meta.label_lower
    user = request.user

    def earlier() -> M | None:
        row = IdempotentRequest.objects.filter(user=user, key=key).first()
        if row is None:
            return None
        if row.kind != kind:
            raise Conflict(_("This Idempotency-Key was already used for another request."), code="idempotency_key_reused")
        return model._default_manager.get(pk=row.object_id)

    found = earlier()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            obj = make()
            IdempotentRequest.objects.create(user=user, key=key, kind=kind, object_id=obj.pk)
    except IntegrityError:
        found = earlier()
        if found is None:
            raise
        return found
    return obj
