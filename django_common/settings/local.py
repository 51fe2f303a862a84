"""Local development of both projects: debug on, files served from the source folders, demo
credentials allowed (never in production)."""
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "0.0.0.0"])
# no collectstatic needed locally
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# DEMO USERS (manage.py demo_setup): defaults only here, production reads them from env
DEMO_ADMIN_USERNAME = env("DJANGO_ADMIN_USERNAME", default="admin")
DEMO_ADMIN_PASSWORD = env("DJANGO_ADMIN_PASSWORD", default="admin")
# the portal → API service token that `demo_setup` creates (API) and sends (portal)
SCORING_API_TOKEN = env("SCORING_API_TOKEN", default="demo-portal-token-change-me-0123456789")
