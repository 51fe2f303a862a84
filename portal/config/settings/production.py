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
