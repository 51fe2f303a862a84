"""Tests of the portal: in-memory database, a fixed fake API address (faked by `responses`)."""
# isort: off
from .base import *  # noqa: F403
from django_common.settings.test import *  # noqa: F403
# isort: on

SECRET_KEY = "test-only-portal-secret-key"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# SCORING API: a fixed address that `responses` fakes; short timeouts, no backoff sleeps
SCORING_API_URL = "http://scoring-api.test"
SCORING_API_TOKEN = "test-token"
SCORING_API_CONNECT_TIMEOUT = 0.5
SCORING_API_READ_TIMEOUT = 0.5
SCORING_API_RETRIES = 1
DEMO_ADVISOR_PASSWORD = "conseiller-test-password"
