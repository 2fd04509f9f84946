"""Mainland China mobile numbers: validation and masking."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from linli.errors import ValidationFailed

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A mobile number inside other text (a username like "v13800000101"), not part of a longer number.
_MOBILE_INSIDE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def normalize_phone(raw: str) -> str:
    """Strip spaces, dashes and a +86 prefix; raise ValidationFailed if not an 11-digit mobile."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.match(digits):
        raise ValidationFailed(
            _("“%(value)s” is not a valid mobile number: it must be 11 digits starting with 13–19.")
            % {"value": raw},
            code="bad_phone",
        )
    return digits


def is_valid_phone(raw: str) -> bool:
    try:
        normalize_phone(raw)
    except ValidationFailed:
        return False
    return True


def contains_phone(text: str) -> bool:
    """Does ``text`` hold a mobile number, alone or inside other characters?"""
    return bool(_MOBILE_INSIDE.search(text or ""))


def mask_phone(phone: str) -> str:
    """138****1234: enough to recognise one's own number, not enough to call a stranger."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
