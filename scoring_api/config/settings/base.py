"""Settings shared by every environment of the scoring API; values come from the environment
(``DJANGO_`` prefix for Django itself, the ``ml`` names for data and model locations) so that
one code base runs locally, in tests and on Heroku."""
from pathlib import Path

import environ

from ml.config import settings as ml_settings

PROJECT_ROOT = Path(__file__).resolve().parents[3]

env = environ.Env()

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# DATABASES: SQLite embedded by default, PostgreSQL with DATABASE_URL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{PROJECT_ROOT / 'db' / 'scoring_api.sqlite3'}"
    )
}
# keep connections between requests (PostgreSQL: no new connection per prediction)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never block the event writer; IMMEDIATE: two workers writing wait for the
    # lock (timeout 20 s) instead of failing with "database is locked"; no event is lost.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE", "timeout": 20})
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same durability as SQLite's WAL + synchronous=NORMAL above: a commit returns before
    # its WAL record is flushed to disk, so a crash of the database *server* may lose the last
    # fraction of a second of events (never corrupts, never loses one on a web-worker crash).
    # It spares one disk flush per prediction (bench/api.py measures both). "on" for full
    # durability at that cost.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c synchronous_commit={env.str('POSTGRES_SYNCHRONOUS_COMMIT', default='off')}")

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "scoring_api.config.urls"
WSGI_APPLICATION = "scoring_api.config.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "scoring_api.scoring",
    "scoring_api.monitoring",
]

# PASSWORDS
# ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# the API answers /score/1, not /score/1/ (contract); no redirect dance for clients
APPEND_SLASH = False

# STATIC (the admin and Swagger UI, served by whitenoise)
# ------------------------------------------------------------------------------
STATIC_ROOT = PROJECT_ROOT / "staticfiles"
STATIC_URL = "/static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# TEMPLATES (admin, monitoring report); templates/ is shared with the portal
# ------------------------------------------------------------------------------
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
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "scoring_api.config.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "scoring_api.config.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["scoring_api.config.throttling.SlidingWindowUserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_THROTTLE_USER", default="100000/hour")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# seconds a worker remembers a valid token (0: read the token table on every request)
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=60)
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "Prêt à dépenser — API de scoring crédit",
    "DESCRIPTION": (
        "Probabilité de défaut, décision, seuil métier et raisons (SHAP) pour un client ou une "
        "demande ; données descriptives et statistiques de population pour les comparaisons. "
        "Authentification : `Authorization: Token <clé>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"YesNoEnum": ["N", "Y"]},
}

# MODEL AND DATA (see docs/architecture.md; the ml package reads the same variables)
# ------------------------------------------------------------------------------
# MLFLOW_TRACKING_URI (registry) is read by ml.config at call time.
# MODEL_URI, FEATURES_DIR and SCORES_DIR are the pipeline's settings (ml.config).
_ML = ml_settings()
MODEL_URI = _ML.model_uri
FEATURES_DIR = _ML.features_dir
SCORES_DIR = _ML.scores_dir
# How often a worker asks the registry whether the champion changed (0: never).
MODEL_REFRESH_SECONDS = env.int("MODEL_REFRESH_SECONDS", default=60)
# Neighbours that make the "similar clients" group of the population statistics.
SIMILAR_GROUP_SIZE = env.int("SIMILAR_GROUP_SIZE", default=500)

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(asctime)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"level": env("DJANGO_LOG_LEVEL", default="INFO"), "handlers": ["console"]},
}
