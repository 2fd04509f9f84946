from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from accounts.models import User, user_phone_index
from accounts.phone import is_valid_phone, normalize_phone
from orgs.scope import Scope


def home_url_for(scope: Scope) -> str:
    """Where a user lands after logging in: staff to the console, residents to their own page."""
    if scope.is_staff_user:
        return reverse("console:home")
    # /me/ shows the user's own resident record, so only people who have one go there: a
    # volunteer (or a resident role) without a record would land on a 404.
    if hasattr(scope.user, "resident"):
        return reverse("me:home")
    return reverse("public:home")


def user_by_phone(phone: str) -> User | None:
    """The account with this (normalised) mobile number, found by its blind index: the number
    itself is encrypted in the column and cannot be compared there."""
    if not phone:
        return None
    return User.objects.filter(phone_hash=user_phone_index(phone)).first()


def phone_taken(phone: str, *, exclude: User | None = None) -> bool:
    qs = User.objects.filter(phone_hash=user_phone_index(phone))
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return bool(phone) and qs.exists()


def user_for_login_name(name: str, *, active_only: bool = False) -> User | None:
    """The account a typed login name means: a username in any case, or a mobile number in
    any spelling (spaces, dashes, +86), which is looked up by its blind index."""
    name = (name or "").strip()
    if not name:
        return None
    lookup = Q(username__iexact=name)
    if is_valid_phone(name):
        lookup |= Q(phone_hash=user_phone_index(normalize_phone(name)))
    qs = User.objects.filter(lookup)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("id").first()
