"""The shared test world: two communities side by side, and users in each.

Every test that touches tenant data starts from this, so "a user of the other community gets
nothing" is always one fixture away. ID numbers are generated with valid check digits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from accounts.models import User
from accounts.services import user_create
from orgs.models import NodeKind, OrgNode
from orgs.roles import Role
from orgs.services import node_create, role_grant
from residents.idcard import check_digit
from residents.models import Resident
from residents.services import resident_create, resolve_address

# Test users only (bandit B105).
PASSWORD = "linli-test-2026"  # nosec B105

T = TypeVar("T")


def make_id_number(region: str = "370303", birth: str = "19500101", seq: int = 123) -> str:
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + check_digit(first17)


@dataclass
class World:
    city: OrgNode
    district: OrgNode
    subdistrict: OrgNode
    community_a: OrgNode
    community_b: OrgNode
    grid_a1: OrgNode
    grid_a2: OrgNode
    grid_b1: OrgNode
    building_a1: OrgNode
    building_b1: OrgNode
    users: dict[str, User] = field(default_factory=dict)
    residents: dict[str, Resident] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, name: str) -> User:
        return self.users[name]

    # The two sides of every cross-community test: "a" is 康平社区, where the users under test
    # work; "b" is 溡源社区, where they hold no role.

    def community(self, side: str) -> OrgNode:
        return {"a": self.community_a, "b": self.community_b}[side]

    def staff(self, side: str) -> User:
        """The community staff member of that side (staff_a or staff_b)."""
        return self.user(f"staff_{side}")

    def once(self, key: str, make: Callable[[], T]) -> T:
        """Make an object the first time it is asked for in a test, and keep it in ``extra``."""
        if key not in self.extra:
            self.extra[key] = make()
        return self.extra[key]


def _user(username: str, phone: str = "", **kwargs) -> User:
    return user_create(username=username, password=PASSWORD, display_name=username, phone=phone, **kwargs)


def build_world() -> World:
    city = node_create(kind=NodeKind.CITY, name="淄博市", parent=None)
    district = node_create(kind=NodeKind.DISTRICT, name="临淄区", parent=city)
    sub = node_create(kind=NodeKind.SUBDISTRICT, name="辛店街道", parent=district)
    a = node_create(kind=NodeKind.COMMUNITY, name="康平社区", parent=sub, population=10000)
    b = node_create(kind=NodeKind.COMMUNITY, name="溡源社区", parent=sub, population=8000)
    a1 = node_create(kind=NodeKind.GRID, name="第一网格", parent=a)
    a2 = node_create(kind=NodeKind.GRID, name="第二网格", parent=a)
    b1 = node_create(kind=NodeKind.GRID, name="第一网格", parent=b)
    ba1 = node_create(kind=NodeKind.BUILDING, name="1号楼", parent=a1)
    node_create(kind=NodeKind.BUILDING, name="2号楼", parent=a2)
    bb1 = node_create(kind=NodeKind.BUILDING, name="1号楼", parent=b1)
    w = World(city, district, sub, a, b, a1, a2, b1, ba1, bb1)

    grants = {
        "staff_a": (a, Role.COMMUNITY_STAFF),
        "staff_b": (b, Role.COMMUNITY_STAFF),
        "secretary_a": (a, Role.PARTY_SECRETARY),
        "grid_a1": (a1, Role.GRID_WORKER),
        "officer": (sub, Role.SUBDISTRICT_OFFICER),
        "auditor_a": (a, Role.AUDITOR),
        "committee_a": (a, Role.FUND_COMMITTEE),
        "charity_a": (a, Role.CHARITY_OFFICER),
        "partner_a": (a, Role.PARTNER_STAFF),
        "volunteer_a": (a1, Role.VOLUNTEER),
    }
    for username, (node, role) in grants.items():
        w.users[username] = _user(username)
        role_grant(user=w.users[username], node=node, role=role)
    w.users["admin"] = _user("admin", is_superuser=True)
    w.users["nobody"] = _user("nobody")

    def resident(key: str, community: OrgNode, grid: OrgNode, building: OrgNode | None, name: str, seq: int, phone: str):
        address = resolve_address(
            scope=None, community=community, grid_name=grid.name, building_name=building.name if building else "",
            unit="1", room=f"{seq}",
        )
        r = resident_create(
            actor=None, community=community, name=name, id_number=make_id_number(seq=seq), phone=phone, address=address
        )
        w.residents[key] = r
        return r

    resident("a1", a, a1, ba1, "张丽君", 101, "13800000101")
    resident("a2", a, a2, None, "李建国", 102, "13800000102")
    resident("b1", b, b1, bb1, "王秀英", 201, "13900000201")

    for key, username in (("a1", "resident_a"), ("b1", "resident_b")):
        r = w.residents[key]
        user = _user(username, phone=r.phone)
        r.user = user
        r.save(update_fields=["user"])
        role_grant(user=user, node=r.grid, role=Role.RESIDENT)
        w.users[username] = user
    return w
