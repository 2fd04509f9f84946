"""Disclosure (公开): published reports, correction notes, and the disclosure calendar.

A report is a snapshot: every figure as read from the ledger at publication, with the ledger's
head (entry number and hash) at that moment. PDF and Excel are drawn from the snapshot, so the
same report downloads the same forever; anyone holding a printed copy can check the head
against the chain (``ledger.verify.book_verify(published_head=…)``). A published report is never
changed: a mistake gets a published correction note, and the original stays visible.

The calendar follows the 慈善组织信息公开办法 in force from 2026-01-01: a project running longer
than six months is disclosed at least every three months, and fully within three months of its
end. ``overdue`` lists what is late, for the committee's and the charity's pages and for
``manage.py fund_disclose``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fund import figures
from fund.models import (
    CorrectionNote,
    DisclosureReport,
    Donation,
    DonationKind,
    Fund,
    Payment,
    ReportKind,
    RequestStatus,
    SpendingRequest,
)
from fund.selectors import PUBLIC_STATUSES
from fund.services._common import as_scope, clean_text, no_personal_data, require, user_of
from fund.services.requests import tally
from ledger.models import Book
from linli.errors import Conflict, ValidationFailed
from orgs.roles import Cap

INTERIM_DAYS = 92  # "at least every three months"
FINAL_DAYS = 92  # "fully within three months of its end"
LONG_PROJECT_DAYS = 183  # "running over six months"
SPENT = (RequestStatus.APPROVED, RequestStatus.REPORTED, RequestStatus.CLOSED)


def period_of(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    if kind == ReportKind.MONTH:
        start = start.replace(day=1)
        return start, figures.add_months(start, 1)
    if kind == ReportKind.QUARTER:
        start = dt.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
        return start, figures.add_months(start, 3)
    raise ValidationFailed(_("Choose a monthly or a quarterly report."), code="bad_kind")


def _request_row(r: SpendingRequest, paid_in_period: int) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "title": r.title,
        "purpose": r.purpose,
        "beneficiaries": r.beneficiaries,
        "status": r.status,
        "status_label": str(r.get_status_display()),
        "amount_fen": r.amount_fen,
        "approved_fen": r.approved_fen,
        "paid_fen": r.paid_fen,
        "paid_in_period_fen": paid_in_period,
        "votes": tally(r) if r.round else None,
        "lines": [{"line": x.line, "description": x.description, "amount_fen": x.amount_fen} for x in r.lines.all()],
        "report_text": r.report_text,
        "report_figures": r.report_figures,
    }


def snapshot(fund: Fund, start: dt.date, end: dt.date, *, spending_request: SpendingRequest | None = None) -> dict:
    """Every figure of the period [start, end), read now. No personal data: donors who asked
    are "anonymous", beneficiaries are as described in the (checked) requests."""
    community = fund.community
    f = figures.period(community, start, end)
    t0, t1 = figures.local_midnight(start), figures.local_midnight(end)
    payments = Payment.objects.filter(spending_request__fund=fund, paid_at__gte=t0, paid_at__lt=t1).select_related(
        "spending_request"
    )
    if spending_request is not None:
        payments = payments.filter(spending_request=spending_request)
    paid: dict[int, int] = {}
    for p in payments:
        paid[p.spending_request_id] = paid.get(p.spending_request_id, 0) + p.amount_fen
    if spending_request is not None:
        requests = [spending_request]
    else:
        requests = list(
            SpendingRequest.objects.filter(fund=fund, status__in=PUBLIC_STATUSES, submitted_at__lt=t1)
            .exclude(closed_at__lt=t0)
            .prefetch_related("lines")
            .order_by("number")
        )
    donations = Donation.objects.filter(fund=fund, received_at__gte=t0, received_at__lt=t1).order_by("received_at", "pk")
    book = Book.objects.filter(community=community).first()
    chain = figures.chain_check(community)
    return {
        "v": 1,
        "fund": {
            "name": fund.name,
            "community": community.name,
            "charity_name": fund.charity_name,
            "charity_registration_no": fund.charity_registration_no,
        },
        "period": {"start": start.isoformat(), "end": end.isoformat(), "last_day": (end - dt.timedelta(days=1)).isoformat()},
        "figures": f.as_dict(),
        "requests": [_request_row(r, paid.get(r.pk, 0)) for r in requests],
        "payments": [
            {
                "request": p.spending_request.number,
                "payee": p.payee,
                "line": p.line,
                "amount_fen": p.amount_fen,
                "paid_at": timezone.localtime(p.paid_at).isoformat(),
                "memo": p.memo,
                "invoice_sha256": p.invoice.sha256 if p.invoice_id else "",
            }
            for p in payments.select_related("invoice")
        ],
        "donations": [
            {
                "receipt_no": d.receipt_no,
                "donor": d.public_donor,
                "kind": d.kind,
                "amount_fen": d.amount_fen,
                "goods": d.goods,
                "quantity": d.quantity,
                "restriction": d.restriction,
                "received_at": timezone.localtime(d.received_at).date().isoformat(),
            }
            for d in (donations if spending_request is None else Donation.objects.none())
        ],
        "ledger": {
            "head_seq": book.head_seq if book else 0,
            "head_hash": book.head_hash if book else "0" * 64,
            "verified": chain.ok,
        },
        "generated_at": timezone.now().isoformat(),
    }


@transaction.atomic
def report_publish(
    *,
    actor,
    fund: Fund,
    kind: str,
    period_start: dt.date | None = None,
    spending_request: SpendingRequest | None = None,
    final: bool = False,
) -> DisclosureReport:
    """Publish a monthly or quarterly report of a period that is over, or a project report
    (interim, or final once the request is closed). Publishing the same period twice returns
    the report already published: it is never replaced."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_MANAGE, fund.community_id)
    today = timezone.localdate()
    if kind == ReportKind.PROJECT:
        if spending_request is None or spending_request.fund_id != fund.pk or spending_request.status not in SPENT:
            raise ValidationFailed(_("A project report is for an approved request of this fund."), code="bad_request")
        if final and spending_request.status != RequestStatus.CLOSED:
            raise ValidationFailed(_("The final report comes when the request is closed."), code="not_closed")
        start = timezone.localdate(spending_request.approved_at) if spending_request.approved_at else today
        end = today + dt.timedelta(days=1)
    else:
        if period_start is None:
            raise ValidationFailed(_("Choose the period."), code="bad_period")
        start, end = period_of(kind, period_start)
        if end > today:
            raise ValidationFailed(_("A report covers a period that is over."), code="period_open")
        existing = DisclosureReport.objects.filter(
            fund=fund, kind=kind, period_start=start, spending_request__isnull=True
        ).first()
        if existing is not None:
            return existing
    book = Book.objects.select_for_update().filter(community=fund.community).first()
    data = snapshot(fund, start, end, spending_request=spending_request if kind == ReportKind.PROJECT else None)
    data["final"] = bool(final)
    try:
        with transaction.atomic():
            return DisclosureReport.objects.create(
                fund=fund,
                community_id=fund.community_id,
                kind=kind,
                spending_request=spending_request if kind == ReportKind.PROJECT else None,
                period_start=start,
                period_end=end,
                final=bool(final),
                data=data,
                head_seq=book.head_seq if book else 0,
                head_hash=book.head_hash if book else "0" * 64,
                published_at=timezone.now(),
                published_by=user_of(actor),
            )
    except IntegrityError:
        return DisclosureReport.objects.get(fund=fund, kind=kind, period_start=start, spending_request__isnull=True)


@transaction.atomic
def correction_publish(*, actor, report: DisclosureReport, text: str) -> CorrectionNote:
    """A published correction. The report itself is not touched."""
    actor = as_scope(actor)
    require(actor, Cap.FUND_MANAGE, report.community_id)
    text = no_personal_data(clean_text(text, max_length=2000, field=_("Correction"), required=True), field=_("Correction"))
    return CorrectionNote.objects.create(
        report=report, community_id=report.community_id, text=text, published_at=timezone.now(), published_by=user_of(actor)
    )


# --- The calendar -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    spending_request: SpendingRequest
    what: str  # "interim" | "final"
    due_on: dt.date

    @property
    def label(self) -> str:
        if self.what == "final":
            return _("Full disclosure of “%(title)s” was due by %(date)s (three months after its end).") % {
                "title": self.spending_request.title,
                "date": self.due_on.isoformat(),
            }
        return _("“%(title)s” runs over six months and was due to be disclosed by %(date)s (every three months).") % {
            "title": self.spending_request.title,
            "date": self.due_on.isoformat(),
        }


def _project_span(r: SpendingRequest, today: dt.date) -> tuple[dt.date, dt.date | None]:
    start = r.starts_on or (timezone.localdate(r.approved_at) if r.approved_at else today)
    end = r.ends_on if r.ends_on and r.ends_on <= today else None
    if r.status == RequestStatus.CLOSED and r.closed_at:
        end = min(end or timezone.localdate(r.closed_at), timezone.localdate(r.closed_at))
    return start, end


def overdue(fund: Fund, today: dt.date | None = None) -> list[Overdue]:
    """Disclosures that are late under the rule, oldest first."""
    today = today or timezone.localdate()
    reports = [
        {
            "request_id": x.spending_request_id,
            "final": x.final,
            "published_on": timezone.localdate(x.published_at),
            "numbers": {row["number"] for row in x.data.get("requests", [])},
        }
        for x in DisclosureReport.objects.filter(fund=fund).only("spending_request_id", "final", "published_at", "data")
    ]
    late: list[Overdue] = []
    for r in SpendingRequest.objects.filter(fund=fund, status__in=SPENT):
        start, end = _project_span(r, today)
        if end is not None:
            has_final = any(x["request_id"] == r.pk and x["final"] for x in reports)
            due = end + dt.timedelta(days=FINAL_DAYS)
            if not has_final and today > due:
                late.append(Overdue(r, "final", due))
            continue
        if (today - start).days <= LONG_PROJECT_DAYS:
            continue
        # A report that discloses the project counts: its own project report, or a monthly or
        # quarterly report that lists it (they list every request running in their period).
        covering = [x["published_on"] for x in reports if x["request_id"] == r.pk or r.number in x["numbers"]]
        last = max(covering, default=start)
        due = max(last, start) + dt.timedelta(days=INTERIM_DAYS)
        if today > due:
            late.append(Overdue(r, "interim", due))
    return sorted(late, key=lambda o: o.due_on)


def due_periods(fund: Fund, today: dt.date | None = None) -> list[tuple[str, dt.date]]:
    """The last complete month and quarter, if not yet published (what the schedule makes)."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    last_month = figures.add_months(this_month, -1)
    quarter_start, _end = period_of(ReportKind.QUARTER, today)
    last_quarter = figures.add_months(quarter_start, -3)
    due = []
    first = fund.agreement_date.replace(day=1)
    for kind, start in ((ReportKind.MONTH, last_month), (ReportKind.QUARTER, last_quarter)):
        if figures.add_months(start, 3 if kind == ReportKind.QUARTER else 1) <= first:
            continue
        if not DisclosureReport.objects.filter(fund=fund, kind=kind, period_start=start, spending_request__isnull=True).exists():
            due.append((kind, start))
    return due


def run_schedule(*, fund: Fund, today: dt.date | None = None) -> tuple[list[DisclosureReport], list[Overdue]]:
    """What ``fund_disclose`` does for one fund: publish the due periodic reports, the interim
    reports of long projects that are late and the final reports of closed ones; then list
    what is still overdue. Safe to run twice at once (each report is published once)."""
    made = [report_publish(actor=None, fund=fund, kind=kind, period_start=start) for kind, start in due_periods(fund, today)]
    for item in overdue(fund, today):
        if item.what == "final" and item.spending_request.status != RequestStatus.CLOSED:
            continue  # the full report needs the completion report and closing; it stays flagged
        made.append(
            report_publish(
                actor=None, fund=fund, kind=ReportKind.PROJECT, spending_request=item.spending_request,
                final=item.what == "final",
            )
        )
    return made, overdue(fund, today)


def check_kind(kind: str) -> str:
    if kind not in ReportKind.values:
        raise Conflict(_("Unknown report kind."), code="bad_kind")
    return kind


def money_items(data: dict) -> list[tuple[str, int]]:
    """(label, fen) of a snapshot's headline figures, in the order reports print them."""
    f = data["figures"]
    return [
        (str(_("Opening balance")), f["opening_cash"]),
        (str(_("Money in")), f["income_total"] - f["income"].get("in_kind", 0)),
        (str(_("Goods donated (fair value)")), f["income"].get("in_kind", 0)),
        (str(_("Money out")), f["spending_total"]),
        (str(_("Closing balance")), f["cash"]),
    ]


__all__ = ["DonationKind", "Overdue", "correction_publish", "overdue", "report_publish", "run_schedule", "snapshot"]


# --- The donor's statement --------------------------------------------------------------------


def donor_statement(donation: Donation) -> list[dict]:
    """How the fund used money in the months this donor gave: per month, what came in, what went
    out by budget line, and the payments made (from the ledger and the payments' records)."""
    fund = donation.fund
    gifts = Donation.objects.filter(fund=fund, donor_name=donation.donor_name, donor_kind=donation.donor_kind)
    months = sorted({timezone.localtime(g.received_at).date().replace(day=1) for g in gifts})
    rows = []
    for start in months[-24:]:
        end = figures.add_months(start, 1)
        f = figures.period(fund.community, start, end)
        t0, t1 = figures.local_midnight(start), figures.local_midnight(end)
        payments = (
            Payment.objects.filter(spending_request__fund=fund, paid_at__gte=t0, paid_at__lt=t1)
            .select_related("spending_request")
            .order_by("paid_at")
        )
        rows.append(
            {
                "month": start.strftime("%Y-%m"),
                "given_fen": sum(g.amount_fen for g in gifts if timezone.localtime(g.received_at).date().replace(day=1) == start),
                "income_total": f.income_total,
                "spending_total": f.spending_total,
                "spending": {k: v for k, v in f.spending.items() if v},
                "spending_names": f.spending_names,
                "closing_cash": f.cash,
                "payments": [
                    {"request": p.spending_request.number, "title": p.spending_request.title, "memo": p.memo, "amount_fen": p.amount_fen}
                    for p in payments
                ],
            }
        )
    return rows
