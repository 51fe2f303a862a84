"""Local development of the portal: its base, then the local settings both projects share
(debug, demo credentials); the order of the two imports matters."""
# isort: off
from .base import *  # noqa: F403
from django_common.settings.local import *  # noqa: F403
# isort: on
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-portal-secret-key-not-for-production")
DEMO_ADVISOR_PASSWORD = env("PORTAL_ADVISOR_PASSWORD", default="conseiller")
