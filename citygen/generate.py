"""Synthetic city generator (first slice: org tree and residents only).

Nodes are bulk-created one level at a time; once the database has given them ids, ``path``,
``depth`` and ``community`` are filled in with one ``bulk_update`` per level, the same values
``orgs`` computes for a node created through its service.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from linli import bulk
from orgs.models import NodeKind, OrgNode
from residents.idcard import check_digit
from residents.models import Resident
from residents.names import pinyin_keys

PRESETS = {
    "ci": {"districts": 1, "subdistricts": 1, "grids": 2, "buildings": 2, "residents": 20},
    "small": {"districts": 2, "subdistricts": 2, "grids": 4, "buildings": 5, "residents": 500},
    "city": {"districts": 5, "subdistricts": 8, "grids": 8, "buildings": 10, "residents": 3000},
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass
class Result:
    nodes: int
    communities: int
    residents: int


def _level(parents: list[OrgNode], kind: str, per_parent: int, label: str) -> list[OrgNode]:
    nodes = [
        OrgNode(kind=kind, name=f"{parent.name}{label}{i + 1}", parent=parent, path="", sort_order=i)
        for parent in parents
        for i in range(per_parent)
    ]
    nodes = bulk_create_with_history(nodes, OrgNode, batch_size=2000)
    if not all(n.pk for n in nodes):  # databases that do not return ids
        nodes = list(OrgNode.objects.filter(kind=kind, parent__in=parents).order_by("parent_id", "sort_order"))
    by_id = {p.pk: p for p in parents}
    for node in nodes:
        parent = by_id[node.parent_id]
        node.path = f"{parent.path}{node.pk}/"
        node.depth = parent.depth + 1
        if kind == NodeKind.COMMUNITY:
            node.community_id = node.pk
        else:
            node.community_id = parent.community_id
    OrgNode.objects.bulk_update(nodes, ["path", "depth", "community"], batch_size=2000)
    return nodes


# Zibo's urban districts: the sequence's thousands choose the region, so a community of up to
# 5,000 residents never gives two of them the same number.
REGIONS = ("370303", "370302", "370304", "370305", "370306")


def _id_number(rng: random.Random, birth: dt.date, seq: int) -> str:
    first17 = f"{REGIONS[(seq // 1000) % len(REGIONS)]}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + check_digit(first17)


def _birth(rng: random.Random, today: dt.date) -> dt.date:
    # Rough age mix of an old urban community: 20% under 18, 50% 18-59, 30% 60+.
    r = rng.random()
    age = rng.randint(0, 17) if r < 0.2 else rng.randint(18, 59) if r < 0.7 else rng.randint(60, 95)
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def build_city(*, communities: int, preset: str = "ci", seed: int = 1, name: str = "淄博市") -> Result:
    cfg = PRESETS[preset]
    rng = random.Random(seed)
    today = dt.date.today()
    with transaction.atomic():
        city = OrgNode(kind=NodeKind.CITY, name=name, path="", depth=0)
        city.save()
        city.path = f"/{city.pk}/"
        city.save(update_fields=["path"])
        districts = _level([city], NodeKind.DISTRICT, cfg["districts"], "区")
        subs = _level(districts, NodeKind.SUBDISTRICT, cfg["subdistricts"], "街道")
        per_sub = -(-communities // len(subs))
        comms = _level(subs, NodeKind.COMMUNITY, per_sub, "社区")[:communities]
        extra = OrgNode.objects.filter(kind=NodeKind.COMMUNITY, parent__in=subs).exclude(pk__in=[c.pk for c in comms])
        extra.update(community=None)  # a community points at itself (PROTECT): let go first
        extra.delete()
        grids = _level(comms, NodeKind.GRID, cfg["grids"], "网格")
        buildings = _level(grids, NodeKind.BUILDING, cfg["buildings"], "号楼")
    by_community: dict[int, list[OrgNode]] = {}
    for b in buildings:
        by_community.setdefault(b.community_id, []).append(b)
    total = 0
    readings: dict[str, tuple[str, str]] = {}  # 12,000 names for a million people: read each once
    for community in comms:
        people = []
        for seq in range(cfg["residents"]):
            building = rng.choice(by_community[community.pk])
            birth = _birth(rng, today)
            person = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            full, initials = readings.get(person) or readings.setdefault(person, pinyin_keys(person))
            people.append(
                Resident(
                    community_id=community.pk,
                    grid_id=building.parent_id,
                    building_id=building.pk,
                    unit=str(rng.randint(1, 4)),
                    room=f"{rng.randint(1, 6)}0{rng.randint(1, 4)}",
                    name=person,
                    name_pinyin=full,
                    name_initials=initials,
                    id_number=_id_number(rng, birth, seq),
                    birth_date=birth,
                    gender=rng.choice("MF"),
                )
            )
        with transaction.atomic():
            bulk.insert(Resident, people, history=True)
        total += len(people)
    bulk.reset_sequences(Resident)
    nodes = 1 + len(districts) + len(subs) + len(comms) + len(grids) + len(buildings)
    return Result(nodes=nodes, communities=len(comms), residents=total)
