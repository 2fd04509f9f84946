"""Resident identity card numbers (GB 11643-1999, 18 digits).

The check-digit and birth-date validation come from django-localflavor's CNIDCardField; this
module adds what Linli needs around it: Chinese messages that say what is wrong, the birth date
and gender encoded in the number, and masking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from localflavor.cn.forms import CNIDCardField

from linli.errors import ValidationFailed

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FIELD = CNIDCardField(min_length=18, max_length=18)


def check_digit(first17: str) -> str:
    """The 18th character for 17 digits: used to show the expected digit and to make demo data."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F": the 17th digit is odd for men


def parse_id_number(raw: str) -> IdInfo:
    """Validate an 18-digit ID number; raise ValidationFailed with a message that says why."""
    value = (raw or "").strip().upper().replace(" ", "")
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationFailed(
            _("ID number “%(value)s” must be 18 characters: 17 digits and a final digit or X.") % {"value": raw},
            code="bad_id_number",
        )
    try:
        _FIELD.clean(value)
    except ValidationError as exc:
        code = exc.error_list[0].code if exc.error_list else "invalid"
        if code == "checksum":
            message = _("ID number “%(value)s” has a wrong check digit: the last character should be %(digit)s.") % {
                "value": raw,
                "digit": check_digit(value[:17]),
            }
        elif code == "birthday":
            message = _("ID number “%(value)s” contains an impossible birth date.") % {"value": raw}
        elif code == "location":
            message = _("ID number “%(value)s” starts with an unknown region code.") % {"value": raw}
        else:
            message = _("ID number “%(value)s” is not valid.") % {"value": raw}
        raise ValidationFailed(message, code="bad_id_number") from None
    birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    # Today in China, not on the server's clock (often UTC): a baby born this morning is valid.
    if birth > timezone.localdate():
        raise ValidationFailed(_("ID number “%(value)s” has a birth date in the future.") % {"value": raw}, code="bad_id_number")
    return IdInfo(number=value, birth_date=birth, gender="M" if int(value[16]) % 2 else "F")


def mask_id_number(value: str) -> str:
    """3701**********1234: region and last four, never the birth date."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"
