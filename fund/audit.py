"""The auditor's archive: everything of a period in one zip (``audit.export``).

ledger entries and postings of the community's book, the fund's figures, spending requests with
their votes, steps, payments, comments and questions, donations and income, an index of the
documents (with SHA-256, so a file handed over separately can be matched), the published
reports and their corrections, and the chain's verification.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _

from fund import figures
from fund.models import DisclosureReport, Document, Donation, Fund, Income, SpendingRequest
from fund.services._common import as_scope, require
from ledger.models import Book, Posting, Transaction
from ledger.verify import book_verify
from linli.errors import ValidationFailed
from orgs.roles import Cap

MAX_DAYS = 3 * 366


def _csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    # A BOM, so Excel opens the Chinese text as UTF-8.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def audit_export(*, actor, fund: Fund, start: dt.date, end: dt.date) -> bytes:
    """[start, end] inclusive, local dates."""
    actor = as_scope(actor)
    require(actor, Cap.AUDIT_EXPORT, fund.community_id)
    if end < start or (end - start).days > MAX_DAYS:
        raise ValidationFailed(_("Choose a period of at most three years, ending after it starts."), code="bad_period")
    community = fund.community
    t0, t1 = figures.local_midnight(start), figures.local_midnight(end + dt.timedelta(days=1))
    book = Book.objects.filter(community=community).first()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        txns = Transaction.objects.filter(book=book, occurred_at__gte=t0, occurred_at__lt=t1).order_by("seq") if book else []
        z.writestr(
            "ledger/transactions.csv",
            _csv(
                [["seq", "occurred_at", "recorded_at", "kind", "memo", "source_type", "source_id", "reverses_seq", "prev_hash", "hash"]]
                + [
                    [t.seq, _iso(t.occurred_at), _iso(t.recorded_at), t.kind, t.memo, t.source_type, t.source_id,
                     t.reverses.seq if t.reverses_id else "", t.prev_hash, t.hash]
                    for t in (txns.select_related("reverses") if book else [])
                ]
            ),
        )
        postings = (
            Posting.objects.filter(book=book, occurred_at__gte=t0, occurred_at__lt=t1)
            .select_related("transaction", "account")
            .order_by("transaction__seq", "id")
            if book
            else []
        )
        z.writestr(
            "ledger/postings.csv",
            _csv([["seq", "account", "account_name", "amount_fen", "unit"]]
                 + [[p.transaction.seq, p.account.code, p.account.name, p.amount, p.unit] for p in postings]),
        )
        z.writestr("fund/figures.json", json.dumps(figures.period(community, start, end + dt.timedelta(days=1)).as_dict(), ensure_ascii=False, indent=1))
        requests = (
            SpendingRequest.objects.filter(fund=fund, created_at__lt=t1)
            .exclude(closed_at__lt=t0)
            .prefetch_related("lines", "votes__member", "steps", "payments__invoice", "comments", "questions")
            .order_by("number")
        )
        z.writestr(
            "fund/requests.json",
            json.dumps([_request(r) for r in requests], ensure_ascii=False, indent=1),
        )
        z.writestr(
            "fund/donations.csv",
            _csv([["receipt_no", "received_at", "kind", "donor_kind", "donor", "anonymous", "amount_fen", "goods", "quantity", "restriction", "ledger_txn"]]
                 + [[d.receipt_no, _iso(d.received_at), d.kind, d.donor_kind, d.donor_name, d.anonymous, d.amount_fen, d.goods, d.quantity or "", d.restriction, d.transaction_id]
                    for d in Donation.objects.filter(fund=fund, received_at__gte=t0, received_at__lt=t1).order_by("received_at")]),
        )
        z.writestr(
            "fund/income.csv",
            _csv([["received_at", "kind", "source", "payer", "amount_fen", "memo", "ledger_txn"]]
                 + [[i.received_at and _iso(i.received_at), i.kind, i.source, i.payer, i.amount_fen, i.memo, i.transaction_id]
                    for i in Income.objects.filter(fund=fund, received_at__gte=t0, received_at__lt=t1).order_by("received_at")]),
        )
        z.writestr(
            "documents_index.csv",
            _csv([["id", "kind", "title", "request", "file_name", "content_type", "size", "sha256", "public", "uploaded_at"]]
                 + [[d.pk, d.kind, d.title, d.spending_request.number if d.spending_request_id else "", d.original_name, d.content_type, d.size, d.sha256, d.public, _iso(d.uploaded_at)]
                    for d in Document.objects.filter(fund=fund, uploaded_at__lt=t1).select_related("spending_request").order_by("pk")]),
        )
        z.writestr(
            "fund/reports.json",
            json.dumps(
                [
                    {"id": r.pk, "kind": r.kind, "period_start": _iso(r.period_start), "period_end": _iso(r.period_end),
                     "published_at": _iso(r.published_at), "head_seq": r.head_seq, "head_hash": r.head_hash, "data": r.data,
                     "corrections": [{"text": c.text, "published_at": _iso(c.published_at)} for c in r.corrections.all()]}
                    for r in DisclosureReport.objects.filter(fund=fund, published_at__lt=t1).prefetch_related("corrections")
                ],
                ensure_ascii=False,
                indent=1,
            ),
        )
        verification = book_verify(book=book).as_dict() if book else {"ok": True, "transactions_checked": 0}
        z.writestr("verification.json", json.dumps(verification, ensure_ascii=False, indent=1))
        z.writestr(
            "README.txt",
            f"{fund.name} {start.isoformat()} — {end.isoformat()}\n"
            f"{fund.charity_name} {fund.charity_registration_no}\n"
            f"exported {_iso(timezone.now())} by {getattr(actor.user, 'username', 'system') if actor else 'system'}\n"
            "ledger/: entries and postings of the community's book in the period (amounts in fen, debit +)\n"
            "fund/: figures, requests (votes, steps, payments, comments, questions), donations, income, reports\n"
            "documents_index.csv: every document with its SHA-256\n"
            "verification.json: ledger.verify.book_verify of the whole book at export time\n",
        )
    return out.getvalue()


def _request(r: SpendingRequest) -> dict:
    return {
        "number": r.number,
        "title": r.title,
        "purpose": r.purpose,
        "beneficiaries": r.beneficiaries,
        "status": r.status,
        "amount_fen": r.amount_fen,
        "approved_fen": r.approved_fen,
        "paid_fen": r.paid_fen,
        "origin": [r.origin_type, r.origin_id],
        "lines": [[x.line, x.description, x.amount_fen] for x in r.lines.all()],
        "votes": [[v.round, v.member.name, v.choice, v.note, _iso(v.created_at)] for v in r.votes.all()],
        "steps": [[s.action, s.from_status, s.to_status, s.actor_name, s.reason, _iso(s.created_at)] for s in r.steps.all()],
        "payments": [[p.payee, p.line, p.amount_fen, _iso(p.paid_at), p.memo, p.invoice.sha256, p.transaction_id] for p in r.payments.all()],
        "comments": [[c.author_label, c.text, _iso(c.created_at)] for c in r.comments.all()],
        "questions": [[q.author_label, q.text, q.answer, _iso(q.answered_at)] for q in r.questions.all()],
        "report": {"text": r.report_text, "figures": r.report_figures},
    }
