"""Settings for Twinning Atlas, read from environment variables.

Every variable has a default that lets a fresh clone run on SQLite with DEBUG on.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_env() -> dict[str, Any]:
    """DATABASE_URL wins; otherwise DB_* variables; otherwise SQLite in the checkout."""
    if url := os.environ.get("DATABASE_URL"):
        return dict(dj_database_url.parse(url, conn_max_age=60))
    if os.environ.get("DB_NAME"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["DB_NAME"],
            "USER": os.environ.get("DB_USER", ""),
            "PASSWORD": os.environ.get("DB_PASSWORD", ""),
            "HOST": os.environ.get("DB_HOST", ""),
            "PORT": os.environ.get("DB_PORT", ""),
            "CONN_MAX_AGE": 60,
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        # Saves at the same moment wait for each other instead of failing with "database is
        # locked" (docs/deploy.md): a write transaction takes the write lock when it
        # begins, before it reads, so two never deadlock; a writer waits up to `timeout`
        # seconds for the lock; and in WAL mode readers and the writer do not block
        # each other. NORMAL is durable in WAL mode except for the last commits on a
        # power cut, never corrupting.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DEFAULT_CACHE_URL = "db://atlas_cache"
# The database cache counts its rows at each write and, past this many, deletes a third of
# them (Django's default, 300, would drop rate limit counts under ordinary traffic).
DEFAULT_CACHE_MAX_ENTRIES = 50_000


def cache_from_url(url: str) -> dict[str, Any]:
    """One of Django's cache backends from a URL:

    >>> cache_from_url("db://atlas_cache")["BACKEND"]
    'django.core.cache.backends.db.DatabaseCache'
    >>> cache_from_url("redis://127.0.0.1:6379/0")["LOCATION"]
    'redis://127.0.0.1:6379/0'
    >>> cache_from_url("locmem://")["BACKEND"]
    'django.core.cache.backends.locmem.LocMemCache'
    """
    scheme, separator, rest = url.partition("://")
    if not separator:
        scheme = ""
    if scheme == "db" and rest:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest,
            "OPTIONS": {"MAX_ENTRIES": DEFAULT_CACHE_MAX_ENTRIES},
        }
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r} is not db://TABLE, redis://HOST:PORT/DB, rediss://…, unix://… "
        "or locmem://"
    )


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the development key is refused when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "atlas.directory",
    "atlas.dataset",
    "atlas.maps",
    "atlas.matchmaking",
    "atlas.accounts",
    "atlas.editing",
    "atlas.board",
    "atlas.exports",
    "atlas.widget",
    "atlas.api",
    "atlas.insights",
    "atlas.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "atlas.urls"
WSGI_APPLICATION = "atlas.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": database_from_env()}
# Rate limits and cached data must be shared by every process that serves the site: the
# database cache by default (run `manage.py createcachetable` once), Redis across machines.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL") or DEFAULT_CACHE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts: Django's User, with the lower-cased e-mail address as username (docs/accounts.md).
# scrypt (memory-hard, in the standard library) hashes new passwords; the others still verify
# older hashes, which are upgraded to scrypt at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "home"
# A login lasts two weeks unless the person logs out, also across browser restarts.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(14 * 24 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
# How long the links in sign-up confirmation and password reset mails work.
ACCOUNT_CONFIRMATION_MAX_AGE = int(os.environ.get("ACCOUNT_CONFIRMATION_MAX_AGE", "259200"))
PASSWORD_RESET_TIMEOUT = ACCOUNT_CONFIRMATION_MAX_AGE
# Who the visitor is, for the rate limits (atlas/lib/client_ip.py, docs/deploy.md): behind
# TRUSTED_PROXY_COUNT reverse proxies that each append the address they saw to the header
# CLIENT_IP_HEADER, the client is that many entries from its right; with none, REMOTE_ADDR.
# Setting only CLIENT_IP_HEADER (as older deployments did) means one proxy.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER") or "HTTP_X_FORWARDED_FOR"
TRUSTED_PROXY_COUNT = int(
    os.environ.get("TRUSTED_PROXY_COUNT") or ("1" if os.environ.get("CLIENT_IP_HEADER") else "0")
)

# E-mail: printed to the console unless an SMTP server is set. SITE_URL starts the links
# in the mails the site sends.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # port 465
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)  # STARTTLS, port 587
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Twinning Atlas <atlas@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (django-tasks): mail and the periodic jobs are queued in the database and
# run by `manage.py run_worker` (docs/deploy.md). The tests run them at once instead.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("sl", _("Slovenian")),
    ("sk", _("Slovak")),
    ("cs", _("Czech")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Ljubljana"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
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

# The public API (docs/api.md): at most this many requests a minute from one client IP
# address (see TRUSTED_PROXY_COUNT); 0 switches the limit off, as a load test from one
# address needs.
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "600"))

# Where the built dataset lives (written by build_dataset, read by load_dataset).
DATASET_DIR = Path(os.environ.get("DATASET_DIR", BASE_DIR / "data"))

# Where `export_data` writes the full files offered on the "Download the data" page.
EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", BASE_DIR / "var" / "exports"))

# Where `backup_data` writes the database's backups unless told a file (docs/deploy.md).
BACKUP_ROOT = Path(os.environ.get("BACKUP_ROOT", BASE_DIR / "var" / "backups"))

# The interactive map draws the bundled country outlines, so it needs no outside server.
# A deployment that wants an online basemap sets a tile URL such as
# https://tile.openstreetmap.org/{z}/{x}/{y}.png (mind the tile server's usage policy).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def url_origin(url: str) -> str:
    """The scheme and host of a tile URL template, as a CSP source; a `{s}` subdomain
    placeholder becomes a wildcard.

    >>> url_origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    'https://*.tile.openstreetmap.org'
    """
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}"


# Content-Security-Policy on every response (django-csp; docs/deploy.md): scripts, styles,
# images and data come from this site only, nothing inline runs, no plugins, no <base>,
# forms post here only, and no other site may frame a page (the widget has its own policy,
# atlas/widget/views.py). Leaflet positions the map with element.style, which CSP allows.
def content_security_policy(map_tile_url: str) -> dict[str, Any]:
    self_ = "'self'"
    return {
        "DIRECTIVES": {
            "default-src": [self_],
            "script-src": [self_],
            # The one inline style is templates/500.html's <style>: the error page renders
            # without the static files or a request. Its hash allows that exact text and
            # nothing else; atlas/tests/test_security_headers.py keeps the two in step.
            "style-src": [self_, "'sha256-Mwm/OPUlvIK/u3ypCRnvcB+/8/xCEBHxKzu2DrorxvU='"],
            # A tile server, when one is set, serves the map's images.
            "img-src": [self_, *([url_origin(map_tile_url)] if map_tile_url else [])],
            "connect-src": [self_],
            "object-src": ["'none'"],
            "base-uri": [self_],
            "form-action": [self_],
            "frame-ancestors": ["'none'"],
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILE_URL)

if not DEBUG:
    # Served behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list is hard to undo, so it is the operator's
        # choice, not a default; the check that asks for it would only nag.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
