"""The session engine (``SESSION_ENGINE = "accounts.sessions"``): Django's database sessions,
with the one read every logged-in request makes compiled once (linli/prepared.py).

The row is read by its key and its expiry checked here, so an expired session is refused as
Django's own store refuses it (``accounts/tests/test_sessions_store.py``).
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from linli.prepared import OneRow

_SESSION_BY_KEY = OneRow(lambda key: Session.objects.filter(session_key=key).order_by())


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        found = _SESSION_BY_KEY.get(self.session_key) if self.session_key else None
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found
