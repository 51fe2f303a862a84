"""Tests of the scoring API: a real database (in memory, or PostgreSQL with TEST_DATABASE_URL)."""
# isort: off
from .base import *  # noqa: F403
from django_common.settings.test import *  # noqa: F403
# isort: on
from .base import env

SECRET_KEY = "test-only-scoring-api-secret-key"
DATABASES = {"default": env.db("TEST_DATABASE_URL", default="sqlite:///:memory:")}
MODEL_REFRESH_SECONDS = 0
SIMILAR_GROUP_SIZE = 200
DEMO_SERVICE_TOKEN = "test-service-token-0123456789abcdef"
API_TOKEN_CACHE_SECONDS = 0  # each test creates its own tokens
