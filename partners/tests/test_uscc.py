"""Unified social credit codes (GB 32100-2015): structure and check character."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.errors import ValidationFailed
from partners.uscc import ALPHABET, REGISTRATION_AUTHORITIES, check_character, is_valid_uscc, parse_uscc

# Codes printed on real business licences (public information).
REAL_CODES = [
    "91350100M000100Y43",  # the example in GB 32100-2015's explanatory material
    "91110000802100433B",
    "91440300708461136T",
    "911100001000128855",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert parse_uscc(code) == code
    assert check_character(code[:17]) == code[17]


def test_input_is_normalised_as_people_copy_it():
    assert parse_uscc(" 9135 0100-m000 100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100M00O100Y43",  # the letter O is never used
        "91350100I000100Y43",  # nor I
        "X1350100M000100Y43",  # X is not a registration authority
        "9135A100M000100Y43",  # the division code must be digits
        "",
    ],
)
def test_malformed_codes_are_refused_with_a_code(code):
    with pytest.raises(ValidationFailed) as exc:
        parse_uscc(code)
    assert exc.value.code == "bad_credit_code"
    assert not is_valid_uscc(code)


def test_the_message_says_what_is_wrong():
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        parse_uscc("91350100M00O100Y43")
    assert "O" in str(exc.value.message)


bodies = st.tuples(
    st.sampled_from(sorted(REGISTRATION_AUTHORITIES)),
    st.sampled_from(ALPHABET),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(bodies)
def test_any_body_with_its_check_character_is_valid(first17):
    assert is_valid_uscc(first17 + check_character(first17))


@given(bodies, st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_every_single_character_mistake_is_caught(first17, position, replacement):
    """31 is prime and no weight is a multiple of it, so changing any one character changes the
    weighted sum modulo 31: the check character always catches a single typo."""
    code = first17 + check_character(first17)
    if replacement == code[position]:
        return
    typo = code[:position] + replacement + code[position + 1 :]
    assert check_character(typo[:17]) != typo[17]
