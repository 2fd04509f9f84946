"""Small parsers for the fund's forms: the pages post plain fields, the services validate."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from accounts.selectors import user_for_login_name
from fund.services import LineIn, MemberIn
from ledger.money import fen_from_yuan
from linli.errors import ValidationFailed

MAX_ROWS = 9


def yuan(value: str | None, *, field: str, required: bool = True) -> int | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(_("“%(field)s” is required.") % {"field": field}, code="required")
        return None
    try:
        return fen_from_yuan(text)
    except ValueError:
        raise ValidationFailed(_("“%(field)s” must be an amount in yuan, like 1500 or 1,500.00.") % {"field": field}, code="bad_amount") from None


def date(value: str | None, *, field: str, required: bool = False) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(_("“%(field)s” is required.") % {"field": field}, code="required")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(_("“%(field)s” must be a date.") % {"field": field}, code="bad_date") from None


def lines(post) -> list[LineIn]:
    out = []
    for i in range(1, MAX_ROWS + 1):
        line = (post.get(f"line_{i}") or "").strip()
        amount = (post.get(f"amount_{i}") or "").strip()
        description = (post.get(f"description_{i}") or "").strip()
        if not (amount or description):
            continue
        out.append(LineIn(line, description, yuan(amount, field=_("Amount")) or 0))
    return out


def members(post, prefix: str = "m") -> list[MemberIn]:
    out = []
    chair = post.get(f"{prefix}_chair", "")
    for i in range(1, MAX_ROWS + 1):
        username = (post.get(f"{prefix}_username_{i}") or "").strip()
        if not username:
            continue
        user = user_for_login_name(username)
        if user is None:
            raise ValidationFailed(_("There is no login “%(name)s”.") % {"name": username}, code="member_login")
        out.append(
            MemberIn(
                user=user,
                name=(post.get(f"{prefix}_name_{i}") or "").strip(),
                title=(post.get(f"{prefix}_title_{i}") or "").strip(),
                term_start=date(post.get(f"{prefix}_start_{i}"), field=_("Term starts"), required=True),
                term_end=date(post.get(f"{prefix}_end_{i}"), field=_("Term ends"), required=True),
                is_chair=chair == str(i),
            )
        )
    return out


def when(value: str | None) -> dt.datetime | None:
    from django.utils import timezone

    d = date(value, field=_("Date"))
    if d is None:
        return None
    if d == timezone.localdate():
        return None  # now
    return timezone.make_aware(dt.datetime.combine(d, dt.time(12, 0)))
