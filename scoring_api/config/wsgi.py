"""WSGI entry point of the scoring API (``gunicorn scoring_api.config.wsgi``)."""
import os

# LightGBM in a web worker: one thread, or the workers fight for the cores (README, bench).
os.environ.setdefault("OMP_NUM_THREADS", "1")

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scoring_api.config.settings.production")

application = get_wsgi_application()
