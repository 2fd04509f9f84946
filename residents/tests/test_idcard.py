import datetime as dt

import pytest
from django.utils import timezone, translation

from linli.errors import ValidationFailed
from linli.testkit import make_id_number
from residents.idcard import check_digit, mask_id_number, parse_id_number

ENDS_IN_X = make_id_number(seq=6)  # 37030319500101006X
ENDS_IN_DIGIT = make_id_number(seq=101)


def refused(value: str, language: str = "en") -> ValidationFailed:
    with translation.override(language), pytest.raises(ValidationFailed) as excinfo:
        parse_id_number(value)
    assert excinfo.value.code == "bad_id_number"
    return excinfo.value


def test_a_well_known_valid_number():
    info = parse_id_number("11010519491231002X")
    assert info.number == "11010519491231002X"
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.gender == "F"


def test_numbers_ending_in_x_and_in_a_digit():
    assert ENDS_IN_X.endswith("X")
    assert parse_id_number(ENDS_IN_X).number == ENDS_IN_X
    assert ENDS_IN_DIGIT[-1].isdigit()
    assert parse_id_number(ENDS_IN_DIGIT).number == ENDS_IN_DIGIT


def test_a_lower_case_x_and_spaces_are_tolerated():
    assert parse_id_number(" " + ENDS_IN_X.lower()[:6] + " " + ENDS_IN_X.lower()[6:] + " ").number == ENDS_IN_X


def test_birth_date_and_gender_come_from_the_number():
    man = make_id_number(birth="19851224", seq=123)  # 17th digit 3: odd, a man
    woman = make_id_number(birth="20000229", seq=124)  # 17th digit 4: even, a woman; a leap day
    assert parse_id_number(man).birth_date == dt.date(1985, 12, 24)
    assert parse_id_number(man).gender == "M"
    assert parse_id_number(woman).birth_date == dt.date(2000, 2, 29)
    assert parse_id_number(woman).gender == "F"


def test_a_wrong_check_digit_names_the_expected_one():
    right = make_id_number(seq=123)
    wrong = right[:17] + ("1" if right[17] != "1" else "2")
    error = refused(wrong)
    assert f"the last character should be {right[17]}" in str(error.message)
    assert wrong in str(error.message)


def test_the_chinese_message_names_the_expected_digit_too():
    right = make_id_number(seq=123)
    wrong = right[:17] + ("1" if right[17] != "1" else "2")
    message = str(refused(wrong, "zh-hans").message)
    assert "校验位" in message and f"应为 {right[17]}" in message


def test_an_impossible_birth_date_is_refused():
    first17 = "370303" + "19500230" + "123"  # 30 February
    error = refused(first17 + check_digit(first17))
    assert "impossible birth date" in str(error.message)


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    error = refused(make_id_number(birth=tomorrow.strftime("%Y%m%d")))
    assert "future" in str(error.message)
    assert parse_id_number(make_id_number(birth=timezone.localdate().strftime("%Y%m%d"))).birth_date == timezone.localdate()


def test_an_unknown_region_is_refused():
    first17 = "990303" + "19500101" + "123"
    assert "region" in str(refused(first17 + check_digit(first17)).message)


@pytest.mark.parametrize(
    "value",
    [
        make_id_number()[:17],  # 17 characters
        make_id_number() + "1",  # 19 characters
        "37030319500101A12X",  # a letter inside
        "ABCDEFGHIJKLMNOPQR",
        "37030319500101123Y",  # a final letter other than X
        "",
        "370303500101123",  # an old 15-digit number
    ],
)
def test_malformed_numbers_are_refused_saying_the_format(value):
    assert "must be 18 characters" in str(refused(value).message)


def test_masking_keeps_the_region_and_the_last_four_never_the_birth_date():
    number = make_id_number(birth="19850612", seq=123)
    masked = mask_id_number(number)
    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert "1985" not in masked and "0612" not in masked
    assert mask_id_number("") == ""
    assert mask_id_number("12345") == "*****"
