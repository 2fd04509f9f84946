"""Second factor (TOTP) for the people who move money, and for administrators (等保 level 3).

Who needs it: platform administrators, and anyone holding a capability that approves or pays
money (``SECOND_FACTOR_CAPS``) anywhere. Such a user logs in with their password as usual; until
the session is verified with a code from their authenticator app (django-otp's TOTP device),
every page sends them to enrol (first time: a QR code to scan) or to enter a code, and the API
answers 401 ``second_factor_required``. ``LINLI_MFA_REQUIRED`` turns the rule off for
development and the demo (it is on whenever DEBUG is off); the tests switch it on where they
test it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgs.roles import ROLE_CAPS, Cap

SECOND_FACTOR_CAPS = frozenset(
    {
        Cap.FUND_VOTE,
        Cap.FUND_APPROVE,
        Cap.FUND_DISBURSE,
        Cap.ENTERPRISE_APPROVE,
        Cap.LEDGER_POST,
    }
)
SECOND_FACTOR_ROLES = frozenset(role for role, caps in ROLE_CAPS.items() if caps & SECOND_FACTOR_CAPS)

# Pages a user who still owes the second factor may open: enrolment and verification, logging
# out, switching language, and static files.
_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/", "/healthz")


def requires_second_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    from orgs.models import RoleGrant

    return RoleGrant.objects.filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()


_FREE_AT = "linli_mfa_free_at"


def session_requires_second_factor(request, user) -> bool:
    """``requires_second_factor`` for the request's user, asked of the database at most once
    per ``LINLI_MFA_RECHECK_SECONDS`` (60) for a user who does not need it — a resident
    ordering lunch should not pay a query on every tap. The answer "needed" is never
    remembered; a role that needs the factor, granted during a session, applies within that
    interval (and the money it moves asks for the password again anyway: accounts/reauth.py).
    """
    if user.is_superuser:
        return True
    session = getattr(request, "session", None)
    interval = settings.LINLI_MFA_RECHECK_SECONDS
    now = int(time.time())
    if session is not None and interval > 0:
        checked = session.get(_FREE_AT)
        if isinstance(checked, int) and 0 <= now - checked < interval:
            return False
    needed = requires_second_factor(user)
    if not needed and session is not None and interval > 0:
        session[_FREE_AT] = now
    return needed


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


class SecondFactorMiddleware:
    """Keeps a user who needs a second factor on the enrolment/verification pages until the
    session is verified. Runs after django_otp's OTPMiddleware (which sets ``is_verified``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LINLI_MFA_REQUIRED and not request.path.startswith(_OPEN_PREFIXES):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and not user.is_verified():
                if session_requires_second_factor(request, user):
                    message = _("Confirm it is you with the code from your authenticator app first.")
                    if request.path.startswith("/api/"):
                        return JsonResponse({"code": "second_factor_required", "message": message}, status=401)
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('accounts:second_factor')}?{query}")
        return self.get_response(request)

