"""Console pages of the ledger: read-only views of a community's book.

The book pages (overview, journal, trial balance, verify) work on the console's current
community, like the other console pages. Accounts and entries are opened by id through scoped
selectors, so another community's account or entry is a 404. Nothing here writes: money is
posted by the services of the apps it belongs to (fund, partners, markets…).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ledger import selectors
from ledger.models import Book
from ledger.verify import book_verify
from linli.errors import ValidationFailed
from orgs.models import OrgNode
from orgs.views import console_community


def _day(text: str | None, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(_("Dates look like 2026-05-31."), code="bad_date") from None


def _start_of(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day`` (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _current_book(request: HttpRequest) -> tuple[OrgNode, Book | None]:
    community = console_community(request)
    book = selectors.book_of_community_for_user(scope=request.scope, community=community)
    return community, book


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    community, book = _current_book(request)
    accounts = list(selectors.account_list(book=book)) if book else []
    recent = list(selectors.transaction_list(book=book)[:10]) if book else []
    return render(
        request,
        "ledger/home.html",
        {"community": community, "book": book, "accounts": accounts, "recent": recent},
    )


@login_required
@require_safe
def journal(request: HttpRequest) -> HttpResponse:
    community, book = _current_book(request)
    kind = request.GET.get("kind", "")
    page = None
    kinds: list[str] = []
    if book:
        kinds = selectors.kinds_of(book=book)
        page = Paginator(selectors.transaction_list(book=book, kind=kind if kind in kinds else ""), 50).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "ledger/journal.html",
        {"community": community, "book": book, "page": page, "kinds": kinds, "kind": kind},
    )


@login_required
@require_safe
def trial_balance(request: HttpRequest) -> HttpResponse:
    community, book = _current_book(request)
    day = _day(request.GET.get("at"), timezone.localdate()) if request.GET.get("at") else None
    tb = None
    if book:
        at = _start_of(day + dt.timedelta(days=1)) - dt.timedelta(microseconds=1) if day else None
        tb = selectors.trial_balance(book=book, at=at)
    return render(request, "ledger/trial_balance.html", {"community": community, "book": book, "tb": tb, "day": day})


@login_required
@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    community, book = _current_book(request)
    report = book_verify(book=book) if book else None
    return render(request, "ledger/verify.html", {"community": community, "book": book, "report": report})


@login_required
@require_safe
def account_statement(request: HttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get_for_user(scope=request.scope, account_id=account_id)
    today = timezone.localdate()
    first = _day(request.GET.get("start"), today.replace(day=1))
    last = _day(request.GET.get("end"), today)
    if last < first:
        raise ValidationFailed(_("The end of the period is before its start."), code="bad_period")
    st = selectors.statement(account=account, start=_start_of(first), end=_start_of(last + dt.timedelta(days=1)))
    return render(request, "ledger/statement.html", {"account": account, "st": st, "first": first, "last": last})


@login_required
@require_safe
def entry(request: HttpRequest, transaction_id: int) -> HttpResponse:
    txn = selectors.transaction_get_for_user(scope=request.scope, transaction_id=transaction_id)
    postings = list(selectors.postings_of(txn=txn))
    reversed_by = getattr(txn, "reversed_by", None)
    return render(request, "ledger/entry.html", {"t": txn, "postings": postings, "reversed_by": reversed_by})
