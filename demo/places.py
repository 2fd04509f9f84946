"""The real places of the reports in /work/shared/seeds, as the demo's organisation tree.

Names, the chain city → district → subdistrict → community and the figures quoted in the
reports are real (城南社区: "80栋楼、1万多名居民"). Where a report gives no figure, the registered
population, grid and building counts are plausible values for an urban community of that kind.
Subdistrict codes are left empty: the reports do not give them and a wrong code is worse than
none; city and district codes are the GB/T 2260 codes that also start residents' ID numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BuildingStyle:
    """How buildings are named and laid out in a region.

    Shandong housing is numbered "N号楼" with stair units (单元); in Guangdong "N栋" blocks are
    usual and addresses rarely carry a unit.
    """

    suffix: str
    units: tuple[int, int]  # min, max stair units per building (0 = no unit in the address)
    floors: tuple[int, int]
    rooms_per_floor: int


SHANDONG = BuildingStyle(suffix="号楼", units=(2, 4), floors=(5, 18), rooms_per_floor=2)
GUANGDONG = BuildingStyle(suffix="栋", units=(0, 0), floors=(7, 18), rooms_per_floor=4)


@dataclass(frozen=True)
class CommunityPlan:
    name: str
    population: int  # registered population (户籍/常住), shown on dashboards
    grids: int
    # (estate name, building count): buildings are named "{estate}{n}{suffix}"; "" for the
    # community's own unnamed housing. Estates come from the reports (帕佳图, 文昌花园, 经纬花园).
    estates: tuple[tuple[str, int], ...]
    residents: int  # generated residents in the full demo (a sample, not the whole population)
    migrant_share: float = 0.12  # share of residents born outside the district (other region codes)

    @property
    def buildings(self) -> int:
        return sum(count for _estate, count in self.estates)


@dataclass(frozen=True)
class SubdistrictPlan:
    name: str
    communities: tuple[CommunityPlan, ...]


@dataclass(frozen=True)
class DistrictPlan:
    name: str
    code: str  # also the region code of locally born residents' ID numbers
    subdistricts: tuple[SubdistrictPlan, ...]


@dataclass(frozen=True)
class CityPlan:
    name: str
    code: str
    region: str  # "shandong" or "guangdong": surnames and building style follow it
    style: BuildingStyle
    districts: tuple[DistrictPlan, ...]
    # Region codes of people born elsewhere who live here (nearby counties, and for the Pearl
    # River Delta the provinces its migrant workers come from).
    other_region_codes: tuple[str, ...] = field(default=())


ZIBO = CityPlan(
    name="淄博市",
    code="370300",
    region="shandong",
    style=SHANDONG,
    other_region_codes=(
        "370302",  # 淄博市淄川区
        "370304",  # 淄博市博山区
        "370321",  # 淄博市桓台县
        "370322",  # 淄博市高青县
        "370102",  # 济南市历下区
        "370702",  # 潍坊市潍城区
        "371302",  # 临沂市兰山区
        "371402",  # 德州市德城区
    ),
    districts=(
        DistrictPlan(
            name="临淄区",
            code="370305",
            subdistricts=(
                SubdistrictPlan(
                    name="辛店街道",
                    communities=(
                        CommunityPlan("康平社区", population=9600, grids=6, estates=(("", 24),), residents=900),
                        CommunityPlan("溡源社区", population=7800, grids=5, estates=(("", 18),), residents=450),
                    ),
                ),
                SubdistrictPlan(
                    name="闻韶街道",
                    communities=(
                        CommunityPlan("闻韶社区", population=8900, grids=6, estates=(("", 22),), residents=500),
                        CommunityPlan("辛东社区", population=6800, grids=5, estates=(("", 16),), residents=400),
                    ),
                ),
            ),
        ),
        DistrictPlan(
            name="张店区",
            code="370303",
            subdistricts=(
                SubdistrictPlan(
                    name="车站街道",
                    communities=(
                        # "我们城南社区有80栋楼、1万多名居民"
                        CommunityPlan("城南社区", population=10600, grids=8, estates=(("", 80),), residents=1000),
                        CommunityPlan("工盛社区", population=8200, grids=6, estates=(("", 20),), residents=450),
                    ),
                ),
            ),
        ),
        DistrictPlan(
            name="周村区",
            code="370306",
            subdistricts=(
                SubdistrictPlan(
                    name="丝绸路街道",
                    communities=(
                        CommunityPlan("大世界社区", population=7300, grids=5, estates=(("", 18),), residents=400),
                    ),
                ),
            ),
        ),
        DistrictPlan(
            name="沂源县",
            code="370323",
            subdistricts=(
                SubdistrictPlan(
                    name="南麻街道",
                    communities=(
                        CommunityPlan("鲁阳社区", population=6100, grids=4, estates=(("", 14),), residents=350),
                    ),
                ),
            ),
        ),
    ),
)

# 礼乐街道 belongs to 江门市江海区 (code 440704). The report (江门日报) names only the subdistrict and
# "区民政局、区慈善会"; the district is 江海区, not 蓬江区.
# 鹤山市 is a county-level city administered by 江门市: in the tree it is a district-level node.
JIANGMEN = CityPlan(
    name="江门市",
    code="440700",
    region="guangdong",
    style=GUANGDONG,
    other_region_codes=(
        "440703",  # 江门市蓬江区
        "440705",  # 江门市新会区
        "440781",  # 台山市
        "440783",  # 开平市
        "441702",  # 阳江市江城区
        "440881",  # 廉江市
        "450103",  # 南宁市青秀区
        "431102",  # 永州市零陵区
        "360702",  # 赣州市章贡区
        "511702",  # 达州市通川区
    ),
    districts=(
        DistrictPlan(
            name="江海区",
            code="440704",
            subdistricts=(
                SubdistrictPlan(
                    name="礼乐街道",
                    communities=(
                        CommunityPlan(
                            "中福社区",
                            population=9800,
                            grids=6,
                            estates=(("帕佳图", 8), ("", 12)),
                            residents=500,
                            migrant_share=0.25,
                        ),
                        # "开放式老旧小区，外来人员较多"
                        CommunityPlan(
                            "文苑社区",
                            population=6400,
                            grids=5,
                            estates=(("文昌花园", 10), ("", 8)),
                            residents=400,
                            migrant_share=0.4,
                        ),
                    ),
                ),
            ),
        ),
        DistrictPlan(
            name="鹤山市",
            code="440784",
            subdistricts=(
                SubdistrictPlan(
                    name="沙坪街道",
                    communities=(
                        CommunityPlan("凤凰社区", population=8600, grids=6, estates=(("", 20),), residents=450),
                        CommunityPlan("谷埠社区", population=5900, grids=4, estates=(("", 14),), residents=300),
                        CommunityPlan("雁山社区", population=6700, grids=5, estates=(("", 16),), residents=350),
                        CommunityPlan("桂林社区", population=5200, grids=4, estates=(("", 12),), residents=300),
                        CommunityPlan("南山社区", population=5600, grids=4, estates=(("", 14),), residents=300),
                        CommunityPlan(
                            "和平社区", population=7400, grids=5, estates=(("经纬花园", 10), ("", 8)), residents=450
                        ),
                    ),
                ),
            ),
        ),
    ),
)

CITIES: tuple[CityPlan, ...] = (ZIBO, JIANGMEN)

GRID_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def grid_name(index: int) -> str:
    """第一网格 … 第十网格 (index from 0)."""
    return f"第{GRID_NUMERALS[index]}网格"


def building_names(plan: CommunityPlan, style: BuildingStyle) -> list[str]:
    return [f"{estate}{n}{style.suffix}" for estate, count in plan.estates for n in range(1, count + 1)]


def grid_of_building(index: int, buildings: int, grids: int) -> int:
    """Buildings are spread over grids in neighbouring blocks, as grids follow streets."""
    return index * grids // buildings


def all_communities() -> list[tuple[CityPlan, DistrictPlan, SubdistrictPlan, CommunityPlan]]:
    return [
        (city, district, sub, community)
        for city in CITIES
        for district in city.districts
        for sub in district.subdistricts
        for community in sub.communities
    ]
