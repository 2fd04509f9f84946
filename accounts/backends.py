from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from accounts.models import User
from accounts.phone import is_valid_phone, normalize_phone


def user_for_login_name(name: str) -> User | None:
    """The account a typed login name means: a username in any case, or a mobile number."""
    lookup = Q(username__iexact=name)
    if is_valid_phone(name):
        lookup |= Q(phone=normalize_phone(name))
    return User.objects.filter(lookup).order_by("id").first()


def lockout_username(request, credentials=None) -> str | None:
    """The name django-axes counts failed log-ins under (``AXES_USERNAME_CALLABLE``).

    One account can be typed many ways ("staff_a", "STAFF_A", its mobile number with or without
    +86); counted as typed, each spelling would get its own five tries. So failures are counted
    under the account they point at, and under a normalised spelling when there is no such account.
    """
    if credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        raw = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    name = (raw or "").strip()
    if not name:
        return raw
    user = user_for_login_name(name)
    if user is not None:
        return user.username.lower()
    return normalize_phone(name) if is_valid_phone(name) else name.lower()


class PhoneOrUsernameBackend(ModelBackend):
    """Log in with a username or an 11-digit mobile number."""

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
