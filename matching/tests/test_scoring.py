"""The matching score: a pure function of the need's and the resource's facts."""

import datetime as dt

import pytest
from django.utils import translation

from matching.scoring import Facts, fit

D = dt.date


@pytest.fixture(autouse=True)
def _english():
    """The reasons are compared with their English source text."""
    with translation.override("en"):
        yield


def need(**kw):
    return Facts(**{"community_id": 1, "category": "meals", "grid_id": 10, "building_id": 100, **kw})


def res(**kw):
    return Facts(**{"community_id": 1, "category": "meals", **kw})


def test_same_category_same_building_dates_overlapping_scores_full_marks():
    f = fit(
        need(starts=D(2026, 3, 1), ends=D(2026, 3, 31)),
        res(grid_id=10, building_id=100, starts=D(2026, 3, 15), ends=D(2026, 6, 30)),
    )
    assert f.score == 100
    assert f.reasons == ("Same category", "Same building", "Dates match")


def test_place_ranks_building_over_grid_over_community_wide_over_elsewhere():
    building = fit(need(), res(grid_id=10, building_id=100)).score
    grid = fit(need(), res(grid_id=10, building_id=101)).score
    wide = fit(need(), res()).score
    elsewhere = fit(need(), res(grid_id=11)).score
    assert building > grid > wide > elsewhere
    assert "Same grid" in fit(need(), res(grid_id=10)).reasons


def test_another_category_or_community_does_not_fit():
    assert fit(need(), res(category="childcare")) is None
    assert fit(need(), res(community_id=2)) is None


def test_an_any_kind_resource_fits_every_need_but_lower():
    general = fit(need(), res(category="general"))
    same = fit(need(), res())
    assert general is not None and general.score < same.score
    assert general.reasons[0] == "Any-kind resource"


def test_dates_that_do_not_overlap_do_not_fit_and_open_dates_score_less():
    assert fit(need(starts=D(2026, 3, 1), ends=D(2026, 3, 31)), res(starts=D(2026, 4, 1))) is None
    assert fit(need(ends=D(2026, 3, 31)), res(starts=D(2026, 4, 1))) is None
    open_ = fit(need(), res(starts=D(2026, 4, 1)))
    overlap = fit(need(ends=D(2026, 5, 1)), res(starts=D(2026, 4, 1)))
    assert open_.score < overlap.score
    assert "Any time" in open_.reasons and "Dates match" in overlap.reasons
