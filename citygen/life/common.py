"""What the parts of ``citygen.more`` share: one community's world read once, local times,
invented names and logins, and a bulk insert that keeps the dates things happened on."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from orgs.models import NodeKind, OrgNode, RoleGrant
from residents.models import Resident
from spaces.models import Room

BATCH = 2000
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红梅淑珍凤云海波宏晓燕"


@dataclass
class World:
    """One community as the generator sees it: its places, read once, and the period to fill."""

    community: OrgNode
    first: dt.date  # the first day generated
    end: dt.date  # the day after the last one
    rng: random.Random
    rooms: dict[str, Room]  # by name
    grids: list[int]
    buildings: list[tuple[int, int]]  # (building id, its grid id)
    residents: list[int]  # a sample of the community's residents, oldest first
    users: dict[str, list[User]] = field(default_factory=dict)  # logins made by the parts, by role

    @property
    def days(self) -> int:
        return (self.end - self.first).days

    def day(self, i: int) -> dt.date:
        return self.first + dt.timedelta(days=i)

    def weekdays(self, weekday: int) -> list[dt.date]:
        """Every ``weekday`` (0 = Monday) in the period."""
        start = self.first + dt.timedelta(days=(weekday - self.first.weekday()) % 7)
        return [start + dt.timedelta(days=7 * k) for k in range(max(0, (self.end - start).days + 6) // 7)]


def load_world(community: OrgNode, *, first: dt.date, end: dt.date, rng: random.Random) -> World:
    nodes = OrgNode.objects.filter(community_id=community.pk, kind__in=(NodeKind.GRID, NodeKind.BUILDING))
    grids, buildings = [], []
    for pk, kind, parent in nodes.order_by("path").values_list("pk", "kind", "parent_id"):
        if kind == NodeKind.GRID:
            grids.append(pk)
        else:
            buildings.append((pk, parent))
    residents = list(
        Resident.objects.filter(community_id=community.pk)
        .order_by("birth_date", "pk")
        .values_list("pk", flat=True)[:300]
    )
    rooms = {r.name: r for r in Room.objects.filter(community_id=community.pk, is_active=True).order_by("pk")}
    return World(
        community=community,
        first=first,
        end=end,
        rng=rng,
        rooms=rooms,
        grids=grids,
        buildings=buildings,
        residents=residents,
    )


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """Local wall-clock time on ``day`` (the dashboards count a record on its local day)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def mobile(rng: random.Random) -> str:
    """A made-up number in the 170/171 virtual-operator ranges, which the demo data uses too."""
    return f"17{rng.randint(0, 1)}{rng.randint(0, 99_999_999):08d}"


@contextmanager
def recorded_dates(*model_classes: type[models.Model]) -> Iterator[None]:
    """``bulk_create`` runs each field's ``pre_save``, which stamps auto_now(_add) fields with the
    current time; generated history must carry the times things happened, so those fields are
    switched off while the caller inserts (and every object must then set them itself)."""
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def insert(objs: list, model: type[models.Model], *, when: str | None = None) -> list:
    """Bulk insert with the dates kept; with a history row each (dated ``obj.<when>``) if the
    model keeps history. Returns the objects with their ids."""
    if not objs:
        return objs
    with recorded_dates(model):
        if hasattr(model, "history"):
            if when:
                for obj in objs:
                    obj._history_date = getattr(obj, when)
            return bulk_create_with_history(objs, model, batch_size=BATCH)
        return model.objects.bulk_create(objs, batch_size=BATCH)


def users_create(world: World, role: str, people: Iterable[str], *, joined: dt.datetime) -> list[User]:
    """Logins for generated people: no usable password (nobody logs in as them), a username
    that names the community and the role, so a second city in the same database never clashes."""
    users = [
        User(
            username=f"city{world.community.pk}-{role}{i + 1}",
            display_name=name,
            password=make_password(None),
            date_joined=joined,
        )
        for i, name in enumerate(people)
    ]
    made = insert(users, User, when="date_joined")
    world.users[role] = made
    return made


def grants_create(grants: list[RoleGrant]) -> None:
    insert(grants, RoleGrant, when="granted_at")
