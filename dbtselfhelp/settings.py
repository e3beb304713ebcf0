"""
Settings for DBT Self-Help Groups: one module, configured by environment variables.

Safe by default: DEBUG is off unless DJANGO_DEBUG=1, and a production start without
SECRET_KEY or ALLOWED_HOSTS fails loudly. Every variable is listed in .env.example.
"""

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    """A variable's value, also read from the file named by <NAME>_FILE (for secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = env(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = env(name)
    return int(value) if value not in (None, "") else default


def env_float(name, default):
    value = env(name)
    return float(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


def cache_from_url(url):
    """locmem:// (default), dummy://, or redis://host:port/db as a Django CACHES entry."""
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        return {
            "BACKEND": "dbtselfhelp.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "dbtsh",
            "TIMEOUT": 300,
            # Fail fast when Redis is away: the site then serves without the cache.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme == "locmem":
        # One process's memory: room for the search's geocodes and form fragments (the default 300
        # entries would evict them after a few hundred searches).
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10000}}
    raise ImproperlyConfigured(f"CACHE_URL scheme {scheme!r} is not one of locmem, dummy, redis.")


def ratelimit_cache_from_url(url):
    """The rate limits' own store (RATELIMIT_CACHE_URL, else CACHE_URL): a locmem store of its own
    that the page cache cannot evict, or Redis (give it a server of its own, with noeviction)."""
    entry = cache_from_url(url)
    if entry["BACKEND"].endswith("LocMemCache"):
        entry = {**entry, "LOCATION": "rate-limits", "OPTIONS": {"MAX_ENTRIES": 1_000_000}}
    return entry


def mailer_from_url(url):
    """console:// (default), locmem://, or smtp[s]://user:password@host:port?tls=1 as a MAILERS entry."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in ("smtp", "smtps"):
        query = parse_qs(parts.query)
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if parts.scheme == "smtps" else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": query.get("tls", ["0"])[0] in ("1", "true"),
                "timeout": float(query.get("timeout", ["10"])[0]),
            },
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme {parts.scheme!r} is not one of console, locmem, smtp, smtps.")


DEBUG = env_bool("DJANGO_DEBUG", False)

# Offline maintenance commands sign nothing and serve nothing, so they run without production
# secrets (e.g. `manage.py makemigrations --check` in a hook). Anything that serves fails loudly.
OFFLINE_COMMANDS = {
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "collectstatic",
    "makemessages",
    "compilemessages",
}
_offline = len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" and sys.argv[1] in OFFLINE_COMMANDS

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-local-development-only-never-in-production"
    elif _offline:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("SECRET_KEY is required when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or _offline else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_NAME = env("SITE_NAME", "DBT Self-Help Groups")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "accounts",
    "lessons",
    "groups",
    "outbox",
    "dbtselfhelp.apps.TasksConfig",  # django_tasks_db, named in the reader's language
]

MIDDLEWARE = [
    "dbtselfhelp.middleware.RequestLogMiddleware",
    "dbtselfhelp.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dbtselfhelp.middleware.UnreadableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dbtselfhelp.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "dbtselfhelp.middleware.SecondFactorRequiredMiddleware",
]

ROOT_URLCONF = "dbtselfhelp.urls"
WSGI_APPLICATION = "dbtselfhelp.wsgi.application"

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
                "dbtselfhelp.context_processors.site",
                "dbtselfhelp.context_processors.languages",
            ],
            "builtins": ["dbtselfhelp.templatetags.when"],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite file by default, PostgreSQL (psycopg 3) by DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what can be rebuilt (geocodes, search fragments, the feed, sessions written
# through to the database); the rate limits and two-factor replay marks live in a store of their
# own, so no amount of cached pages can evict or fill them. In production give that store a Redis
# server of its own (maxmemory-policy noeviction): see README, "Running in production".
RATELIMIT_CACHE_URL = env("RATELIMIT_CACHE_URL", "") or env("CACHE_URL", "locmem://")
CACHES = {
    "default": cache_from_url(env("CACHE_URL", "locmem://")),
    "ratelimit": ratelimit_cache_from_url(RATELIMIT_CACHE_URL),
}
RATELIMIT_USE_CACHE = "ratelimit"
# Sessions live in the cache (shared Redis in production) and are written through to the
# database, so a cache restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login; verification is mandatory, which is also
# what makes enumeration prevention hold. Rate limits use the cache, so more
# than one process needs the shared cache (CACHE_URL=redis://...).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
# The same work and the same words whether or not an address has an account (accounts/allauth_forms.py).
ACCOUNT_FORMS = {"signup": "accounts.allauth_forms.SignupForm", "add_email": "accounts.allauth_forms.AddEmailForm"}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_DISPLAY = "accounts.models.user_display"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed passwords and two-factor codes: per client address here (allauth's "key" part, which
    # locked an account for everyone, is left out), and per account in accounts/lockout.py.
    "login_failed": "10/m/ip,100/h/ip",
    "login_failed_pair": "5/5m/key",  # one account from one address: a stranger locks out only themselves
    "login_failed_account": "20/h/key",  # one account from browsers that never signed in to it
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

# Two-factor authentication (allauth.mfa): an authenticator app (TOTP), with recovery codes
# as the fallback; no security keys. Anyone may turn it on; moderators and staff must have
# an authenticator app before the console or the admin opens to them
# (dbtselfhelp.middleware.SecondFactorRequiredMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {"authenticate": "accounts.forms_mfa.AuthenticateForm"}
MFA_TOTP_ISSUER = SITE_NAME

# Behind N proxies the visitor's address is the Nth from the right in X-Forwarded-For; 0 uses
# REMOTE_ADDR. allauth's limits and ours (dbtselfhelp/ratelimits.py) both count by it.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Our own rate limits, (key, rate) pairs per action, counted in the shared cache and refused
# (fail closed) when the cache is unreachable. The per-day limits below are product rules
# counted in the database; these stop floods.
RATE_LIMITS = {
    "join": [("user", "10/h"), ("ip", "30/h")],
    "report": [("user", "10/h"), ("ip", "30/h")],
    "testimonial": [("user", "5/h"), ("ip", "20/h")],
    "contact": [("ip", "10/h")],
    "waiting": [("ip", "10/h")],
}

# People waiting for a group: the fine cell a request is kept as (the private groups' grid),
# the coarser area it is counted in on the "Start a group" page, and the smallest count shown.
WAITING_CELL_KM = env_float("WAITING_CELL_KM", 2.5)
WAITING_AREA_KM = env_float("WAITING_AREA_KM", 25)
WAITING_MIN_SHOWN = env_int("WAITING_MIN_SHOWN", 5)
RATELIMIT_IP_META_KEY = "dbtselfhelp.ratelimits.client_ip"

# E-mail to an address someone typed (dbtselfhelp.ratelimits.allow_email): per sender (a member,
# or a visitor's IP address) and per recipient address, whoever sends. Over either, no e-mail goes.
EMAIL_LIMITS = {
    "invitation": {"sender": "20/d", "recipient": "3/d"},  # co-facilitator invitations
    "adviser": {"sender": "10/d", "recipient": "5/d"},  # asking a professional to advise a group
    "contact_confirmation": {"sender": "10/h", "recipient": "3/d"},  # the copy a contact message sends back
    "account": {"sender": "10/h", "recipient": "5/h"},  # allauth: verification, e-mail change, "already exists"
}

# Each app that keeps personal data offers export_user_data(user) and
# erase_user_data(user) in its privacy module; accounts calls them in this order.
# Each app's part of the account page: functions of the request that return a section's HTML.
ACCOUNT_SECTIONS = ["groups.account.calendar_section", "groups.account.waiting_section"]

PRIVACY_MODULES = ["accounts.privacy", "lessons.privacy", "groups.privacy", "outbox.privacy"]

# The moderators' queues, in the console's order: each module's queue_summaries() gives its
# queues (name, url, count). A new queue is a line here.
MODERATION_QUEUES = ["groups.moderation", "lessons.moderation", "accounts.moderation"]

# Listings' freshness (days since a facilitator last confirmed): remind, mark, archive.
LISTING_REMIND_DAYS = env_int("LISTING_REMIND_DAYS", 60)
LISTING_STALE_DAYS = env_int("LISTING_STALE_DAYS", 90)
LISTING_ARCHIVE_DAYS = env_int("LISTING_ARCHIVE_DAYS", 180)
INVITATION_VALID_DAYS = 14
REPORTS_PER_USER_PER_DAY = env_int("REPORTS_PER_USER_PER_DAY", 5)
# Joining: requests one member may send in a day; days a decided request's message is kept.
JOIN_REQUESTS_PER_DAY = env_int("JOIN_REQUESTS_PER_DAY", 5)
JOIN_MESSAGE_RETENTION_DAYS = env_int("JOIN_MESSAGE_RETENTION_DAYS", 30)

# Geocoding: offline (US ZIP codes, the gazetteer) first; a geopy geocoder only when named.
# GEOCODER=nominatim needs GEOCODER_USER_AGENT; it is paced to one request a second
# across processes through the cache.
GEOCODER = env("GEOCODER", "")
GEOCODER_USER_AGENT = env("GEOCODER_USER_AGENT", "")
GEOCODER_DOMAIN = env("GEOCODER_DOMAIN", "nominatim.openstreetmap.org")
GEOCODER_TIMEOUT = 2

# A private group is shown everywhere as the centre of the fixed grid cell its venue is in, cells
# about this many km across (groups/cells.py). Changing it needs `manage.py place_private_groups`.
PRIVATE_LOCATION_CELL_KM = float(env("PRIVATE_LOCATION_CELL_KM", "2.5"))

# E-mail.
MAILERS = {"default": mailer_from_url(env("EMAIL_URL", "console://" if DEBUG else "smtp://localhost:25"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CONTACT_EMAIL = env("CONTACT_EMAIL", "hello@localhost")

# Background work (e-mail sending, and later fan-out) through Django's tasks framework. In
# production the tasks are rows in the database (django-tasks-db) run by `manage.py run_worker`,
# so no request waits for a mail server; while debugging (make run, the tests) they run at once.
_tasks = "django.tasks.backends.immediate.ImmediateBackend" if DEBUG else "django_tasks_db.DatabaseBackend"
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", _tasks)}}
WORKER_SWEEP_SECONDS = env_int("WORKER_SWEEP_SECONDS", 60)  # how often the worker looks for e-mail due again

# Languages: English at the root, Spanish under /es/ (i18n_patterns in dbtselfhelp/urls.py). A third
# language is a line here and a catalogue in locale/<code>/LC_MESSAGES/django.po (README: Languages).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["dbtselfhelp.formats"]  # the site's English date forms; others are Django's
USE_I18N = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "UTC"
USE_TZ = True

# Static files, served by WhiteNoise with compressed, hashed names in production.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("DJANGO_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# Security. A strict Content Security Policy always: no inline scripts or styles.
# Map tiles: no map, and no request to any outside host, unless a tile server is named.
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")
_tile_origin = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL)) if MAP_TILE_URL else None
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *([_tile_origin] if _tile_origin else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # __Host- cookies: only over HTTPS, only for this exact host, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("BEHIND_HTTPS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No path, query string, form value or exception message reaches the logs (dbtselfhelp/logs.py).
    "filters": {"redact": {"()": "dbtselfhelp.logs.RedactFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # WeasyPrint (PDF downloads) reports each stylesheet rule it skips (screen widths) and each step.
        "weasyprint": {"level": "ERROR"},
        "dbtselfhelp.requests": {
            "handlers": ["console"],
            "level": env("REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
