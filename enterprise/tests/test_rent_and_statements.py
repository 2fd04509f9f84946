"""Rent invoices from the partners' agreements, the charity share, and statements that equal the
ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enterprise import chart, services
from enterprise.models import Decision, MonthlyStatement, Question, RentInvoice
from enterprise.reports import arrears_of, budget_report, month_report
from enterprise.services._common import local_midnight, month_start, next_month
from enterprise.tests.factories import TODAY, YEAR, lease
from ledger import chart as ledger_chart
from ledger.chart import FundSource
from ledger.models import BookKind
from ledger.selectors import book_get_for_user, totals_by_kind
from ledger.services import book_for_community
from ledger.verify import book_verify
from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.scope import Scope

pytestmark = pytest.mark.django_db

THIS_MONTH = month_start(TODAY)
LAST_MONTH = month_start(THIS_MONTH - dt.timedelta(days=1))


def test_rent_invoices_come_from_signed_agreements_once_per_month(world, ent_a):
    agreement = lease(world, "a", rent_fen=150_000, area=45)
    staff = Scope(world.staff("a"))
    issued = services.rent_invoices_generate(actor=staff, enterprise=ent_a, period=LAST_MONTH)
    assert [(i.agreement_id, i.amount_fen, i.area_m2) for i in issued] == [(agreement.pk, 150_000, 45)]
    assert services.rent_invoices_generate(actor=staff, enterprise=ent_a, period=LAST_MONTH) == []
    assert RentInvoice.objects.filter(enterprise=ent_a).count() == 1
    services.rent_invoices_generate(actor=staff, enterprise=ent_a, period=THIS_MONTH)
    with pytest.raises(ValidationFailed):
        services.rent_invoices_generate(actor=staff, enterprise=ent_a, period=next_month(THIS_MONTH))
    assert chart.rent_receivable(ent_a).balance == 300_000
    assert chart.income(ent_a, "rent").balance == -300_000


def test_payments_reduce_arrears_and_cannot_exceed_what_is_owed(world, ent_a):
    lease(world, "a", rent_fen=150_000)
    staff = Scope(world.staff("a"))
    (invoice,) = services.rent_invoices_generate(actor=staff, enterprise=ent_a, period=LAST_MONTH)
    services.rent_payment_record(actor=staff, invoice=invoice, amount_fen=100_000, paid_on=TODAY, idempotency_key="k1")
    services.rent_payment_record(actor=staff, invoice=invoice, amount_fen=100_000, paid_on=TODAY, idempotency_key="k1")
    invoice.refresh_from_db()
    assert invoice.paid_fen == 100_000 and invoice.status == "part"
    with pytest.raises(Conflict):
        services.rent_payment_record(actor=staff, invoice=invoice, amount_fen=60_000, paid_on=TODAY)
    (row,) = arrears_of(enterprise=ent_a)
    assert row.owed == 50_000
    services.rent_payment_record(actor=staff, invoice=invoice, amount_fen=50_000, paid_on=TODAY)
    assert arrears_of(enterprise=ent_a) == []
    assert chart.rent_receivable(ent_a).balance == 0


def test_ten_percent_of_a_partners_income_goes_to_the_charity_held_fund(world, ent_a):
    agreement = lease(world, "a")
    services.share_transfer_record(
        actor=Scope(world.staff("a")), agreement=agreement, period=LAST_MONTH, revenue_fen=800_000
    )
    again = services.share_transfer_record(
        actor=Scope(world.staff("a")), agreement=agreement, period=LAST_MONTH, revenue_fen=800_000
    )
    assert again.share_fen == 80_000
    community = world.community_a
    assert ledger_chart.fund_cash(community).balance == 80_000
    assert ledger_chart.fund_income(community, FundSource.REVENUE_SHARE).balance == -80_000
    # Posted in the community's book (the fund's), not the enterprise's.
    assert again.transaction.book.kind == BookKind.COMMUNITY
    no_share = lease(world, "a", name="理发店", charity=False)
    with pytest.raises(ValidationFailed):
        services.share_transfer_record(
            actor=Scope(world.staff("a")), agreement=no_share, period=LAST_MONTH, revenue_fen=100_000
        )


def _month_with_everything(world, ent):
    staff = Scope(world.staff("a"))
    lease(world, "a", rent_fen=150_000)
    (invoice,) = services.rent_invoices_generate(actor=staff, enterprise=ent, period=THIS_MONTH)
    services.rent_payment_record(actor=staff, invoice=invoice, amount_fen=150_000, paid_on=TODAY)
    services.income_record(
        actor=staff, enterprise=ent, source="donation", amount_fen=20_000, received_on=TODAY, payer="爱心商户",
        memo="赞助",
    )
    req = services.expense_request_create(
        actor=staff, enterprise=ent, category="activities", purpose="重阳节活动", payee="沙坪超市", amount_fen=35_000
    )
    services.expense_request_decide(actor=Scope(world.user("secretary_a")), request=req, decision=Decision.APPROVE)
    services.expense_request_pay(actor=staff, request=req)


def test_a_statements_totals_equal_the_ledgers(world, ent_a):
    _month_with_everything(world, ent_a)
    report = month_report(enterprise=ent_a, month=THIS_MONTH)
    start, end = local_midnight(THIS_MONTH), local_midnight(next_month(THIS_MONTH))
    totals = {
        t.kind: t.amount
        for t in totals_by_kind(
            community_ids=[world.community_a.pk], start=start, end=end, book_kind=BookKind.ENTERPRISE
        )
    }
    # Income: the grant of the fixture, the donation, the rent invoiced; spending: the request.
    assert report.income_total == totals[chart.KIND_INCOME] + totals[chart.KIND_RENT_INVOICE] == 5_170_000
    assert report.expense_total == totals[chart.KIND_EXPENSE] == 35_000
    by_source = {r.key: r.amount for r in report.income_rows}
    assert by_source["rent"] == 150_000 and by_source["donation"] == 20_000
    assert sum(e.income for e in report.entries) == report.income_total
    assert sum(e.expense for e in report.entries) == report.expense_total
    assert report.cash_closing == chart.cash(ent_a).balance
    assert book_verify(book=ent_a.book).ok
    # The community's own totals do not include the enterprise's (收支两条线, separate books).
    community_totals = totals_by_kind(community_ids=[world.community_a.pk], start=start, end=end)
    assert not [t for t in community_totals if t.kind.startswith("enterprise.")]
    # And the ledger's community-book lookups never answer with the enterprise's book.
    with pytest.raises(NotFound):
        book_get_for_user(scope=Scope(world.staff("a")), community_id=world.community_a.pk)
    community_book = book_for_community(community=world.community_a)
    assert book_get_for_user(scope=Scope(world.staff("a")), community_id=world.community_a.pk) == community_book
    rows = {r.line.category: r for r in budget_report(enterprise=ent_a, year=YEAR)}
    assert rows["activities"].actual == 35_000


def test_statements_publish_questions_and_overdue_answers(world, ent_a):
    staff = Scope(world.staff("a"))
    _month_with_everything(world, ent_a)
    with pytest.raises(ValidationFailed):
        services.statement_publish(actor=staff, enterprise=ent_a, month=THIS_MONTH)
    # Move to next month: the month is over and may be published.
    future = local_midnight(next_month(THIS_MONTH)) + dt.timedelta(days=2)
    with _frozen(future):
        statement = services.statement_publish(actor=staff, enterprise=ent_a, month=THIS_MONTH)
        assert statement.income_fen == month_report(enterprise=ent_a, month=THIS_MONTH).income_total
        assert statement.head_seq == ent_a.book.head_seq or statement.head_seq > 0
        entry = month_report(enterprise=ent_a, month=THIS_MONTH).entries[-1]
        q = services.question_ask(
            user=world.user("resident_a"), statement=statement, transaction_id=entry.transaction_id,
            text="重阳节活动花了多少人？",
        )
        with pytest.raises(ValidationFailed):
            other_book_txn = ledger_chart.fund_cash(world.community_a)  # an entry not in this statement
            services.question_ask(
                user=world.user("resident_a"), statement=statement, transaction_id=other_book_txn.pk + 10_000,
                text="?",
            )
    from enterprise.selectors import question_list_for_user

    officer = Scope(world.user("officer"))
    with _frozen(q.due_at + dt.timedelta(hours=1)):
        assert list(question_list_for_user(scope=officer, overdue_only=True)) == [q]
        services.question_answer(actor=staff, question=q, answer="共52位老人参加，费用明细见附件。")
        assert list(question_list_for_user(scope=officer, overdue_only=True)) == []
        with pytest.raises(Conflict):
            services.question_answer(actor=staff, question=q, answer="again")
    with pytest.raises(NotFound):
        services.question_answer(actor=Scope(world.staff("b")), question=q, answer="x")
    assert MonthlyStatement.objects.count() == 1 and Question.objects.count() == 1


class _frozen:
    """Move timezone.now() (as the services see it) to a fixed moment."""

    def __init__(self, moment):
        self.moment = moment

    def __enter__(self):
        from unittest import mock

        self.patches = [
            mock.patch("django.utils.timezone.now", return_value=self.moment),
        ]
        for p in self.patches:
            p.start()
        return self

    def __exit__(self, *exc):
        for p in self.patches:
            p.stop()


def test_now_is_aware():
    assert timezone.is_aware(timezone.now())
