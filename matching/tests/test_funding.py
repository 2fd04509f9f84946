"""A project or a wish draws on the community fund through the fund's spending request."""

import pytest

from fund.models import SpendingRequest
from fund.tests.conftest import make_fund
from linli.errors import Conflict, NotFound
from matching import services
from matching.tests.conftest import post_wish
from orgs.scope import Scope

pytestmark = pytest.mark.django_db


def test_a_project_asks_the_fund_once_and_keeps_the_request(world):
    make_fund(world, "a")
    staff = Scope(world.staff("a"))
    project = services.project_create(
        actor=staff, community=world.community_a, title="四点半课堂", owner_name="社区党委", plan="每天 16:30-18:00"
    )
    project = services.project_request_funding(actor=staff, project=project, amount_fen=300_000, purpose="教具和点心")
    request = SpendingRequest.objects.get(pk=project.fund_request_id)
    assert (request.origin_type, request.origin_id, request.amount_fen) == ("matching.project", project.pk, 300_000)
    with pytest.raises(Conflict):
        services.project_request_funding(actor=staff, project=project, amount_fen=1, purpose="again")


def test_only_those_who_may_propose_spending_can_ask(world):
    make_fund(world, "a")
    wish = post_wish(world)
    with pytest.raises(NotFound):
        services.wish_request_funding(actor=Scope(world.user("grid_a1")), wish=wish, amount_fen=12000, purpose="书包")
    wish = services.wish_request_funding(actor=Scope(world.staff("a")), wish=wish, amount_fen=12000, purpose="书包")
    assert SpendingRequest.objects.get(pk=wish.fund_request_id).origin_type == "matching.wish"
    assert wish.events.filter(action="funding").count() == 1
