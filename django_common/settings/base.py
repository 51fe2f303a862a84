"""Settings of every environment of both projects; every value read from the environment
(``DJANGO_`` prefix for Django itself) so that one code base runs locally, in tests and on
Heroku. docs/deployment.md lists each variable (checked by tests/delivery/test_settings.py)."""
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

PROJECT_ROOT = Path(__file__).resolve().parents[2]

env = environ.Env()
# Django's PostgreSQL backend, checking a kept connection without a round trip (its docstring)
POSTGRESQL_ENGINE = "django_common.db.postgresql"


def database(default_name: str) -> dict:
    """``DATABASE_URL`` (PostgreSQL in production), else the SQLite file ``db/<name>.sqlite3``;
    connections kept between requests and checked before reuse (on PostgreSQL without a round
    trip: django_common/db/postgresql/base.py)."""
    config = env.db("DATABASE_URL", default=f"sqlite:///{PROJECT_ROOT / 'db' / f'{default_name}.sqlite3'}")
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = POSTGRESQL_ENGINE
    if config["ENGINE"] == "django.db.backends.sqlite3" and config["NAME"] not in ("", ":memory:"):
        # SQLite cannot create the folder of its file: without this, migrate fails on a fresh clone
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    return config


# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)
LANGUAGE_CODE = "fr-fr"
# French only: a browser's English must not switch Django's own words (dates, form messages)
# https://docs.djangoproject.com/en/5.2/ref/settings/#languages
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# APPS (each project adds its own after these)
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
]

# PASSWORDS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#auth-password-validators
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE (each project inserts its own)
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#middleware
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below)
    "csp.middleware.CSPMiddleware",
    # last, as django-axes asks (https://django-axes.readthedocs.io/en/latest/2_installation.html)
    "axes.middleware.AxesMiddleware",
]

# STATIC (served by whitenoise)
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#static-root
STATIC_ROOT = PROJECT_ROOT / "staticfiles"
STATIC_URL = "/static/"
# https://whitenoise.readthedocs.io/en/stable/django.html
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# TEMPLATES: templates/ is shared (templates/portal/, templates/scoring_api/, ...)
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#templates
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_ROOT / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# SECURITY
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# CACHE: Redis when REDIS_URL is set (Heroku Key-Value Store), shared by every worker of every
# dyno: the API's per-token rate limits and token cache hold across them; otherwise local
# memory, one cache per worker (embedded, one process: docs/deployment.md, "Several dynos")
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {
        # Django's Redis backend, keeping its redis-py clients (django_common/cache.py)
        "BACKEND": "django_common.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # a slow or absent Redis must not hold a request for long (the API allows the request)
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1,
                    # Heroku Key-Value Store's TLS certificate is self-signed (rediss://)
                    **({"ssl_cert_reqs": None} if REDIS_URL.startswith("rediss://") else {})},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# CONTENT-SECURITY-POLICY (django-csp), both projects
# ------------------------------------------------------------------------------
# https://django-csp.readthedocs.io/en/latest/configuration.html
# Everything from the app itself, nothing from elsewhere: no CDN, no inline or injected script
# (the portal's charts read their data from <script type="application/json"> blocks, which are
# not run; the API's Swagger UI loads its start-up script as a file). Styles may be inline:
# Plotly and Swagger UI set style attributes and <style> elements on the elements they draw;
# images may be data: URLs (Plotly's and Swagger UI's icons). Frames and plugins: none.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# AUTHENTICATION AND LOCK-OUT (django-axes), both projects (the API's admin manages tokens)
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#authentication-backends
# django-axes first, so that a locked-out user is refused before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("DJANGO_AXES_COOLOFF_HOURS", default=0.5)
# a username is locked from the address that failed, never everywhere: an attacker at one
# address cannot lock the advisor out at another
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address (django-ipware): behind Heroku's router REMOTE_ADDR is the router's,
# and the router *appends* the address it saw to X-Forwarded-For, so the right-most entry is
# the client's; anything on its left was written by the client and is never trusted.
# DJANGO_AXES_PROXY_COUNT: proxies in front of the router that append to X-Forwarded-For
# too (a CDN: 1); 0 on Heroku alone. https://github.com/un33k/django-ipware
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_AXES_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# not strict: a chain longer than the proxies (a client's own X-Forwarded-For) still gives the
# address the last trusted proxy saw, instead of the router's address shared by everyone
IPWARE_STRICT = False

# LOGGING
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/logging/
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(asctime)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"level": env("DJANGO_LOG_LEVEL", default="INFO"), "handlers": ["console"]},
    "loggers": {"axes": {"level": "WARNING"}},
}
