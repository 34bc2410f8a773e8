"""SellerDesk settings, read from the environment (see the README's configuration table).

Without any variable set, the project runs on embedded defaults: SQLite, a filesystem Celery
broker and emails written to files under var/. Production sets DEBUG=0 and a real SECRET_KEY.
"""

import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sellerdesk.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SELLERDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

_DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "sellerdesk.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "sellerdesk",
    "shops",
    "orders",
    "messaging",
    "incidents",
    "refunds",
    "stats",
    "todo",
    "notifications",
    "mirakl",
    "axes",
    "csp",
    "replies",
    "hours",
    "exports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sellerdesk.middleware.ViewerTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After the auth middleware: counts failed logins and answers the lockout page.
    "axes.middleware.AxesMiddleware",
    "sellerdesk.middleware.PermissionsPolicyMiddleware",
    # Last, so it sees what views raise before Django turns it into an HTML page.
    "sellerdesk.middleware.ApiFaultMiddleware",
]

ROOT_URLCONF = "sellerdesk.urls"
WSGI_APPLICATION = "sellerdesk.wsgi.application"

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
                "sellerdesk.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sellerdesk.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database: one writer at a time, so wait for the lock instead of failing.
    # IMMEDIATE takes the write lock when a transaction begins: a deferred transaction that
    # read first and then writes gets "database is locked" at once, without waiting (the
    # worker's two processes claiming notices did, at start-up).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "shops.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Madrid"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Private attachments: never under STATIC/MEDIA URLs, served only by views that check the shop.
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("ATTACHMENTS_DIR", str(VAR_DIR / "attachments")),
            "base_url": None,
        },
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email -------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SellerDesk <no-reply@sellerdesk.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OPERATOR_EMAIL = env_str("OPERATOR_EMAIL", "customer-care@marketplace.localhost")
# The language of every notice to the operators, whoever caused it (an English admin session
# does not make the operators' mail English).
OPERATOR_LANGUAGE = env_str("OPERATOR_LANGUAGE", "es")
if OPERATOR_LANGUAGE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(
        f"OPERATOR_LANGUAGE must be one of es, en, not {OPERATOR_LANGUAGE!r}."
    )
# The operators' clock in the admin unless an operator chose their own (the marketplace's).
OPERATOR_TIME_ZONE = env_str("OPERATOR_TIME_ZONE", TIME_ZONE)
if OPERATOR_TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(
        f"OPERATOR_TIME_ZONE must be an IANA timezone such as Europe/Madrid, not {OPERATOR_TIME_ZONE!r}."
    )

# --- Cache (throttling, idempotency) ------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
if CACHE_URL:
    CACHES = {
        # Fails open: Redis down makes the throttle allow and every read a miss (logged).
        "default": {"BACKEND": "sellerdesk.cache.FailOpenRedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ------------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # Embedded broker: kombu's filesystem transport needs no server, so `make run` works anywhere.
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("out", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # Without it kombu writes its control exchange into the current directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "advance-orders": {
        "task": "orders.tasks.advance_orders",
        "schedule": timedelta(minutes=env_int("ADVANCE_ORDERS_EVERY_MINUTES", 60, minimum=1)),
    },
    # The outbox: every notice (email, webhook) that is due, whether its first try could not be
    # queued (broker down) or a retry's time has come.
    "send-due-notices": {
        "task": "notifications.tasks.send_due_notices",
        "schedule": timedelta(seconds=env_int("NOTIFICATIONS_SWEEP_SECONDS", 60, minimum=5)),
    },
    "flag-reply-deadlines": {
        "task": "messaging.tasks.flag_reply_deadlines",
        "schedule": timedelta(minutes=env_int("REPLY_DEADLINE_JOB_MINUTES", 5, minimum=1)),
    },
    "purge-idempotency-records": {
        "task": "sellerdesk.tasks.purge_idempotency_records",
        "schedule": timedelta(hours=1),
    },
    "warn-before-closures": {
        "task": "hours.tasks.warn_before_closures",
        "schedule": timedelta(minutes=env_int("CLOSURE_WARNING_JOB_MINUTES", 30, minimum=1)),
    },
    "remind-waiting-incidents": {
        "task": "incidents.tasks.remind_waiting_incidents",
        "schedule": timedelta(minutes=env_int("REMIND_INCIDENTS_EVERY_MINUTES", 60, minimum=1)),
    },
}

# --- Idempotency-Key ---------------------------------------------------------------------------
# How long a key's first answer is kept for replays; at least a day (retries span hours).
IDEMPOTENCY_KEEP_HOURS = env_int("IDEMPOTENCY_KEEP_HOURS", 48, minimum=24)

# --- Domain ------------------------------------------------------------------------------------
AUTO_RECEIVE_DAYS = env_int("AUTO_RECEIVE_DAYS", 15, minimum=1)
AUTO_CLOSE_DAYS = env_int("AUTO_CLOSE_DAYS", 30, minimum=1)
REPLY_DEADLINE_HOURS = env_int("REPLY_DEADLINE_HOURS", 48, minimum=1)
REPLY_DUE_SOON_HOURS = env_int("REPLY_DUE_SOON_HOURS", 12, minimum=1)
# The marketplace's terms count wall-clock hours; on, the deadline counts the shop's open hours.
REPLY_DEADLINE_BUSINESS_HOURS = env_bool("REPLY_DEADLINE_BUSINESS_HOURS", False)
# The digest before a closure goes out in the shop's last open hours before it closes.
CLOSURE_WARNING_HOURS = env_int("CLOSURE_WARNING_HOURS", 2, minimum=1)
# Attachments: per file, per message (all files together) and how many files a message may carry.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
ATTACHMENT_MAX_MESSAGE_BYTES = env_int("ATTACHMENT_MAX_MESSAGE_BYTES", 30 * 1024 * 1024, minimum=1)
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", 10, minimum=1)
INCIDENT_REMINDER_HOURS = env_int("INCIDENT_REMINDER_HOURS", 24, minimum=1)
REFUND_WINDOW_DAYS = env_int("REFUND_WINDOW_DAYS", 200, minimum=1)
# Quality statistics: the operator's overview highlights shops past any of these.
STATS_ALERT_INCIDENT_RATE = env_float("STATS_ALERT_INCIDENT_RATE", 0.05, minimum=0)
STATS_ALERT_REPLY_HOURS = env_int("STATS_ALERT_REPLY_HOURS", 24, minimum=1)
STATS_ALERT_OVERDUE = env_int("STATS_ALERT_OVERDUE", 5, minimum=1)
DEFAULT_CURRENCY = "EUR"
# Reply templates' {tracking_url}: the tracking page of each carrier (name in lower case), with
# {tracking_number} in it. A carrier missing here leaves {tracking_url} unfilled.
TRACKING_URLS = {
    "correos": "https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number={tracking_number}",
    "seur": "https://www.seur.com/livetracking/?segOnlineIdentificador={tracking_number}",
    "mrw": "https://www.mrw.es/seguimiento_envios/MRW_resultados_consultas.asp?num={tracking_number}",
    "gls": "https://gls-group.com/ES/es/seguimiento-envio?match={tracking_number}",
    "dhl": "https://www.dhl.com/es-es/home/tracking.html?tracking-id={tracking_number}",
    "ups": "https://www.ups.com/track?tracknum={tracking_number}",
}
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Notifications and webhooks (the outbox) -------------------------------------------------
# Retries: exponential backoff from the base, capped, for this long (emails) / at least this long
# (webhooks: a delivery is given up only after an attempt that failed this many hours after the
# first one, and its endpoint is then disabled unless another delivery succeeded meanwhile).
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 30, minimum=0)
NOTIFICATIONS_RETRY_MAX_SECONDS = env_int("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600, minimum=1)
NOTIFICATIONS_EMAIL_RETRY_HOURS = env_int("NOTIFICATIONS_EMAIL_RETRY_HOURS", 72, minimum=1)
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 24, minimum=1)
# The Celery queue of the delivery tasks ("celery" is Celery's default queue).
NOTIFICATIONS_QUEUE = env_str("NOTIFICATIONS_QUEUE", "celery")
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# Production refuses webhook URLs that are plain http or resolve to loopback, private or
# link-local addresses (SSRF). Tests and local development may allow them.
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# --- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shops.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "sellerdesk.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "sellerdesk.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sellerdesk.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "sellerdesk.api.throttling.UserRateThrottle",
        "sellerdesk.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}


def _api_enum(choices_path: str):
    """An enum as the API spells it (lower-case values, the model's labels), for naming it in
    the schema: drf-spectacular matches an override on its values *and* labels."""

    def choices():
        from django.utils.module_loading import import_string

        return [(value.lower(), label) for value, label in import_string(choices_path).choices]

    return choices


SPECTACULAR_SETTINGS = {
    "TITLE": "SellerDesk API",
    "DESCRIPTION": (
        "Customer care for marketplace sellers: orders, message threads, incidents, refunds and "
        "quality statistics. Authenticate with `Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sellerdesk.api.schema.add_error_responses",
        "sellerdesk.api.schema.declare_order_section_fields",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStateEnum": _api_enum("orders.models.OrderState"),
        "RefundStateEnum": _api_enum("refunds.models.RefundState"),
        "MessageSideEnum": "messaging.models.SIDES_API",
        "ParticipantEnum": "messaging.models.PARTICIPANTS_API",
        "IncidentStateEnum": _api_enum("incidents.models.IncidentState"),
        "IncidentOpenedByEnum": _api_enum("incidents.models.IncidentOpenedBy"),
        "IncidentEventKindEnum": "incidents.models.IncidentEventKind",
        "WebhookEventEnum": "notifications.models.WEBHOOK_EVENT_CHOICES",
    },
}

# --- Login throttling (django-axes) -------------------------------------------------------------
# Failed logins are counted in PostgreSQL per user name and, separately, per address: either
# reaching AXES_FAILURE_LIMIT locks further tries for AXES_COOLOFF_MINUTES (the admin's "Access
# attempts" unlocks earlier). The right password does not get through a lockout.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# --- Content-Security-Policy and other headers ------------------------------------------------
# No inline script or style anywhere: every page's scripts and styles are static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)

# --- Security (production) ----------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Health checks come over plain HTTP from the orchestrator.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
