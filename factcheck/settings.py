"""Settings, all read from the environment; see the configuration table in README.md.

With nothing set, the workbench runs on a laptop: SQLite in .data/, Celery on kombu's filesystem
transport (a real worker, no services). Set DATABASE_URL and REDIS_URL for PostgreSQL and Redis.
"""

import datetime
import os
from pathlib import Path

import csp.constants
from django.core.exceptions import ImproperlyConfigured

from factcheck.archive_limits import archive_timeouts_check
from factcheck.env import (
    env_bool,
    env_db,
    env_float,
    env_int,
    env_int_list,
    env_list,
    env_networks,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / ".data")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off "
            "(for local work set DEBUG=true, as `make run` does)"
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "factcheck",
    "axes",
    "csp",
    "apps.articles",
    "apps.claims",
    "apps.sources",
    "apps.verdicts",
    "apps.reports",
    "apps.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "factcheck" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_db("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Short socket timeouts: with Redis unreachable a request falls back (in-process throttle)
    # within a second instead of hanging on the connection.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "factcheck.loginlock.LoginLockBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
# The private half of the key that signs evidence packages: made on first use (or by
# `manage.py capture_keys`), mode 0600, never committed; its public half is served at
# /.well-known/factcheck-capture-key.pem.
CAPTURE_KEY_PATH = Path(env_str("CAPTURE_KEY_PATH", str(DATA_DIR / "keys" / "capture-key.pem")))
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 5 * 1024 * 1024, minimum=1024)

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} must be DEBUG, INFO, WARNING or ERROR")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    # axes.apps announces itself at every start-up (and would prefix every command's output);
    # lockouts are still logged as warnings by axes.handlers.
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes.apps": {"level": "WARNING"}},
}

# --- E-mail -------------------------------------------------------------------------------
# Notifications (changes requested → the author; submitted → the editors) are off by default; the
# console backend prints mail to the log until a real backend is configured.
NOTIFY_BY_EMAIL = env_bool("NOTIFY_BY_EMAIL", False)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "workbench@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Celery -------------------------------------------------------------------------------
# With REDIS_URL the broker is Redis; without it, kombu's filesystem transport under .data/broker,
# so `make run` still has a real worker and beat and saving a citation never waits for a fetch.
ARCHIVE_TOTAL_TIMEOUT = env_float("ARCHIVE_TOTAL_TIMEOUT", 20.0, minimum=1.0)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"  # the folders are made at start-up (factcheck/apps.py)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "factcheck.broker:Transport"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Fetching is I/O-bound and runs on its own queue (a threads pool: many slow sites at once);
# text extraction is CPU work and stays on the default queue (a prefork pool). Cutting stored
# texts into passages for evidence search is CPU work that nobody waits for: it has a queue of its
# own ("index"), so a deployment can give it a worker of its own (fewer processes, `nice`) and it
# never holds up extraction; the CPU worker consumes it too by default.
# A fetch worker that stores a text nudges the indexer at most once per this many seconds (the
# indexer waits twice as long before it starts, then indexes every capture that is due).
PASSAGES_INDEX_DELAY = env_float("PASSAGES_INDEX_DELAY", 1.0, minimum=0.05)
CELERY_TASK_ROUTES = {
    "apps.sources.tasks.snapshot_fetch": {"queue": "fetch"},
    "apps.sources.tasks.source_check_health": {"queue": "fetch"},
    "apps.sources.tasks.snapshot_render": {"queue": "render"},
    "apps.sources.tasks.passages_index_due": {"queue": "index"},
    "apps.sources.tasks.snapshot_index_passages": {"queue": "index"},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fixup closes the thread's database connection before and after every task
# unless DB_REUSE_MAX is set, so each task paid for a new PostgreSQL connection (a backend
# fork). With it set, workers keep their connections; apps.sources.tasks closes them through
# Django's own rules (CONN_MAX_AGE, errors) before each task, so DB_CONN_MAX_AGE decides.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000, minimum=1)
# Workers skip Django's system checks at start-up (`manage.py check` and deploys run them):
# they import the URLconf, DRF and drf-spectacular, ~13 MB of RSS in every worker for nothing.
os.environ.setdefault("CELERY_SKIP_CHECKS", "true")
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-snapshots": {
        "task": "apps.sources.tasks.snapshots_requeue_stuck",
        "schedule": env_float("ARCHIVE_REQUEUE_EVERY", 60.0, minimum=5.0),
    },
    "check-source-health": {
        "task": "apps.sources.tasks.sources_check_health",
        "schedule": env_float("LINK_HEALTH_EVERY", 24 * 3600.0, minimum=60.0),
    },
}

# --- Archiving (apps.sources) ------------------------------------------------------------
ARCHIVE_ALLOWED_NETWORKS = env_networks("ARCHIVE_ALLOWED_NETWORKS")
ARCHIVE_ALLOWED_PORTS = env_int_list("ARCHIVE_ALLOWED_PORTS", [80, 443, 8080, 8443])
ARCHIVE_MAX_BYTES = env_int("ARCHIVE_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
ARCHIVE_CONNECT_TIMEOUT = env_float("ARCHIVE_CONNECT_TIMEOUT", 5.0, minimum=0.1)
ARCHIVE_READ_TIMEOUT = env_float("ARCHIVE_READ_TIMEOUT", 10.0, minimum=0.1)
ARCHIVE_MAX_REDIRECTS = env_int("ARCHIVE_MAX_REDIRECTS", 10, minimum=0)
ARCHIVE_MAX_ATTEMPTS = env_int("ARCHIVE_MAX_ATTEMPTS", 4, minimum=1)
ARCHIVE_RETRY_BACKOFF = env_float("ARCHIVE_RETRY_BACKOFF", 5.0, minimum=0.0)
ARCHIVE_FRESH_HOURS = env_float("ARCHIVE_FRESH_HOURS", 24.0, minimum=0.0)
ARCHIVE_STUCK_AFTER = env_int("ARCHIVE_STUCK_AFTER", 600, minimum=30)
ARCHIVE_PER_HOST_CONCURRENCY = env_int("ARCHIVE_PER_HOST_CONCURRENCY", 4, minimum=1)
ARCHIVE_CONTACT_URL = env_str("ARCHIVE_CONTACT_URL", "https://example.org/factcheck-bot")
ARCHIVE_USER_AGENT = f"FactcheckWorkbench/0.1 (+{ARCHIVE_CONTACT_URL})"
ARCHIVE_RETRY_MAX_DELAY = env_float("ARCHIVE_RETRY_MAX_DELAY", 600.0, minimum=1.0)
ARCHIVE_EXTRACT_MAX_BYTES = env_int("ARCHIVE_EXTRACT_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
ARCHIVE_INLINE_EXTRACT_MAX_BYTES = env_int(
    "ARCHIVE_INLINE_EXTRACT_MAX_BYTES", 1024 * 1024, minimum=0
)
ARCHIVE_HEALTH_EVERY = CELERY_BEAT_SCHEDULE["check-source-health"]["schedule"]
ARCHIVE_LEASE_SECONDS = env_float("ARCHIVE_LEASE_SECONDS", 30.0, minimum=2.0)
ARCHIVE_EXTRACT_SECONDS = env_float("ARCHIVE_EXTRACT_SECONDS", 30.0, minimum=1.0)
archive_timeouts_check(
    total_timeout=ARCHIVE_TOTAL_TIMEOUT,
    extract_seconds=ARCHIVE_EXTRACT_SECONDS,
    lease_seconds=ARCHIVE_LEASE_SECONDS,
    stuck_after=ARCHIVE_STUCK_AFTER,
    retry_max_delay=ARCHIVE_RETRY_MAX_DELAY,
    task_time_limit=CELERY_TASK_TIME_LIMIT,
    visibility_timeout=CELERY_VISIBILITY_TIMEOUT,
)

# --- Rendered captures (apps.sources.render): Chromium, every request through the fetcher ---
RENDER_CHROMIUM = env_str("RENDER_CHROMIUM", "/usr/bin/chromium")
RENDER_ENABLED = env_bool("RENDER_ENABLED", os.path.exists(RENDER_CHROMIUM))
RENDER_TIMEOUT = env_float("RENDER_TIMEOUT", 60.0, minimum=5.0)
RENDER_MAX_SUBRESOURCES = env_int("RENDER_MAX_SUBRESOURCES", 300, minimum=0)
RENDER_MAX_BYTES = env_int("RENDER_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
RENDER_MAX_HEIGHT = env_int("RENDER_MAX_HEIGHT", 10_000, minimum=500)
RENDER_PAGES_PER_BROWSER = env_int("RENDER_PAGES_PER_BROWSER", 50, minimum=1)
RENDER_CONCURRENCY = env_int("RENDER_CONCURRENCY", 2, minimum=1)
RENDER_MAX_ATTEMPTS = env_int("RENDER_MAX_ATTEMPTS", 2, minimum=1)
if RENDER_TIMEOUT + ARCHIVE_EXTRACT_SECONDS >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "RENDER_TIMEOUT plus ARCHIVE_EXTRACT_SECONDS must stay under CELERY_TASK_TIME_LIMIT "
        f"(got {RENDER_TIMEOUT} + {ARCHIVE_EXTRACT_SECONDS} >= {CELERY_TASK_TIME_LIMIT})."
    )

# History is an audit trail: states change only through services, never by reverting a row.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Claims, publishing -------------------------------------------------------------------
CLAIM_THRESHOLD = env_float("CLAIM_THRESHOLD", 0.5, minimum=0.0)
# Prior checks: a match at or above SUGGEST is shown as "possibly already checked"; at or above
# FLAG the claim is flagged as a likely repeat in the queue.
PRIOR_CHECK_SUGGEST = env_float("PRIOR_CHECK_SUGGEST", 0.4, minimum=0.0)
PRIOR_CHECK_FLAG = env_float("PRIOR_CHECK_FLAG", 0.6, minimum=0.0)
if not 0 < PRIOR_CHECK_SUGGEST <= PRIOR_CHECK_FLAG <= 1:
    raise ImproperlyConfigured(
        "Prior-check thresholds must satisfy 0 < PRIOR_CHECK_SUGGEST <= PRIOR_CHECK_FLAG <= 1 "
        f"(got {PRIOR_CHECK_SUGGEST} and {PRIOR_CHECK_FLAG})."
    )
ORGANIZATION_NAME = env_str("ORGANIZATION_NAME", "Fact-check Workbench Demo")
ORGANIZATION_URL = env_str("ORGANIZATION_URL", "https://example.org/")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEMO_USERS_ALLOWED = DEBUG

# --- Security: production defaults whenever DEBUG is off ------------------------------------
# Each can be turned off for a deployment that terminates TLS elsewhere; `manage.py check
# --deploy` is clean with the defaults (tests/test_security_settings.py).
_PRODUCTION = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _PRODUCTION)
# The container health check speaks plain HTTP to the app itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _PRODUCTION)
# The preload token only allows submitting the domain to browsers' preload lists.
SECURE_HSTS_PRELOAD = env_bool(
    "SECURE_HSTS_PRELOAD", _PRODUCTION and SECURE_HSTS_SECONDS >= 31536000
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE_HSTS_PRELOAD and SECURE_HSTS_SECONDS < 31536000:
    raise ImproperlyConfigured(
        "SECURE_HSTS_PRELOAD needs SECURE_HSTS_SECONDS of at least 31536000 (a year)"
    )
# Opt-in: only behind a proxy that sets X-Forwarded-Proto and X-Forwarded-For itself (and drops
# a client's own), or any client could claim HTTPS or another address.
TRUST_PROXY_HEADERS = env_bool("TRUST_PROXY_HEADERS", False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response (admin, login, API, docs) that has none of its own
# (archived copies and HTML reports set stricter ones). No inline script anywhere: a template
# that needs one uses the request's nonce ({{ request.csp_nonce }}). Inline styles stay allowed:
# the admin's colour chips and Swagger UI's page style are attributes and a <style> block.
_csp_report_uri = env_str("CSP_REPORT_URI")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF, csp.constants.NONCE],
        "style-src": [csp.constants.SELF, csp.constants.UNSAFE_INLINE],
        "img-src": [csp.constants.SELF, "data:"],
        "font-src": [csp.constants.SELF, "data:"],
        "connect-src": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.NONE],
        "frame-ancestors": [csp.constants.NONE],
        "form-action": [csp.constants.SELF],
        **({"report-uri": [_csp_report_uri]} if _csp_report_uri else {}),
    }
}

# Login throttling and lockout (django-axes) for the admin login and any other authenticate()
# call made with a request: after LOGIN_FAILURE_LIMIT failures for one user name, or from one
# address, further attempts are refused (even with the right password) until
# LOGIN_LOCKOUT_MINUTES have passed or an admin resets them (`manage.py axes_reset`, or the
# Access attempts page of the admin).
AXES_ENABLED = env_bool("LOGIN_LOCKOUT_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env_float("LOGIN_LOCKOUT_MINUTES", 30.0, minimum=0.1)
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUST_PROXY_HEADERS else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = 1 if TRUST_PROXY_HEADERS else None

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate challenge makes an anonymous write a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["apps.api.throttling.AnonThrottle"],
    # The client address for throttling: REMOTE_ADDR, or with TRUST_PROXY_HEADERS the address
    # our one proxy saw (DRF would otherwise take a client's own X-Forwarded-For as its identity).
    "NUM_PROXIES": 1 if TRUST_PROXY_HEADERS else 0,
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_RATE", "120/minute")},
    "EXCEPTION_HANDLER": "apps.api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check Workbench API",
    "DESCRIPTION": "Verified claim sets, verdicts and ClaimReview feeds.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.api.schema.document_error_responses",
    ],
}
