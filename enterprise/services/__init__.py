"""Every write to the enterprise app. Keyword-only functions, one transaction each; ``actor`` is
the caller's Scope (None for a trusted caller such as the demo loader or another app)."""

from enterprise.services.disclosure import question_answer, question_ask, statement_publish
from enterprise.services.rent import rent_invoices_generate, rent_payment_record, share_transfer_record
from enterprise.services.setup import (
    budget_set,
    can_edit_policy,
    chain_for,
    document_add,
    enterprise_create,
    enterprise_update,
    policy_for,
    policy_update,
)
from enterprise.services.spending import (
    approves_as,
    committed_fen,
    expense_request_cancel,
    expense_request_create,
    expense_request_decide,
    expense_request_pay,
    income_record,
)

__all__ = [
    "approves_as",
    "budget_set",
    "can_edit_policy",
    "chain_for",
    "committed_fen",
    "document_add",
    "enterprise_create",
    "enterprise_update",
    "expense_request_cancel",
    "expense_request_create",
    "expense_request_decide",
    "expense_request_pay",
    "income_record",
    "policy_for",
    "policy_update",
    "question_answer",
    "question_ask",
    "rent_invoices_generate",
    "rent_payment_record",
    "share_transfer_record",
    "statement_publish",
]
