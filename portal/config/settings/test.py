"""Tests: in-memory database, fast hashing, a fixed fake API address (faked by `responses`)."""
from .base import *  # noqa: F403

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = "test-only-portal-secret-key"
# https://docs.djangoproject.com/en/5.2/ref/settings/#test-runner
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# PASSWORDS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#password-hashers
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# STATIC: no manifest needed in tests
# ------------------------------------------------------------------------------
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# SCORING API: a fixed address that `responses` fakes; short timeouts, no backoff sleeps
# ------------------------------------------------------------------------------
SCORING_API_URL = "http://scoring-api.test"
SCORING_API_TOKEN = "test-token"
SCORING_API_CONNECT_TIMEOUT = 0.5
SCORING_API_READ_TIMEOUT = 0.5
SCORING_API_RETRIES = 1

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "admin-test-password"
DEMO_ADVISOR_PASSWORD = "conseiller-test-password"

# WHITENOISE: serve from the source folders, no collectstatic needed in tests
# ------------------------------------------------------------------------------
# https://whitenoise.readthedocs.io/en/stable/django.html#WHITENOISE_USE_FINDERS
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
