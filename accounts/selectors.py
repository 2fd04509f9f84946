from __future__ import annotations

from django.urls import reverse

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
