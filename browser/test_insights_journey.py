"""Leaders read the figures: a city official drills down from the city to a community and the
records behind a number; the big screen in a hall at 1920×1080 and on a phone; community staff
see their community's dashboard on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from browser.pages import log_in
from insights.services import rollups
from linli.testkit import PASSWORD
from orgs.roles import Role
from orgs.services import role_grant
from records.models import ProviderKind, Tier
from records.services import service_record_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _history(world) -> None:
    """A few months of services in both communities."""
    today = timezone.localdate()
    n = 0
    for months_ago in range(0, 5):
        day = (today.replace(day=1) - dt.timedelta(days=months_ago * 30)).replace(day=1)
        for community, tier, count, provider in (
            (world.community_a, Tier.FREE, 12 + months_ago, "义剪志愿队"),
            (world.community_a, Tier.LOW_COST, 30 - months_ago, "康小鲜社区私房"),
            (world.community_b, Tier.MARKET, 9 + 2 * months_ago, "溡源理发店"),
        ):
            n += 1
            service_record_create(
                community=community, service="服务", tier=tier, provider_kind=ProviderKind.PARTNER,
                provider_name=provider, person_times=count, source=("browser.insights", n),
                occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
            )
    rollups.rebuild()


def test_a_city_official_drills_down_and_the_big_screen(journey, world):
    _history(world)
    official = world.user("officer").__class__.objects.create_user(username="city_a", password=PASSWORD)
    role_grant(user=official, node=world.city, role=Role.CITY_OFFICIAL)

    desk = journey.desktop()
    log_in(desk, "city_a")
    desk.goto("/console/insights/")
    assert world.city.name in desk.locator("h1").inner_text()
    desk.wait_for_selector("#trend-chart canvas")
    journey.step(desk, "city", doc="insights-city")
    # The test city has one district with one subdistrict: the comparison goes straight to the
    # communities. The subdistrict's own dashboard is there too, through the breadcrumbs.
    desk.goto(f"/console/insights/{world.subdistrict.pk}/")
    desk.wait_for_selector("table.compare")
    journey.step(desk, "subdistrict")
    desk.click(f"table.compare a:has-text('{world.community_a.name}')")
    assert world.community_a.name in desk.locator("h1").inner_text()
    journey.step(desk, "community")
    desk.click(".kpi a >> nth=0")
    assert "义剪志愿队" in desk.locator("main").inner_text()
    journey.step(desk, "records")

    wall = journey.wall()
    log_in(wall, "city_a")
    wall.goto(f"/console/insights/{world.city.pk}/screen/")
    wall.wait_for_selector("#cards .card")
    wall.wait_for_selector("#c-ranking canvas")
    assert world.city.name in wall.locator("h1").inner_text()
    journey.step(wall, "big screen", doc="insights-screen")

    phone = journey.phone()
    log_in(phone, "city_a")
    phone.goto(f"/console/insights/{world.city.pk}/screen/")
    phone.wait_for_selector("#cards .card")
    journey.step(phone, "big screen on a phone")
    journey.done()


def test_community_staff_read_their_dashboard_on_a_phone(journey, world):
    _history(world)
    phone = journey.phone()
    log_in(phone, world.staff("a").username)
    phone.goto("/console/insights/")
    assert world.community_a.name in phone.locator("h1").inner_text()
    phone.wait_for_selector("#trend-chart canvas")
    journey.step(phone, "community dashboard", doc="insights-community")
    journey.done()
