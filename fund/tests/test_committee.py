"""The committee has at least 3 members and an odd number, at set-up and after every change."""

from __future__ import annotations

import datetime as dt

import pytest

from fund import services
from fund.models import CommitteeMember, Fund
from fund.tests.conftest import TODAY, make_user, member
from linli.errors import NotFound, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope


def _create(world, users):
    return services.fund_create(
        actor=Scope(world.staff("a")),
        community=world.community("a"),
        charity_name="淄博市慈善总会",
        charity_registration_no="51370300MJD000000X",
        charity_public_fundraising=True,
        agreement_date=TODAY,
        members=[member(u, chair=i == 0) for i, u in enumerate(users)],
    )


@pytest.mark.parametrize("n", [2, 4])
def test_a_committee_of_2_or_4_is_refused(world, n):
    users = [make_user(f"m{i}") for i in range(n)]
    with pytest.raises(ValidationFailed) as exc:
        _create(world, users)
    assert exc.value.code == "committee_size"
    assert not Fund.objects.exists()
    assert not CommitteeMember.objects.exists()


def test_a_committee_of_3_or_5_is_accepted_and_members_get_the_vote(world):
    users = [make_user(f"m{i}") for i in range(5)]
    fund = _create(world, users)
    assert fund.members.count() == 5
    assert all(Scope(u).has(Cap.FUND_VOTE, world.community_a.pk) for u in users)


def test_the_charity_must_hold_public_fundraising_status(world):
    with pytest.raises(ValidationFailed) as exc:
        services.fund_create(
            actor=Scope(world.staff("a")),
            community=world.community("a"),
            charity_name="某基金会",
            charity_registration_no="X",
            charity_public_fundraising=False,
            agreement_date=TODAY,
            members=[member(make_user(f"m{i}"), chair=i == 0) for i in range(3)],
        )
    assert exc.value.code == "charity_status"


def test_only_fund_managers_set_up_a_fund(world):
    with pytest.raises(NotFound):
        services.fund_create(
            actor=Scope(world.staff("b")),
            community=world.community("a"),
            charity_name="淄博市慈善总会",
            charity_registration_no="X",
            charity_public_fundraising=True,
            agreement_date=TODAY,
            members=[member(make_user(f"m{i}"), chair=i == 0) for i in range(3)],
        )


def test_a_member_leaving_alone_is_refused_but_a_replacement_in_one_step_is_not(fund_world):
    fund, world = fund_world.fund, fund_world.world
    staff = Scope(world.staff("a"))
    leaving = fund.members.filter(is_chair=False).first()
    with pytest.raises(ValidationFailed) as exc:
        services.committee_member_leave(actor=staff, member=leaving, reason="工作调动")
    assert exc.value.code == "committee_size"
    leaving.refresh_from_db()
    assert leaving.left_on is None

    newcomer = make_user("newcomer")
    services.committee_member_leave(actor=staff, member=leaving, reason="工作调动", replacement=member(newcomer))
    assert fund.members.filter(left_on__isnull=True).count() == 3
    assert not Scope(leaving.user).has(Cap.FUND_VOTE, fund.community_id)
    assert Scope(newcomer).has(Cap.FUND_VOTE, fund.community_id)


def test_adding_one_member_to_three_is_refused_two_accepted(fund_world):
    fund, world = fund_world.fund, fund_world.world
    staff = Scope(world.staff("a"))
    with pytest.raises(ValidationFailed):
        services.committee_change(actor=staff, fund=fund, add=[member(make_user("x1"))])
    services.committee_change(actor=staff, fund=fund, add=[member(make_user("x2")), member(make_user("x3"))])
    assert fund.members.filter(left_on__isnull=True).count() == 5


def test_the_chair_cannot_leave_without_a_new_chair(fund_world):
    fund, world = fund_world.fund, fund_world.world
    staff = Scope(world.staff("a"))
    chair = fund.members.get(is_chair=True)
    with pytest.raises(ValidationFailed) as exc:
        services.committee_member_leave(actor=staff, member=chair, reason="届满", replacement=member(make_user("y")))
    assert exc.value.code == "chair"
    services.committee_member_leave(
        actor=staff, member=chair, reason="届满", replacement=MemberInChair(make_user("y2"))
    )
    assert fund.members.get(is_chair=True, left_on__isnull=True).user.username == "y2"


def MemberInChair(user):
    return services.MemberIn(user=user, term_start=TODAY, term_end=TODAY + dt.timedelta(days=365), is_chair=True)
