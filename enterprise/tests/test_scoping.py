"""A user from another subdistrict sees nothing; the bookkeeping agency reads and exports."""

from __future__ import annotations

import pytest

from enterprise import selectors, services
from enterprise.models import Decision
from enterprise.tests.factories import other_subdistrict
from linli.errors import Forbidden, NotFound
from orgs.models import RoleGrant
from orgs.roles import Role
from orgs.scope import Scope
from orgs.services import role_grant

pytestmark = pytest.mark.django_db


def test_a_user_from_another_subdistrict_sees_nothing(world, ent_a, ent_b):
    req = services.expense_request_create(
        actor=Scope(world.staff("a")), enterprise=ent_a, category="running", purpose="电费", payee="供电公司",
        amount_fen=200_000,
    )
    other = other_subdistrict(world)
    outsider = Scope(other["officer"])
    assert list(selectors.enterprise_list_for_user(scope=outsider)) == [other["enterprise"]]
    assert list(selectors.request_list_for_user(scope=outsider)) == []
    assert list(selectors.question_list_for_user(scope=outsider)) == []
    assert selectors.requests_awaiting(scope=outsider) == []
    for fetch in (
        lambda: selectors.enterprise_get_for_user(scope=outsider, enterprise_id=ent_a.pk),
        lambda: selectors.request_get_for_user(scope=outsider, expense_request_id=req.pk),
    ):
        with pytest.raises(NotFound):
            fetch()
    # Nor can that subdistrict's officer approve another subdistrict's request.
    services.expense_request_decide(actor=Scope(world.user("secretary_a")), request=req, decision=Decision.APPROVE)
    with pytest.raises(NotFound):
        services.expense_request_decide(actor=outsider, request=req, decision=Decision.APPROVE)
    # Our own subdistrict officer sees both communities and decides.
    officer = Scope(world.user("officer"))
    assert set(selectors.enterprise_list_for_user(scope=officer)) == {ent_a, ent_b}
    assert [r.pk for r in selectors.requests_awaiting(scope=officer)] == [req.pk]


def test_the_bookkeeping_agency_reads_but_does_not_write(world, ent_a):
    from accounts.services import user_create
    from linli.testkit import PASSWORD

    agency = user_create(username="bookkeeper_a", password=PASSWORD, display_name="代账会计")
    grant = role_grant(user=agency, node=world.community_a, role=Role.BOOKKEEPER, actor=Scope(world.user("secretary_a")))
    assert RoleGrant.objects.filter(pk=grant.pk, role=Role.BOOKKEEPER).exists()
    scope = Scope(agency)
    assert list(selectors.enterprise_list_for_user(scope=scope)) == [ent_a]
    with pytest.raises(NotFound):
        services.income_record(
            actor=scope, enterprise=ent_a, source="other", amount_fen=1, received_on=ent_a.created_at.date(),
            payer="x", memo="y",
        )
    req = services.expense_request_create(
        actor=Scope(world.staff("a")), enterprise=ent_a, category="running", purpose="电费", payee="供电公司",
        amount_fen=20_000,
    )
    with pytest.raises(Forbidden):
        services.expense_request_decide(actor=scope, request=req, decision=Decision.APPROVE)
