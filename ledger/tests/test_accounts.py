import pytest

from ledger import services
from ledger.models import Account, Book, BookKind, OwnerType
from linli.errors import Conflict, ValidationFailed


def test_a_community_gets_one_book(world):
    book = services.book_for_community(community=world.community_a)
    assert services.book_for_community(community=world.community_a) == book
    assert (book.kind, book.community, book.name, book.head_seq) == (
        BookKind.COMMUNITY,
        world.community_a,
        "康平社区",
        0,
    )


def test_only_communities_have_books(world):
    with pytest.raises(ValidationFailed):
        services.book_for_community(community=world.grid_a1)


def test_there_is_one_platform_book(db):
    assert services.platform_book() == services.platform_book()
    assert Book.objects.filter(kind=BookKind.PLATFORM).count() == 1


def test_an_account_carries_its_book_s_community(world, book_a):
    acc = services.account_open(
        book=book_a, code="fund:cash", name="基金", type="asset", owner_type=OwnerType.FUND, owner_id=3
    )
    assert (acc.community_id, acc.balance, acc.unit) == (world.community_a.pk, 0, "CNY")


def test_a_code_is_unique_in_its_book_only(book_a, book_b):
    services.account_open(book=book_a, code="fund:cash", name="基金", type="asset", owner_type="fund", owner_id=1)
    with pytest.raises(Conflict) as exc:
        services.account_open(book=book_a, code="fund:cash", name="基金2", type="asset", owner_type="fund", owner_id=1)
    assert exc.value.code == "account_exists"
    services.account_open(book=book_b, code="fund:cash", name="基金", type="asset", owner_type="fund", owner_id=2)


def test_get_or_open_returns_the_same_account_and_refuses_a_different_one(book_a):
    kwargs = dict(
        book=book_a, code="fund:cash", name="基金", type="asset", owner_type="fund", owner_id=1, non_negative=True
    )
    first = services.account_get_or_open(**kwargs)
    assert services.account_get_or_open(**kwargs) == first
    with pytest.raises(Conflict) as exc:
        services.account_get_or_open(**{**kwargs, "non_negative": False})
    assert exc.value.code == "account_mismatch"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"code": "Fund Cash"}, "bad_account_code"),
        ({"code": ""}, "bad_account_code"),
        ({"name": " "}, "bad_account_name"),
        ({"type": "revenue"}, "bad_account_type"),
        ({"unit": "USD"}, "bad_unit"),
        ({"owner_type": "bank"}, "bad_owner"),
        ({"owner_type": "partner", "owner_id": None}, "bad_owner"),
        ({"owner_type": "platform", "owner_id": 4}, "bad_owner"),
    ],
)
def test_account_fields_are_checked(book_a, fields, code):
    kwargs = {"book": book_a, "code": "x:y", "name": "名称", "type": "asset", "owner_type": "fund", "owner_id": 1}
    with pytest.raises(ValidationFailed) as exc:
        services.account_open(**{**kwargs, **fields})
    assert exc.value.code == code
    assert not Account.objects.exists()


def test_a_community_owns_accounts_in_its_own_book_only(world, book_a):
    acc = services.account_open(book=book_a, code="c:1", name="社区", type="equity", owner_type="community")
    assert acc.owner_id == world.community_a.pk
    with pytest.raises(ValidationFailed):
        services.account_open(
            book=book_a, code="c:2", name="社区", type="equity", owner_type="community", owner_id=world.community_b.pk
        )


def test_books_lock_needs_a_transaction_and_locks_in_id_order(book_a, book_b):
    from django.db import transaction

    with transaction.atomic():
        assert services.books_lock(books=[book_b, book_a.pk]) == sorted([book_a, book_b], key=lambda b: b.pk)
        with pytest.raises(ValidationFailed):
            services.books_lock(books=[999_999])


def test_refreshing_an_account_reads_its_cached_balance(chart):
    from ledger.tests.conftest import donate

    donate(chart, 700)
    assert chart.fund_cash.balance == 0
    assert services.account_refresh(account=chart.fund_cash).balance == 700
