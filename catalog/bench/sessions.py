"""Logged-in sessions for the load generators (``bench_orders``, ``bench_city``)."""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings


def session_headers(user, *, verified: bool = False) -> dict:
    """A logged-in browser session (cookie and CSRF token) as a phone's page would send them;
    ``verified``: the session has passed the second factor (django-otp's session key).

    A Bearer token cannot be used for POSTs: linli/api.py lists the session-cookie auth (with
    its CSRF check) first, and django-ninja refuses a POST without a CSRF cookie before it
    tries the token."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string
    from django_otp import DEVICE_ID_SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.PhoneOrUsernameBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["linli_auth_at"] = int(time.time())
    if verified:
        from accounts.mfa import confirmed_device

        store[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    store.create()
    csrf = get_random_string(32)
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
    }
