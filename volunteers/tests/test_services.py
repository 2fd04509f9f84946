from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.selectors import user_by_phone
from ledger.models import Account, Transaction, Unit
from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.scope import Scope
from records.models import ProviderKind, ServiceRecord, Tier
from volunteers import selectors, services
from volunteers.models import RedemptionStatus, SignupStatus, TaskKind, TaskStatus
from volunteers.tests.conftest import make_task

pytestmark = pytest.mark.django_db


def confirm_hours(vw, volunteer, task=None, minutes=120):
    task = task or vw.task
    signup = services.signup_create(actor=Scope(volunteer.user), volunteer=volunteer, task=task)
    return services.signup_confirm(actor=Scope(task.organiser), signup=signup, minutes=minutes)


# --- Registration -------------------------------------------------------------------------------


def test_a_resident_registers_in_their_own_community_and_is_linked(vw, world):
    assert vw.va.resident == world.residents["a1"]
    assert vw.va.name == "张丽君"
    account = vw.va.points_account
    assert (account.code, account.unit, account.non_negative) == (f"resident:{vw.va.resident_id}:points", Unit.PTS, True)
    assert vw.rider.points_account.code == f"volunteer:{vw.rider.pk}:points"


def test_nobody_registers_themselves_in_a_community_that_is_not_theirs(vw, world):
    with pytest.raises(NotFound):
        services.volunteer_register_self(actor=Scope(world.user("resident_a")), community=world.community_b)
    with pytest.raises(NotFound):
        services.volunteer_register_self(actor=Scope(world.user("nobody")), community=world.community_a)


def test_registering_twice_is_refused(vw, world):
    with pytest.raises(Conflict):
        services.volunteer_register_self(actor=Scope(world.user("resident_a")), community=world.community_a)


def test_staff_register_a_rider_by_phone_and_a_login_is_made(vw, world):
    user = user_by_phone("13700000999")
    assert vw.rider.user == user and not user.has_usable_password()
    # Its username is generated: the number is kept only encrypted (accounts.User.phone).
    assert user.username.startswith("v") and "13700000999" not in user.username
    with pytest.raises(NotFound):
        services.volunteer_register(
            actor=Scope(world.user("staff_b")), community=world.community_a, name="X", phone="13700000998",
            kind="courier",
        )


# --- Tasks, sign-up and capacity -------------------------------------------------------------


def test_the_last_place_goes_to_one_volunteer(vw):
    task = make_task(Scope(vw.world.user("staff_a")), vw.world.community_a, slots=1, title="修理家电")
    services.signup_create(actor=Scope(vw.va.user), volunteer=vw.va, task=task)
    with pytest.raises(Conflict) as exc:
        services.signup_create(actor=Scope(vw.vb.user), volunteer=vw.vb, task=task)
    assert exc.value.code == "full"
    # Signing up again is the same sign-up, not a second place.
    again = services.signup_create(actor=Scope(vw.va.user), volunteer=vw.va, task=task)
    task.refresh_from_db()
    assert task.taken == 1 and again.status == SignupStatus.ASSIGNED
    services.signup_cancel(actor=Scope(vw.va.user), signup=again)
    services.signup_create(actor=Scope(vw.vb.user), volunteer=vw.vb, task=task)
    task.refresh_from_db()
    assert task.taken == 1


def test_a_volunteer_signs_up_only_in_their_community(vw):
    with pytest.raises(NotFound):
        services.signup_create(actor=Scope(vw.va.user), volunteer=vw.va, task=vw.task_b)
    with pytest.raises(NotFound):  # nor for somebody else
        services.signup_create(actor=Scope(vw.va.user), volunteer=vw.vb, task=vw.task)


def test_the_household_stays_masked_until_the_volunteer_is_assigned(vw, world):
    staff = Scope(world.user("staff_a"))
    task = make_task(staff, world.community_a, kind=TaskKind.HOME_HELP, household=world.residents["a2"], slots=1)
    signup = services.signup_create(actor=Scope(vw.vb.user), volunteer=vw.vb, task=task)
    assert signup.status == SignupStatus.REQUESTED
    assert not selectors.household_visible(task=task, signup=signup)
    services.signup_assign(actor=staff, signup=signup)
    signup.refresh_from_db()
    assert selectors.household_visible(task=task, signup=signup)


def test_a_team_leader_organises_their_team_s_tasks_but_names_no_household(vw, world):
    leader = Scope(vw.vb.user)
    start = timezone.now() + dt.timedelta(days=1)
    task = services.task_create(
        actor=leader, community=world.community_a, team=vw.team, title="上门修电", place="3号楼",
        starts_at=start, ends_at=start + dt.timedelta(hours=2),
    )
    assert task.organiser == vw.vb.user
    with pytest.raises(NotFound):
        services.task_create(
            actor=leader, community=world.community_a, team=vw.team, title="x", place="y", starts_at=start,
            ends_at=start + dt.timedelta(hours=1), household=world.residents["a2"],
        )
    with pytest.raises(NotFound):  # not a leader of a team: no tasks
        services.task_create(
            actor=Scope(vw.va.user), community=world.community_a, title="x", place="y", starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )


# --- Check-in and check-out ---------------------------------------------------------------------


def test_check_in_and_out_by_qr_code(vw):
    signup = services.signup_create(actor=Scope(vw.va.user), volunteer=vw.va, task=vw.task)
    with pytest.raises(ValidationFailed):
        services.check_in(actor=Scope(vw.va.user), signup=signup, token="wrong")
    now = timezone.now()
    signup = services.check_in(actor=Scope(vw.va.user), signup=signup, token=vw.task.checkin_token, now=now)
    signup = services.check_out(
        actor=Scope(vw.va.user), signup=signup, token=vw.task.checkin_token, now=now + dt.timedelta(minutes=90)
    )
    assert services.attended_minutes(signup) == 90
    confirmed = services.signup_confirm(actor=Scope(vw.task.organiser), signup=signup)
    assert confirmed.minutes == 90 and confirmed.points == 15 + 5


def test_check_in_only_around_the_task_s_time(vw, world):
    task = make_task(Scope(world.user("staff_a")), world.community_a, hours_ago=-5, title="明天的活动")
    signup = services.signup_create(actor=Scope(vw.va.user), volunteer=vw.va, task=task)
    with pytest.raises(ValidationFailed) as exc:
        services.check_in(actor=Scope(vw.va.user), signup=signup, token=task.checkin_token)
    assert exc.value.code == "not_now"


# --- Confirmation: only the organiser ------------------------------------------------------------


@pytest.mark.parametrize("username", ["secretary_a", "admin", "volunteer_a"])
def test_hours_are_confirmed_only_by_the_task_s_organiser(vw, world, username):
    signup = services.signup_create(actor=Scope(vw.va.user), volunteer=vw.va, task=vw.task)
    with pytest.raises((Forbidden, NotFound)):
        services.signup_confirm(actor=Scope(world.user(username)), signup=signup, minutes=60)
    signup.refresh_from_db()
    assert signup.status == SignupStatus.ASSIGNED and signup.points == 0
    assert not Transaction.objects.filter(source_type="volunteers.signup").exists()
    assert not ServiceRecord.objects.filter(source_type="volunteers.signup").exists()


def test_other_staff_are_told_it_is_the_organiser_s_job(vw, world):
    signup = services.signup_create(actor=Scope(vw.va.user), volunteer=vw.va, task=vw.task)
    with pytest.raises(Forbidden) as exc:
        services.signup_confirm(actor=Scope(world.user("secretary_a")), signup=signup, minutes=60)
    assert exc.value.code == "not_organiser"
    with pytest.raises(NotFound):  # another community's staff don't even see it
        services.signup_confirm(actor=Scope(world.user("staff_b")), signup=signup, minutes=60)


def test_confirmed_hours_earn_points_in_the_ledger_and_make_a_service_record(vw, world):
    signup = confirm_hours(vw, vw.va, minutes=150)
    assert signup.status == SignupStatus.CONFIRMED
    assert signup.points == 10 * 150 // 60 + 5 == 30
    assert services.points_balance(vw.va) == 30
    issued = services.points_issued_account(world.community_a)
    assert issued.normal_balance == 30
    record = ServiceRecord.objects.get(source_type="volunteers.signup", source_id=signup.pk)
    assert (record.tier, record.provider_kind, record.served_by, record.community) == (
        Tier.FREE, ProviderKind.VOLUNTEER, vw.va.user, world.community_a,
    )
    with pytest.raises(Conflict):  # once
        services.signup_confirm(actor=Scope(vw.task.organiser), signup=signup, minutes=150)
    assert services.points_balance(vw.va) == 30


def test_a_household_task_records_the_household_served(vw, world):
    staff = Scope(world.user("staff_a"))
    task = make_task(staff, world.community_a, kind=TaskKind.HOME_HELP, household=world.residents["a2"])
    signup = services.signup_create(actor=Scope(vw.vb.user), volunteer=vw.vb, task=task)
    services.signup_assign(actor=staff, signup=signup)
    signup.refresh_from_db()
    services.signup_confirm(actor=staff, signup=signup, minutes=60)
    record = ServiceRecord.objects.get(source_type="volunteers.signup", source_id=signup.pk)
    assert record.resident == world.residents["a2"]


def test_the_team_leader_confirms_the_hours_of_a_task_they_organise(vw, world):
    start = timezone.now() - dt.timedelta(hours=1)
    task = services.task_create(
        actor=Scope(vw.vb.user), community=world.community_a, team=vw.team, title="义务理发", place="广场",
        starts_at=start, ends_at=start + dt.timedelta(hours=2), slots=2,
    )
    signup = services.signup_create(actor=Scope(vw.va.user), volunteer=vw.va, task=task)
    services.signup_confirm(actor=Scope(vw.vb.user), signup=signup, minutes=60)
    # …but not their own
    own = services.signup_create(actor=Scope(vw.vb.user), volunteer=vw.vb, task=task)
    with pytest.raises(Forbidden):
        services.signup_confirm(actor=Scope(vw.vb.user), signup=own, minutes=60)


def test_rules_by_kind_and_switched_off(vw, world):
    staff = Scope(world.user("staff_a"))
    rule = services.points_rule_create(
        actor=staff, community=world.community_a, name="上门帮扶加分", task_kind=TaskKind.HOME_HELP, bonus=20
    )
    assert services.points_for(community_id=world.community_a.pk, task_kind=TaskKind.HOME_HELP, minutes=60) == 35
    assert services.points_for(community_id=world.community_a.pk, task_kind=TaskKind.ACTIVITY, minutes=60) == 15
    services.points_rule_set_active(actor=staff, rule=rule, active=False)
    assert services.points_for(community_id=world.community_a.pk, task_kind=TaskKind.HOME_HELP, minutes=60) == 15
    with pytest.raises(NotFound):
        services.points_rule_create(actor=Scope(world.user("staff_b")), community=world.community_a, name="x", bonus=1)


def test_cancelling_a_task_with_confirmed_hours_is_refused(vw):
    confirm_hours(vw, vw.va)
    with pytest.raises(Conflict):
        services.task_cancel(actor=Scope(vw.task.organiser), task=vw.task)
    vw.task.refresh_from_db()
    assert vw.task.status == TaskStatus.OPEN


# --- Redemption --------------------------------------------------------------------------------


def test_redemption_takes_points_and_stock(vw):
    confirm_hours(vw, vw.va, minutes=180)  # 35 points
    redemption = services.redemption_create(actor=Scope(vw.va.user), volunteer=vw.va, reward=vw.reward)
    vw.reward.refresh_from_db()
    assert (redemption.points, vw.reward.stock, services.points_balance(vw.va)) == (20, 2, 15)
    assert redemption.status == RedemptionStatus.REDEEMED and len(redemption.code) == 8


def test_redemption_never_overdraws_points_and_changes_nothing(vw):
    confirm_hours(vw, vw.va, minutes=60)  # 15 points, the reward costs 20
    with pytest.raises(Conflict) as exc:
        services.redemption_create(actor=Scope(vw.va.user), volunteer=vw.va, reward=vw.reward)
    assert exc.value.code == "insufficient_balance"
    vw.reward.refresh_from_db()
    assert vw.reward.stock == 3 and services.points_balance(vw.va) == 15
    assert not vw.va.redemptions.exists()


def test_redemption_never_overdraws_stock(vw, world):
    confirm_hours(vw, vw.va, minutes=600)  # 105 points
    services.reward_restock(actor=Scope(world.user("staff_a")), reward=vw.reward, change=-2)
    services.redemption_create(actor=Scope(vw.va.user), volunteer=vw.va, reward=vw.reward)
    with pytest.raises(Conflict) as exc:
        services.redemption_create(actor=Scope(vw.va.user), volunteer=vw.va, reward=vw.reward)
    assert exc.value.code == "out_of_stock"
    assert services.points_balance(vw.va) == 85
    with pytest.raises(Conflict):
        services.reward_restock(actor=Scope(world.user("staff_a")), reward=vw.reward, change=-1)


def test_a_retried_redemption_redeems_once(vw):
    confirm_hours(vw, vw.va, minutes=600)
    first = services.redemption_create(actor=Scope(vw.va.user), volunteer=vw.va, reward=vw.reward, idempotency_key="k1")
    again = services.redemption_create(actor=Scope(vw.va.user), volunteer=vw.va, reward=vw.reward, idempotency_key="k1")
    assert first.pk == again.pk
    assert services.points_balance(vw.va) == 105 - 20


def test_nobody_redeems_with_someone_else_s_points_or_another_community_s_reward(vw):
    confirm_hours(vw, vw.va, minutes=600)
    with pytest.raises(NotFound):
        services.redemption_create(actor=Scope(vw.vb.user), volunteer=vw.va, reward=vw.reward)
    with pytest.raises(NotFound):
        services.redemption_create(actor=Scope(vw.va.user), volunteer=vw.va, reward=vw.reward_b)


def test_cancelling_a_redemption_gives_points_and_stock_back(vw, world):
    confirm_hours(vw, vw.va, minutes=600)
    redemption = services.redemption_create(actor=Scope(vw.va.user), volunteer=vw.va, reward=vw.reward)
    services.redemption_cancel(actor=Scope(world.user("staff_a")), redemption=redemption)
    vw.reward.refresh_from_db()
    assert services.points_balance(vw.va) == 105 and vw.reward.stock == 3
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.CANCELLED
    with pytest.raises(Conflict):
        services.redemption_hand_over(actor=Scope(world.user("staff_a")), redemption=redemption)


def test_the_points_accounts_stay_in_the_ledger_s_rules(vw):
    confirm_hours(vw, vw.va, minutes=600)
    account = Account.objects.get(pk=vw.va.points_account_id)
    assert account.book.community_id == vw.va.community_id and account.balance == 105


# --- Scoped lists and leaderboards ---------------------------------------------------------------


def test_every_list_is_scoped_to_the_user_s_communities(vw, world):
    staff_a = Scope(world.user("staff_a"))
    b = world.community_b
    assert not selectors.volunteer_list_for_user(scope=staff_a, community=b).exists()
    assert not selectors.team_list_for_user(scope=staff_a, community=b).exists()
    assert not selectors.task_list_for_user(scope=staff_a, community=b).exists()
    assert not selectors.reward_list_for_user(scope=staff_a, community=b).exists()
    assert not selectors.redemption_list_for_user(scope=staff_a, community=b).exists()
    assert not selectors.points_rule_list_for_user(scope=staff_a, community=b).exists()
    with pytest.raises(NotFound):
        selectors.task_get_for_user(scope=staff_a, task_id=vw.task_b.pk)
    with pytest.raises(NotFound):
        selectors.volunteer_get_for_user(scope=staff_a, volunteer_id=vw.other.pk)
    mine = Scope(vw.va.user)
    assert {t.community_id for t in selectors.open_tasks_for_self(scope=mine)} == {world.community_a.pk}
    assert {r.community_id for r in selectors.rewards_for_self(scope=mine)} == {world.community_a.pk}
    with pytest.raises(NotFound):
        selectors.task_get_for_self(scope=mine, task_id=vw.task_b.pk)
    assert selectors.volunteer_list_for_user(scope=staff_a, community=world.community_a).count() == 3
    officer = Scope(world.user("officer"))  # the subdistrict sees both
    assert selectors.volunteer_list_for_user(scope=officer, community=b).count() == 1


def test_leaderboards_by_community_and_team(vw, world):
    confirm_hours(vw, vw.va, minutes=60)
    confirm_hours(vw, vw.vb, minutes=180)
    board = selectors.leaderboard(community=world.community_a)
    assert [(s.name, s.hours) for s in board] == [(vw.vb.name, 3.0), ("张丽君", 1.0)]
    team_board = selectors.leaderboard(community=world.community_a, team=vw.team)
    assert [s.volunteer_id for s in team_board] == [vw.vb.pk]
    record = selectors.volunteer_record(volunteer=vw.vb)
    assert (record.hours, record.points_earned, record.balance) == (3.0, 35, 35)


def test_staff_hand_a_task_to_another_organiser_who_then_confirms(vw, world):
    signup = services.signup_create(actor=Scope(vw.va.user), volunteer=vw.va, task=vw.task)
    services.task_set_organiser(actor=Scope(world.user("staff_a")), task=vw.task, organiser=world.user("secretary_a"))
    signup.refresh_from_db()
    with pytest.raises(Forbidden):
        services.signup_confirm(actor=Scope(world.user("staff_a")), signup=signup, minutes=60)
    services.signup_confirm(actor=Scope(world.user("secretary_a")), signup=signup, minutes=60)
    with pytest.raises(ValidationFailed):  # a resident cannot be made an organiser
        services.task_set_organiser(actor=Scope(world.user("staff_a")), task=vw.task, organiser=vw.va.user)
