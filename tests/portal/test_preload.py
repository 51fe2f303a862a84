"""The portal's warming in the gunicorn master (portal/config/preload.py): after it, a forked
worker finds every page template and form widget compiled, and the French catalogues loaded,
so its first page costs what the next ones do."""
from __future__ import annotations

import logging

import pytest
from django.template import engines
from django.template.loaders.filesystem import Loader

from portal.config.preload import warm_in_master


def _no_file_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a template file was read after the warming")

    monkeypatch.setattr(Loader, "get_contents", refuse)


def test_every_page_template_is_compiled_before_the_fork(monkeypatch, caplog):
    for engine in engines.all():  # as a fresh master: nothing compiled yet
        for loader in engine.engine.template_loaders:
            loader.reset()
    with caplog.at_level(logging.INFO):
        compiled = warm_in_master()
    assert compiled >= 10 and "page templates" in caplog.text
    _no_file_reads(monkeypatch)
    from django.template.loader import get_template

    for name in ("portal/client.html", "portal/search.html", "portal/compare.html",
                 "portal/summary.html", "portal/errors/403.html", "registration/login.html",
                 "portal/partials/form_field.html"):
        get_template(name)


def test_the_form_widgets_and_catalogues_are_ready_before_the_fork(monkeypatch):
    import uuid

    from django.forms.renderers import get_default_renderer
    from django.utils.translation import trans_real

    from portal.clients.forms import DecisionForm, SimulationForm

    environment = get_default_renderer().engine.env
    environment.cache.clear()  # as a fresh master: no widget compiled, no catalogue loaded
    trans_real._translations.clear()  # noqa: SLF001
    warm_in_master()
    assert "fr" in trans_real._translations  # noqa: SLF001

    def no_new_template(env, name, globals=None):  # noqa: A002 (Jinja2's signature)
        raise AssertionError(f"{name} compiled after the warming")

    monkeypatch.setattr(environment.loader, "load", no_new_template)
    html = "".join(str(field) for form in (
        SimulationForm(), DecisionForm(model_decision="refusé",
                                       initial={"model_version": "1", "request_id": uuid.uuid4()}))
        for field in form)
    assert 'name="final_decision"' in html


def test_a_failure_never_stops_the_master(monkeypatch, caplog):
    import portal.config.preload as preload

    def broken() -> int:
        raise OSError("templates folder unreadable")

    monkeypatch.setattr(preload, "_templates", broken)
    with caplog.at_level(logging.ERROR):
        assert warm_in_master() == 0
    assert "warming the portal failed" in caplog.text
