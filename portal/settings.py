"""Settings for the 동행 포털, read from the environment (django-environ).

With nothing set, the portal runs in its embedded mode: DEBUG on, a SQLite file beside the
code, Celery tasks run in-process, e-mail printed to the console. Setting ``DATABASE_URL`` and
``REDIS_URL`` moves it onto PostgreSQL and a Redis-brokered Celery worker and beat. With
``DEBUG`` off, a missing secret or host list stops the start (``ImproperlyConfigured``) rather
than running insecurely. Every variable is listed in README.md.
"""

import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is a convenience for developers; the real deployment sets the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-used-with-debug-off-0123456789"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "django_celery_beat",
    "portal",
    "agencies",
    "meetings",
    "evaluations",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.KoreanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reuse connections between requests (persistent connections, checked before reuse).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Every request is one transaction: a failing view leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Plain cursors: iterating a queryset costs one round trip, and a transaction-pooling
    # PgBouncer in front of PostgreSQL keeps working.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a Celery task (run in-process) writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.User"

# --- Cache, Celery --------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The test suite runs in parallel processes (pytest-xdist, see the Makefile); each worker gets
# a Redis database of its own, counting down from the one given, so their caches and Celery
# queues never meet.
_TEST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")
if REDIS_URL and _TEST_WORKER.startswith("gw"):
    _redis_base, _slash, _redis_db = REDIS_URL.rpartition("/")
    REDIS_URL = f"{_redis_base}/{int(_redis_db or 0) - int(_TEST_WORKER[2:])}"

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# No broker configured: run every task in the calling process (the embedded mode).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task to run again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "portal.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60,
    },
    "purge-survey-ip-hashes": {
        "task": "evaluations.tasks.purge_ip_hashes",
        "schedule": 24 * 60 * 60,
    },
    # The outbox: every minute, send the notifications that are due (see notifications/).
    "deliver-due-notifications": {
        "task": "notifications.tasks.deliver_due_notifications",
        "schedule": 60,
    },
    # Re-plan the reminders of upcoming meetings: catches meetings moved, cancelled or
    # given new invitees in the Django admin. Idempotent.
    "plan-meeting-notifications": {
        "task": "notifications.tasks.plan_meeting_notifications",
        "schedule": 15 * 60,
    },
    # Monday 08:00 Asia/Seoul (CELERY_TIMEZONE): the weekly digest of what is overdue.
    "plan-weekly-digest": {
        "task": "notifications.tasks.plan_weekly_digest",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
    # Evaluations: close campaigns whose answering time is up (closing enqueues scoring).
    "close-due-campaigns": {
        "task": "evaluations.tasks.close_due_campaigns",
        "schedule": 5 * 60,
    },
}

# --- Authentication -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("영어"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded evidence lives here, outside STATIC_ROOT; it is never served directly (no
# MEDIA_URL route), only through permission-checked download views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

# --- Meetings -------------------------------------------------------------------------------
# The regular series (heads in even months, deputy heads in odd months) falls on the
# MEETING_SERIES_ORDINAL-th MEETING_SERIES_WEEKDAY (0 = Monday) of the month at
# MEETING_SERIES_TIME, Asia/Seoul; a weekend or Korean public holiday moves it to the next
# working day.
MEETING_SERIES_WEEKDAY = env.int("MEETING_SERIES_WEEKDAY", default=2)
MEETING_SERIES_ORDINAL = env.int("MEETING_SERIES_ORDINAL", default=2)
MEETING_SERIES_TIME = env.str("MEETING_SERIES_TIME", default="14:00")
MEETING_SERIES_DURATION_MINUTES = env.int("MEETING_SERIES_DURATION_MINUTES", default=120)
MEETING_SERIES_PLACE = env.str("MEETING_SERIES_PLACE", default="광주광역시청 3층 비즈니스룸")
if not 0 <= MEETING_SERIES_WEEKDAY <= 6 or not 1 <= MEETING_SERIES_ORDINAL <= 4:
    raise ImproperlyConfigured(
        "MEETING_SERIES_WEEKDAY must be 0-6 (Monday-Sunday) and MEETING_SERIES_ORDINAL 1-4."
    )

# --- Public surveys (evaluations) ------------------------------------------------------------
# Anti-stuffing signals are keyed hashes (HMAC-SHA256), never raw addresses. The key defaults
# to one derived from SECRET_KEY; set it on its own to rotate it without touching sessions.
SURVEY_HASH_KEY = env.str("SURVEY_HASH_KEY", default="") or hashlib.sha256(
    f"survey-hash-key:{SECRET_KEY}".encode()
).hexdigest()
# How many proxies in front of the portal append to X-Forwarded-For (0: use REMOTE_ADDR).
SURVEY_TRUSTED_PROXY_COUNT = env.int("SURVEY_TRUSTED_PROXY_COUNT", default=0)
# Rate limits: responses to one campaign from one IP hash / one device within the window are
# counted in the database; one more is refused with 429. An IP may be a whole office's NAT,
# so its cap is higher than a device's.
SURVEY_RATE_WINDOW_MINUTES = env.int("SURVEY_RATE_WINDOW_MINUTES", default=60)
SURVEY_RATE_LIMIT_PER_IP = env.int("SURVEY_RATE_LIMIT_PER_IP", default=30)
SURVEY_RATE_LIMIT_PER_DEVICE = env.int("SURVEY_RATE_LIMIT_PER_DEVICE", default=5)
# A response is flagged "burst" when it is at least the SURVEY_BURST_THRESHOLD-th from the
# same IP hash or device within SURVEY_BURST_WINDOW_MINUTES (kept, for city staff to review).
SURVEY_BURST_WINDOW_MINUTES = env.int("SURVEY_BURST_WINDOW_MINUTES", default=10)
SURVEY_BURST_THRESHOLD = env.int("SURVEY_BURST_THRESHOLD", default=3)
# IP and device hashes are blanked by a daily beat task after this many days.
SURVEY_IP_HASH_RETENTION_DAYS = env.int("SURVEY_IP_HASH_RETENTION_DAYS", default=30)
# The optional demographics (age band, district; given only with consent) are blanked by the
# same task after this many days, as the consent notice promises.
SURVEY_DEMOGRAPHICS_RETENTION_DAYS = env.int("SURVEY_DEMOGRAPHICS_RETENTION_DAYS", default=730)
if min(
    SURVEY_RATE_WINDOW_MINUTES,
    SURVEY_RATE_LIMIT_PER_IP,
    SURVEY_RATE_LIMIT_PER_DEVICE,
    SURVEY_BURST_WINDOW_MINUTES,
    SURVEY_BURST_THRESHOLD,
    SURVEY_IP_HASH_RETENTION_DAYS,
    SURVEY_DEMOGRAPHICS_RETENTION_DAYS,
) < 1 or SURVEY_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "The SURVEY_* windows, limits, threshold and retention must be at least 1, and "
        "SURVEY_TRUSTED_PROXY_COUNT not negative."
    )

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="동행 포털 <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Seconds an SMTP connection may block. Delivery holds a row lock while it sends, so this
# bounds how long one slow server can hold a notification.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes here.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))

# --- Notifications --------------------------------------------------------------------------
# The portal's address as people reach it: links in e-mails are absolute. By default the
# development server's, or https on the first ALLOWED_HOSTS name with DEBUG off.
PORTAL_BASE_URL = env.str(
    "PORTAL_BASE_URL",
    default="http://localhost:8000"
    if DEBUG or not ALLOWED_HOSTS
    else f"https://{ALLOWED_HOSTS[0].lstrip('.')}",
).rstrip("/")
# Meeting reminders and the topic-deadline reminder go out at this time (Asia/Seoul) on
# their day; the topic-deadline reminder that many days before the deadline.
NOTIFICATION_SEND_TIME = env.str("NOTIFICATION_SEND_TIME", default="09:00")
NOTIFICATION_TOPICS_DEADLINE_DAYS = env.int("NOTIFICATION_TOPICS_DEADLINE_DAYS", default=2)
# A notification whose e-mail failed is tried again after NOTIFICATION_RETRY_MINUTES,
# doubling each time, until NOTIFICATION_MAX_ATTEMPTS; then it waits for an administrator.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_MINUTES = env.int("NOTIFICATION_RETRY_MINUTES", default=5)
# At most this many notifications per delivery run (the next run, a minute later, goes on).
NOTIFICATION_DELIVERY_BATCH = env.int("NOTIFICATION_DELIVERY_BATCH", default=200)

# --- Security -------------------------------------------------------------------------------
# The TLS proxy in front sets X-Forwarded-Proto; trust it to tell https from http.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer probes /healthz/ over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)

# Content-Security-Policy (django-csp): no inline script anywhere, every asset from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
