"""Session lifetimes (等保): idle and absolute.

Idle sessions end ``SESSION_COOKIE_AGE`` (30 minutes) after their last use: this middleware
renews the session's expiry at most once a minute. That alone would let a session used every few
minutes live for ever, so it also ends any session ``LINLI_SESSION_MAX_AGE`` seconds (12 hours)
after its login.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import JsonResponse
from django.utils.translation import gettext as _

AUTH_AT = "linli_auth_at"
TOUCHED_AT = "linli_touched_at"


@receiver(user_logged_in)
def _remember_login_time(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_AT] = int(time.time())


class AbsoluteSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            started = session.get(AUTH_AT)
            if started is None:
                # A session from before this rule (or made by force_login): its clock starts now.
                session[AUTH_AT] = int(time.time())
            now = time.time()
            # The idle clock is renewed at most every LINLI_SESSION_TOUCH_SECONDS (60): saving the
            # session on every request (SESSION_SAVE_EVERY_REQUEST) is a database write per call.
            if now - session.get(TOUCHED_AT, 0) >= settings.LINLI_SESSION_TOUCH_SECONDS:
                session[TOUCHED_AT] = int(now)  # modified: saved with a new idle expiry
            if started is not None and now - started > settings.LINLI_SESSION_MAX_AGE:
                logout(request)
                message = _("You have been signed in for too long; please sign in again.")
                if request.path.startswith("/api/"):
                    return JsonResponse({"code": "session_expired", "message": message}, status=401)
                messages.info(request, message)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
