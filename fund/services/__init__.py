"""Every write of the fund app. Callers import from here:
``from fund.services import spending_request_propose``."""

from fund.services.income import donation_record, income_record
from fund.services.requests import (
    LineIn,
    payment_record,
    spending_request_approve,
    spending_request_close,
    spending_request_propose,
    spending_request_report,
    spending_request_return,
    spending_request_revise,
    spending_request_submit,
    spending_request_to_charity,
    spending_request_vote,
    spending_request_withdraw,
    tally,
)
from fund.services.setup import (
    MemberIn,
    check_committee_size,
    committee_change,
    committee_member_leave,
    document_add,
    fund_create,
)
from fund.services.voice import comment_add, question_answer, question_ask

__all__ = [
    "LineIn",
    "MemberIn",
    "check_committee_size",
    "comment_add",
    "committee_change",
    "committee_member_leave",
    "document_add",
    "donation_record",
    "fund_create",
    "income_record",
    "payment_record",
    "question_answer",
    "question_ask",
    "spending_request_approve",
    "spending_request_close",
    "spending_request_propose",
    "spending_request_report",
    "spending_request_return",
    "spending_request_revise",
    "spending_request_submit",
    "spending_request_to_charity",
    "spending_request_vote",
    "spending_request_withdraw",
    "tally",
]
