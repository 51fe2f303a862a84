"""Local development: debug on, demo credentials allowed (never in production)."""
from .base import *  # noqa: F403
from .base import PROJECT_ROOT, env

# the embedded SQLite database lives in db/ (git-ignored)
(PROJECT_ROOT / "db").mkdir(exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-scoring-api-secret-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "0.0.0.0"])

# DEMO USERS (manage.py demo_setup): defaults only here, production reads them from env
DEMO_ADMIN_USERNAME = env("DJANGO_ADMIN_USERNAME", default="admin")
DEMO_ADMIN_PASSWORD = env("DJANGO_ADMIN_PASSWORD", default="admin")
DEMO_SERVICE_TOKEN = env("SCORING_API_TOKEN", default="demo-portal-token-change-me-0123456789")

# no collectstatic needed locally
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
