"""The ledger speaks Chinese by default (the catalogue itself is checked in linli/tests/test_i18n.py)."""

from django.utils import translation

from ledger import services
from ledger.tests.conftest import spend
from linli.errors import Conflict


def test_refusals_are_in_chinese(chart):
    with translation.override("zh-hans"):
        try:
            spend(chart, 100)
        except Conflict as exc:
            message = str(exc.message)
        assert message == "基金 · 资金 余额不足：现有 ¥0.00，本笔需要 ¥1.00。"
        assert (
            services.transaction_reverse(
                original=services.transaction_post(
                    book=chart.book,
                    kind="fund.donation",
                    memo="",
                    postings=[(chart.fund_cash, 1), (chart.fund_income, -1)],
                ),
                memo="",
                recorded_by=None,
            ).memo
            == "冲销第 1 号凭证"
        )


def test_the_console_is_in_chinese(world, chart, login):
    body = login(world.user("staff_a")).get("/console/ledger/verify/").content.decode()
    assert "核对账簿" in body
