"""Settings for the intervisie app, all read from the environment.

Development (DJANGO_DEBUG=1, what `make run` and `make test` use) needs no
configuration at all. Production (DJANGO_DEBUG=0) refuses to start without a
secret key; see the configuration table in README.md.
"""

import base64
import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "1")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG=0 a secret key is "
            "required; generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
    # Fixed, so restarting the development server keeps everyone logged in.
    SECRET_KEY = "django-insecure-development-key-only-for-DJANGO_DEBUG-1"

# The address phones use to reach this server (the join QR code encodes it).
# Empty: the address the facilitator's browser used.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS")
if not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS=* is refused with DJANGO_DEBUG=0: name the host names the site is "
        "served on (they are also the origins its pages and sockets accept)."
    )
if not SITE_URL and not DEBUG and ALLOWED_HOSTS:
    # Emails sent from cron (reminders) have no request to take the address from.
    SITE_URL = f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]
    if SITE_URL:
        ALLOWED_HOSTS.append(urlsplit(SITE_URL).hostname)

INSTALLED_APPS = [
    "daphne",  # first: runserver then serves WebSockets too
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "template_partials",
    "intervisie",
    "groups",
    "sessions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "intervisie.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "intervisie.urls"
ASGI_APPLICATION = "intervisie.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=0)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a server started by the browser tests
    # in another process sees the test data; wait instead of "database is locked".
    database_file = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {"NAME": str(database_file.with_name(f"test_{database_file.name}"))}
    # The sockets' database thread keeps its connection for a minute instead of opening one per
    # step (with its pragmas, a sixth of a connect's work when every phone reconnects at once);
    # HTTP requests close theirs at the end, as each runs on a thread of its own (intervisie/asgi.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # secure_delete: erased and re-encrypted texts are overwritten, not left in free pages.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA secure_delete=ON;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool per process, not a new connection per request (Django's advice under ASGI).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 10, "timeout": 10}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # No socket timeout. Consumers wait on Redis in blocking reads of 5 s (channels_redis'
            # BZPOPMIN) that Redis itself ends, and redis-py 8's default timeout of 5 s tore every
            # idle socket down. With any timeout, redis-py sends through asyncio.wait_for, which on
            # Python 3.11 can swallow the cancel that stops a closed socket's read: its consumer
            # then never ends, nor does daphne (tests/live/test_redis_layer.py).
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "socket_connect_timeout": 5}],
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "intervisie.layers.SweepingInMemoryChannelLayer"}}

AUTH_USER_MODEL = "auth.User"
AUTHENTICATION_BACKENDS = ["intervisie.auth.EmailBackend"]
# Django's rules, in the app's own words ("je", where Django's Dutch says "u").
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "intervisie.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "intervisie.passwords.MinimumLengthValidator"},
    {"NAME": "intervisie.passwords.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins tolerated within the window: per account from one address, and per address.
# Case content is encrypted at rest (intervisie/crypto.py): comma-separated Fernet keys,
# the first encrypts, all decrypt. Development derives one from the development secret key.
FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS (see README.md) when DJANGO_DEBUG=0.")
    digest = hashlib.sha256(f"field-encryption:{SECRET_KEY}".encode()).digest()
    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(digest).decode()]

LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 10)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = envint("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 100)
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 50  # from any address together
LOGIN_FAILURE_WINDOW = 15 * 60
# Other abuse limits (intervisie/limits.py): (how many, within seconds).
PASSWORD_RESET_LIMIT = (5, 3600)  # per email address
PASSWORD_RESET_LIMIT_PER_ADDRESS = (50, 3600)  # a whole organisation may share one address
JOIN_REQUEST_LIMIT = (30, 600)  # per address per meeting: a whole group on one Wi-Fi stays far below
JOIN_CODE_LIMIT = (20, 600)  # wrong join codes per address: then every code is refused a while
ADMISSION_LIMIT = (60, 60)  # the facilitator's admit/refuse clicks per meeting
CONTRIBUTION_LIMIT = (30, 60)  # per person per meeting

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Email: the console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "1")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "intervisie@localhost")
REMINDER_DAYS_BEFORE = envint("REMINDER_DAYS_BEFORE", 3)

# Case content is erased this many days after a traject's last meeting.
RETENTION_DAYS = envint("RETENTION_DAYS", 30)

# Pitfall signals on the coordinator's dashboard (sessions/insight/health.py).
SIGNAL_ATTENDANCE_BELOW = envint("SIGNAL_ATTENDANCE_BELOW", 75)  # percent, two meetings in a row
SIGNAL_ABSENT_IN_A_ROW = envint("SIGNAL_ABSENT_IN_A_ROW", 2)  # meetings one member missed in a row
SIGNAL_SCORE_BELOW = float(os.environ.get("SIGNAL_SCORE_BELOW", "3"))  # average evaluation score, 1–5

# Security headers, in development too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],  # WebSocket to the same host: ws: is 'self' in CSP 3
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 14 * 24 * 3600

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("DJANGO_SSL_REDIRECT", "1")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers check over plain HTTP
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a commitment for the whole domain that only its owner
    # can make; we send HSTS but leave preloading to the deployment.
    "security.W021",
]

# Logs never carry case content: the app logs ids and counts only, and Django's template
# debugging (which would dump whole template contexts) stays off even when someone turns
# Django's logging up to DEBUG.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.template": {"level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO", "propagate": True},  # SQL parameters are case content
    },
}
