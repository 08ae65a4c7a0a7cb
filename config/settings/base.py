"""Every setting lives here; production behaviour is the default and is relaxed only by
environment variables (set by local.py and test.py for development and tests)."""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

# FileAwareEnv also reads NAME_FILE, so Docker secrets work without extra code.
env = environ.FileAwareEnv()

# --- Core -------------------------------------------------------------------------------
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "apps.accounts.admin_config.PolicyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Index expressions with operator classes and pg_trgm (access log); harmless on SQLite.
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.core",
    "apps.accounts",
    "apps.organisation",
    "apps.audit",
    "apps.dossiers",
    "apps.questionnaires",
    "apps.socialmap",
    "apps.learning",
    "apps.effects",
    "apps.portal",
    "apps.reports",
]

MIDDLEWARE = [
    # First, so that every answer carries the policies, also an error page made by one of
    # the middleware below (a bad Host header, a failure while serving a static file).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.request_context.RequestContextMiddleware",
    "apps.audit.middleware.RefusalLogMiddleware",
    "apps.core.middleware.PersonalPagesNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.accounts.middleware.StaffIdleTimeoutMiddleware",
    "apps.accounts.middleware.StaffMfaRequiredMiddleware",
    "apps.core.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------
# Without DATABASE_URL the app runs on an embedded SQLite file, so `make run` needs nothing.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'buurtkompas.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Just-in-time compilation of a query costs tens of milliseconds; report queries over a
    # year of monthly partitions are estimated past its threshold and took 60 ms to compile
    # for 2 ms of work. Off for the app's connections.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# Covering indexes (INCLUDE) serve PostgreSQL; the embedded SQLite default keeps their key
# columns only, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="buurtkompas")
# A Redis that accepts connections but never answers must not hang requests: every cache
# call gives up after these seconds and raises (apps/core/cache.py says what then).
REDIS_CACHE_OPTIONS = {"socket_timeout": 3, "socket_connect_timeout": 3}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sums read from the statistics tables (apps/effects/selectors.py), per process, under the
# computation that wrote them: a new computation gives new keys. Aggregates only, no
# person; the timeout bounds a copy of figures changed outside a computation. An entry is
# at most about 50 kB (the districts of a comparison), most are under 5 kB.
CACHES["figures"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "figures",
    "TIMEOUT": env.int("FIGURE_CACHE_SECONDS", default=3600),
    "OPTIONS": {"MAX_ENTRIES": env.int("FIGURE_CACHE_ENTRIES", default=500)},
}

# --- Celery -----------------------------------------------------------------------------
# Without a broker every task runs eagerly in the request that enqueued it. Services
# enqueue through apps.core.outbox, so a broker that is down delays a task, never a page.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    # A task taken by a worker that then vanished (killed, its machine gone) goes back to
    # the queue after this long. Longer than the longest task and the longest retry delay,
    # or a task still running would be handed to a second worker.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=60 * 60),
}
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it has finished, not when it starts: one whose worker dies
# runs again. Every task is therefore idempotent.
CELERY_TASK_ACKS_LATE = True
# ...also when only the process running it dies (the kernel's OOM killer, a kill -9): the
# worker puts the task back at once instead of recording it as failed.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits for Redis as long as it is down, instead of giving up after 100 tries.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "create-access-log-partitions": {
        "task": "apps.audit.tasks.create_access_log_partitions",
        "schedule": crontab(hour=3, minute=5),
    },
    "purge-expired-access-log": {
        "task": "apps.audit.tasks.purge_expired_access_log",
        "schedule": crontab(hour=3, minute=15),
    },
    "flush-refusal-tallies": {
        "task": "apps.audit.tasks.flush_refusal_tallies",
        "schedule": crontab(minute="*/5"),
    },
    # Twice a day, so that an activity early in the morning gets its reminder the day before.
    "remind-activity-participants": {
        "task": "apps.portal.tasks.remind_activity_participants",
        "schedule": crontab(hour="8,18", minute=0),
    },
    "purge-expired-dossiers": {
        "task": "apps.dossiers.tasks.purge_expired_dossiers",
        "schedule": crontab(hour=3, minute=45),
    },
    "geocode-missing-clients": {
        "task": "apps.dossiers.tasks.geocode_missing_clients",
        "schedule": crontab(hour=4, minute=15),
    },
    "update-statistics": {
        "task": "apps.effects.tasks.update_statistics",
        "schedule": crontab(hour=2, minute=30),
    },
    "rebuild-statistics": {
        "task": "apps.effects.tasks.rebuild_statistics",
        "schedule": crontab(hour=1, minute=30, day_of_week="sunday"),
    },
    "ask-providers-to-confirm": {
        "task": "apps.socialmap.tasks.ask_providers_to_confirm",
        "schedule": crontab(hour=9, minute=0),
    },
    "send-unsent-tasks": {
        "task": "apps.core.tasks.send_unsent_tasks",
        "schedule": 60.0,
    },
}

# --- The social map's freshness (apps/socialmap/freshness.py) ---------------------------------
# A service not confirmed for this many days: its owner contact is asked to confirm it.
SOCIALMAP_CONFIRM_AFTER_DAYS = env.int("SOCIALMAP_CONFIRM_AFTER_DAYS", default=182)
# Without an answer, a reminder goes after this many days, this many times; a round still
# unanswered then marks the service unconfirmed on the public page.
SOCIALMAP_REMINDER_INTERVAL_DAYS = env.int("SOCIALMAP_REMINDER_INTERVAL_DAYS", default=14)
SOCIALMAP_REMINDERS = env.int("SOCIALMAP_REMINDERS", default=2)
# Unconfirmed this many days longer: residents no longer find it (it is never deleted).
SOCIALMAP_HIDE_AFTER_DAYS = env.int("SOCIALMAP_HIDE_AFTER_DAYS", default=60)
# The link in each e-mail works this many days.
SOCIALMAP_LINK_VALID_DAYS = env.int("SOCIALMAP_LINK_VALID_DAYS", default=30)

# --- Statistics and effects ---------------------------------------------------------------
# Below this many pairs of measurements a report shows the count and no mean or interval.
EFFECTS_MIN_GROUP_SIZE = env.int("EFFECTS_MIN_GROUP_SIZE", default=20)
# Disclosure control of figures that leave the organisation (apps/reports/disclosure.py):
# counts under the threshold are hidden (a system check refuses one below 5), others are
# rounded to the base.
DISCLOSURE_THRESHOLD = env.int("DISCLOSURE_THRESHOLD", default=10)
DISCLOSURE_ROUNDING_BASE = env.int("DISCLOSURE_ROUNDING_BASE", default=5)
# The largest file a manager may upload as another organisation's benchmark export.
BENCHMARK_UPLOAD_MAX_MEGABYTES = env.int("BENCHMARK_UPLOAD_MAX_MEGABYTES", default=20)
# The organisation's name on the reports that leave it (the municipality's PDF).
ORGANISATION_NAME = env.str("ORGANISATION_NAME", default="Buurtkompas Welzijn")

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.PolicyAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "apps.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Buurtkompas] "
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# allauth's rate limits stay at their defaults (on); they need a shared cache in production.

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Buurtkompas"
# Accept the previous and next 30-second code too: people type slowly and phone clocks
# drift (RFC 6238, section 6). A used code is still refused a second time.
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {"add_webauthn": "apps.accounts.forms.AddSecurityKeyForm"}
MFA_ADAPTER = "apps.accounts.adapter.MfaAdapter"
# TOTP secrets and recovery-code seeds are stored encrypted (Fernet: 32 url-safe base64
# bytes). New writes use MFA_ENCRYPTION_KEY; secrets written with a key listed in
# MFA_ENCRYPTION_OLD_KEYS still decrypt until `manage.py reencrypt_mfa_secrets` has moved
# them to the new key (README, "Rotating the MFA encryption key"). There is no fallback:
# production refuses to start without the key, local.py and test.py set their own.
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default="")
# What Fernet.generate_key() does, with the standard library only (for a host without it).
_MAKE_FERNET_KEY = (
    "python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
)
MFA_ENCRYPTION_OLD_KEYS = env.list("MFA_ENCRYPTION_OLD_KEYS", default=[])
for _name, _keys in [
    ("MFA_ENCRYPTION_KEY", [MFA_ENCRYPTION_KEY] if MFA_ENCRYPTION_KEY else []),
    ("MFA_ENCRYPTION_OLD_KEYS", MFA_ENCRYPTION_OLD_KEYS),
]:
    for _key in _keys:
        try:
            Fernet(_key)
        except (ValueError, TypeError):
            # The value itself stays out of the message: it is a secret.
            raise ImproperlyConfigured(
                f"{_name} holds a value that is not a Fernet key (32 url-safe base64-encoded "
                f"bytes). Make one with: {_MAKE_FERNET_KEY}"
            ) from None
# Security keys need HTTPS; only development and tests on http://localhost may go without.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)

# Staff sessions end after this much inactivity; residents keep Django's normal session.
STAFF_IDLE_TIMEOUT_MINUTES = env.int("STAFF_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 60 * 60)

# --- Dossiers --------------------------------------------------------------------------
# Caseload colours: how long a worker has supported someone.
CASELOAD_MEDIUM_AFTER_MONTHS = env.int("CASELOAD_MEDIUM_AFTER_MONTHS", default=3)
CASELOAD_LONG_AFTER_MONTHS = env.int("CASELOAD_LONG_AFTER_MONTHS", default=6)
# How long a break-the-glass grant to another team's dossier lasts.
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=60)
# Closed dossiers are removed this long after they closed, unless under a legal hold.
DOSSIER_RETENTION_YEARS = env.int("DOSSIER_RETENTION_YEARS", default=7)

# --- Client map and geocoding ----------------------------------------------------------
# Base map tiles of the client map (a Leaflet URL template). Default: PDOK's public BRT
# Achtergrondkaart, grey variant, so coloured flags stand out. Empty: flags without tiles.
MAP_TILE_URL = env.str(
    "MAP_TILE_URL",
    default="https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png",
)
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='Kaartgegevens &copy; <a href="https://www.kadaster.nl/">Kadaster</a>',
)
MAP_TILE_MAX_ZOOM = env.int("MAP_TILE_MAX_ZOOM", default=19)
# The tile host may serve images (SECURE_CSP img-src), nothing else; taken from the URL so
# the two cannot drift apart. A relative URL (a tile of our own) needs no extra source.
_tiles = urlsplit(MAP_TILE_URL)
MAP_TILE_CSP_SOURCES = (
    [f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"]
    if _tiles.scheme in ("https", "http") and _tiles.netloc
    else []
)
# Postcode and house number -> coordinates. Production asks PDOK's Locatieserver;
# development and tests use apps.core.geocoding.OfflineGeocoder (no network).
GEOCODER_BACKEND = env.str("GEOCODER_BACKEND", default="apps.core.geocoding.PdokLocatieserver")
GEOCODER_PDOK_URL = env.str(
    "GEOCODER_PDOK_URL", default="https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
)
GEOCODER_TIMEOUT_SECONDS = env.float("GEOCODER_TIMEOUT_SECONDS", default=5.0)

# --- Access log -------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=5 * 365)
# Refusals of one actor beyond this many a minute are counted and logged as one row, so
# that a scan of record ids cannot flood the access log.
AUDIT_REFUSALS_PER_MINUTE = env.int("AUDIT_REFUSALS_PER_MINUTE", default=20)
# A shorter retention is refused at start (system check audit.E001).
AUDIT_MINIMUM_RETENTION_DAYS = 180
# How many proxies of our own stand in front of the app and append to X-Forwarded-For.
# allauth's rate limits and the access log both read the client address this way.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- E-mail -----------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
_email_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {key: value for key, value in _email_options.items() if value},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Buurtkompas <noreply@buurtkompas.nl>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address residents know the portal by; links in e-mail start with it.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
# Short dates per language (config/formats): "21 nov 2026" in Dutch, "21 Nov 2026" in English.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
# Phone numbers (django-phonenumber-field): one without a country code is Dutch; stored as
# E.164 ("+31612345678"), shown as a Dutch reader dials it (apps.core.validators).
PHONENUMBER_DEFAULT_REGION = "NL"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "apps.core.finders.NpmFinder",
]
NODE_MODULES_DIR = BASE_DIR / "node_modules"
# Static path -> file inside node_modules. Only these files are served, not whole packages.
NPM_STATIC_FILES = {
    "vendor/utrecht/components.css": "@utrecht/component-library-css/dist/index.css",
    "vendor/utrecht/theme.css": "@utrecht/design-tokens/dist/theme.css",
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vendor/leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "vendor/leaflet/leaflet.js.map": "leaflet/dist/leaflet.js.map",
    "vendor/leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "vendor/leaflet/images/layers.png": "leaflet/dist/images/layers.png",
    "vendor/leaflet/images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
    "vendor/leaflet/images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
}
# In development and tests WhiteNoise reads files through the finders, not STATIC_ROOT.
WHITENOISE_USE_FINDERS = env.bool("DJANGO_STATIC_FROM_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
# Dossier attachments and reports: never under STATIC_ROOT or MEDIA_ROOT, served only through a
# permission-checked view.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
ATTACHMENT_MAX_MEGABYTES = env.int("ATTACHMENT_MAX_MEGABYTES", default=10)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    # Municipality reports and benchmark exports: also only through a permission-checked,
    # logged download.
    "reports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT("reports"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("DJANGO_STATIC_MANIFEST", default=True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security ---------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # allauth renders the TOTP QR code as a data: URI.
    "img-src": [CSP.SELF, "data:", *MAP_TILE_CSP_SOURCES],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- API --------------------------------------------------------------------------------


def _rate(name: str, rate: str) -> str:
    """A DRF rate such as "120/min"; a typo fails at start, not at the first request."""
    number, _slash, period = rate.partition("/")
    if not number.isdigit() or period[:1] not in ("s", "m", "h", "d"):
        raise ImproperlyConfigured(f"{name} must look like 120/min (per s, min, hour or day).")
    return rate


REST_FRAMEWORK = {
    # Partner systems send a token; people use their (two-step) session from the pages.
    # The token class comes first so that a request without credentials gets a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.api.authentication.PartnerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.accounts.api.permissions.PolicyPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON only: the browsable API's inline scripts do not pass the CSP; /api/docs/ does.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every error as a problem document (RFC 9457), see apps/core/problems.py.
    "EXCEPTION_HANDLER": "apps.core.problems.exception_handler",
    # Counted in the default cache (Redis in production): per partner system, per person,
    # per address for what anyone may read; referrals have a lower limit on top.
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.accounts.api.throttling.AccountRateThrottle",
        "apps.accounts.api.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": _rate("API_RATE_USER", env.str("API_RATE_USER", default="120/min")),
        "partner": _rate("API_RATE_PARTNER", env.str("API_RATE_PARTNER", default="60/min")),
        "anon": _rate("API_RATE_ANONYMOUS", env.str("API_RATE_ANONYMOUS", default="30/min")),
        "referrals": _rate("API_RATE_REFERRALS", env.str("API_RATE_REFERRALS", default="20/min")),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Buurtkompas API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Clients, dossiers, contact moments and registered questions for the social workers "
        "and team leaders of a team (the same permissions as the pages, every read and "
        "change in the access log), and referrals in from partner systems such as a GP's or "
        "a school's software. Questionnaires: the instrument definitions (read), and "
        "responses: a resident's own self-scans, which a worker reads only while the "
        "resident shares them, and measurements a worker records. People use their "
        "signed-in session (with a CSRF token for changes); a partner system sends "
        "`Authorization: Token <key>`. Unknown fields in a payload are refused with a 400."
    ),
    # Two models have a "mode": fixed names keep clients generated from the schema stable.
    "ENUM_NAME_OVERRIDES": {
        "ContactMomentModeEnum": "apps.dossiers.models.ContactMoment.Mode",
        "QuestionnaireResponseModeEnum": "apps.questionnaires.models.Response.Mode",
    },
    # The schema and its documentation hold no personal data; partners read them first.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc come from drf-spectacular-sidecar: served by the app, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.dossiers.api.schema.add_error_responses",
    ],
}

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
