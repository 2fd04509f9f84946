"""Who sees which dashboard; the pages, the big screen, Excel, the PDF and the API."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from insights.formatting import excel_title
from insights.services import rollups
from orgs.models import OrgNode
from orgs.roles import Role
from orgs.services import role_grant
from records.models import ProviderKind, Tier
from records.services import service_record_create

pytestmark = pytest.mark.django_db


def _served(world, community, n, person_times):
    service_record_create(
        community=community,
        service="理发",
        occurred_at=timezone.now() - dt.timedelta(minutes=5),
        tier=Tier.FREE,
        provider_kind=ProviderKind.VOLUNTEER,
        provider_name="义剪队",
        person_times=person_times,
        source=("insights.pages", n),
    )


@pytest.fixture
def served(world):
    _served(world, world.community_a, 1, 3)
    _served(world, world.community_b, 2, 11)
    rollups.rebuild()
    return world


def _dash(node_id, **query):
    return reverse("insights:dashboard", kwargs={"insights_node_id": node_id})


def test_community_staff_see_only_their_community(served, client):
    w = served
    client.force_login(w.staff("a"))
    home = client.get(reverse("insights:home"))
    assert home.status_code == 302 and home["Location"] == _dash(w.community_a.pk)
    page = client.get(_dash(w.community_a.pk))
    assert page.status_code == 200 and w.community_a.name in page.content.decode()
    assert client.get(_dash(w.community_b.pk)).status_code == 404
    subdistrict = w.community_a.parent
    assert client.get(_dash(subdistrict.pk)).status_code == 404
    api = client.get(f"/api/v1/insights/nodes/{w.community_b.pk}")
    assert api.status_code == 404


def test_subdistrict_officer_sees_their_communities_ranked(served, client):
    w = served
    officer = w.user("officer")
    client.force_login(officer)
    sub = OrgNode.objects.get(pk=w.community_a.parent_id)
    page = client.get(_dash(sub.pk), {"rank": "person_times"})
    assert page.status_code == 200
    body = page.content.decode()
    body = body[body.index('class="compare"') :]
    # Both communities are under the officer's subdistrict (the test world): B ranks first (11 > 3).
    assert body.index(w.community_b.name) < body.index(w.community_a.name)
    data = client.get(f"/api/v1/insights/nodes/{sub.pk}").json()
    assert data["figures"]["person_times"] == 14
    assert [r["node"]["name"] for r in data["rows"]] == [w.community_b.name, w.community_a.name]
    # Drill down: the community's dashboard, then the records behind the number.
    records = client.get(
        reverse("insights:records", kwargs={"insights_node_id": w.community_b.pk}), {"figure": "person_times"}
    )
    assert records.status_code == 200 and "义剪队" in records.content.decode()


def test_city_official_sees_everything_and_the_records_stay_private(served, client):
    w = served
    city = OrgNode.objects.filter(parent__isnull=True).get(pk=w.community_a.path.strip("/").split("/")[0])
    official = w.user("officer").__class__.objects.create_user(username="cityguy", password="x-Linli-2026!")
    role_grant(user=official, node=city, role=Role.CITY_OFFICIAL)
    client.force_login(official)
    data = client.get(f"/api/v1/insights/nodes/{city.pk}").json()
    assert data["figures"]["person_times"] == 14
    records = client.get(
        reverse("insights:records", kwargs={"insights_node_id": w.community_a.pk}), {"figure": "person_times"}
    )
    body = records.content.decode()
    assert records.status_code == 200
    assert w.residents["a1"].name not in body  # what was served, never to whom


def test_a_resident_and_a_partner_see_no_dashboard(served, client):
    w = served
    for name in ("resident_a", "partner_a"):
        client.force_login(w.user(name))
        assert client.get(_dash(w.community_a.pk)).status_code == 404
        assert client.get(reverse("insights:home")).status_code == 404
        assert client.get("/api/v1/insights/nodes").json() == []


def test_excel_pdf_and_big_screen(served, client):
    w = served
    client.force_login(w.staff("a"))
    year = timezone.localdate().year
    xlsx = client.get(_dash(w.community_a.pk), {"format": "xlsx", "year": year})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=3, values_only=True)}
    with translation.override("zh-hans"):
        title = excel_title("person_times")
    assert rows[title] == 3
    pdf = client.get(reverse("insights:case_pdf", kwargs={"insights_node_id": w.community_a.pk}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    screen = client.get(reverse("insights:screen", kwargs={"insights_node_id": w.community_a.pk}))
    assert screen.status_code == 200 and b"echarts-5.6.0.min.js" in screen.content
    assert b"<script>" not in screen.content  # no inline script (CSP)
    data = client.get(reverse("insights:screen_data", kwargs={"insights_node_id": w.community_a.pk})).json()
    assert data["node"]["name"] == w.community_a.name
    assert sum(t["value"] for t in data["tiers"]) == 1


def test_bad_period_is_refused_in_chinese(served, client):
    w = served
    client.force_login(w.staff("a"))
    page = client.get(_dash(w.community_a.pk), {"year": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 422
    assert "请从列表中选择年份" in page.content.decode()


def test_figure_definitions_over_the_api(served, client):
    client.force_login(served.staff("a"))
    keys = {f["key"] for f in client.get("/api/v1/insights/figures").json()}
    assert {"person_times", "residents_served", "fund_balance", "utilisation"} <= keys
