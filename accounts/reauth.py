"""Re-authentication before the most sensitive acts: revealing a full ID or mobile number,
exporting them, approving or paying out money.

A session that confirmed the password (and the authenticator code, when the user has one)
within ``LINLI_REAUTH_SECONDS`` (5 minutes) may go ahead; otherwise the form asks for the
password again and the service is not called until it is right. Token-authenticated API calls
have no session: they send the password (and code) with the request every time.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.translation import gettext as _

from accounts.mfa import confirmed_device
from linli.errors import Forbidden, ValidationFailed

REAUTH_AT = "linli_reauth_at"


def _own_session(request):
    """The request's session if it is the logged-in user's own (not an API token call's)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or session.get(SESSION_KEY) != str(user.pk):
        return None
    return session


def is_recent(request) -> bool:
    session = _own_session(request)
    if session is None:
        return False
    at = session.get(REAUTH_AT)
    return at is not None and time.time() - at <= settings.LINLI_REAUTH_SECONDS


def confirm(request, *, password: str | None, code: str | None = None) -> None:
    """Check the user's password (and TOTP code if they have a device); remember it for a while."""
    user = request.user
    if not password:
        raise Forbidden(_("Enter your password again to confirm it is you."), code="reauth_required")
    if not user.check_password(password):
        raise ValidationFailed(_("The password is wrong."), code="reauth_failed")
    device = confirmed_device(user)
    if device is not None and not (code and device.verify_token(code.strip())):
        raise ValidationFailed(_("The code from your authenticator app is wrong or has expired."), code="reauth_failed")
    session = _own_session(request)
    if session is not None:
        session[REAUTH_AT] = int(time.time())


def require_recent(request, *, password: str | None = None, code: str | None = None) -> None:
    """Go ahead if the session re-authenticated recently, or if ``password`` (and ``code``) are right."""
    if is_recent(request):
        return
    confirm(request, password=password, code=code)


def redirect_to_confirm(request):
    """Send a page request to the confirmation page, to come back here afterwards."""
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import urlencode

    return redirect(f"{reverse('accounts:confirm')}?{urlencode({'next': request.get_full_path()})}")


def context(request) -> dict:
    """Template context for ``templates/includes/reauth_fields.html``."""
    return {"needs_reauth": not is_recent(request), "has_device": confirmed_device(request.user) is not None}
