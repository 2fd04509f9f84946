"""Writes the demo world: the organisation tree through ``orgs.services.node_create`` (few rows,
and the service keeps paths and tenant keys right), residents in bulk (thousands of rows; one
INSERT per 500, with their history rows, as ``residents.imports`` does)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from demo.people import CommunityGenerator, FeaturedResident, HouseholdPlan, Registry, years_before
from demo.places import CITIES, CityPlan, CommunityPlan, all_communities, building_names, grid_name, grid_of_building
from orgs.models import NodeKind, OrgNode
from orgs.services import node_create
from residents.models import Household, Resident, VulnerableTag
from residents.names import pinyin_keys

HISTORY_REASON = "demo data"
BATCH = 500
# Residents per community with --small: enough for every page to show something.
SMALL_RESIDENTS = 15


@dataclass
class CommunityNodes:
    node: OrgNode
    grids: list[OrgNode]
    buildings: list[OrgNode]  # in plan order; building i sits in grids[grid_of_building(i, …)]


@dataclass
class BuildSummary:
    cities: int = 0
    communities: int = 0
    grids: int = 0
    buildings: int = 0
    households: int = 0
    residents: int = 0
    tagged: dict[str, int] = field(default_factory=dict)  # tag name → residents given it
    aged_80_plus: int = 0
    featured: dict[str, Resident] = field(default_factory=dict)


def demo_exists() -> bool:
    """The demo is there if any of its cities is (a city is the root of the tree)."""
    return OrgNode.objects.filter(kind=NodeKind.CITY, name__in=[c.name for c in CITIES]).exists()


def build_tree() -> dict[str, CommunityNodes]:
    """City → district → subdistrict → community → grids → buildings; keyed by community name."""
    communities: dict[str, CommunityNodes] = {}
    for c_order, city in enumerate(CITIES, start=1):
        city_node = node_create(kind=NodeKind.CITY, name=city.name, parent=None, code=city.code, sort_order=c_order)
        for d_order, district in enumerate(city.districts, start=1):
            district_node = node_create(
                kind=NodeKind.DISTRICT, name=district.name, parent=city_node, code=district.code, sort_order=d_order
            )
            for s_order, sub in enumerate(district.subdistricts, start=1):
                sub_node = node_create(
                    kind=NodeKind.SUBDISTRICT, name=sub.name, parent=district_node, sort_order=s_order
                )
                for m_order, plan in enumerate(sub.communities, start=1):
                    communities[plan.name] = _community(city, plan, sub_node, m_order)
    return communities


def _community(city: CityPlan, plan: CommunityPlan, parent: OrgNode, order: int) -> CommunityNodes:
    node = node_create(
        kind=NodeKind.COMMUNITY, name=plan.name, parent=parent, population=plan.population, sort_order=order
    )
    grids = [
        node_create(kind=NodeKind.GRID, name=grid_name(i), parent=node, sort_order=i + 1) for i in range(plan.grids)
    ]
    names = building_names(plan, city.style)
    buildings = [
        node_create(
            kind=NodeKind.BUILDING,
            name=name,
            parent=grids[grid_of_building(i, len(names), plan.grids)],
            sort_order=i + 1,
        )
        for i, name in enumerate(names)
    ]
    return CommunityNodes(node=node, grids=grids, buildings=buildings)


def generate_people(
    *, small: bool, today: dt.date, featured: tuple[FeaturedResident, ...]
) -> dict[str, list[HouseholdPlan]]:
    """Households per community name; pure computation, same output for the same day."""
    registry = Registry(reserved_phones={f.phone for f in featured})
    plans: dict[str, list[HouseholdPlan]] = {}
    for city, district, _sub, plan in all_communities():
        generator = CommunityGenerator(city=city, district=district, plan=plan, today=today, registry=registry)
        plans[plan.name] = generator.generate(SMALL_RESIDENTS if small else plan.residents, featured)
    return plans


def write_people(
    tree: dict[str, CommunityNodes], plans: dict[str, list[HouseholdPlan]], summary: BuildSummary, today: dt.date
) -> None:
    """Households, residents and their tags in bulk: three INSERT streams, no query per person."""
    households: list[Household] = []
    rows: list[tuple[Household, HouseholdPlan, CommunityNodes]] = []
    for name, community_plans in plans.items():
        nodes = tree[name]
        for plan in community_plans:
            building = nodes.buildings[plan.building_index]
            household = Household(
                community=nodes.node, grid_id=building.parent_id, building=building, unit=plan.unit, room=plan.room
            )
            households.append(household)
            rows.append((household, plan, nodes))
    # PostgreSQL and SQLite ≥ 3.35 return the new ids from a bulk insert, so the objects
    # carry their pk afterwards and residents can point at them directly.
    bulk_create_with_history(households, Household, batch_size=BATCH, default_change_reason=HISTORY_REASON)

    tags = {t.code: t for t in VulnerableTag.objects.all()}
    residents: list[Resident] = []
    people = []
    for household, plan, nodes in rows:
        for person in plan.members:
            full, initials = pinyin_keys(person.name)
            residents.append(
                Resident(
                    community=nodes.node,
                    grid_id=household.grid_id,
                    building=household.building,
                    unit=household.unit,
                    room=household.room,
                    household=household,
                    name=person.name,
                    name_pinyin=full,
                    name_initials=initials,
                    id_number=person.id_number,
                    birth_date=person.birth_date,
                    gender=person.gender,
                    phone=person.phone,
                    # Sensitive groups are encrypted on the resident, never rows of the tags table.
                    sensitive_tags=",".join(sorted(c for c in person.tags if c in tags and tags[c].sensitive)),
                    note=person.note,
                )
            )
            people.append(person)
    bulk_create_with_history(residents, Resident, batch_size=BATCH, default_change_reason=HISTORY_REASON)

    through = Resident.tags.through
    links = []
    for resident, person in zip(residents, people, strict=True):
        for code in sorted(person.tags):
            if code in tags:  # a city may have removed a default tag; skip rather than fail
                if not tags[code].sensitive:
                    links.append(through(resident_id=resident.pk, vulnerabletag_id=tags[code].pk))
                summary.tagged[tags[code].name] = summary.tagged.get(tags[code].name, 0) + 1
        if person.key:
            summary.featured[person.key] = resident
    through.objects.bulk_create(links, batch_size=1000)
    summary.households += len(households)
    summary.residents += len(residents)
    eighty = years_before(today, 80)
    summary.aged_80_plus += sum(1 for r in residents if r.birth_date <= eighty)


def build_places_and_people(*, small: bool, featured: tuple[FeaturedResident, ...]) -> BuildSummary:
    """The whole demo world except logins. The caller runs it in one transaction."""
    summary = BuildSummary()
    tree = build_tree()
    summary.cities = len(CITIES)
    summary.communities = len(tree)
    summary.grids = sum(len(c.grids) for c in tree.values())
    summary.buildings = sum(len(c.buildings) for c in tree.values())
    today = timezone.localdate()
    plans = generate_people(small=small, today=today, featured=featured)
    write_people(tree, plans, summary, today)
    return summary
