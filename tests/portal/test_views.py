"""Pages of the portal with the scoring API faked at the HTTP layer (`responses`)."""
from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse
from django.utils.html import escape

from portal.accounts.models import AuditEntry
from tests.portal import fakes
from tests.portal.conftest import api_url
from vocabulary import decisions
from vocabulary.features import CLIENT_FIELDS, label_and_unit

CID = fakes.CLIENT_ID
PAGES = [
    reverse("clients:search"),
    reverse("clients:detail", args=[CID]),
    reverse("clients:compare", args=[CID]),
]


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.parametrize("url", PAGES + ["/admin/accounts/auditentry/"])
def test_every_page_requires_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_is_french_and_public(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert _title(html) == "Connexion — Prêt à dépenser"
    assert 'for="id_username"' in html and 'for="id_password"' in html


def test_login_then_logout(client, advisor):
    response = client.post(reverse("login"), {"username": "conseiller",
                                              "password": "mot-de-passe-conseiller-42"})
    assert response.status_code == 302 and response.url == reverse("clients:search")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("clients:search")).status_code == 302


def test_axes_locks_after_repeated_failures(client, advisor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "conseiller", "password": "faux"})
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    # even the right password is refused while locked
    response = client.post(reverse("login"), {"username": "conseiller",
                                              "password": "mot-de-passe-conseiller-42"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_with_unique_french_titles(advisor_client, fake_api, url):
    response = advisor_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200, html[:500]
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html and '<main id="contenu"' in html
    assert _title(html).endswith("— Prêt à dépenser")


def test_titles_are_distinct_and_descriptive(advisor_client, fake_api):
    """WCAG 2.4.2: each page says what it is, in French, and no two pages share a title."""
    from django.test import Client

    fake_api.get(api_url("/clients/999"), status=404,
                 json=fakes.error(404, "client_not_found", "Client 999 inconnu."))
    titles = [_title(advisor_client.get(url).content.decode()) for url in PAGES]
    titles.append(_title(advisor_client.get(reverse("clients:search"), {"page": "2"})
                         .content.decode()))
    titles.append(_title(advisor_client.get(reverse("clients:compare", args=[CID]),
                                            {"group": "similar"}).content.decode()))
    titles.append(_title(advisor_client.get(reverse("clients:detail", args=[999]))
                         .content.decode()))
    titles.append(_title(Client().get(reverse("login")).content.decode()))
    assert len(set(titles)) == len(titles), titles
    assert all(title.endswith(" — Prêt à dépenser") for title in titles)
    assert titles[0] == "Recherche de clients — Prêt à dépenser"
    assert titles[1] == f"Client {CID} — score et explication — Prêt à dépenser"
    assert titles[2] == f"Client {CID} — comparaison : Âge (tous les clients) — Prêt à dépenser"
    assert titles[3] == "Recherche de clients (page 2) — Prêt à dépenser"
    assert titles[4] == f"Client {CID} — comparaison : Âge (clients similaires) — Prêt à dépenser"


def test_search_passes_filters_to_the_api(advisor_client, fake_api):
    query = {"search": "1000", "sex": "F", "age": "30-39", "income_min": "100000",
             "income_max": "300000", "contract_type": "Cash loans", "decision": "refusé",
             "page": "2"}
    response = advisor_client.get(reverse("clients:search"), query)
    assert response.status_code == 200
    sent = parse_qs(urlparse(fake_api.calls[-1].request.url).query)
    assert {key: value[0] for key, value in sent.items()} == {
        "search": "1000", "sex": "F", "age_min": "30", "age_max": "39", "income_min": "100000",
        "income_max": "300000", "contract_type": "Cash loans", "decision": "refusé", "page": "2",
    }
    assert "(page 2)" in _title(response.content.decode())


def test_search_shows_results_and_pagination(advisor_client, fake_api):
    fake_api.replace("GET", api_url("/clients"),
                     json=fakes.clients_page(3, count=45, next_page=api_url("/clients?page=2")))
    html = advisor_client.get(reverse("clients:search"), {"sex": "M"}).content.decode()
    assert "45 clients trouvés" in html
    for i in range(3):
        assert reverse("clients:detail", args=[CID + i]) in html
    assert "✖" in html and "Crédit refusé" in html  # decision in words and icon
    assert 'href="?sex=M&amp;page=2"' in html and "Page suivante" in html


def test_search_rejects_bad_filters_without_calling_the_api(advisor_client, fake_api):
    response = advisor_client.get(reverse("clients:search"),
                                  {"search": "abc", "income_min": "500", "income_max": "100"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "ne contient que des chiffres" in html
    assert "supérieur ou égal au minimum" in html
    assert not fake_api.calls


def test_client_page_shows_score_decision_reasons_and_facts(advisor_client, fake_api):
    html = advisor_client.get(reverse("clients:detail", args=[CID])).content.decode()
    assert "Crédit refusé" in html and "✖" in html  # words AND icon
    assert "23,4\u202f%" in html and "9,0\u202f%" in html  # probability and threshold
    for reason in fakes.REASONS:
        assert escape(reason["sentence"]) in html
    # the reason citing age carries the input policy's note, once (no other reason is sensitive)
    assert [r["feature"] for r in fakes.REASONS if r["sensitive"]] == ["AGE_YEARS"]
    assert html.count(escape(fakes.sensitive_note("DAYS_BIRTH"))) == 1
    assert "25,9\u202fans" in html  # age in years
    assert "202\u202f500\u202f€" in html  # income in euros
    assert "Prêt personnel" in html and "Ouvrier·ère" in html  # categories in French
    assert "Simulation — ne modifie pas la décision du client" in html
    assert html.count('role="img"') == 2  # gauge + SHAP chart
    assert "vendor/plotly.min.js" in html and "cdn" not in html.lower()


def test_client_page_records_an_audit_entry(advisor_client, fake_api, advisor):
    advisor_client.get(reverse("clients:detail", args=[CID]))
    advisor_client.get(reverse("clients:compare", args=[CID]))
    entries = list(AuditEntry.objects.order_by("created_at"))
    assert [(e.user, e.action, e.client_id) for e in entries] == [
        (advisor, "view", CID), (advisor, "compare", CID)]
    assert entries[0].details["decision"] == "refusé"


def test_simulation_posts_base_client_and_never_stores_a_decision(advisor_client, fake_api):
    url = reverse("clients:simulation", args=[CID])
    form = {"AMT_CREDIT": "150000", "AMT_ANNUITY": "12000", "AMT_INCOME_TOTAL": "202500",
            "AMT_GOODS_PRICE": "140000"}
    response = advisor_client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 200
    post = next(call for call in fake_api.calls if call.request.method == "POST")
    body = json.loads(post.request.body)
    assert body == {"base_client_id": CID, "AMT_CREDIT": 150000.0, "AMT_ANNUITY": 12000.0,
                    "AMT_INCOME_TOTAL": 202500.0, "AMT_GOODS_PRICE": 140000.0}
    assert "Simulation : crédit accordé" in html
    assert "la réponse changerait" in html
    # the client's own decision is unchanged, on this page and on the next visit
    assert "la décision enregistrée du client reste « Crédit refusé »" in html
    again = advisor_client.get(reverse("clients:detail", args=[CID])).content.decode()
    assert "Simulation : " not in again and "Crédit refusé" in again
    simulate = AuditEntry.objects.get(action="simulate")
    assert simulate.details["changes"]["AMT_CREDIT"] == 150000.0
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"simulate", "view"}


def test_simulation_shows_field_errors(advisor_client, fake_api):
    response = advisor_client.post(reverse("clients:simulation", args=[CID]),
                                   {"AMT_CREDIT": "-5", "AMT_ANNUITY": "", "AMT_INCOME_TOTAL": "x"})
    assert response.status_code == 400
    assert not [c for c in fake_api.calls if c.request.method == "POST"]
    assert "error-text" in response.content.decode()


def test_simulation_relays_api_field_errors_in_french(advisor_client, fake_api):
    fake_api.replace("POST", api_url("/score"), status=400, json=fakes.error(
        400, "invalid", "Valeurs invalides.", {"AMT_ANNUITY": ["L'annuité dépasse le crédit."]}))
    response = advisor_client.post(reverse("clients:simulation", args=[CID]), {
        "AMT_CREDIT": "150000", "AMT_ANNUITY": "120000", "AMT_INCOME_TOTAL": "202500"})
    assert response.status_code == 400
    assert "L&#x27;annuité dépasse le crédit." in response.content.decode()
    assert not AuditEntry.objects.filter(action="simulate").exists()


def test_compare_switches_group_and_features(advisor_client, fake_api):
    response = advisor_client.get(reverse("clients:compare", args=[CID]),
                                  {"feature": "AMT_INCOME_TOTAL", "feature_y": "AGE_YEARS",
                                   "group": "similar"})
    assert response.status_code == 200
    calls = {urlparse(c.request.url).path: parse_qs(urlparse(c.request.url).query)
             for c in fake_api.calls}
    assert calls["/population/stats"]["group"] == ["similar"]
    assert calls["/population/stats"]["feature"] == ["AMT_INCOME_TOTAL"]
    assert calls["/population/stats"]["client"] == [str(CID)]
    assert calls["/population/scatter"]["x"] == ["AMT_INCOME_TOTAL"]
    assert calls["/population/scatter"]["y"] == ["AGE_YEARS"]
    html = response.content.decode()
    assert 'type="radio" name="group" value="similar"' in html and "checked" in html
    assert "clients similaires" in html


def test_compare_with_unknown_feature_falls_back_with_a_message(advisor_client, fake_api):
    response = advisor_client.get(reverse("clients:compare", args=[CID]), {"feature": "NOPE"})
    assert response.status_code == 400
    assert "Choix invalide" in response.content.decode()


def test_unknown_client_gives_the_french_404_page(advisor_client, fake_api):
    fake_api.get(api_url("/clients/999"), status=404,
                 json=fakes.error(404, "client_not_found", "Client 999 inconnu."))
    response = advisor_client.get(reverse("clients:detail", args=[999]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "Le client 999 est introuvable" in html
    assert _title(html) == "Client introuvable (erreur 404) — Prêt à dépenser"


def test_unknown_url_gives_the_namespaced_404_page(advisor_client, settings):
    settings.DEBUG = False
    response = advisor_client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert [t.name for t in response.templates][0] == "portal/errors/404.html"


@pytest.mark.parametrize("failure", [requests.ConnectionError("refused"),
                                     requests.ConnectTimeout("connect timeout")])
def test_api_down_gives_a_french_503(advisor_client, fake_api, failure):
    fake_api.replace("GET", api_url(f"/clients/{CID}"), body=failure)
    response = advisor_client.get(reverse("clients:detail", args=[CID]))
    html = response.content.decode()
    assert response.status_code == 503
    assert "Service de scoring" in html and "Réessayez" in html
    assert "Traceback" not in html


def test_api_error_gives_a_french_502(advisor_client, fake_api):
    fake_api.replace("GET", api_url("/clients"), status=500, body="boom")
    response = advisor_client.get(reverse("clients:search"))
    assert response.status_code == 502
    assert "a renvoyé une erreur (500)" in response.content.decode()


def test_api_503_is_retried_then_reported(advisor_client, fake_api, settings):
    fake_api.replace("GET", api_url("/clients"), status=503,
                     json=fakes.error(503, "model_unavailable", "Le modèle est en cours de chargement."))
    response = advisor_client.get(reverse("clients:search"))
    assert response.status_code == 503
    assert len(fake_api.calls) == settings.SCORING_API_RETRIES + 1


def test_slow_api_times_out_with_a_french_503(advisor_client, settings):
    """A real server that answers after the read timeout: the page gives up, says so."""
    from tests.portal.stub_api import stub_api

    with stub_api(delay_s=settings.SCORING_API_READ_TIMEOUT + 1.0) as url:
        settings.SCORING_API_URL = url
        response = advisor_client.get(reverse("clients:detail", args=[CID]))
    assert response.status_code == 503
    assert "ne répond pas assez vite" in response.content.decode()


def test_the_api_is_called_directly_whatever_proxy_the_environment_names(advisor_client, settings,
                                                                       monkeypatch):
    """The API's address is the setting's: a proxy in the environment is not used (and not
    looked up on every call)."""
    from tests.portal.stub_api import stub_api

    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with stub_api() as url:
        settings.SCORING_API_URL = url
        response = advisor_client.get(reverse("clients:detail", args=[CID]))
    assert response.status_code == 200


def test_token_is_sent(advisor_client, fake_api, settings):
    advisor_client.get(reverse("clients:search"))
    assert fake_api.calls[0].request.headers["Authorization"] == f"Token {settings.SCORING_API_TOKEN}"


def test_audit_log_is_read_only_in_admin(client, db, advisor):
    from django.contrib.auth import get_user_model

    from portal.accounts.services import audit_record

    audit_record(user=advisor, action="view", client_id=CID)
    admin = get_user_model().objects.create_superuser("chef", password="x" * 12)
    client.force_login(admin)
    listing = client.get("/admin/accounts/auditentry/")
    assert listing.status_code == 200 and str(CID) in listing.content.decode()
    assert client.get("/admin/accounts/auditentry/add/").status_code == 403
    entry = AuditEntry.objects.get()
    assert client.post(f"/admin/accounts/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.count() == 1


def test_unexpected_error_renders_the_french_500_page(advisor_client, settings, monkeypatch):
    from portal.clients import views

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(views, "get_api", broken)
    settings.DEBUG = False
    advisor_client.raise_request_exception = False
    response = advisor_client.get(reverse("clients:search"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur interne" in html and "RuntimeError" not in html


def test_dropped_connection_is_retried_then_succeeds(advisor_client, settings):
    """urllib3's Retry really runs, on a real socket: the first connection is dropped without
    an answer (a worker restarting), the retry gets the page."""
    from tests.portal.stub_api import stub_api

    seen = [0]
    with stub_api(drop_first=1, seen=seen) as url:
        settings.SCORING_API_URL = url
        response = advisor_client.get(reverse("clients:search"))
    assert response.status_code == 200
    assert seen[0] == 2


def test_api_refusing_connections_gives_503_after_retries(advisor_client, settings):
    from bench.portal import free_port

    settings.SCORING_API_URL = f"http://127.0.0.1:{free_port()}"
    response = advisor_client.get(reverse("clients:search"))
    assert response.status_code == 503
    assert "momentanément indisponible" in response.content.decode()


def test_plotly_and_css_are_served_locally_without_login(client, db):
    """whitenoise serves plotly.js from the installed plotly package (no CDN, no copy step)."""
    from portal.config.static_finders import BUNDLE, plotly_package_data

    for path in ("/static/vendor/plotly.min.js", "/static/portal/css/portal.css",
                 "/static/portal/js/charts.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content)
        assert len(body) > 500
        if path.endswith(BUNDLE):
            assert body == (plotly_package_data() / BUNDLE).read_bytes()


def test_collectstatic_gathers_the_plotly_bundle_under_vendor(tmp_path, settings):
    """What a Heroku build or `make prod` collects: the bundle of the pinned plotly package."""
    import plotly
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("collectstatic", "--noinput", "-v0")
    collected = (tmp_path / "static" / "vendor" / "plotly.min.js").read_text(encoding="utf-8")
    assert f"v{plotly.offline.get_plotlyjs_version()}" in collected[:500]


def test_the_plotly_finder_check_names_a_missing_bundle(tmp_path):
    from portal.config.static_finders import PlotlyBundleFinder

    finder = PlotlyBundleFinder()
    assert finder.check() == []
    assert finder.find("vendor/plotly.min.js").endswith("plotly.min.js")
    assert finder.find("vendor/other.js") == "" and finder.find("plotly.min.js", find_all=True) == []
    finder.storage = type(finder.storage)(location=tmp_path)
    [error] = finder.check()
    assert error.id == "portal.E001" and "plotly.min.js" in error.msg


def test_expired_form_gives_a_french_403(db):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()


def _texts(html: str, tag: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for text in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", html, flags=re.S)]


def test_labels_of_client_data_come_from_the_vocabulary(advisor_client, fake_api):
    """The portal shows the API's display-ready fields: every label of the client's data and
    every column of a search result is a word of ``vocabulary`` (its one home), never the
    portal's own."""
    words = {label_and_unit(column)[0] for _, column in CLIENT_FIELDS}
    html = advisor_client.get(reverse("clients:detail", args=[CID])).content.decode()
    labels = _texts(html, "dt")
    assert labels == [field["label"] for field in fakes.client()["fields"]]
    assert labels and set(labels) <= words
    headings = _texts(advisor_client.get(reverse("clients:search")).content.decode(), "th")
    columns = [heading for heading in headings if not heading.startswith("Client")]
    assert columns and set(columns) <= words | {decisions.PROBABILITY, decisions.DECISION}
