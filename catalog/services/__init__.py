"""Every write of the catalog app. Keyword-only functions, one transaction each."""

from catalog.services.classes import (
    attendance_record,
    enrolment_create,
    enrolment_withdraw,
    session_create,
)
from catalog.services.items import (
    buyer_for,
    category_create,
    item_create,
    item_update,
    price_rule_create,
    price_rule_set_active,
    quote_for,
    rules_for,
    worker_card_record,
)
from catalog.services.meals import (
    meal_create,
    meal_record_no_shows,
    order_cancel,
    order_create,
    order_hand_over,
)
from catalog.services.payments import PAYMENT_METHODS, PaymentMethod, payment_confirm, register_payment_method
from catalog.services.settlement import profit_share_assess, share_payment_record

__all__ = [
    "PAYMENT_METHODS",
    "PaymentMethod",
    "attendance_record",
    "buyer_for",
    "category_create",
    "enrolment_create",
    "enrolment_withdraw",
    "item_create",
    "item_update",
    "meal_create",
    "meal_record_no_shows",
    "order_cancel",
    "order_create",
    "order_hand_over",
    "payment_confirm",
    "price_rule_create",
    "price_rule_set_active",
    "profit_share_assess",
    "quote_for",
    "register_payment_method",
    "rules_for",
    "session_create",
    "share_payment_record",
    "worker_card_record",
]
