"""A community may have a second book, for its community enterprise; the community's own book
stays the one every community lookup answers with."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from ledger import services, triggers
from ledger.models import Book, BookKind
from ledger.selectors import book_get_for_user, book_list_for_user, book_of_community_for_user
from linli.errors import NotFound
from orgs.scope import Scope

pytestmark = pytest.mark.django_db


def test_an_enterprise_book_sits_beside_the_community_book(world):
    enterprise = services.book_for_enterprise(community=world.community_a, name="康平社区服务有限公司")
    assert enterprise.kind == BookKind.ENTERPRISE
    assert services.book_for_enterprise(community=world.community_a, name="other") == enterprise
    scope = Scope(world.staff("a"))
    # No community book yet: the community lookups do not answer with the enterprise's.
    with pytest.raises(NotFound):
        book_get_for_user(scope=scope, community_id=world.community_a.pk)
    assert book_of_community_for_user(scope=scope, community=world.community_a) is None
    community = services.book_for_community(community=world.community_a)
    assert community.kind == BookKind.COMMUNITY and community != enterprise
    assert book_get_for_user(scope=scope, community_id=world.community_a.pk) == community
    assert list(book_list_for_user(scope=scope)) == [community]


def test_one_book_of_each_kind_per_community(world):
    services.book_for_enterprise(community=world.community_a, name="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Book.objects.create(kind=BookKind.ENTERPRISE, community=world.community_a, name="second")
    with pytest.raises(IntegrityError), transaction.atomic():
        Book.objects.create(kind=BookKind.ENTERPRISE, community=None, name="nowhere")


def test_the_append_only_triggers_survive_the_migration():
    assert triggers.missing_triggers(connection) == []
