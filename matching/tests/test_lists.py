"""Needs, resources and projects: scope, validation, the project lifecycle and matching."""

import datetime as dt

import pytest
from django.utils import translation

from linli.errors import Conflict, NotFound, ValidationFailed
from matching import selectors, services
from matching.models import Need, NeedSource, NeedStatus, ProjectStatus
from orgs.scope import Scope

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The reasons are compared with their English source text."""
    with translation.override("en"):
        yield


def S(world, name):
    return Scope(world.user(name))


def meal_need(world, **kw):
    return services.need_create(
        actor=S(world, "staff_a"),
        community=world.community_a,
        title="独居老人午餐没人做",
        category="meals",
        affected_count=12,
        affected_groups=["elderly_alone"],
        urgency=3,
        grid=world.grid_a1,
        **kw,
    )


def test_staff_record_a_need_with_counts_and_groups(world):
    need = meal_need(world, source=NeedSource.SURVEY)
    assert (need.source, need.affected_count, need.affected_groups, need.status) == (
        "survey",
        12,
        ["elderly_alone"],
        "open",
    )
    assert need.history.count() == 1


def test_a_grid_worker_records_needs_in_their_own_grid_only(world):
    need = services.need_create(
        actor=S(world, "grid_a1"), community=world.community_a, title="楼道灯坏", category="repairs", grid=world.grid_a1
    )
    assert need.source == NeedSource.GRID_WORKER
    with pytest.raises(NotFound):
        services.need_create(
            actor=S(world, "grid_a1"), community=world.community_a, title="x", category="repairs", grid=world.grid_a2
        )
    with pytest.raises(NotFound):
        services.need_create(actor=S(world, "staff_a"), community=world.community_b, title="x", category="repairs")


def test_bad_input_is_refused_and_nothing_is_written(world):
    for bad in (
        {"category": "nonsense"},
        {"affected_count": 0},
        {"affected_groups": ["martians"]},
        {"needed_from": dt.date(2026, 5, 1), "needed_until": dt.date(2026, 4, 1)},
        {"grid": "b"},
    ):
        kwargs = {"title": "x", "category": "meals", **bad}
        if kwargs.get("grid") == "b":
            kwargs["grid"] = world.grid_b1
        with pytest.raises(ValidationFailed):
            services.need_create(actor=S(world, "staff_a"), community=world.community_a, **kwargs)
    assert Need.objects.count() == 0


def test_a_resident_raises_a_need_at_home_and_sees_only_their_own(world):
    need = services.need_raise(user=world.user("resident_a"), title="孩子放学没人接", category="childcare")
    a1 = world.residents["a1"]
    assert (need.community, need.grid, need.building, need.resident) == (a1.community, a1.grid, a1.building, a1)
    assert list(selectors.need_list_for_resident(user=world.user("resident_a"))) == [need]
    assert list(selectors.need_list_for_resident(user=world.user("resident_b"))) == []
    with pytest.raises(NotFound):
        services.need_raise(user=world.user("nobody"), title="x", category="meals")


def test_lists_are_scoped_grid_workers_see_their_grid(world):
    in_a1 = meal_need(world)
    in_a2 = services.need_create(
        actor=S(world, "staff_a"), community=world.community_a, title="a2", category="meals", grid=world.grid_a2
    )
    staff = set(selectors.need_list_for_user(scope=S(world, "staff_a"), community=world.community_a))
    assert staff == {in_a1, in_a2}
    assert list(selectors.need_list_for_user(scope=S(world, "grid_a1"), community=world.community_a)) == [in_a1]
    assert list(selectors.need_list_for_user(scope=S(world, "staff_b"), community=world.community_a)) == []
    with pytest.raises(NotFound):
        selectors.need_get_for_user(scope=S(world, "staff_b"), need_id=in_a1.pk)
    with pytest.raises(NotFound):
        selectors.need_get_for_user(scope=S(world, "resident_a"), need_id=in_a1.pk)


def test_suggestions_rank_by_score_with_reasons_and_uncovered_needs_are_listed(world):
    need = meal_need(world, needed_from=dt.date(2026, 3, 1), needed_until=dt.date(2026, 6, 30))
    staff = S(world, "staff_a")
    community_wide = services.resource_create(
        actor=staff,
        community=world.community_a,
        title="中央厨房助餐",
        category="meals",
        offered_by="member_unit",
        provider_name="区人民医院",
        quantity=50,
        unit="份/天",
    )
    same_grid = services.resource_create(
        actor=staff,
        community=world.community_a,
        title="楼下餐馆送餐",
        category="meals",
        offered_by="donor",
        provider_name="好邻居餐馆",
        grid=world.grid_a1,
        available_from=dt.date(2026, 4, 1),
    )
    services.resource_create(
        actor=staff,
        community=world.community_a,
        title="书法课",
        category="culture",
        offered_by="volunteer",
        provider_name="王老师",
    )
    services.resource_create(
        actor=S(world, "staff_b"),
        community=world.community_b,
        title="B 社区助餐",
        category="meals",
        offered_by="partner",
        provider_name="B",
    )
    ranked = selectors.suggestions_for_need(need=need)
    assert [s.resource for s in ranked] == [same_grid, community_wide]
    assert ranked[0].reasons == ("Same category", "Same grid", "Dates match")
    assert ranked[0].score > ranked[1].score

    uncovered = selectors.uncovered_needs(scope=staff, community=world.community_a)
    assert [u.need for u in uncovered] == [need] and len(uncovered[0].suggestions) == 2

    services.project_create(
        actor=staff,
        community=world.community_a,
        title="长者助餐",
        owner_name="社区党委",
        plan="每天中午送餐",
        need_ids=[need.pk],
        resource_ids=[same_grid.pk],
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROJECT
    assert selectors.uncovered_needs(scope=staff, community=world.community_a) == []


def test_a_project_moves_from_plan_through_progress_to_result(world):
    need = meal_need(world)
    staff = S(world, "staff_a")
    project = services.project_create(
        actor=staff,
        community=world.community_a,
        title="长者助餐",
        owner_name="社区党委",
        plan="每天中午送餐",
        need_ids=[need.pk],
    )
    assert project.status == ProjectStatus.PLANNED
    services.project_progress(actor=staff, project=project, note="第一周送餐 60 份", progress=30)
    project.refresh_from_db()
    assert (project.status, project.progress, project.updates.count()) == ("active", 30, 1)
    with pytest.raises(ValidationFailed):
        services.project_progress(actor=staff, project=project, note="x", progress=120)
    services.project_finish(actor=staff, project=project, result="三个月送餐 1,800 份")
    need.refresh_from_db()
    assert need.status == NeedStatus.MET
    with pytest.raises(Conflict):
        services.project_progress(actor=staff, project=project, note="late", progress=50)


def test_a_cancelled_project_reopens_its_needs(world):
    need = meal_need(world)
    staff = S(world, "staff_a")
    project = services.project_create(
        actor=staff, community=world.community_a, title="p", owner_name="o", plan="p", need_ids=[need.pk]
    )
    services.project_cancel(actor=staff, project=project, reason="合作方退出")
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_a_project_cannot_take_another_communitys_needs(world):
    b_need = services.need_create(actor=S(world, "staff_b"), community=world.community_b, title="b", category="meals")
    with pytest.raises(ValidationFailed):
        services.project_create(
            actor=S(world, "staff_a"),
            community=world.community_a,
            title="p",
            owner_name="o",
            plan="p",
            need_ids=[b_need.pk],
        )
