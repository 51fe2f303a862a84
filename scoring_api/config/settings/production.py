"""Production (Heroku): secret, hosts and database from the environment; HTTPS everywhere.
Passes ``manage.py check --deploy``."""
from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-proxy-ssl-header
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# HTTPS-only cookies; `make prod` (plain HTTP on localhost) turns them off by env
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# the health check answers on plain HTTP too (Heroku's router and uptime probes)
SECURE_REDIRECT_EXEMPT = [r"^health$"]

DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405

# DEMO USERS (manage.py demo_setup): no default secret in production
DEMO_ADMIN_USERNAME = env("DJANGO_ADMIN_USERNAME", default="admin")
DEMO_ADMIN_PASSWORD = env("DJANGO_ADMIN_PASSWORD", default=None)
DEMO_SERVICE_TOKEN = env("SCORING_API_TOKEN", default=None)
