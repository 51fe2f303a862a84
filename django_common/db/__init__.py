"""Database backends of both projects (``DATABASES`` in django_common.settings.base)."""
