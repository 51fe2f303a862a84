"""Settings of every environment of the scoring API: the shared base of both projects
(``django_common.settings.base``), then the API's own (DRF, the model and data locations,
monitoring). Values come from the environment; docs/deployment.md lists each variable."""
from pathlib import Path

from django_common.settings.base import *  # noqa: F403
from django_common.settings.base import DJANGO_APPS, MIDDLEWARE, POSTGRESQL_ENGINE, database, env
from ml.config import settings as ml_settings

# DATABASES: SQLite embedded by default, PostgreSQL with DATABASE_URL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {"default": database("scoring_api")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never block the event writer; IMMEDIATE: two workers writing wait for the
    # lock (timeout 20 s) instead of failing with "database is locked"; no event is lost.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE", "timeout": 20})
elif DATABASES["default"]["ENGINE"] == POSTGRESQL_ENGINE:
    # The same durability as SQLite's WAL + synchronous=NORMAL above: a commit returns before
    # its WAL record is flushed to disk, so a crash of the database *server* may lose the last
    # fraction of a second of events (never corrupts, never loses one on a web-worker crash).
    # It spares one disk flush per prediction (bench/api.py measures both). "on" for full
    # durability at that cost.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c synchronous_commit={env.str('POSTGRES_SYNCHRONOUS_COMMIT', default='off')}")
    # Prepared statements for the statements that ask for them (the prediction event's INSERT,
    # scoring_api/scoring/event_store.py); Django's own queries are bound on the client and
    # never prepared. false behind a transaction-mode PgBouncer older than 1.21.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        5 if env.bool("POSTGRES_PREPARED_STATEMENTS", default=True) else None)

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "scoring_api.config.urls"
WSGI_APPLICATION = "scoring_api.config.wsgi.application"
# the API answers /score/1, not /score/1/ (contract); no redirect dance for clients
APPEND_SLASH = False

# REQUEST BODIES: at most API_MAX_BODY_BYTES (an application is a few kB); a bigger body is
# refused with a JSON 413 before it is read (scoring_api.config.middleware)
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("API_MAX_BODY_BYTES", default=1_048_576)
MIDDLEWARE = [MIDDLEWARE[0], "scoring_api.config.middleware.BodySizeLimitMiddleware",
              *MIDDLEWARE[1:]]

# APPS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    *DJANGO_APPS,
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by the API itself (no CDN)
    "scoring_api.scoring",
    "scoring_api.monitoring",
    "scoring_api.decisions",
    "scoring_api.outcomes",
]

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
    # DRF's JSON parser with a nesting bound (scoring_api.config.parsers)
    "DEFAULT_PARSER_CLASSES": ["scoring_api.config.parsers.BoundedJSONParser"],
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
    # Swagger UI from the installed drf-spectacular-sidecar, not a CDN (same site as /admin)
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"YesNoEnum": ["N", "Y"], "DecisionEnum": "vocabulary.decisions.DECISIONS"},
}

# MODEL AND DATA: the pipeline's settings (ml.config: MODEL_URI, FEATURES_DIR, SCORES_DIR;
# MLFLOW_TRACKING_URI is read by the pipeline at call time)
# ------------------------------------------------------------------------------
_ML = ml_settings()
MODEL_URI = _ML.model_uri
FEATURES_DIR = _ML.features_dir
SCORES_DIR = _ML.scores_dir
# How often a worker asks the registry whether the champion changed (0: never).
MODEL_REFRESH_SECONDS = env.int("MODEL_REFRESH_SECONDS", default=60)
# Neighbours that make the "similar clients" group of the population statistics.
SIMILAR_GROUP_SIZE = env.int("SIMILAR_GROUP_SIZE", default=500)

# MONITORING (manage.py monitor): alert thresholds, destinations, reference (docs/monitoring.md)
# ------------------------------------------------------------------------------
# Alert when more than this share of the compared input features drifted.
MONITORING_DRIFT_SHARE = env.float("MONITORING_DRIFT_SHARE", default=0.3)
# Alert when the PSI of probability_default vs the reference scores exceeds this.
MONITORING_PSI = env.float("MONITORING_PSI", default=0.2)
# Alert when the refusal rate moves by more than this many percentage points.
MONITORING_REFUSAL_RATE_POINTS = env.float("MONITORING_REFUSAL_RATE_POINTS", default=10.0)
# Alert when the p99 latency (ms) exceeds this.
MONITORING_LATENCY_P99_MS = env.float("MONITORING_LATENCY_P99_MS", default=500.0)
# Below this many (non-simulation) events the window is too small to judge: nothing stored.
MONITORING_MIN_EVENTS = env.int("MONITORING_MIN_EVENTS", default=30)
# Input features compared: the model's top N by mean |SHAP| (all shared ones without model).
MONITORING_TOP_FEATURES = env.int("MONITORING_TOP_FEATURES", default=20)
# Reference rows drawn from features_train.parquet (seeded) to keep the command fast.
MONITORING_REFERENCE_ROWS = env.int("MONITORING_REFERENCE_ROWS", default=50_000)
# Performance (docs/monitoring.md): alert when the AUC, estimated or realized, is lower than the
# model's training holdout AUC by more than this (absolute)...
MONITORING_AUC_DROP = env.float("MONITORING_AUC_DROP", default=0.05)
# ... or the business cost per client higher than the holdout's by more than this (relative).
MONITORING_COST_RISE = env.float("MONITORING_COST_RISE", default=0.2)
# Realized performance is judged on at least this many predictions with a known outcome...
MONITORING_MIN_OUTCOMES = env.int("MONITORING_MIN_OUTCOMES", default=200)
# ... made within this many days before the end of the window (outcomes come months later).
MONITORING_OUTCOME_DAYS = env.int("MONITORING_OUTCOME_DAYS", default=730)
# The challenger in shadow (empty: none); champion vs challenger written to CHALLENGER_REPORT.
CHALLENGER_MODEL_URI = env.str("CHALLENGER_MODEL_URI", default=f"models:/{_ML.model_name}@challenger")
CHALLENGER_REPORT = _ML.challenger_report
MONITORING_ALERT_EMAILS = env.list("MONITORING_ALERT_EMAILS", default=[])
MONITORING_WEBHOOK_URL = env.str("MONITORING_WEBHOOK_URL", default="")
MONITORING_WEBHOOK_TIMEOUT_S = env.float("MONITORING_WEBHOOK_TIMEOUT_S", default=5.0)
MONITORING_REPORTS_DIR = Path(env.str("MONITORING_REPORTS_DIR", default=str(_ML.reports_dir / "monitoring")))
MONITORING_FEATURES_DIR = Path(env.str("MONITORING_FEATURES_DIR", default=str(_ML.features_dir)))
