from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from accounts.models import User
from accounts.phone import is_valid_phone, normalize_phone


class PhoneOrUsernameBackend(ModelBackend):
    """Log in with a username or an 11-digit mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        lookup = Q(username__iexact=username)
        if is_valid_phone(username):
            lookup |= Q(phone=normalize_phone(username))
        user = User.objects.filter(lookup).order_by("id").first()
        if user is None:
            # Spend the same time as a real check, so timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
