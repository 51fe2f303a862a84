"""Local development of the scoring API: its base, then the local settings both projects share
(debug, demo credentials); the order of the two imports matters."""
# isort: off
from .base import *  # noqa: F403
from django_common.settings.local import *  # noqa: F403
# isort: on
from .base import PROJECT_ROOT, env

# the embedded SQLite database lives in db/ (git-ignored)
(PROJECT_ROOT / "db").mkdir(exist_ok=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-scoring-api-secret-key-not-for-production")
# the portal's service token that `demo_setup` creates
DEMO_SERVICE_TOKEN = SCORING_API_TOKEN  # noqa: F405
