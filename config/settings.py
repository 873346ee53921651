"""Settings for every run mode, read from the environment (django-environ).

The defaults are the embedded mode: SQLite and a filesystem Celery broker under
``var/``, the sandbox enabled and the Cint client pointed at it. Production sets
``DATABASE_URL``, ``CELERY_BROKER_URL``, real ``CINT_*`` credentials and
``SANDBOX_ENABLED=false``; no code changes between modes.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

from config.secret import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _make_folders(*folders):
    """The embedded mode keeps its files under var/: each folder is made here, where it is named, so
    whatever starts first on a fresh clone (a bare `pytest`, `manage.py`, the worker) finds it."""
    for folder in folders:
        Path(folder).mkdir(parents=True, exist_ok=True)


DEBUG = env.bool("DEBUG", default=False)
# The sandbox: a local imitation of the supplier APIs, mounted at /sandbox/ (the embedded mode).
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=True)
# Set in production; the embedded mode makes one for this machine (config/secret.py).
SECRET_KEY = secret_key(env.str("SECRET_KEY", default=""), debug=DEBUG, embedded=SANDBOX_ENABLED, folder=VAR_DIR)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The base URL the app is reached at; used in links the app hands to the supplier
# (the webhook receiver address) and printed by the run command.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

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
    "csp",
    "django_celery_beat",
    "axes",
    "projects",
    "quotas",
    "fielding",
    "sync",
    "reconciliations",
    "costs",
    "preferences",
    "notifications",
    "schedules",
    "rules",
    "studies",
    "sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Webhook deliveries skip the rest (sessions, login, CSRF …): their signature authenticates them.
    "sync.middleware.WebhookFastPathMiddleware",
    # The sandbox's imitated supplier APIs likewise: their callers bring the supplier's credentials.
    "sandbox.middleware.SupplierApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Times shown and typed in the PM's zone (their preference, else their browser's).
    "preferences.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A NUL character in any input is refused in words before a view (or the database) sees it.
    "projects.middleware.NulCharacterMiddleware",
    "sync.middleware.UnsupportedChangeMiddleware",
    # Last, as django-axes asks: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords in a row for one
# user name from one address, that login is refused for AXES_COOLOFF_MINUTES, with a message.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = 1 if env.bool("BEHIND_TLS_PROXY", default=False) else None

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "projects.context_processors.roles",
                "preferences.context_processors.time_zone",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes; the busy timeout makes
    # a writer wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        }
    )
    # Tests get a database file of their own (not SQLite's in-memory one, which a live server
    # shares between its request threads as one connection): each thread has its connection, as
    # in production.
    # Named after the database's own file, so runs on two databases (DATABASE_URL) of one checkout keep apart.
    _database = Path(DATABASES["default"]["NAME"])
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(_database.with_name(f"test-{_database.name}")))
# Connections kept between requests (seconds). Off by default on SQLite, whose development
# server starts a thread per request anyway; a long-lived server process may set it there too.
_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if _SQLITE:
    _make_folders(
        *(
            Path(name).parent
            for name in (DATABASES["default"]["NAME"], DATABASES["default"]["TEST"]["NAME"])
            if name and name != ":memory:" and not str(name).startswith("file:")
        )
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the lists' needs-attention rank holds correlated subqueries PostgreSQL estimates as if each ran
    # for every row (they run for the few the guards let through), and compiling it took seconds where
    # running it takes milliseconds. A page's queries are short; JIT pays off only on long reports.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if _SQLITE else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = not _SQLITE
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "projects:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# One way to write a moment on every page (the `when` filter), in the PM's time zone.
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production sets whitenoise.storage.CompressedManifestStaticFilesStorage and
    # runs collectstatic; the embedded mode serves the files from the finders.
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage")
    },
}
WHITENOISE_USE_FINDERS = True
# Files served at the site's root (the favicon browsers ask every page for), by WhiteNoise in every mode.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Security. Served over https (SITE_URL says so) and not in DEBUG, the cockpit sends
# cookies only over TLS, redirects http to https and asks browsers to keep to https
# (HSTS, a year). Each can be set on its own; SECURE_SSL_REDIRECT=false behind a proxy
# that already redirects.
SERVED_OVER_TLS = not DEBUG and SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SERVED_OVER_TLS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SESSION_COOKIE_SECURE)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SERVED_OVER_TLS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SERVED_OVER_TLS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and requests from the cockpit itself only;
# no inline script anywhere. Style attributes are allowed: the fill bars' widths are computed server-side.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Celery. The embedded default is kombu's filesystem transport under var/, so a
# fresh machine needs no broker; production points this at Redis.
# (The host is named only so that kombu does not warn that it was not.)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
_broker_dir = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    _make_folders(_broker_dir / "out", _broker_dir / "processed", _broker_dir / "control")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    # A task a dead worker had taken comes back after this long; the outbox's own sweep (every
    # 10 s, changes stuck SYNC_STUCK_AFTER_SECONDS) usually recovers it first. Longer than the
    # longest retry countdown (SYNC_BACKOFF_MAX_SECONDS), so a waiting retry is not delivered twice.
    else {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)}
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# The outbox and the pull sync. A change the supplier cannot take (429, 5xx,
# timeouts) is retried with exponential backoff up to SYNC_MAX_ATTEMPTS tries;
# changes left pending or sending longer than SYNC_STUCK_AFTER_SECONDS are
# re-enqueued; an unchanged target group is still read in full this often.
SYNC_MAX_ATTEMPTS = env.int("SYNC_MAX_ATTEMPTS", default=6)
SYNC_BACKOFF_BASE_SECONDS = env.float("SYNC_BACKOFF_BASE_SECONDS", default=2.0)
SYNC_BACKOFF_MAX_SECONDS = env.float("SYNC_BACKOFF_MAX_SECONDS", default=300.0)
SYNC_STUCK_AFTER_SECONDS = env.int("SYNC_STUCK_AFTER_SECONDS", default=60)
# A queue's first change left pending this long with nothing in flight is enqueued again
# (by the recovery sweep every 10 s, and when a worker starts).
SYNC_QUEUE_IDLE_SECONDS = env.int("SYNC_QUEUE_IDLE_SECONDS", default=10)
# A worker goes on with the changes waiting behind the one it settled on the same target group
# (claimed in that outcome's transaction), up to this many per task; the rest go to a task of their own.
SYNC_CHANGES_PER_TASK = env.int("SYNC_CHANGES_PER_TASK", default=20)
SYNC_FULL_READ_EVERY_SECONDS = env.int("SYNC_FULL_READ_EVERY_SECONDS", default=900)
# Where the supplier can filter its lists by status, most syncs list only the target groups
# that can still move; every target group is listed this often (to notice relaunches).
SYNC_FULL_LIST_EVERY_SECONDS = env.int("SYNC_FULL_LIST_EVERY_SECONDS", default=3600)
# Lists and target groups read at once by a part of a sync (each on a connection of its own). With 4 workers,
# 32 requests in flight to one account: a 429 from any of them pauses them all (`SharedPause`).
SYNC_READ_CONCURRENCY = env.int("SYNC_READ_CONCURRENCY", default=8)
# A connection's sync reads its target groups in parts of this many projects, which the workers share.
SYNC_PROJECTS_PER_PART = env.int("SYNC_PROJECTS_PER_PART", default=25)

# The history of achieved counts (`quotas.history`): a snapshot every HISTORY_INTERVAL_SECONDS records at
# most one point per quota, cell and target group per interval, where its count changed; a target group's
# points are kept HISTORY_KEEP_DAYS after its fieldwork ended.
HISTORY_INTERVAL_SECONDS = env.int("HISTORY_INTERVAL_SECONDS", default=60)
HISTORY_KEEP_DAYS = env.int("HISTORY_KEEP_DAYS", default=90)

# Notifications (`notifications`): e-mail through Django's mail, printed to the console unless EMAIL_URL
# names a server (smtp+tls://user:password@host:587); EMAIL_BACKEND overrides the backend outright.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
for _name in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
    if _email.get(_name) is not None:
        vars()[_name] = _email[_name]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Quota cockpit <cockpit@localhost>")
# Posts to the webhook URLs users give: seconds to connect and to wait for the answer, tries on a 5xx or a
# timeout, and the base of the backoff between tries (doubled each time).
NOTIFY_WEBHOOK_CONNECT_TIMEOUT = env.float("NOTIFY_WEBHOOK_CONNECT_TIMEOUT", default=5.0)
NOTIFY_WEBHOOK_READ_TIMEOUT = env.float("NOTIFY_WEBHOOK_READ_TIMEOUT", default=10.0)
NOTIFY_WEBHOOK_TRIES = env.int("NOTIFY_WEBHOOK_TRIES", default=3)
NOTIFY_WEBHOOK_BACKOFF_SECONDS = env.float("NOTIFY_WEBHOOK_BACKOFF_SECONDS", default=2.0)

# Fault injection for the sandbox (rates from 0 to 1, latency in milliseconds);
# the admin's sandbox settings override these per run.
SANDBOX_ERROR_RATE = env.float("SANDBOX_ERROR_RATE", default=0.0)
SANDBOX_RATE_LIMIT_RATE = env.float("SANDBOX_RATE_LIMIT_RATE", default=0.0)
SANDBOX_STALE_ETAG_RATE = env.float("SANDBOX_STALE_ETAG_RATE", default=0.0)
# Share of applied writes whose answer is lost (a 503 after the change was made).
SANDBOX_LOST_RESPONSE_RATE = env.float("SANDBOX_LOST_RESPONSE_RATE", default=0.0)
SANDBOX_LATENCY_MS = env.int("SANDBOX_LATENCY_MS", default=0)
# Seed of the fault dice (empty: unseeded); the same seed replays the same faults.
SANDBOX_FAULT_SEED = env.str("SANDBOX_FAULT_SEED", default="")
SANDBOX_JOB_SECONDS = env.float("SANDBOX_JOB_SECONDS", default=3.0)
# The simulated respondents' pace: a live survey reaches its goal in about this many hours
# (read at call time), so the demo keeps fielding through an afternoon.
SANDBOX_FILL_HOURS = env.float("SANDBOX_FILL_HOURS", default=12.0)
SANDBOX_TOKEN_TTL_SECONDS = env.int("SANDBOX_TOKEN_TTL_SECONDS", default=86400)

# The Cint Exchange connection. The defaults reach the sandbox in embedded mode.
CINT_BASE_URL = env.str("CINT_BASE_URL", default=f"{SITE_URL}/sandbox/cint/v1")
CINT_AUTH_URL = env.str("CINT_AUTH_URL", default=f"{SITE_URL}/sandbox/cint/oauth/token")
CINT_CLIENT_ID = env.str("CINT_CLIENT_ID", default="sandbox-client")
CINT_CLIENT_SECRET = env.str("CINT_CLIENT_SECRET", default="sandbox-secret")
CINT_ACCOUNT_ID = env.str("CINT_ACCOUNT_ID", default="1001")
CINT_API_VERSION = env.str("CINT_API_VERSION", default="2025-02-17")
CINT_AUDIENCE = env.str("CINT_AUDIENCE", default="https://api.luc.id")
CINT_TIMEOUT_SECONDS = env.float("CINT_TIMEOUT_SECONDS", default=20.0)
# Respondent redirects: the secret the account signs exit links with (empty:
# the account does not use hashed redirects).
CINT_REDIRECT_HASH_SECRET = env.str("CINT_REDIRECT_HASH_SECRET", default="")

# Each supplier's adapter is built from the settings named after its connection kind
# (`<KIND>_<KEY>`, see sync.adapters); the defaults reach the sandbox in embedded mode.
# PureSpectrum Buy API: the `access-token` header on every call.
PURESPECTRUM_BASE_URL = env.str("PURESPECTRUM_BASE_URL", default=f"{SITE_URL}/sandbox/purespectrum/buyers/v2")
PURESPECTRUM_ACCESS_TOKEN = env.str("PURESPECTRUM_ACCESS_TOKEN", default="sandbox-access-token")
PURESPECTRUM_ACCOUNT_ID = env.str("PURESPECTRUM_ACCOUNT_ID", default="sandbox")
PURESPECTRUM_TIMEOUT_SECONDS = env.float("PURESPECTRUM_TIMEOUT_SECONDS", default=20.0)
# The shared secret PureSpectrum signs respondent redirects with (`ps_hash`; empty: unsigned).
PURESPECTRUM_REDIRECT_HASH_SECRET = env.str("PURESPECTRUM_REDIRECT_HASH_SECRET", default="")
# Audience-Align Demand API: `X-Client-Id` and the key each endpoint's `hash` is asked for with.
AUDIENCE_ALIGN_BASE_URL = env.str("AUDIENCE_ALIGN_BASE_URL", default=f"{SITE_URL}/sandbox/audience-align/v1")
AUDIENCE_ALIGN_CLIENT_ID = env.str("AUDIENCE_ALIGN_CLIENT_ID", default="sandbox-client")
AUDIENCE_ALIGN_KEY = env.str("AUDIENCE_ALIGN_KEY", default="sandbox-key")
AUDIENCE_ALIGN_TIMEOUT_SECONDS = env.float("AUDIENCE_ALIGN_TIMEOUT_SECONDS", default=20.0)

# The console shows what a person needs to see (`config.console`): not the supplier's routine webhook
# deliveries, the sandbox's answers or static files, and a refused request in one line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"routine_requests": {"()": "config.console.RoutineRequests"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "wsgiadapter": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["routine_requests"]},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False, "filters": ["routine_requests"]},
    },
}
