"""The demo's residents: generated households, no database access here.

Everything is drawn from a ``random.Random`` seeded per community with a fixed string, so the
same run date gives the same people every time. Birth dates are counted back from the run date
so ages stay true: the 82-year-old demo resident is 82 whenever the demo is built.

The generator makes households, not loose people, because that is how communities see
residents (户): old people living alone, old couples, young families, three generations under
one roof. The mix is tuned so the age structure looks like an ageing northern or Pearl River
Delta city: about one resident in seven a child, a third 60 or older, and a good number 80+.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from demo.places import BuildingStyle, CityPlan, CommunityPlan, DistrictPlan
from residents.idcard import check_digit

# Vulnerable-group tag codes (created by residents migration 0002). 80+ is not given here: it
# applies by age on its own.
ELDERLY_ALONE = "elderly_alone"
CHILD_HARDSHIP = "child_hardship"
DIBAO = "dibao"
DISABLED = "disabled"

BUILDING_LEADER_NOTE = "楼长"

# fmt: off
# Surnames with rough relative frequencies. Zibo's differ from the Pearl River Delta's (梁, 黄, 冯
# and 区 are common in Jiangmen, rare in Shandong); migrants in Guangdong draw from the national mix.
SURNAMES: dict[str, dict[str, float]] = {
    "shandong": {
        "王": 10, "张": 9, "李": 9, "刘": 8, "孙": 4, "赵": 4, "徐": 3, "高": 3, "杨": 3, "陈": 3,
        "崔": 2, "田": 2, "马": 2, "于": 2, "董": 2, "郭": 1.5, "周": 1.5, "郑": 1.5, "宋": 1.5, "韩": 1.5,
        "姜": 1.5, "孟": 1, "吕": 1, "曹": 1, "毕": 1, "吴": 1, "许": 1, "朱": 1, "冯": 1, "魏": 1,
        "翟": 0.5, "房": 0.5, "路": 0.5, "巩": 0.5, "齐": 0.5, "曲": 0.5, "邢": 0.5, "常": 0.5, "邵": 0.5,
        "谢": 0.5, "边": 0.3, "蒲": 0.3,
    },
    "guangdong": {
        "陈": 10, "李": 7, "黄": 7, "梁": 5, "林": 4, "张": 4, "何": 3, "吴": 3, "冯": 3, "刘": 3,
        "吕": 2, "余": 2, "谭": 2, "罗": 2, "邓": 2, "周": 2, "叶": 2, "杨": 2, "区": 1, "麦": 1,
        "胡": 1.5, "钟": 1.5, "郑": 1.5, "卢": 1.5, "曾": 1.5, "赵": 1, "关": 1, "温": 1, "莫": 1, "朱": 1,
        "许": 1, "甄": 0.5, "容": 0.5, "司徒": 0.3, "欧阳": 0.3,
    },
    "national": {
        "王": 7, "李": 7, "张": 7, "刘": 5, "陈": 5, "杨": 3, "黄": 2.5, "赵": 2.5, "周": 2, "吴": 2,
        "徐": 1.5, "孙": 1.5, "胡": 1.5, "朱": 1.2, "高": 1.2, "林": 1.2, "何": 1.2, "郭": 1.2, "马": 1,
        "罗": 1, "梁": 1, "宋": 0.8, "郑": 0.8, "谢": 0.8, "韩": 0.8, "唐": 0.8, "冯": 0.7, "曾": 0.6,
        "彭": 0.6, "蒋": 0.5, "廖": 0.4, "覃": 0.3,
    },
}

# Given names follow fashions: a woman born in 1945 is 秀英 or 桂兰, one born in 2015 is 梓涵.
# Keys are the last birth year of each generation.
GIVEN_NAMES: tuple[tuple[int, dict[str, tuple[str, ...]]], ...] = (
    (
        1959,
        {
            "M": (
                "建国", "国庆", "建华", "国华", "志强", "德明", "长青", "福海", "玉林", "振华", "洪涛", "学文",
                "树森", "春生", "金山", "宝成", "兴旺", "立新", "庆丰", "德福", "富贵", "家祥", "永福", "秀山",
                "云峰", "广田", "连生", "守义", "传德", "茂林", "明远", "庆祥", "殿臣", "玉亭", "希贤", "文元",
            ),
            "F": (
                "秀英", "桂兰", "淑珍", "玉兰", "秀兰", "凤英", "桂英", "玉梅", "素珍", "淑芬", "翠花", "桂芝",
                "秀珍", "玉珍", "春梅", "凤兰", "美兰", "金凤", "淑华", "桂荣", "秀云", "兰英", "淑兰", "玉英",
                "月娥", "爱莲", "桂香", "秀芳", "淑贞", "玉华", "瑞芳", "惠珍", "银娣", "带娣", "亚妹", "金娇",
            ),
        },
    ),
    (
        1979,
        {
            "M": (
                "卫东", "红军", "建军", "志刚", "海涛", "永明", "伟", "军", "勇", "强", "斌", "东", "建平",
                "国栋", "立军", "文斌", "海波", "新民", "卫国", "忠诚", "红兵", "向阳", "晓光", "建新", "永刚",
                "宏伟", "金龙", "少华", "锦华", "伟强", "志明", "国强", "汉明", "振宇", "启明", "家豪",
            ),
            "F": (
                "红梅", "丽华", "丽娟", "艳", "敏", "红", "霞", "燕", "萍", "海燕", "春燕", "晓红", "美玲",
                "翠萍", "慧", "玉霞", "桂香", "秀梅", "丽萍", "彩霞", "建英", "凤霞", "红霞", "爱华", "雪梅",
                "美华", "丽芳", "少芬", "惠芳", "燕芳", "淑仪", "玉婵", "小红", "晓玲", "艳红", "冬梅",
            ),
        },
    ),
    (
        1999,
        {
            "M": (
                "磊", "鹏", "超", "浩", "杰", "刚", "帅", "鑫", "晓东", "海龙", "俊杰", "志伟", "建伟", "凯",
                "亮", "宇", "晨", "明辉", "文杰", "子健", "家伟", "嘉俊", "振东", "鹏飞", "旭东", "晓明", "梓健",
                "俊宏", "天宇", "浩宇", "博", "阳", "峰", "健", "骏", "锋",
            ),
            "F": (
                "静", "丽", "婷", "倩", "雪", "琳", "晓燕", "丹", "娜", "佳", "颖", "晓丽", "慧敏", "文静",
                "思雨", "婧", "蕾", "晓雯", "佳琪", "玉洁", "美琪", "嘉欣", "咏琪", "丽婷", "婉婷", "敏仪",
                "雅婷", "晓彤", "梦婷", "欣", "璐", "瑶", "莹", "洁", "露", "爽",
            ),
        },
    ),
    (
        9999,
        {
            "M": (
                "子轩", "浩然", "宇轩", "梓豪", "俊熙", "皓轩", "一鸣", "子墨", "博文", "泽宇", "奕辰", "沐阳",
                "铭泽", "景行", "睿", "思源", "子谦", "宇航", "梓睿", "晨阳", "俊宇", "嘉乐", "天佑", "逸凡",
                "子睿", "锦程", "明轩", "宸", "浩宇", "书恒", "瑞霖", "诗尧", "煜祺", "承泽", "奕博", "乐天",
            ),
            "F": (
                "子涵", "欣怡", "梓涵", "一诺", "雨桐", "诗涵", "可馨", "语嫣", "思琪", "佳怡", "梦瑶", "若汐",
                "安琪", "雨萱", "梓萱", "艺涵", "语桐", "芷若", "诗琪", "欣妍", "思彤", "嘉怡", "晓萱", "依诺",
                "沐晴", "紫涵", "悦", "可欣", "雨涵", "梓琪", "钰彤", "书瑶", "诗雨", "佳琪", "若曦", "婉清",
            ),
        },
    ),
)

# People named in the reports are real. Generated residents must not share their names, so the
# demo never seems to say something about them.
REAL_NAMES = frozenset(
    {
        "张丽君", "邵常婷", "高丽梅", "许桂莲", "梁颖媚", "方春华", "邓广信", "王晓楠", "王成栋", "王聪聪",
        "王志臣", "刘朋", "张卫", "谢宜华", "梁兴华", "叶素芬", "李莉", "陈婵", "陈玲芝", "吴惠英", "陈淑婷",
        "徐铃静", "薛筱蕙",
    }
)

# Mobile prefixes of the three carriers (all match 1[3-9]xxxxxxxxx).
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "198", "199",
)
# fmt: on


@dataclass
class Person:
    name: str
    gender: str  # "M" / "F", as encoded in the ID number
    birth_date: dt.date
    id_number: str
    phone: str = ""
    tags: set[str] = field(default_factory=set)
    note: str = ""
    key: str = ""  # set for the featured residents that demo logins point at


@dataclass
class HouseholdPlan:
    building_index: int
    unit: str
    room: str
    members: list[Person]


@dataclass(frozen=True)
class FeaturedResident:
    """A hand-written resident, placed before the generated ones (a demo login points at them)."""

    key: str
    community: str
    building_index: int
    unit: str
    room: str
    name: str
    gender: str
    age: int
    phone: str
    tags: tuple[str, ...] = ()
    note: str = ""
    # Other members of the household: (name, gender, age).
    companions: tuple[tuple[str, str, int], ...] = ()


class Registry:
    """Numbers that must be unique across the whole demo (ID numbers, mobile numbers)."""

    def __init__(self, reserved_phones: set[str] | None = None) -> None:
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set(reserved_phones or ())

    def id_number(self, rng: random.Random, region: str, birth: dt.date, gender: str) -> str:
        while True:
            # Digits 15–17 are a sequence number; the 17th is odd for men, even for women.
            parity = rng.choice("13579" if gender == "M" else "02468")
            first17 = f"{region}{birth:%Y%m%d}{rng.randint(0, 99):02d}{parity}"
            number = first17 + check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def claim_id_number(self, number: str) -> None:
        self.id_numbers.add(number)

    def phone(self, rng: random.Random) -> str:
        while True:
            number = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def birth_date_for_age(rng: random.Random, today: dt.date, age: int) -> dt.date:
    """A birth date that makes the person exactly ``age`` on ``today``."""
    latest = years_before(today, age)
    earliest = years_before(today, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))


def _weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _elder_age(rng: random.Random, *, low: int = 60, alone: bool = False) -> int:
    # Old people living alone are older on average: most are widowed.
    bands = (
        ((65, 79, 50), (80, 89, 38), (90, 98, 12)) if alone else ((60, 69, 40), (70, 79, 36), (80, 89, 20), (90, 97, 4))
    )
    lo, hi, _w = rng.choices(bands, weights=[b[2] for b in bands])[0]
    return rng.randint(max(lo, low), max(hi, low))


class CommunityGenerator:
    """Households for one community."""

    def __init__(
        self,
        *,
        city: CityPlan,
        district: DistrictPlan,
        plan: CommunityPlan,
        today: dt.date,
        registry: Registry,
    ) -> None:
        self.city = city
        self.district = district
        self.plan = plan
        self.style: BuildingStyle = city.style
        self.today = today
        self.registry = registry
        # A fixed seed per community: adding a community later does not reshuffle the others.
        self.rng = random.Random(f"linli-demo/{city.name}/{plan.name}")
        self.free_addresses = [self._layout(index) for index in range(plan.buildings)]

    # --- addresses -------------------------------------------------------------------------

    def _layout(self, building_index: int) -> list[tuple[str, str]]:
        """Every (unit, room) of a building, shuffled: households take them from the end."""
        units = self.rng.randint(*self.style.units)
        floors = self.rng.randint(*self.style.floors)
        unit_names = [str(u) for u in range(1, units + 1)] or [""]
        rooms = [
            (unit, f"{floor}{n:02d}")
            for unit in unit_names
            for floor in range(1, floors + 1)
            for n in range(1, self.style.rooms_per_floor + 1)
        ]
        self.rng.shuffle(rooms)
        return rooms

    def _take_address(self) -> tuple[int, str, str]:
        open_buildings = [i for i, free in enumerate(self.free_addresses) if free]
        index = self.rng.choice(open_buildings)
        unit, room = self.free_addresses[index].pop()
        return index, unit, room

    def _claim_address(self, index: int, unit: str, room: str) -> None:
        free = self.free_addresses[index]
        if (unit, room) in free:
            free.remove((unit, room))

    # --- people ----------------------------------------------------------------------------

    def _surname(self, migrant: bool) -> str:
        pool = "national" if migrant and self.city.region == "guangdong" else self.city.region
        return _weighted(self.rng, SURNAMES[pool])

    def _given_name(self, birth_year: int, gender: str) -> str:
        for last_year, names in GIVEN_NAMES:
            if birth_year <= last_year:
                return self.rng.choice(names[gender])
        raise AssertionError("the last generation has no end year")

    def _region(self, migrant: bool) -> str:
        if migrant and self.city.other_region_codes:
            return self.rng.choice(self.city.other_region_codes)
        return self.district.code

    def person(self, *, surname: str, gender: str, age: int, migrant: bool, taken: set[str], name: str = "") -> Person:
        """One resident; ``name`` given means a hand-written one, else a name is drawn."""
        birth = birth_date_for_age(self.rng, self.today, age)
        if not name:
            # Draw again if the name belongs to a real person of the reports or repeats in the home.
            while not name or name in REAL_NAMES or name in taken:
                name = surname + self._given_name(birth.year, gender)
        taken.add(name)
        number = self.registry.id_number(self.rng, self._region(migrant), birth, gender)
        # Children under 14 have no phone of their own; some of the very old rely on family.
        has_phone = age >= 14 and self.rng.random() < (0.7 if age >= 80 else 0.95)
        return Person(
            name=name,
            gender=gender,
            birth_date=birth,
            id_number=number,
            phone=self.registry.phone(self.rng) if has_phone else "",
        )

    def _members(self) -> tuple[str, list[tuple[str, int, str]]]:
        """A household's kind and its members as (gender, age, role) with role in
        {"head", "spouse", "child", "elder"}: children take the head's surname."""
        rng = self.rng
        kind = rng.choices(
            ("elder_alone", "elder_couple", "family", "three_generations", "middle_aged", "young"),
            weights=(14, 26, 19, 13, 17, 11),
        )[0]
        if kind == "elder_alone":
            # Widows outnumber widowers about two to one.
            return kind, [("F" if rng.random() < 0.66 else "M", _elder_age(rng, low=65, alone=True), "head")]
        if kind == "elder_couple":
            husband = _elder_age(rng)
            return kind, [("M", husband, "head"), ("F", max(58, husband - rng.randint(0, 5)), "spouse")]
        if kind == "young":
            age = rng.randint(20, 38)
            members = [("M" if rng.random() < 0.5 else "F", age, "head")]
            if rng.random() < 0.5:
                members = [("M", age, "head"), ("F", max(20, age - rng.randint(0, 4)), "spouse")]
            return kind, members
        if kind == "middle_aged":
            father = rng.randint(45, 63)
            members = [("M", father, "head"), ("F", father - rng.randint(0, 4), "spouse")]
            if rng.random() < 0.5:
                members.append(("M" if rng.random() < 0.5 else "F", rng.randint(18, min(34, father - 22)), "child"))
            return kind, members
        # Families with children under 18, with grandparents for "three_generations".
        father = rng.randint(28, 48) if kind == "family" else rng.randint(30, 50)
        mother = max(24, father - rng.randint(0, 4))
        members = [("M", father, "head"), ("F", mother, "spouse")]
        for _ in range(1 if rng.random() < 0.7 else 2):
            members.append(("M" if rng.random() < 0.52 else "F", rng.randint(0, min(17, mother - 22)), "child"))
        if kind == "three_generations":
            grandfather = min(96, father + rng.randint(24, 32))
            grandmother = max(50, grandfather - rng.randint(0, 4))
            if rng.random() < 0.6:
                members += [("M", grandfather, "elder"), ("F", grandmother, "elder")]
            else:
                members.append(("F", grandmother, "elder"))
        return kind, members

    def household(self) -> HouseholdPlan:
        rng = self.rng
        kind, spec = self._members()
        migrant = rng.random() < self.plan.migrant_share
        family_name = self._surname(migrant)
        taken: set[str] = set()
        members: list[Person] = []
        for gender, age, role in spec:
            # Chinese wives keep their own surname, grandmothers too; children and the
            # grandfather carry the head's.
            own_surname = role == "spouse" or (role == "elder" and gender == "F")
            surname = self._surname(migrant) if own_surname else family_name
            members.append(self.person(surname=surname, gender=gender, age=age, migrant=migrant, taken=taken))
        self._tag(kind, members)
        index, unit, room = self._take_address()
        return HouseholdPlan(building_index=index, unit=unit, room=room, members=members)

    def _tag(self, kind: str, members: list[Person]) -> None:
        rng = self.rng
        ages = [self.age(p) for p in members]
        if kind == "elder_alone":
            members[0].tags.add(ELDERLY_ALONE)
        dibao = rng.random() < 0.03
        for person, age in zip(members, ages, strict=True):
            if dibao:
                person.tags.add(DIBAO)
            disabled_rate = 0.01 if age < 18 else 0.015 if age < 60 else 0.04 if age < 80 else 0.08
            if rng.random() < disabled_rate:
                person.tags.add(DISABLED)
        adult_disabled = any(DISABLED in p.tags for p, a in zip(members, ages, strict=True) if a >= 18)
        for person, age in zip(members, ages, strict=True):
            if age < 18 and rng.random() < (0.5 if dibao or adult_disabled else 0.012):
                person.tags.add(CHILD_HARDSHIP)

    def age(self, person: Person) -> int:
        born = person.birth_date
        return self.today.year - born.year - ((self.today.month, self.today.day) < (born.month, born.day))

    def featured(self, spec: FeaturedResident) -> HouseholdPlan:
        """A hand-written household; its ID number is generated like everyone's."""
        self._claim_address(spec.building_index, spec.unit, spec.room)
        self.registry.phones.add(spec.phone)  # callers reserve it up front too: see build.generate_people
        taken: set[str] = set()
        head = self.person(surname="", gender=spec.gender, age=spec.age, migrant=False, taken=taken, name=spec.name)
        head.phone, head.tags, head.note, head.key = spec.phone, set(spec.tags), spec.note, spec.key
        members = [head]
        for name, gender, age in spec.companions:
            members.append(self.person(surname="", gender=gender, age=age, migrant=False, taken=taken, name=name))
        return HouseholdPlan(building_index=spec.building_index, unit=spec.unit, room=spec.room, members=members)

    def generate(
        self, target: int, featured: list[FeaturedResident] | tuple[FeaturedResident, ...] = ()
    ) -> list[HouseholdPlan]:
        """Households until at least ``target`` residents (featured ones included)."""
        households = [self.featured(spec) for spec in featured if spec.community == self.plan.name]
        count = sum(len(h.members) for h in households)
        while count < target and any(self.free_addresses):
            household = self.household()
            households.append(household)
            count += len(household.members)
        self._building_leaders(households)
        return households

    def _building_leaders(self, households: list[HouseholdPlan]) -> None:
        """One 楼长 per building that has residents: an adult of working or early-retired age."""
        by_building: dict[int, list[Person]] = {}
        for household in households:
            by_building.setdefault(household.building_index, []).extend(household.members)
        for index in sorted(by_building):
            candidates = [p for p in by_building[index] if 30 <= self.age(p) <= 70 and not p.note and p.phone]
            if candidates:
                self.rng.choice(candidates).note = BUILDING_LEADER_NOTE
