"""The pages, as the people who use them: staff in the console, volunteers and team leaders on a phone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from ledger.models import Account
from volunteers import services
from volunteers.models import Redemption, Signup, SignupStatus, Task, TaskKind
from volunteers.tests.conftest import make_task

pytestmark = pytest.mark.django_db


def test_staff_console_pages_answer(vw, login):
    client = login(vw.world.user("staff_a"))
    for url in (
        "/console/volunteers/", "/console/volunteers/register/", f"/console/volunteers/v/{vw.va.pk}/",
        "/console/volunteers/teams/", f"/console/volunteers/teams/{vw.team.pk}/", "/console/volunteers/tasks/",
        "/console/volunteers/tasks/new/", f"/console/volunteers/tasks/{vw.task.pk}/", "/console/volunteers/rules/",
        "/console/volunteers/rewards/", f"/console/volunteers/rewards/{vw.reward.pk}/",
        "/console/volunteers/redemptions/", "/console/volunteers/leaderboard/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'style="' not in response.content.decode(), url
    assert client.get(f"/console/volunteers/tasks/{vw.task.pk}/qr.svg")["Content-Type"] == "image/svg+xml"
    pdf = client.get(f"/console/volunteers/v/{vw.va.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_other_community_objects_are_404(vw, login):
    client = login(vw.world.user("staff_a"))
    for url in (f"/console/volunteers/v/{vw.other.pk}/", f"/console/volunteers/tasks/{vw.task_b.pk}/",
                f"/console/volunteers/teams/{vw.team_b.pk}/", f"/console/volunteers/rewards/{vw.reward_b.pk}/"):
        assert client.get(url).status_code == 404, url
    page = client.get("/console/volunteers/").content.decode()
    assert vw.other.name not in page


def test_staff_publish_a_task_and_the_organiser_confirms_in_the_console(vw, world, login):
    client = login(world.user("staff_a"))
    response = client.post("/console/volunteers/tasks/new/", {
        "title": "义务理发", "kind": TaskKind.SERVICE, "place": "广场", "slots": 3,
        "starts_at": "2026-01-05T09:00", "ends_at": "2026-01-05T11:00",
    })
    task = Task.objects.get(title="义务理发")
    assert response.status_code == 302 and task.organiser == world.user("staff_a")
    signup = services.signup_create(actor=None, volunteer=vw.va, task=vw.task)
    # The secretary manages volunteers too, but is not the organiser: refused, nothing posted.
    other = login(world.user("secretary_a"))
    other.post(f"/console/volunteers/signups/{signup.pk}/confirm/", {"hours": "2"})
    signup.refresh_from_db()
    assert signup.status == SignupStatus.ASSIGNED
    client = login(world.user("staff_a"))
    client.post(f"/console/volunteers/signups/{signup.pk}/confirm/", {"hours": "2"})
    signup.refresh_from_db()
    assert (signup.status, signup.minutes, signup.points) == (SignupStatus.CONFIRMED, 120, 25)


def test_a_volunteer_on_the_phone_signs_up_checks_in_and_redeems(vw, login):
    client = login(vw.va.user)
    assert "0" in client.get("/me/volunteers/").content.decode()
    tasks = client.get("/me/volunteers/tasks/").content.decode()
    assert vw.task.title in tasks and vw.task_b.title not in tasks
    client.post(f"/me/volunteers/tasks/{vw.task.pk}/sign-up/")
    signup = Signup.objects.get(task=vw.task, volunteer=vw.va)
    page = client.get(f"/me/volunteers/tasks/{vw.task.pk}/check-in/?t={vw.task.checkin_token}").content.decode()
    assert "Check in" in page or "签到" in page
    client.post(f"/me/volunteers/tasks/{vw.task.pk}/check-in/", {"t": vw.task.checkin_token})
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    services.signup_confirm(actor=services.tasks.Scope(vw.task.organiser), signup=signup, minutes=180)
    rewards = client.get("/me/volunteers/rewards/").content.decode()
    key = re.search(r'name="key" value="([^"]+)"', rewards).group(1)
    client.post(f"/me/volunteers/rewards/{vw.reward.pk}/redeem/", {"key": key})
    client.post(f"/me/volunteers/rewards/{vw.reward.pk}/redeem/", {"key": key})  # double tap
    assert Redemption.objects.filter(volunteer=vw.va).count() == 1
    assert Account.objects.get(pk=vw.va.points_account_id).balance == 35 - 20
    assert client.get("/me/volunteers/points/").status_code == 200
    assert client.get("/me/volunteers/certificate.pdf").content.startswith(b"%PDF")
    assert client.get(f"/me/volunteers/tasks/{vw.task_b.pk}/").status_code == 404
    assert client.get(f"/me/volunteers/organise/{vw.task.pk}/").status_code == 404


def test_the_household_is_masked_on_the_phone_until_assigned(vw, world, login):
    staff = services.tasks.Scope(world.user("staff_a"))
    task = make_task(staff, world.community_a, kind=TaskKind.HOME_HELP, household=world.residents["a2"])
    client = login(vw.vb.user)
    client.post(f"/me/volunteers/tasks/{task.pk}/sign-up/")
    page = client.get(f"/me/volunteers/tasks/{task.pk}/").content.decode()
    assert "李建国" not in page and "李**" in page
    signup = Signup.objects.get(task=task, volunteer=vw.vb)
    services.signup_assign(actor=staff, signup=signup)
    assert "李建国" in client.get(f"/me/volunteers/tasks/{task.pk}/").content.decode()


def test_a_team_leader_organises_from_the_phone(vw, world, login):
    client = login(vw.vb.user)
    assert client.get("/console/volunteers/").status_code == 404
    start = timezone.localtime() - dt.timedelta(minutes=30)
    response = client.post(f"/me/volunteers/organise/teams/{vw.team.pk}/new/", {
        "title": "上门修灯", "kind": TaskKind.HOME_HELP, "place": "5号楼", "slots": 2,
        "starts_at": f"{start:%Y-%m-%dT%H:%M}", "ends_at": f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}",
    })
    task = Task.objects.get(title="上门修灯")
    assert response.status_code == 302 and task.organiser == vw.vb.user
    assert client.get(f"/me/volunteers/organise/{task.pk}/").status_code == 200
    signup = services.signup_create(actor=None, volunteer=vw.va, task=task)
    client.post(f"/me/volunteers/organise/signups/{signup.pk}/confirm/", {"hours": "1.5"})
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED and signup.minutes == 90
    # another community's team: not theirs
    assert client.get(f"/me/volunteers/organise/teams/{vw.team_b.pk}/new/").status_code == 404


def test_the_api_for_staff_and_volunteers(vw, world, login):
    client = login(world.user("staff_a"))
    listed = client.get("/api/v1/volunteers/volunteers", {"community_id": world.community_a.pk}).json()
    assert {v["name"] for v in listed["items"]} == {"张丽君", vw.vb.name, "陈骑手"}
    assert client.get("/api/v1/volunteers/volunteers", {"community_id": world.community_b.pk}).status_code == 404
    assert client.get(f"/api/v1/volunteers/tasks/{vw.task_b.pk}").status_code == 404
    created = client.post(
        "/api/v1/volunteers/tasks",
        {"community_id": world.community_a.pk, "title": "清扫", "place": "广场",
         "starts_at": "2026-01-05T09:00:00+08:00", "ends_at": "2026-01-05T10:00:00+08:00", "slots": 2},
        content_type="application/json", headers={"Idempotency-Key": "t-1"},
    )
    again = client.post(
        "/api/v1/volunteers/tasks",
        {"community_id": world.community_a.pk, "title": "清扫", "place": "广场",
         "starts_at": "2026-01-05T09:00:00+08:00", "ends_at": "2026-01-05T10:00:00+08:00", "slots": 2},
        content_type="application/json", headers={"Idempotency-Key": "t-1"},
    )
    assert (created.status_code, again.status_code) == (201, 200) and created.json()["id"] == again.json()["id"]
    me = login(vw.va.user)
    signed = me.post(f"/api/v1/volunteers/me/tasks/{vw.task.pk}/sign-up").json()
    assert signed["my_status"] == "assigned"
    signup_id = signed["my_signup_id"]
    refused = login(world.user("secretary_a")).post(
        f"/api/v1/volunteers/signups/{signup_id}/confirm", {"minutes": 60}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_organiser"
    ok = login(world.user("staff_a")).post(
        f"/api/v1/volunteers/signups/{signup_id}/confirm", {"minutes": 120}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["points"] == 25
    me = login(vw.va.user)
    first = me.post(f"/api/v1/volunteers/me/rewards/{vw.reward.pk}/redeem", headers={"Idempotency-Key": "r-1"})
    second = me.post(f"/api/v1/volunteers/me/rewards/{vw.reward.pk}/redeem", headers={"Idempotency-Key": "r-1"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert me.get("/api/v1/volunteers/me").json()[0]["points_balance"] == 5
    broke = me.post(f"/api/v1/volunteers/me/rewards/{vw.reward.pk}/redeem")
    assert broke.status_code == 409 and broke.json()["code"] == "insufficient_balance"
    assert me.post(f"/api/v1/volunteers/me/rewards/{vw.reward_b.pk}/redeem").status_code == 404


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_do_not_query_per_row(vw, world, login):
    client = login(world.user("staff_a"))
    staff = services.tasks.Scope(world.user("staff_a"))
    urls = ["/console/volunteers/", "/console/volunteers/tasks/", "/console/volunteers/redemptions/",
            "/console/volunteers/rewards/", "/console/volunteers/teams/"]
    before = {url: _queries(client, url) for url in urls}
    for n in range(5):
        v = services.volunteer_register(actor=staff, community=world.community_a, name=f"志愿者{n}",
                                        phone=f"1370000{n:04d}", kind="courier")
        services.team_member_add(actor=staff, team=vw.team, volunteer=v)
        make_task(staff, world.community_a, title=f"任务{n}", team=vw.team)
        services.reward_create(actor=staff, community=world.community_a, name=f"奖品{n}", points=1, stock=5)
    assert {url: _queries(client, url) for url in urls} == before
    me = login(vw.va.user)
    assert _queries(me, "/me/volunteers/tasks/") <= 12
