"""Residents comment during public comment and ask questions; the committee answers publicly."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fund import services
from fund.models import Comment, Question
from fund.tests.conftest import propose, to_comment
from linli.errors import Conflict, NotFound
from orgs.scope import Scope


def test_residents_comment_only_during_the_comment_period(fund_world, login):
    world = fund_world.world
    r = propose(world)
    with pytest.raises(Conflict):
        services.comment_add(user=world.user("resident_a"), request=r, text="支持")
    r = to_comment(world, r)
    c = services.comment_add(user=world.user("resident_a"), request=r, text="建议用LED灯")
    assert c.author_label.startswith("张") and "丽君" not in c.author_label
    with pytest.raises(NotFound):  # another community's resident
        services.comment_add(user=world.user("resident_b"), request=r, text="路过")
    client = login(world.user("resident_a"))
    resp = client.post(reverse("fund_me:comment", args=[r.pk]), {"text": "楼道灯确实坏了很久"})
    assert resp.status_code == 302
    assert Comment.objects.filter(spending_request=r).count() == 2
    body = client.get(reverse("fund_public:request", args=[r.pk])).content.decode()
    assert "楼道灯确实坏了很久" in body and "张丽君" not in body


def test_questions_and_public_answers(fund_world, login):
    world = fund_world.world
    r = to_comment(world, propose(world))
    q = services.question_ask(user=world.user("resident_a"), fund=fund_world.fund, text="预算为什么这么高？", request=r)
    with pytest.raises(NotFound):
        services.question_answer(actor=Scope(world.staff("b")), question=q, answer="x")
    services.question_answer(actor=Scope(world.user("committee_a")), question=q, answer="含12盏灯和安装费。")
    with pytest.raises(Conflict):
        services.question_answer(actor=Scope(world.user("committee_a")), question=q, answer="再答")
    body = login(world.user("nobody")).get(reverse("fund_public:request", args=[r.pk])).content.decode()
    assert "含12盏灯和安装费" in body
    draft = propose(world)
    with pytest.raises(NotFound):  # a draft is not disclosed yet
        services.question_ask(user=world.user("resident_a"), fund=fund_world.fund, text="?", request=draft)
    assert Question.objects.count() == 1
