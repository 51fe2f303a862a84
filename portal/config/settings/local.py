"""Local development: debug on, demo credentials allowed (never in production)."""
from .base import *  # noqa: F403
from .base import env

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=True)
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-portal-secret-key-not-for-production")
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "0.0.0.0"])

# DEMO USERS (manage.py demo_setup): defaults only here, production reads them from env
# ------------------------------------------------------------------------------
DEMO_ADMIN_USERNAME = env("DJANGO_ADMIN_USERNAME", default="admin")
DEMO_ADMIN_PASSWORD = env("DJANGO_ADMIN_PASSWORD", default="admin")
DEMO_ADVISOR_PASSWORD = env("PORTAL_ADVISOR_PASSWORD", default="conseiller")

# WHITENOISE: serve from the source folders, no collectstatic needed locally
# ------------------------------------------------------------------------------
# https://whitenoise.readthedocs.io/en/stable/django.html#WHITENOISE_USE_FINDERS
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# SCORING API: the demo service token that `manage.py demo_setup` gives the API's portal account
# ------------------------------------------------------------------------------
SCORING_API_TOKEN = env("SCORING_API_TOKEN", default="demo-portal-token-change-me-0123456789")
