from __future__ import annotations

from django.urls import reverse

from orgs.roles import Role
from orgs.scope import Scope


def home_url_for(scope: Scope) -> str:
    """Where a user lands after logging in: staff to the console, residents to their own page."""
    if scope.is_staff_user:
        return reverse("console:home")
    if scope.roles & {Role.RESIDENT, Role.VOLUNTEER} or hasattr(scope.user, "resident"):
        return reverse("me:home")
    return reverse("public:home")
