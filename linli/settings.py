"""Linli settings, read from the environment.

One module for every deployment; production differs only by environment variables
(see docs/deployment.md). ``linli.settings_test`` tunes this module for the test suite.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

_secret = os.environ.get("DJANGO_SECRET_KEY")
if not _secret and os.environ.get("DJANGO_SECRET_KEY_FILE"):
    _secret = Path(os.environ["DJANGO_SECRET_KEY_FILE"]).read_text().strip()
if not _secret:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) in production, or DJANGO_DEBUG=1 for the demo."
        )
    # Only the demo and the tests get here: DEBUG is on and nothing real is at stake.
    # DEBUG only; production refuses to start without DJANGO_SECRET_KEY (bandit B105).
    _secret = "insecure-demo-key-only-for-local-use-never-in-production"  # nosec B105
SECRET_KEY = _secret

# Keys for personal data encrypted in its columns (ID and mobile numbers, vulnerable groups;
# linli/fieldcrypt.py, docs/decisions/0005-field-encryption.md). They live outside the
# database: comma-separated base64 keys of 32 bytes; the first encrypts new values, the others
# still decrypt during a rotation (`manage.py rotate_field_keys`). The blind-index key (HMAC for
# lookups and uniqueness) is separate. Only DEBUG (the demo) and the test settings may derive them
# from SECRET_KEY; production refuses to start without them, as without a secret key.
LINLI_FIELD_KEYS = env_list("LINLI_FIELD_KEYS", "")
LINLI_BLIND_INDEX_KEY = os.environ.get("LINLI_BLIND_INDEX_KEY", "").strip()
if not LINLI_FIELD_KEYS and os.environ.get("LINLI_FIELD_KEYS_FILE"):
    LINLI_FIELD_KEYS = [
        k.strip() for k in Path(os.environ["LINLI_FIELD_KEYS_FILE"]).read_text().split(",") if k.strip()
    ]
if not LINLI_BLIND_INDEX_KEY and os.environ.get("LINLI_BLIND_INDEX_KEY_FILE"):
    LINLI_BLIND_INDEX_KEY = Path(os.environ["LINLI_BLIND_INDEX_KEY_FILE"]).read_text().strip()
if not LINLI_FIELD_KEYS or not LINLI_BLIND_INDEX_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set LINLI_FIELD_KEYS and LINLI_BLIND_INDEX_KEY (or their *_FILE variants) in production: "
            "the keys that encrypt residents' personal data. `python -c 'import base64, os; "
            "print(base64.b64encode(os.urandom(32)).decode())'` makes one."
        )

    # DEBUG only (the demo; the test settings import this module with DEBUG on).
    def _dev_key(label: str) -> str:
        return base64.b64encode(hashlib.sha256(f"linli:{label}:{SECRET_KEY}".encode()).digest()).decode()

    LINLI_FIELD_KEYS = LINLI_FIELD_KEYS or [_dev_key("field")]
    LINLI_BLIND_INDEX_KEY = LINLI_BLIND_INDEX_KEY or _dev_key("blind-index")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "csp",
    "accounts",
    "orgs",
    "residents",
    "ledger",
    "spaces",
    "partners",
    "records",
    "catalog",
    "fund",
    "enterprise",
    "markets",
    "jobs",
    "volunteers",
    "matching",
    "snapshots",
    "insights",
    "audit",
    "ops",
    "citygen",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linli.middleware.PrivateResponsesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.AbsoluteSessionTimeoutMiddleware",
    "accounts.mfa.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "orgs.middleware.ScopeMiddleware",
    "linli.errors.DomainErrorMiddleware",
    "ops.middleware.DatabaseUnavailableMiddleware",
    # Axes must come last so it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "orgs.context_processors.scope",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite is the embedded default (demo, tests); PostgreSQL in production via DATABASE_URL.
SQLITE_PATH = Path(os.environ.get("LINLI_SQLITE_PATH", BASE_DIR / "var" / "linli.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so two writers
                # serialise instead of failing half-way with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PhoneOrUsernameBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "public:home"

# Passwords (等保): at least 8 characters from at least 3 of upper-case letters, lower-case letters,
# digits and symbols; not common, not like the user's name, not all digits; no forced rotation.
# accounts.validators.PasswordPolicyValidator reads the two figures each time it runs
# (docs/decisions/0004-password-policy.md).
LINLI_PASSWORD_MIN_LENGTH = env_int("LINLI_PASSWORD_MIN_LENGTH", 8)
LINLI_PASSWORD_MIN_CLASSES = env_int("LINLI_PASSWORD_MIN_CLASSES", 3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.PasswordPolicyValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Lockout: 5 failures for the same account from the same address lock it for 15 minutes (等保).
# The lock lifts by itself, and it is per address: an attacker elsewhere cannot keep the owner out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LINLI_LOCKOUT_MINUTES = env_int("LINLI_LOCKOUT_MINUTES", 15)
AXES_COOLOFF_TIME = dt.timedelta(minutes=LINLI_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Count failures per account, not per spelling of its name (username case, mobile number).
# What this returns is also what axes writes in its tables' username columns: the account's
# username, or a keyed hash of a mobile number that matched no account, never the number.
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"
# Axes also keeps the POSTed form (``post_data``): the typed login name, which may be a mobile
# number, is masked there like the password (axes' default; pinned here because it matters).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Idle sessions end after 30 minutes; use renews the clock (at most once a minute).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
# However active, a session ends 12 hours after its login (accounts.middleware).
LINLI_SESSION_MAX_AGE = env_int("LINLI_SESSION_MAX_AGE", 12 * 60 * 60)
# Revealing full numbers or approving money asks for the password again after 5 minutes.
LINLI_REAUTH_SECONDS = env_int("LINLI_REAUTH_SECONDS", 5 * 60)
# A second factor (TOTP) for administrators and everyone who approves or pays money
# (accounts.mfa). On in production; development and the demo may switch it off.
LINLI_MFA_REQUIRED = env_bool("LINLI_MFA_REQUIRED", not DEBUG)
# Rate limits (linli/throttles.py): API calls per client address without a login, API calls
# per account, and posts of an open form (a partner's application) per address. Empty: no limit.
LINLI_API_ANON_RATE = os.environ.get("LINLI_API_ANON_RATE", "5/s")
LINLI_API_USER_RATE = os.environ.get("LINLI_API_USER_RATE", "20/s")
LINLI_PUBLIC_FORM_RATE = os.environ.get("LINLI_PUBLIC_FORM_RATE", "10/h")
# A user found not to need the second factor is asked again after this many seconds.
LINLI_MFA_RECHECK_SECONDS = env_int("LINLI_MFA_RECHECK_SECONDS", 60)
OTP_TOTP_ISSUER = "Linli 邻里"
SESSION_ENGINE = "accounts.sessions"  # Django's database sessions, the read compiled once
SESSION_SAVE_EVERY_REQUEST = False  # accounts.middleware renews the idle clock once a minute
LINLI_SESSION_TOUCH_SECONDS = env_int("LINLI_SESSION_TOUCH_SECONDS", 60)
# Dashboards fold pending changes in at most this often (seconds); the per-minute task does the rest.
LINLI_INSIGHTS_VIEW_REFRESH_SECONDS = env_int("LINLI_INSIGHTS_VIEW_REFRESH_SECONDS", 20)
# Public pages (a community's catalogue, its fund page) are drawn at most this often (seconds);
# 0 draws them on every view. linli/pagecache.py.
LINLI_PUBLIC_PAGE_SECONDS = env_int("LINLI_PUBLIC_PAGE_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

HTTPS = env_bool("LINLI_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("LINLI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("LINLI_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("LINLI_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Everything is served from our own origin: vendored htmx and ECharts, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Language and time --------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Django's own system check warns about the admin's ``X-Frame-Options``; we set DENY above.
SILENCED_SYSTEM_CHECKS: list[str] = []

LINLI_SITE_NAME = _("Linli community partners")

# Retention (PIPL art. 19, 47): how many days personal data is kept once its purpose has ended.
# ``residents.services_privacy.anonymise_expired`` (nightly, and `manage.py anonymise_expired`)
# anonymises residents who moved out that long ago, removes the photos of snapshot reports solved
# that long ago and empties the rows of resident import files. Audit events are kept at least
# 180 days (等保: six months of logs); Linli never deletes them (the table is append-only).
LINLI_RETENTION_DAYS = {
    "moved_out": env_int("LINLI_RETENTION_MOVED_OUT_DAYS", 730),
    "snapshot_photos": env_int("LINLI_RETENTION_SNAPSHOT_PHOTO_DAYS", 365),
    "import_files": env_int("LINLI_RETENTION_IMPORT_FILE_DAYS", 30),
    "audit_events": max(180, env_int("LINLI_RETENTION_AUDIT_DAYS", 180)),
}

# Background and periodic work (Huey): disclosure reports, overdue escalations, nightly ledger
# verification — each app's tasks.py. SQLite storage next to the database by default, Redis
# when REDIS_URL is set (production); run a worker with `manage.py run_huey`.
HUEY = {
    "name": "linli",
    "immediate": env_bool("LINLI_HUEY_IMMEDIATE", False),
    "utc": False,
    "consumer": {"workers": env_int("LINLI_HUEY_WORKERS", 1), "worker_type": "thread"},
}
if os.environ.get("REDIS_URL"):
    HUEY |= {"huey_class": "huey.RedisHuey", "url": os.environ["REDIS_URL"]}
else:
    # With DATABASE_URL set the SQLite branch above made no directory; a fresh clone has none.
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(SQLITE_PATH.with_name("huey.sqlite3"))}
