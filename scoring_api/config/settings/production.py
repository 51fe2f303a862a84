"""Production (Heroku) of the scoring API: the production settings both projects share (HTTPS,
secrets from the environment), after the API's base; passes ``manage.py check --deploy``."""
# isort: off
from .base import *  # noqa: F403
from django_common.settings.production import *  # noqa: F403
# isort: on
from .base import env

# the health check answers on plain HTTP too (Heroku's router and uptime probes)
SECURE_REDIRECT_EXEMPT = [r"^health$"]

# DEMO USERS (manage.py demo_setup): no default secret in production
DEMO_SERVICE_TOKEN = env("SCORING_API_TOKEN", default=None)
