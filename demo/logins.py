"""One demo login per role, each with its grant at the right node, and the table that lists them.

Display names are invented: the people named in the reports are real, and a demo login must
not put words in their mouths. Every login shares one password that passes the validators.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import translation

from accounts.models import User
from accounts.selectors import user_by_phone
from accounts.services import user_create
from demo.people import ELDERLY_ALONE, FeaturedResident
from orgs.models import OrgNode
from orgs.roles import Role
from orgs.services import role_grant
from residents.models import Resident

# The published demo password (README); production has no demo data (bandit B105).
PASSWORD = "linli-demo-2026"  # nosec B105

KANGPING = ("淄博市", "临淄区", "辛店街道", "康平社区")
ZHONGFU = ("江门市", "江海区", "礼乐街道", "中福社区")

# The two residents behind the resident and volunteer logins, both in 康平社区 第一网格 so the
# grid worker login sees them. Their phones are their login names (username works too).
FEATURED: tuple[FeaturedResident, ...] = (
    FeaturedResident(
        key="resident",
        community="康平社区",
        building_index=0,  # 1号楼, in 第一网格
        unit="1",
        room="101",
        name="刘桂芳",
        gender="F",
        age=82,
        phone="13953300082",
        tags=(ELDERLY_ALONE,),
        note="独居，子女在济南工作",
    ),
    FeaturedResident(
        key="volunteer",
        community="康平社区",
        building_index=2,  # 3号楼, in 第一网格
        unit="2",
        room="402",
        name="孙志强",
        gender="M",
        age=56,
        phone="13953300056",
        note="志愿者：家电维修",
        companions=(("王秀梅", "F", 54),),
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str | None  # None: the platform superuser, who holds no grant
    node: tuple[str, ...]  # names from the city down to the node of the grant
    title: str = ""
    resident_key: str = ""  # a featured resident: the login is theirs, phone included

    @property
    def home(self) -> str:
        # accounts.selectors.home_url_for: staff roles go to the console, residents to /me/.
        return "/me/" if self.role in (Role.RESIDENT, Role.VOLUNTEER) else "/console/"


LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "平台管理员", None, ()),
    DemoLogin("officer", "马振华", Role.SUBDISTRICT_OFFICER, KANGPING[:3], "辛店街道社区建设办"),
    DemoLogin("secretary", "孙雅琴", Role.PARTY_SECRETARY, KANGPING, "社区党委书记、居委会主任"),
    DemoLogin("staff", "郑晓雯", Role.COMMUNITY_STAFF, KANGPING, "社区工作者"),
    DemoLogin("grid", "韩立新", Role.GRID_WORKER, (*KANGPING, "第一网格"), "第一网格专职网格员"),
    DemoLogin("committee", "曲文博", Role.FUND_COMMITTEE, KANGPING, "社区发展基金管理委员会委员"),
    # The charity (市慈善总会) holds the funds of every community in the city and approves their
    # applications, so its officer is granted at the city, not at one community.
    DemoLogin("city", "周建平", Role.CITY_OFFICIAL, KANGPING[:1], "市民政局基层政权建设处"),
    DemoLogin("charity", "宋佳慧", Role.CHARITY_OFFICER, KANGPING[:1], "市慈善总会项目专员"),
    # Granted at the district, so the auditor reaches 康平社区 and 闻韶社区's fund alike.
    DemoLogin("auditor", "田立群", Role.AUDITOR, KANGPING[:2], "审计员"),
    DemoLogin("partner", "邢美玲", Role.PARTNER_STAFF, KANGPING, "社区合伙人·康小鲜社区私房"),
    DemoLogin("volunteer", "孙志强", Role.VOLUNTEER, KANGPING, "志愿者", resident_key="volunteer"),
    DemoLogin("resident", "刘桂芳", Role.RESIDENT, (*KANGPING, "第一网格"), resident_key="resident"),
    DemoLogin("staff_zf", "梁嘉欣", Role.COMMUNITY_STAFF, ZHONGFU, "社区工作者"),
)


def node_at(names: tuple[str, ...]) -> OrgNode:
    node = None
    for name in names:
        node = OrgNode.objects.get(parent=node, name=name)
    # Demo data builder (bandit B101).
    assert node is not None  # nosec B101
    return node


def login_conflicts() -> list[str]:
    """Demo usernames or phones already taken by accounts the demo did not make."""
    phones = {f.key: f.phone for f in FEATURED}
    taken = []
    for login in LOGINS:
        if User.objects.filter(username__iexact=login.username).exists():
            taken.append(login.username)
        phone = phones.get(login.resident_key)
        if phone and user_by_phone(phone) is not None:
            taken.append(phone)
    return taken


def create_logins(featured: dict[str, Resident]) -> list[User]:
    users = []
    for login in LOGINS:
        resident = featured.get(login.resident_key) if login.resident_key else None
        user = user_create(
            username=login.username,
            password=PASSWORD,
            display_name=login.display_name,
            phone=resident.phone if resident else "",
            is_superuser=login.role is None,
        )
        if resident is not None:
            # What residents.services.resident_account_create does, with our username: the
            # link to the record, and the resident role at their grid.
            resident.user = user
            resident.save(update_fields=["user", "updated_at"])
            role_grant(user=user, node=resident.grid, role=Role.RESIDENT)
        if login.role is not None and login.role != Role.RESIDENT:
            role_grant(user=user, node=node_at(login.node), role=login.role, title=login.title)
        users.append(user)
    return users


# --- The table ---------------------------------------------------------------------------


def _role_label(role: str | None) -> str:
    if role is None:
        return "平台管理员 / Platform admin"
    with translation.override("zh-hans"):
        zh = str(Role(role).label)
    with translation.override("en"):
        en = str(Role(role).label)
    return zh if zh == en else f"{zh} / {en}"


def _where(login: DemoLogin) -> str:
    if not login.node:
        return "全部 / everywhere"
    # The last three levels say enough (辛店街道 康平社区 第一网格); a city grant shows the city.
    names = login.node[1:] if len(login.node) > 1 else login.node
    return " ".join(names[-3:])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: Iterable[list[str]]) -> str:
    rows = list(rows)
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# Logins that the apps' demo loaders make next to their data (same password).
APP_LOGINS: tuple[tuple[str, str, str, str], ...] = (
    ("shaping_officer", Role.SUBDISTRICT_OFFICER, "沙坪街道 (社区企业 community enterprises)", "/console/"),
    ("shaping_bookkeeper", Role.BOOKKEEPER, "沙坪街道", "/console/"),
    ("dsj-merchant", Role.MERCHANT, "大世界社区 (集市 markets)", "/console/"),
    ("sy-employer", Role.MERCHANT, "溡源社区 (零工 gig jobs)", "/console/"),
)


def login_table() -> str:
    """The demo logins as they are in the database now (a login missing there is marked)."""
    existing = set(
        User.objects.filter(username__in=[login.username for login in LOGINS]).values_list("username", flat=True)
    )
    phones = {f.key: f.phone for f in FEATURED}
    header = ["用户名 Username", "密码 Password", "角色 Role", "范围 Where", "登录后 Lands on"]
    rows = [header]
    for login in LOGINS:
        username = login.username if login.username in existing else f"{login.username} (缺失 missing)"
        if login.resident_key:
            username += f" / {phones[login.resident_key]}"
        rows.append([username, PASSWORD, _role_label(login.role), _where(login), login.home])
    made = set(User.objects.filter(username__in=[a[0] for a in APP_LOGINS]).values_list("username", flat=True))
    for username, role, where, home in APP_LOGINS:
        if username in made:
            rows.append([username, PASSWORD, _role_label(role), where, home])
    return format_table(rows)
