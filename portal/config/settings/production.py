"""Production (Heroku) of the portal: the production settings both projects share (HTTPS,
secrets from the environment), after the portal's base; passes ``manage.py check --deploy``."""
# isort: off
from .base import *  # noqa: F403
from django_common.settings.production import *  # noqa: F403
# isort: on
from .base import env

# DEMO USERS (manage.py demo_setup): no default password in production
# ------------------------------------------------------------------------------
DEMO_ADVISOR_PASSWORD = env("PORTAL_ADVISOR_PASSWORD", default=None)

# DJANGO-AXES behind Heroku's router: the client address is in X-Forwarded-For
# ------------------------------------------------------------------------------
# https://django-axes.readthedocs.io/en/latest/4_configuration.html#configuring-reverse-proxies
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_AXES_PROXY_COUNT", default=1)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
