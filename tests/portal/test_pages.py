"""Search pages past the last one (issue 13, #12): ``/?page=99999`` used to answer 502
« Service de scoring en erreur »; the API says ``page_not_found`` and the portal shows the last
page instead (a redirect, so the address says which page is shown)."""
from __future__ import annotations

import responses
from responses import matchers

from tests.portal import fakes
from tests.portal.conftest import api_url


def _pages(fake_api, *, count: int, per_page: int = 3) -> None:  # noqa: ANN001
    """Page 1 and 7 of a search of ``count`` clients; any other page is past the last."""
    fake_api.remove(responses.GET, api_url("/clients"))
    fake_api.get(api_url("/clients"), match=[matchers.query_param_matcher({"sex": "F"})],
                 json=fakes.clients_page(per_page, count=count, next_page=api_url("/clients?page=2")))
    fake_api.get(api_url("/clients"),
                 match=[matchers.query_param_matcher({"sex": "F", "page": "7"})],
                 json=fakes.clients_page(count % per_page or per_page, count=count,
                                         previous=api_url("/clients?page=6")))
    fake_api.get(api_url("/clients"),
                 match=[matchers.query_param_matcher({"sex": "F", "page": "99999"})],
                 status=404, json=fakes.error(404, "page_not_found",
                                              "Page 99999 inexistante : 7 page(s) de résultats."))


def test_a_page_past_the_last_shows_the_last_page(advisor_client, fake_api):
    _pages(fake_api, count=20)  # 3 per page: 7 pages
    response = advisor_client.get("/", {"sex": "F", "page": "99999"})
    assert response.status_code == 302
    assert response.url == "/?sex=F&page=7"
    last = advisor_client.get("/", {"sex": "F", "page": "7"})
    html = last.content.decode()
    assert last.status_code == 200
    assert "Recherche de clients (page 7)" in html and "Service de scoring en erreur" not in html



def test_the_form_widgets_are_the_html_django_templates_would_write(db):
    """FORM_RENDERER (Jinja2, for speed) writes the widgets of Django's own templates: the same
    tags and attributes, only the blank space and the apostrophe's entity differ."""
    import re
    import uuid

    from django.forms.renderers import DjangoTemplates, get_default_renderer

    from portal.clients.forms import DecisionForm, SimulationForm

    def widgets(renderer) -> str:
        forms = [SimulationForm(initial=SimulationForm.initial_for(fakes.client()),
                                renderer=renderer),
                 DecisionForm(model_decision="refusé", renderer=renderer,
                              initial={"model_version": "3", "request_id": uuid.UUID(int=1)})]
        html = "".join(str(field) for form in forms for field in form)
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html.replace("&#39;", "&#x27;")))

    assert type(get_default_renderer()).__name__ == "Jinja2"
    assert widgets(get_default_renderer()) == widgets(DjangoTemplates())
