"""Races on real PostgreSQL, one connection per thread (deselected on SQLite runs, where writers
are serialised by the database itself).

* Two requests racing for the last of a budget line: the line's row lock serialises them, so the
  second sees the first and is refused (over budget) instead of both fitting.
* Two cashiers recording the last rent payment at once: the conditional update lets one through.
* Two approvers deciding the same level at once: one decision is recorded.
"""

from __future__ import annotations

import pytest

from enterprise import services
from enterprise.models import Approval, ExpenseRequest, RentInvoice
from enterprise.tests.factories import TODAY, YEAR, enterprise_for, lease
from enterprise.tests.test_rent_and_statements import LAST_MONTH
from ledger.tests.test_concurrency import race
from linli.errors import Conflict
from orgs.scope import Scope

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_requests_cannot_both_fit_into_the_last_of_a_budget(world):
    ent = enterprise_for(world, "a")
    staff = Scope(world.staff("a"))
    services.budget_set(actor=staff, enterprise=ent, year=YEAR, category="wishes", amount_fen=100_000)

    def ask(payee):
        return lambda: services.expense_request_create(
            actor=Scope(world.staff("a")), enterprise=ent, category="wishes", purpose="微心愿", payee=payee,
            amount_fen=60_000,
        )

    results = race(ask("甲店"), ask("乙店"))
    assert sum(isinstance(r, ExpenseRequest) for r in results) == 1
    assert sum(isinstance(r, Conflict) and r.code == "over_budget" for r in results) == 1


def test_the_last_rent_payment_is_recorded_once(world):
    ent = enterprise_for(world, "a")
    lease(world, "a", rent_fen=150_000)
    (invoice,) = services.rent_invoices_generate(actor=Scope(world.staff("a")), enterprise=ent, period=LAST_MONTH)

    def pay():
        return services.rent_payment_record(
            actor=Scope(world.staff("a")), invoice=RentInvoice.objects.get(pk=invoice.pk), amount_fen=150_000,
            paid_on=TODAY,
        )

    results = race(pay, pay)
    assert sum(isinstance(r, Conflict) for r in results) == 1
    invoice.refresh_from_db()
    assert invoice.paid_fen == 150_000


def test_two_approvers_at_the_same_level_record_one_decision(world):
    ent = enterprise_for(world, "a")
    req = services.expense_request_create(
        actor=Scope(world.staff("a")), enterprise=ent, category="running", purpose="电费", payee="供电公司",
        amount_fen=10_000,
    )

    def decide():
        return services.expense_request_decide(
            actor=Scope(world.user("secretary_a")), request=ExpenseRequest.objects.get(pk=req.pk), decision="approve"
        )

    results = race(decide, decide)
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert Approval.objects.filter(request=req).count() == 1
