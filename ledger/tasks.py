"""Periodic ledger work (Huey): every book's hash chain and balances verified each night.

A broken book is logged as an error (with the first broken sequence number) for the operators'
alerting; the verification itself changes nothing. ``manage.py ledger_verify`` does the same on
demand.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ledger.models import Book
from ledger.verify import book_verify

log = logging.getLogger("linli.ledger")


def verify_all_books() -> list[dict]:
    results = []
    for book in Book.objects.order_by("pk"):
        report = book_verify(book=book)
        if not report.ok:
            log.error("ledger book %s (%s) fails verification at seq %s", book.pk, book.name, report.first_broken_seq)
        results.append({"book": book.pk, "ok": report.ok, "transactions": report.transactions_checked})
    return results


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_ledger_verify() -> list[dict]:
    return verify_all_books()
