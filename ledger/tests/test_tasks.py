import pytest

from ledger import services
from ledger.models import Transaction
from ledger.tasks import nightly_ledger_verify, verify_all_books
from ledger.tests.conftest import open_chart

pytestmark = pytest.mark.django_db


def test_the_nightly_task_verifies_every_book(world):
    book = services.book_for_community(community=world.community_a)
    chart = open_chart(book)
    services.transaction_post(
        book=book, kind="fund.donation", memo="捐赠", postings=[(chart.fund_cash, 500), (chart.fund_income, -500)]
    )
    services.book_for_community(community=world.community_b)
    assert [r["ok"] for r in verify_all_books()] == [True, True]
    # What the scheduler runs each night (call_local runs the task's body in this process).
    assert nightly_ledger_verify.call_local() == verify_all_books()
    assert Transaction.objects.count() == 1
