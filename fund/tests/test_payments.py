"""Payments never exceed the approved amount or the fund's balance; a refused payment leaves
nothing behind."""

from __future__ import annotations

import pytest

from fund import services
from fund.models import Payment
from fund.tests.conftest import donate, pdf, propose, to_approved
from ledger import chart
from ledger.models import Posting, Transaction
from linli.errors import Conflict, ValidationFailed
from orgs.scope import Scope


def _pay(world, r, amount, **kw):
    return services.payment_record(
        actor=Scope(world.user("charity_a")),
        request=r,
        amount_fen=amount,
        line="repairs",
        payee=kw.pop("payee", "临淄某五金店"),
        memo=kw.pop("memo", "感应灯"),
        invoice=kw.pop("invoice", pdf()),
        **kw,
    )


def test_payment_posts_one_entry_from_fund_cash_to_the_line(fund_world):
    world = fund_world.world
    donate(world, "a", 300_000)
    r = to_approved(world, propose(world, amount_fen=150_000))
    p = _pay(world, r, 100_000)
    txn = Transaction.objects.get(pk=p.transaction_id)
    community = world.community("a")
    lines = dict(Posting.objects.filter(transaction=txn).values_list("account__code", "amount"))
    assert lines == {f"fund:{community.pk}:spending:repairs": 100_000, f"fund:{community.pk}:cash": -100_000}
    assert chart.fund_cash(community).balance == 200_000
    assert p.invoice.public and p.invoice.spending_request_id == r.pk


def test_payment_beyond_the_approved_amount_is_refused_and_leaves_nothing(fund_world):
    world = fund_world.world
    donate(world, "a", 1_000_000)
    r = to_approved(world, propose(world, amount_fen=150_000), approved_fen=120_000)
    _pay(world, r, 100_000)
    before = (Transaction.objects.count(), Payment.objects.count())
    with pytest.raises(Conflict) as exc:
        _pay(world, r, 30_000)
    assert exc.value.code == "over_approved"
    r.refresh_from_db()
    assert r.paid_fen == 100_000
    assert (Transaction.objects.count(), Payment.objects.count()) == before


def test_payment_beyond_the_balance_is_refused_and_leaves_nothing(fund_world):
    world = fund_world.world
    donate(world, "a", 50_000)
    r = to_approved(world, propose(world, amount_fen=150_000))
    before = (Transaction.objects.count(), Payment.objects.count())
    with pytest.raises(Conflict) as exc:
        _pay(world, r, 100_000)
    assert exc.value.code == "insufficient_balance"
    r.refresh_from_db()
    assert r.paid_fen == 0
    assert (Transaction.objects.count(), Payment.objects.count()) == before
    assert chart.fund_cash(world.community("a")).balance == 50_000


def test_a_payment_needs_an_invoice_and_a_real_file(fund_world):
    world = fund_world.world
    donate(world, "a", 500_000)
    r = to_approved(world, propose(world))
    with pytest.raises(ValidationFailed):
        _pay(world, r, 100, invoice=None)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationFailed):
        _pay(world, r, 100, invoice=SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf"))
    r.refresh_from_db()
    assert r.paid_fen == 0


def test_a_retried_payment_with_the_same_key_pays_once(fund_world):
    world = fund_world.world
    donate(world, "a", 500_000)
    r = to_approved(world, propose(world))
    a = _pay(world, r, 10_000, idempotency_key="tap-1")
    b = _pay(world, r, 10_000, idempotency_key="tap-1")
    assert a.pk == b.pk
    r.refresh_from_db()
    assert r.paid_fen == 10_000
