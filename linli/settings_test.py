"""Settings for the test suite: fast, deterministic, same code paths as production."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("LINLI_HTTPS", "0")

from linli.settings import *  # noqa: E402,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# Static files are served by runserver/whitenoise in real runs; tests never fetch them.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

# The second factor is tested where it is the subject (accounts/tests/test_mfa.py); elsewhere
# tests log in with force_login, as a verified session would.
LINLI_MFA_REQUIRED = False

# Tasks run at once, in the test process (Huey immediate mode uses in-memory storage).
HUEY = {**HUEY, "immediate": True}  # noqa: F405

# Every request renews the session, so a page's query count does not depend on the minute it
# falls in (accounts/tests/test_login.py tests the once-a-minute renewal itself).
LINLI_SESSION_TOUCH_SECONDS = 0
LINLI_MFA_RECHECK_SECONDS = 0
# The suite's clients make hundreds of API calls a second; linli/tests/test_throttles.py sets
# the rates where it tests them.
LINLI_API_ANON_RATE = ""
LINLI_API_USER_RATE = ""
# SQLite's flush between transactional tests deletes rows, which the audit log's triggers refuse
# (audit/migrations/0002); audit/tests/test_events.py installs and proves them in a test.
LINLI_AUDIT_SQLITE_TRIGGERS = False
