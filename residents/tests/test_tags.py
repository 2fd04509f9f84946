import datetime as dt

import pytest
from django.utils import timezone

from linli.testkit import make_id_number
from orgs.scope import Scope
from residents.models import VulnerableTag
from residents.selectors import effective_tags, resident_list_for_user
from residents.services import resident_create, resolve_address

pytestmark = pytest.mark.django_db


def register(world, name: str, birth: str, seq: int, tags=()):
    address = resolve_address(scope=None, community=world.community_a, grid_name="第一网格")
    return resident_create(
        actor=None, community=world.community_a, name=name, id_number=make_id_number(birth=birth, seq=seq),
        address=address, tags=list(tags),
    )


def names(world, tag: str) -> set[str]:
    qs = resident_list_for_user(scope=Scope(world.user("staff_a")), community=world.community_a, tag=tag)
    return {r.name for r in qs}


def test_the_80_plus_tag_applies_by_age_and_given_tags_by_staff(world):
    old = register(world, "钱老", "19400101", 601)
    dibao = VulnerableTag.objects.get(code="dibao")
    poor = register(world, "孙困", "19700101", 602, tags=[dibao])
    assert [t.code for t in effective_tags(old)] == ["elderly_80"]
    assert [t.code for t in effective_tags(poor)] == ["dibao"]
    assert names(world, "elderly_80") == {"钱老"}
    assert names(world, "dibao") == {"孙困"}
    assert names(world, "") == {"张丽君", "李建国", "钱老", "孙困"}


def test_an_age_tag_works_on_29_february(world, monkeypatch):
    VulnerableTag.objects.create(code="elderly_65", name="65岁以上", min_age=65)
    register(world, "周满", "19630228", 603)  # 65 on 28 February 2028
    register(world, "吴未", "19630301", 604)  # 65 only on 1 March 2028
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2028, 2, 29))
    assert names(world, "elderly_65") == {"周满", "张丽君", "李建国"}  # the last two born 1950
