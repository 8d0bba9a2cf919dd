"""CoE Hub settings: one module, read from the environment (see README "Configuration").

Production differs from development only by environment variables. Without any, the app runs on
embedded defaults (SQLite and a filesystem Celery broker under ``var/``) so ``make run`` needs no
server; ``DATABASE_URL`` and ``REDIS_URL`` switch it to Postgres and Redis.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from coe.conf import env_bool, env_int, env_list, env_optional, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None) or ""
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE); a default exists only with DEBUG=true.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
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
    "guardian",
    "axes",
    "django_htmx",
    "django_celery_beat",
    "governance",
    "training",
    "publishing",
    "analytics",
    # Last on purpose: its post_migrate hook grants role permissions once every other app's
    # permissions exist (see coe.roles).
    "coe",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coe.middleware.LoginRequiredMiddleware",
    "coe.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Must be last: it turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coe.urls"
WSGI_APPLICATION = "coe.wsgi.application"

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
                "coe.context_processors.navigation",
            ],
        },
    },
]

# Fernet keys for channel credentials, newest first (publishing.crypto); default: derived from SECRET_KEY.
CREDENTIALS_KEYS = env_list("CREDENTIALS_KEYS", [])

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'coehub.sqlite3'}")
DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
# Persistent connections with a health check: a Postgres restart costs at most one failed request.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh VAR_DIR must work: SQLite creates the file but not its folder.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share the file: wait for locks and take them up front.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ----------------------------------------------------------------------
REDIS_URL = env_optional("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by every process on the machine (throttling, rate limits), unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost/")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # A broker that needs no server and works across processes on one machine.
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic schedule, declared in one place. Beat copies them into the database
# (django-celery-beat), where the CoE can change them in the admin.
# Fixed intervals, never local-time crontabs (DST would skip or repeat them); every sweep is
# idempotent, so two beats or a doubled run do no harm.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "coe.tasks.worker_heartbeat_record_task",
        "schedule": timedelta(seconds=env_int("HEARTBEAT_INTERVAL_SECONDS", 60)),
    },
    "publishing-dispatch-due": {
        "task": "publishing.tasks.publications_dispatch_due_task",
        "schedule": timedelta(seconds=env_int("PUBLISH_DISPATCH_INTERVAL_SECONDS", 15)),
    },
    "publishing-recover-stuck": {
        "task": "publishing.tasks.publications_recover_stuck_task",
        "schedule": timedelta(seconds=env_int("PUBLISH_RECOVER_INTERVAL_SECONDS", 60)),
    },
    "publishing-reconcile-unknown": {
        "task": "publishing.tasks.publications_reconcile_unknown_task",
        "schedule": timedelta(minutes=10),
    },
    "publishing-expire-overdue": {
        "task": "publishing.tasks.posts_expire_overdue_task",
        "schedule": timedelta(minutes=1),
    },
    "publishing-remind-overdue-reviews": {
        "task": "publishing.tasks.stages_remind_overdue_task",
        "schedule": timedelta(minutes=15),
    },
    "governance-remind-policy-acknowledgments": {
        "task": "governance.tasks.policy_acknowledgments_remind_task",
        "schedule": timedelta(hours=1),
    },
    "governance-remind-policy-reviews": {
        "task": "governance.tasks.policies_remind_review_due_task",
        "schedule": timedelta(hours=6),
    },
    "training-remind-assignments": {
        "task": "training.tasks.assignments_remind_task",
        "schedule": timedelta(hours=1),
    },
    "training-close-expired-attempts": {
        "task": "training.tasks.attempts_close_expired_task",
        "schedule": timedelta(minutes=1),
    },
    "training-remind-expiring-certificates": {
        "task": "training.tasks.certificates_remind_expiring_task",
        "schedule": timedelta(hours=1),
    },
    "training-expire-certificates": {
        "task": "training.tasks.certificates_expire_task",
        "schedule": timedelta(minutes=15),
    },
    "analytics-rollups-dirty": {
        "task": "analytics.tasks.rollups_recompute_dirty_task",
        "schedule": timedelta(minutes=5),
    },
    "analytics-rollups-recent": {
        "task": "analytics.tasks.rollups_recompute_recent_task",
        "schedule": timedelta(hours=24),
    },
    "analytics-metrics-fetch": {
        "task": "analytics.tasks.metrics_fetch_recent_task",
        "schedule": timedelta(hours=1),
    },
    "analytics-listening-process": {
        "task": "analytics.tasks.listening_process_task",
        "schedule": timedelta(minutes=5),
    },
    # Hourly, sent once a month (a delivery row per month): a beat that was down on the 1st catches up.
    "analytics-roi-report-monthly": {
        "task": "analytics.tasks.roi_report_send_monthly_task",
        "schedule": timedelta(hours=1),
    },
    # Hourly, each tool's owner reminded once per renewal date (renewal_reminded_for).
    "coe-tools-remind-renewal": {
        "task": "coe.tasks.tools_remind_renewal_task",
        "schedule": timedelta(hours=1),
    },
    # Hourly, each steering action item's owner reminded once before it is due and once overdue.
    "coe-action-items-remind": {
        "task": "coe.tasks.action_items_remind_task",
        "schedule": timedelta(hours=1),
    },
}

# Policies (governance.services.policies): an overdue acceptance is escalated to the person's
# department lead this many days after the reminder.
POLICY_ESCALATE_AFTER_DAYS = env_int("POLICY_ESCALATE_AFTER_DAYS", 7)
if POLICY_ESCALATE_AFTER_DAYS < 1:
    raise ImproperlyConfigured("POLICY_ESCALATE_AFTER_DAYS must be at least 1.")

# Training assignments (training.services.assignments): people are reminded once this many days
# before an assignment is due (and once when it is overdue).
TRAINING_DUE_SOON_DAYS = env_int("TRAINING_DUE_SOON_DAYS", 3)
if TRAINING_DUE_SOON_DAYS < 1:
    raise ImproperlyConfigured("TRAINING_DUE_SOON_DAYS must be at least 1.")

# Metric rollups (analytics.services.rollups): the nightly task recomputes this many recent days
# for every channel, whatever ingestion marked (late corrections from networks land there).
ROLLUP_NIGHTLY_DAYS = env_int("ROLLUP_NIGHTLY_DAYS", 35)
if ROLLUP_NIGHTLY_DAYS < 1:
    raise ImproperlyConfigured("ROLLUP_NIGHTLY_DAYS must be at least 1.")

# Publishing (publishing.services.dispatch).
PUBLISH_DISPATCH_BATCH = env_int("PUBLISH_DISPATCH_BATCH", 500)
PUBLISH_MAX_ATTEMPTS = env_int("PUBLISH_MAX_ATTEMPTS", 5)
PUBLISH_RETRY_BASE_SECONDS = env_int("PUBLISH_RETRY_BASE_SECONDS", 30)
PUBLISH_RETRY_CAP_SECONDS = env_int("PUBLISH_RETRY_CAP_SECONDS", 3600)
PUBLISH_ADAPTER_TIMEOUT = env_int("PUBLISH_ADAPTER_TIMEOUT", 20)
# Publications per task message (of one channel), and how long one message keeps starting sends
# before it hands the rest to a new message (well inside the task time limits).
PUBLISH_TASK_CHUNK = env_int("PUBLISH_TASK_CHUNK", 20)
PUBLISH_TASK_BUDGET_SECONDS = env_int("PUBLISH_TASK_BUDGET_SECONDS", 60)
if PUBLISH_TASK_CHUNK < 1:
    raise ImproperlyConfigured("PUBLISH_TASK_CHUNK must be at least 1.")
# A message stops starting sends after its budget; the send it started last must still end
# before the soft time limit (a post with four images is five requests of PUBLISH_ADAPTER_TIMEOUT).
if PUBLISH_TASK_BUDGET_SECONDS >= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("PUBLISH_TASK_BUDGET_SECONDS must be shorter than CELERY_TASK_SOFT_TIME_LIMIT.")
# A queued publication whose task message never arrived (lost with a Redis restart) is
# re-dispatched after this; one stuck in "publishing" (worker killed) is checked after this.
PUBLISH_QUEUED_STALE_SECONDS = env_int("PUBLISH_QUEUED_STALE_SECONDS", 600)
PUBLISH_STUCK_SECONDS = env_int("PUBLISH_STUCK_SECONDS", 360)
if PUBLISH_STUCK_SECONDS <= CELERY_TASK_TIME_LIMIT:
    # Otherwise a send still running could be taken for a dead one.
    raise ImproperlyConfigured("PUBLISH_STUCK_SECONDS must be longer than CELERY_TASK_TIME_LIMIT.")
EXTERNAL_REVIEW_DAYS = env_int("EXTERNAL_REVIEW_DAYS", 7)
# Tools inventory (coe.services.techstack): a tool's owner and the CoE managers are reminded this
# many days before its renewal date, once per renewal date.
TOOL_RENEWAL_REMIND_DAYS = env_int("TOOL_RENEWAL_REMIND_DAYS", 30)
if TOOL_RENEWAL_REMIND_DAYS < 1:
    raise ImproperlyConfigured("TOOL_RENEWAL_REMIND_DAYS must be at least 1.")
# Steering committee (coe.services.steering): an action item's owner is reminded this many days
# before its due date (once), and once when it is overdue.
ACTION_ITEM_REMIND_DAYS = env_int("ACTION_ITEM_REMIND_DAYS", 2)
if ACTION_ITEM_REMIND_DAYS < 0:
    raise ImproperlyConfigured("ACTION_ITEM_REMIND_DAYS must be 0 or more.")
# /healthz reports the worker unhealthy when its last heartbeat is older than this.
HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS = env_int("HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS", 300)

# --- Authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "coe.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Guardian's anonymous-user row is not needed: anonymous people see nothing but public pages.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "coe.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None

# --- Security -----------------------------------------------------------------------------------
_secure = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _secure)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _secure)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _secure)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _secure)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation and time ---------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# Stored in UTC; shown in each person's own time zone. TIME_ZONE is the default for new people.
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Front-end libraries come from npm (package-lock.json) and are served straight from node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/fullcalendar", BASE_DIR / "node_modules" / "fullcalendar"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_URL", "consolemail://" if DEBUG else "smtp://localhost:25")
# EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS …
globals().update(environ.Env.email_url_config(EMAIL_URL))
# Where people reach CoE Hub; used for links in e-mails and calendar feeds.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CoE Hub <coe-hub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing or bad credential a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "coe.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "coe.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CoE Hub API",
    "DESCRIPTION": "Governance, approvals, training and measurement for a social media center of excellence.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field called "kind" (approval stages, content rules, incident updates):
    # each gets its own enum name instead of a clash.
    "ENUM_NAME_OVERRIDES": {
        "StageKindEnum": "publishing.models.StageKind",
        "RuleKindEnum": "governance.models.RuleKind",
        "IncidentUpdateKindEnum": "governance.models.IncidentUpdate.Kind",
        "AttemptStatusEnum": "training.models.Attempt.Status",
        "CertificateStateEnum": "training.models.Certificate.Status",
        "TrackStateEnum": "training.selectors.certification.TRACK_STATE_CHOICES",
        "QuestionKindEnum": "training.models.QuestionKind",
        "KpiStatusEnum": "analytics.selectors.kpis.STATUS_CHOICES",
        "KpiMetricEnum": "analytics.selectors.kpis.KPI_METRIC_CHOICES",
        "ImportModeEnum": "analytics.models.imports.MetricImport.Mode",
        "SteeringMeetingStatusEnum": "coe.models.SteeringMeeting.Status",
        "SteeringAttendanceStatusEnum": "coe.models.SteeringAttendance.Status",
        "ActionItemStatusEnum": "coe.models.ActionItem.Status",
        "MaturityAssessmentStatusEnum": "coe.models.MaturityAssessment.Status",
        "CompetencyEnum": "coe.models.Competency",
        "EvaluationStatusEnum": "coe.models.Evaluation.Status",
        "ToolCategoryEnum": "coe.models.ToolCategory",
    },
}

# --- Demo and logging -----------------------------------------------------------------------------
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "coe-demo")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # One line per HTTP call to a network is noise; errors still show.
        "httpx": {"level": "WARNING"},
    },
}
