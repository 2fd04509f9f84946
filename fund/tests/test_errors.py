"""Every refusal carries a clear message in the user's language (Chinese by default): the
message is the gettext of an English source string, rendered under zh-hans. These assertions
need the zh_Hans catalogue to hold the fund's strings (the integrator adds them with the rest
of the project's translations; until then this file fails like linli/tests/test_i18n.py)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from fund import services
from fund.tests.conftest import donate, make_user, member, pdf, propose, to_approved
from linli.errors import DomainError
from orgs.scope import Scope

CJK = re.compile(r"[\u4e00-\u9fff]")


def _message(call) -> str:
    with translation.override("zh-hans"):
        with pytest.raises(DomainError) as exc:
            call()
        return str(exc.value.message)


def test_refusals_are_in_chinese(fund_world):
    world = fund_world.world
    staff, charity = Scope(world.staff("a")), Scope(world.user("charity_a"))
    donate(world, "a", 10_000)
    r = to_approved(world, propose(world, amount_fen=50_000))
    draft = propose(world)
    messages = [
        _message(lambda: services.committee_change(actor=staff, fund=fund_world.fund, add=[member(make_user("z1"))])),
        _message(lambda: services.payment_record(actor=charity, request=r, amount_fen=60_000, line="repairs", payee="店", memo="灯", invoice=pdf())),
        _message(lambda: services.payment_record(actor=charity, request=r, amount_fen=40_000, line="repairs", payee="店", memo="灯", invoice=pdf())),
        _message(lambda: services.spending_request_approve(actor=charity, request=draft)),
        _message(lambda: propose(world, beneficiaries="13800000101")),
    ]
    for m in messages:
        assert CJK.search(m), m
