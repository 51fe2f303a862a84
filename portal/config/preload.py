"""Warming in the gunicorn master before the fork (gunicorn.conf.py), so that every worker,
and every worker that replaces a recycled one, starts with what the first page would otherwise
build: the French translation catalogues, the compiled templates of every page, the form
widgets' Jinja2 templates, the URL map and the API client. A worker then serves its first
client page as fast as its thousandth (measured in bench/portal.py with forced recycling).

Nothing here may stop the server: an error is logged and the workers build what is missing
on first use, as without this warming.
"""
from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from portal.accounts.forms import LoginForm
from portal.clients.api_client import get_api
from portal.clients.forms import CompareForm, DecisionForm, SearchForm, SimulationForm

logger = logging.getLogger(__name__)
PAGES = ("portal", "registration")  # the folders of templates/ that the portal renders


def warm_in_master(log: logging.Logger | None = None) -> int:
    """Everything above, now; the number of page templates compiled (0 after an error)."""
    log = log or logger
    started = time.perf_counter()
    try:
        # the language LocaleMiddleware activates on each request ("fr", of LANGUAGES)
        with translation.override(translation.get_supported_language_variant(
                settings.LANGUAGE_CODE)):
            compiled = _templates()
            _widgets()
            reverse("clients:search")
        get_api()
    except Exception:  # never stop the server: the workers build what is missing themselves
        log.exception("preload: warming the portal failed, each worker will do it itself")
        return 0
    log.info("preload: %d page templates, the form widgets and the French catalogues ready "
             "in the master in %.2f s", compiled, time.perf_counter() - started)
    return compiled


def _templates() -> int:
    """Compile every page template into the cached loader (production's loaders cache them)."""
    root = Path(settings.TEMPLATES[0]["DIRS"][0])
    names = sorted(str(path.relative_to(root)) for folder in PAGES
                   for path in (root / folder).rglob("*.html"))
    for name in names:
        get_template(name)
    return len(names)


def _widgets() -> None:
    """Render every form's widgets once: the renderer's Jinja2 environment compiles and keeps
    their templates (and the templates they include)."""
    renderer = get_default_renderer()
    forms = [SearchForm(), LoginForm(), SimulationForm(),
             CompareForm(features=[{"name": "AMT_CREDIT", "label": "Montant du crédit"}]),
             DecisionForm(model_decision="accordé",
                          initial={"model_version": "1", "request_id": uuid.uuid4()})]
    for form in forms:
        form.renderer = renderer
        for field in form:
            str(field)
