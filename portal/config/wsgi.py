"""WSGI entry point of the portal (``gunicorn portal.config.wsgi``)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.config.settings.production")

application = get_wsgi_application()
