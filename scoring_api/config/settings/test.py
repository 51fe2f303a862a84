"""Tests: a real database (SQLite file per run, or PostgreSQL with DATABASE_URL), fast hashing."""
from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-scoring-api-secret-key"
DATABASES = {
    "default": env.db("TEST_DATABASE_URL", default="sqlite:///:memory:"),
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MODEL_REFRESH_SECONDS = 0
SIMILAR_GROUP_SIZE = 200
DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "admin-test-password"
DEMO_SERVICE_TOKEN = "test-service-token-0123456789abcdef"
API_TOKEN_CACHE_SECONDS = 0  # each test creates its own tokens
