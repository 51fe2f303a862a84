"""Settings of every environment of the advisor portal: the shared base of both projects
(``django_common.settings.base``), then the portal's own (login and lock-out, pages, the scoring
API it calls). Values come from the environment; docs/deployment.md lists each variable."""
from django_common.settings.base import *  # noqa: F403
from django_common.settings.base import (
    AUTHENTICATION_BACKENDS,
    DJANGO_APPS,
    MIDDLEWARE,
    PROJECT_ROOT,
    database,
    env,
)

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {"default": {**database("portal"), "ATOMIC_REQUESTS": True}}

# URLS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#root-urlconf
ROOT_URLCONF = "portal.config.urls"
WSGI_APPLICATION = "portal.config.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#installed-apps
INSTALLED_APPS = [
    *DJANGO_APPS,
    "django.contrib.humanize",
    "portal.accounts",
    "portal.clients",
]

# AUTHENTICATION (the backends and django-axes: django_common/settings/base.py)
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#login-url
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "clients:search"
LOGOUT_REDIRECT_URL = "login"

# MIDDLEWARE: the shared list, with the portal's own
# ------------------------------------------------------------------------------
# LocaleMiddleware after the sessions; LoginRequiredMiddleware: every page needs a login unless
# its view says otherwise (https://docs.djangoproject.com/en/5.2/ref/middleware/#django.contrib.auth.middleware.LoginRequiredMiddleware);
# ApiErrorMiddleware turns an unreachable or failing scoring API into a French 503/502/404 page;
# AxesMiddleware last (https://django-axes.readthedocs.io/en/latest/2_installation.html).
_SESSIONS = MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
_AUTHENTICATION = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE = [
    *MIDDLEWARE[: _SESSIONS + 1],
    "django.middleware.locale.LocaleMiddleware",
    *MIDDLEWARE[_SESSIONS + 1: _AUTHENTICATION + 1],
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    *MIDDLEWARE[_AUTHENTICATION + 1: -1],
    "portal.clients.middleware.ApiErrorMiddleware",
    MIDDLEWARE[-1],  # AxesMiddleware last
]

# STATIC
# ------------------------------------------------------------------------------
# static/portal (css, js); vendor/plotly.min.js comes from the installed plotly package: no CDN.
STATICFILES_DIRS = [PROJECT_ROOT / "static"]
# https://docs.djangoproject.com/en/5.2/ref/settings/#staticfiles-finders
# The plotly finder first: a stale static/vendor/plotly.min.js left by an older checkout never wins.
STATICFILES_FINDERS = [
    "portal.config.static_finders.PlotlyBundleFinder",
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# no manifest: the portal's pages name their static files without hashes
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# FORMS: the widgets rendered by Django's Jinja2 templates of them, the same HTML as its own
# templates' but in half the time (measured: 0.67 ms instead of 1.19 ms for the client page's two
# forms, 6 % of the portal's work on that page); the pages themselves stay Django templates
# https://docs.djangoproject.com/en/5.2/ref/forms/renderers/#jinja2
FORM_RENDERER = "django.forms.renderers.Jinja2"

# SECURITY
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#csrf-failure-view
CSRF_FAILURE_VIEW = "portal.clients.errors.csrf_failure"
# Django's ModelBackend, reading the advisor group with the user (portal/accounts/backends.py)
AUTHENTICATION_BACKENDS = [
    "portal.accounts.backends.AdvisorGroupBackend" if path.endswith(".ModelBackend") else path
    for path in AUTHENTICATION_BACKENDS]

# DJANGO-AXES (shared settings in django_common/settings/base.py): the portal's French page
# ------------------------------------------------------------------------------
AXES_LOCKOUT_TEMPLATE = "portal/errors/lockout.html"

# SCORING API (the only backend of the portal, reached over HTTP)
# ------------------------------------------------------------------------------
# See docs/portal.md and the API's contract, scoring_api/openapi.yaml.
SCORING_API_URL = env("SCORING_API_URL", default="http://127.0.0.1:8000")
SCORING_API_TOKEN = env("SCORING_API_TOKEN", default="")
SCORING_API_CONNECT_TIMEOUT = env.float("SCORING_API_CONNECT_TIMEOUT", default=2.0)
SCORING_API_READ_TIMEOUT = env.float("SCORING_API_READ_TIMEOUT", default=5.0)
SCORING_API_RETRIES = env.int("SCORING_API_RETRIES", default=2)
