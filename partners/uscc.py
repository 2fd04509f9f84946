"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Every organisation registered in mainland China — companies, 个体工商户, social organisations,
public institutions — has one 18-character code:

    position 1      registration authority (1 机构编制, 5 民政, 9 市场监管, Y 其他 …)
    position 2      organisation type under that authority
    positions 3–8   administrative division code of the registering office (6 digits)
    positions 9–17  organisation code (GB 11714)
    position 18     check character over positions 1–17

The alphabet is the digits and 21 capital letters: I, O, Z, S and V are never used, so a code
read out on the phone cannot be confused. django-localflavor has no validator for it, hence this
module. Only the structure and the check character are verified; the organisation-code part is
not checked on its own, because codes issued to 个体工商户 are not required to satisfy GB 11714.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from linli.errors import ValidationFailed

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# The weight of position i is 3^i mod 31 (i from 0), as tabulated in the standard.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
REGISTRATION_AUTHORITIES = frozenset("123456789ANY")
LENGTH = 18


def normalize_uscc(raw: str) -> str:
    """Upper-case, without spaces or dashes: how people copy codes from a licence photo."""
    return "".join((raw or "").split()).replace("-", "").upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must all be in the alphabet)."""
    total = sum(_VALUE[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def parse_uscc(raw: str) -> str:
    """Return the normalised code, or raise ValidationFailed saying what is wrong with it."""
    code = normalize_uscc(raw)
    if len(code) != LENGTH:
        raise ValidationFailed(
            _("A unified social credit code has 18 characters; this one has %(n)s.") % {"n": len(code)},
            code="bad_credit_code",
        )
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise ValidationFailed(
            _("A unified social credit code cannot contain %(chars)s (the letters I, O, Z, S and V are never used).")
            % {"chars": "、".join(bad)},
            code="bad_credit_code",
        )
    if code[0] not in REGISTRATION_AUTHORITIES:
        raise ValidationFailed(
            _("“%(ch)s” is not a registration authority code: a unified social credit code starts with 1–9, A, N or Y.")
            % {"ch": code[0]},
            code="bad_credit_code",
        )
    if not code[2:8].isdigit():
        raise ValidationFailed(
            _("Characters 3 to 8 of a unified social credit code are the 6-digit division code."),
            code="bad_credit_code",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationFailed(
            _("The unified social credit code %(code)s does not add up: check it against the licence.")
            % {"code": code},
            code="bad_credit_code",
        )
    return code


def is_valid_uscc(raw: str) -> bool:
    try:
        parse_uscc(raw)
    except ValidationFailed:
        return False
    return True
