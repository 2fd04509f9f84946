"""Payments are recorded, not processed: Linli never touches a resident's money.

A payment method says how the money moves and whether the order is paid the moment it is made.
The default, ``offline``, is what community kitchens and classes do today: the resident pays in
cash or by transfer to the provider, and the provider confirms it (at the pick-up, or at the
desk). Another method (a WeChat Pay integration, a prepaid meal card) registers itself with
``register_payment_method`` and says ``paid_on_order=True`` once its own callback has confirmed.

When a payment is confirmed the money is posted to the ledger (``catalog.services.money``); a
refund reverses that entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import PaymentState
from catalog.services import money
from catalog.services._common import require_serve
from linli.errors import Conflict, ValidationFailed
from orgs.scope import Scope


@dataclass(frozen=True)
class PaymentMethod:
    code: str
    label: object
    paid_on_order: bool = False


PAYMENT_METHODS: dict[str, PaymentMethod] = {}


def register_payment_method(method: PaymentMethod) -> None:
    PAYMENT_METHODS[method.code] = method


register_payment_method(PaymentMethod("offline", gettext_lazy("Paid offline (cash or transfer), confirmed by the provider")))


def method_get(code: str) -> PaymentMethod:
    method = PAYMENT_METHODS.get(code or "offline")
    if method is None:
        raise ValidationFailed(_("Unknown way of paying."), code="bad_payment_method")
    return method


def initial_state(amount_fen: int) -> str:
    return PaymentState.FREE if amount_fen == 0 else PaymentState.DUE


def payment_confirm(*, actor: Scope | None, payable, at=None, method: str = "offline"):
    """The provider confirms it has been paid. Confirming twice is harmless (one ledger entry)."""
    if actor is not None:
        require_serve(actor, community_id=payable.community_id, partner_id=payable.partner_id)
    method_get(method)
    at = at or timezone.now()
    model = type(payable)
    with transaction.atomic():
        # Conditional: of two clerks confirming the same payment, one posts it.
        changed = model.objects.filter(pk=payable.pk, payment_state=PaymentState.DUE).update(
            payment_state=PaymentState.PAID,
            paid_at=at,
            payment_method=method,
            payment_confirmed_by=actor.user if actor is not None else None,
        )
        payable.refresh_from_db()
        if not changed:
            if payable.payment_state == PaymentState.PAID:
                return payable
            raise Conflict(_("There is nothing to pay on this."), code="not_due")
        share = money.post_payment(payable=payable, recorded_by=actor.user if actor is not None else None)
        if share:
            model.objects.filter(pk=payable.pk).update(share_fen=share)
            payable.share_fen = share
    return payable


def payment_refund(*, payable, recorded_by=None, at=None) -> None:
    """Inside the caller's transaction: a paid order or enrolment cancelled is refunded."""
    model = type(payable)
    at = at or timezone.now()
    if model.objects.filter(pk=payable.pk, payment_state=PaymentState.PAID).update(
        payment_state=PaymentState.REFUNDED, refunded_at=at
    ):
        payable.payment_state = PaymentState.REFUNDED
        payable.refunded_at = at
        money.reverse_payment(payable=payable, recorded_by=recorded_by)
    elif model.objects.filter(pk=payable.pk, payment_state=PaymentState.DUE).exists():
        # Nothing was paid: nothing to give back, nothing is owed any more.
        model.objects.filter(pk=payable.pk).update(payment_state=PaymentState.FREE)
        payable.payment_state = PaymentState.FREE
