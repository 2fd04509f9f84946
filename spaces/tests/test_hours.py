"""Opening hours as staff write them, and back."""

import pytest
from django.utils.translation import override

from linli.errors import ValidationFailed
from spaces import hours


def test_extended_and_staggered_hours_read_as_written():
    week = hours.parse_week("周一至周五 8:30-12:00、14:00-21:00；周六、周日 9:00-17:00")
    assert week[0] == [(510, 720), (840, 1260)]
    assert week[4] == week[0]
    assert week[5] == week[6] == [(540, 1020)]


@pytest.mark.parametrize(
    "text, expected_days",
    [
        ("每天 08:00-20:00", list(range(7))),
        ("工作日 08:00-20:00", [0, 1, 2, 3, 4]),
        ("周末 08:00-20:00", [5, 6]),
        ("星期二、星期四 08:00-20:00", [1, 3]),
        ("一至三 08:00-20:00", [0, 1, 2]),
        ("Mon-Wed 08:00-20:00", [0, 1, 2]),
        ("周六到周日：8点-20点", [5, 6]),
    ],
)
def test_the_ways_people_name_weekdays(text, expected_days):
    week = hours.parse_week(text)
    assert [d for d in range(7) if week[d]] == expected_days
    assert all(week[d] == [(480, 1200)] for d in expected_days)


def test_half_hours_in_chinese_and_the_end_of_the_day():
    assert hours.parse_periods("8点半-12点") == [(510, 720)]
    assert hours.parse_periods("18:00-24:00") == [(1080, 1440)]


def test_touching_periods_are_joined_and_closed_words_mean_closed():
    assert hours.parse_periods("08:00-12:00, 12:00-14:00") == [(480, 840)]
    assert hours.parse_week("周一至周五 09:00-17:00；周日 休息")[6] == []


@pytest.mark.parametrize(
    "text",
    [
        "周一 18:00-09:00",  # ends before it starts
        "周一 08:00-12:00、11:00-13:00",  # overlap
        "周一 08:00",  # no end
        "周一 25:00-26:00",  # not a time
        "周一 08:00-12:00；周一 14:00-16:00",  # a day twice
        "早上 08:00-12:00",  # no weekday
        "周一 八点到十二点",  # words, not times
    ],
)
def test_what_is_not_opening_hours_is_refused_with_a_reason(text):
    with pytest.raises(ValidationFailed) as exc:
        hours.parse_week(text)
    assert exc.value.code == "bad_hours"
    assert str(exc.value.message)


def test_the_text_form_reads_back_to_the_same_week():
    text = "周一至周五 08:30-12:00、14:00-21:00；周六、周日 09:00-17:00"
    week = hours.parse_week(text)
    assert hours.week_text(week) == text
    assert hours.parse_week(hours.week_text(week)) == week
    assert hours.week_text(hours.parse_week("周一 09:00-10:00；周三 09:00-10:00")) == "周一 09:00-10:00；周三 09:00-10:00"


def test_the_display_names_closed_days():
    with override("en"):
        shown = hours.week_display(hours.parse_week("周一至周五 09:00-17:00"))
    assert shown == [("Mon–Fri", "09:00–17:00"), ("Sat, Sun", "closed")]


def test_json_round_trip_and_malformed_json_counts_as_closed():
    week = hours.parse_week("周一 08:00-12:00")
    assert hours.from_json(hours.to_json(week)) == week
    assert hours.from_json("nonsense") == hours.empty_week()
    assert hours.from_json([[["8", None]]])[0] == []
