"""WSGI entry point of the scoring API (``gunicorn scoring_api.config.wsgi``)."""
import os

# LightGBM in a web worker: one thread, or the workers fight for the cores (README, bench).
os.environ.setdefault("OMP_NUM_THREADS", "1")

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scoring_api.config.settings.production")

application = get_wsgi_application()

# Import the scoring code (NumPy, LightGBM, MLflow, DuckDB...) now: under `gunicorn --preload`
# (bin/web) this happens once in the master and the workers share those pages instead of each
# loading ~300 MB. The model itself is loaded lazily in each worker (LightGBM's OpenMP pool
# must not exist before the fork).
import scoring_api.scoring.urls  # noqa: E402, F401
