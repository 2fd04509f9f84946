"""A volunteer on a phone signs up for a task, checks in with the task's QR code, the organiser
confirms the hours, the points arrive, and she redeems a reward — once, however often she taps."""

from __future__ import annotations

import pytest

from browser.pages import log_in, message
from ledger.models import Account
from volunteers.models import Redemption, Signup
from volunteers.tests.conftest import build

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_volunteer_earns_points_and_redeems_a_reward(journey, world):
    vw = build(world)  # 张丽君 (resident_a) a volunteer; 楼道清扫 started an hour ago; 洗衣液 for 20 points
    phone = journey.phone()
    log_in(phone, world.residents["a1"].phone)

    phone.goto("/me/volunteers/tasks/")
    journey.step(phone, "tasks")
    phone.goto(f"/me/volunteers/tasks/{vw.task.pk}/")
    with phone.expect_navigation():
        phone.click(f"form[action='/me/volunteers/tasks/{vw.task.pk}/sign-up/'] button")
    signup = Signup.objects.get(task=vw.task, volunteer=vw.va)

    # At the place: the phone's camera opens the QR code's link.
    phone.goto(f"/me/volunteers/tasks/{vw.task.pk}/check-in/?t={vw.task.checkin_token}")
    journey.step(phone, "check-in")
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    signup.refresh_from_db()
    assert signup.checked_in_at is not None

    # The organiser confirms the hours on their phone.
    organiser = journey.phone("organiser")
    log_in(organiser, vw.task.organiser.username)
    organiser.goto(f"/me/volunteers/organise/{vw.task.pk}/")
    journey.step(organiser, "organise")
    confirm = f"form[action='/me/volunteers/organise/signups/{signup.pk}/confirm/']"
    organiser.locator("details.action", has=organiser.locator(confirm)).locator("summary").click()
    organiser.fill(f"{confirm} input[name='hours']", "2")  # she did not check out: the organiser says how long
    with organiser.expect_navigation():
        organiser.click(f"{confirm} button")
    signup.refresh_from_db()
    points = Account.objects.get(pk=vw.va.points_account_id)
    assert signup.confirmed_at is not None and points.balance > 20

    phone.goto("/me/volunteers/points/")
    assert str(points.balance) in phone.locator("main").inner_text()
    journey.step(phone, "points", doc="volunteer-points-phone")
    phone.goto("/me/volunteers/rewards/")
    journey.step(phone, "rewards")
    redeem = phone.locator(f"form[action='/me/volunteers/rewards/{vw.reward.pk}/redeem/'] button")
    with phone.expect_navigation():
        redeem.click()
    assert message(phone)
    journey.step(phone, "redeemed")
    assert Redemption.objects.filter(volunteer=vw.va).count() == 1
    before = points.balance
    points.refresh_from_db()
    assert points.balance == before - vw.reward.points
    journey.done()
