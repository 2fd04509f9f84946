from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from accounts.models import User, user_phone_index
from accounts.phone import is_valid_phone, normalize_phone
from accounts.selectors import user_for_login_name
from linli.fieldcrypt import blind_index
from linli.prepared import OneRow

__all__ = ["PhoneOrUsernameBackend", "lockout_username", "login_name_for_log", "user_for_login_name"]

# Seven digits in a row: a mistyped mobile number, an ID number typed into the wrong box.
_NUMBER_LIKE = re.compile(r"\d{7,}")
_TOKEN_LENGTH = 16  # 64 bits of the HMAC: enough to tell the names apart, and to count them


def login_name_for_log(name: str | None) -> str:
    """What the lockout counters and the audit log keep for a typed login name.

    The account's username when the name points at an account (every spelling of one account
    is one name), otherwise the name in lower case — except that a mobile number, or anything
    with a long run of digits, is replaced by a keyed hash (``phone:3fa4…``): people type their
    mobile number to log in, and a failed attempt must not leave it in clear in django-axes'
    tables or the audit log. The hash is stable, so failures still count under one name.
    """
    name = (name or "").strip()
    if not name:
        return ""
    user = user_for_login_name(name)
    if user is not None:
        return user.username.lower()
    if is_valid_phone(name):
        return "phone:" + user_phone_index(normalize_phone(name))[:_TOKEN_LENGTH]
    if _NUMBER_LIKE.search(re.sub(r"[\s\-()]", "", name)):
        return "name:" + blind_index(name.lower(), purpose="accounts.login.name")[:_TOKEN_LENGTH]
    return name.lower()[:150]


def lockout_username(request, credentials=None) -> str | None:
    """The name django-axes counts failed log-ins under and writes in its tables
    (``AXES_USERNAME_CALLABLE``; axes uses it for AccessAttempt and AccessFailureLog alike).

    One account can be typed many ways ("staff_a", "STAFF_A", its mobile number with or without
    +86); counted as typed, each spelling would get its own five tries. So failures are counted
    under the account they point at, and under ``login_name_for_log`` when there is no such account.
    """
    if credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        raw = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not (raw or "").strip():
        return raw
    return login_name_for_log(raw)


# The logged-in user is read on every request: the query is compiled once (linli/prepared.py).
_USER_BY_PK = OneRow(lambda pk: User._default_manager.filter(pk=pk))


class PhoneOrUsernameBackend(ModelBackend):
    """Log in with a username or an 11-digit mobile number."""

    def get_user(self, user_id):
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = _USER_BY_PK.get(pk)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = user_for_login_name(username)
        if user is None:
            # Spend the same time as a real check, so timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
