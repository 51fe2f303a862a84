"""End to end: the real scoring API (gunicorn subprocess, a real model from the temporary
MLflow registry of the session fixtures, the session's feature table) and the portal (live
server) talking over HTTP, driven through the portal's own login form."""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.contrib.auth import get_user_model
from django.utils.html import escape

from bench.portal import api_server, free_port, login
from ml.config import PROJECT_ROOT
from portal.accounts.models import AuditEntry
from portal.accounts.services import advisor_group_ensure
from vocabulary.formats import percent

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
TOKEN = "e2e-portal-service-token-0123456789abcdef"
PASSWORD = "e2e-conseiller-password"
API_ADMIN_PASSWORD = "e2e-api-admin-password-42"


def _model_env(model: Any, feature_dir: Path, scores_dir: Path) -> dict[str, str]:
    """Environment that points the API at the session's registered model and features."""
    import os

    env = {"FEATURES_DIR": str(feature_dir), "SCORES_DIR": str(scores_dir)}
    for name in ("MLFLOW_TRACKING_URI", "MLFLOW_ARTIFACT_ROOT", "MODEL_URI", "MODEL_NAME"):
        value = getattr(model, name.lower(), None) or (
            model.get(name.lower()) if isinstance(model, dict) else None) or os.environ.get(name)
        if value:
            env[name] = str(value)
    if isinstance(model, str):
        env["MODEL_URI"] = model
    return env


@pytest.fixture(scope="module")
def live_api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (PROJECT_ROOT / "scoring_api" / "config" / "settings").is_dir():
        pytest.skip("the scoring API project (scoring_api/config/settings) is not in this tree yet")
    try:
        model = request.getfixturevalue("registered_model")
        feature_dir = request.getfixturevalue("feature_dir")
    except pytest.FixtureLookupError:
        pytest.skip("session fixtures registered_model / feature_dir (tests/fixtures/) not available")
    workdir = tmp_path_factory.mktemp("e2e-api")
    env = _model_env(model, Path(feature_dir), workdir / "scores")
    with api_server(workdir, token=TOKEN, extra_env=env, admin_password=API_ADMIN_PASSWORD) as url:
        yield url


@pytest.fixture
def live_portal(live_server, transactional_db) -> str:
    """The portal as a real server, with the advisor account."""
    user = get_user_model().objects.create_user("conseiller", password=PASSWORD)
    user.groups.add(advisor_group_ensure())
    return live_server.url


@pytest.fixture
def portal(live_portal, settings, live_api) -> str:
    settings.SCORING_API_URL = live_api
    settings.SCORING_API_TOKEN = TOKEN
    settings.SCORING_API_READ_TIMEOUT = 10.0  # a real server on a shared CI machine
    return live_portal


@pytest.fixture
def api(live_api: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {TOKEN}"
    return session


def test_portal_and_api_talk(portal, live_api, api):
    browser = login(portal, PASSWORD)
    clients = api.get(f"{live_api}/clients", timeout=30).json()
    assert clients["results"], "the API lists no client"
    search = browser.get(f"{portal}/", timeout=30)
    assert search.status_code == 200
    for row in clients["results"][:5]:
        assert f"/clients/{row['client_id']}/" in search.text

    client_id = clients["results"][0]["client_id"]
    score = api.get(f"{live_api}/score/{client_id}", timeout=30).json()
    page = browser.get(f"{portal}/clients/{client_id}/", timeout=30)
    assert page.status_code == 200
    assert f"<title>Client {client_id} — score et explication — Prêt à dépenser</title>" in page.text
    assert percent(score["probability_default"]) in page.text
    assert escape(score["reasons"][0]["sentence"]) in page.text

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    simulated = browser.post(
        f"{portal}/clients/{client_id}/simulation/", timeout=30,
        data={"csrfmiddlewaretoken": csrf, "AMT_CREDIT": "50000", "AMT_ANNUITY": "5000",
              "AMT_INCOME_TOTAL": "300000", "AMT_GOODS_PRICE": "45000"},
        headers={"Referer": f"{portal}/clients/{client_id}/"})
    assert simulated.status_code == 200, simulated.text[:2000]
    assert "Résultat de la simulation (non enregistré comme décision)" in simulated.text
    after = api.get(f"{live_api}/score/{client_id}", timeout=30).json()
    assert after["probability_default"] == score["probability_default"]
    assert after["decision"] == score["decision"]

    compare = browser.get(f"{portal}/clients/{client_id}/comparaison/?group=similar", timeout=30)
    assert compare.status_code == 200, compare.text[:2000]
    assert "(clients similaires)" in compare.text and compare.text.count('role="img"') == 2

    assert browser.get(f"{portal}/clients/999999999/", timeout=30).status_code == 404
    actions = sorted(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["compare", "search", "simulate", "view"]


def _refused_with_recourse(api: requests.Session, live_api: str) -> dict[str, Any]:
    """A refused client of the session's model whose recourse the API found."""
    page = api.get(f"{live_api}/clients", params={"decision": "refusé", "page_size": 100},
                   timeout=30).json()
    for row in page["results"]:
        recourse = api.get(f"{live_api}/score/{row['client_id']}/recourse", timeout=30).json()
        if recourse["status"] == "found":
            return recourse
    pytest.fail("no refused client of the session model has a recourse")


@pytest.fixture
def chromium() -> Iterator[Any]:
    from tests.portal import browser

    if browser.skip_without_browser():
        pytest.skip(browser.missing_browser() or "")
    driver, profile = browser.start_chromium()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _browser_login(driver: Any, url: str, username: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    from tests.portal import browser

    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    browser.wait(driver, lambda d: "/connexion/" not in d.current_url
                 and "/login/" not in d.current_url, 30)


@pytest.mark.browser
def test_in_the_browser_recourse_flips_an_override_is_on_record_the_summary_prints(
        portal, live_api, api, chromium):
    """Both servers live, a real browser: a refused client, its « Accordé si… », the suggestion
    applied in the what-if grants; an override recorded through the portal is in the API's
    admin and the portal's audit log; the client's summary prints (browser PDF and WeasyPrint)."""
    import base64
    import io

    from pypdf import PdfReader
    from selenium.webdriver.common.by import By

    from tests.portal import browser

    recourse = _refused_with_recourse(api, live_api)
    client_id, suggestion = recourse["client_id"], recourse["suggestions"][0]
    driver = chromium
    driver.get(f"{portal}/connexion/")
    _browser_login(driver, portal, "conseiller", PASSWORD)
    driver.get(f"{portal}/clients/{client_id}/")
    assert "Crédit refusé" in driver.find_element(By.CSS_SELECTOR, "#decision-titre + .decision").text
    section = driver.find_element(By.ID, "accorde-si")
    assert suggestion["sentence"] in section.text and "indicatif" in section.text
    section.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    browser.wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".simulation-result"), 30)
    result = driver.find_element(By.CSS_SELECTOR, ".simulation-result").text
    assert "Simulation : crédit accordé" in result, result
    assert percent(suggestion["probability_default"]) in result
    assert api.get(f"{live_api}/score/{client_id}", timeout=30).json()["decision"] == "refusé"

    browser.record_override(driver, f"{portal}/clients/{client_id}/", reason="income_or_guarantee",
                            comment="Garant solide présenté à l'entretien.", timeout=30)
    on_record = api.get(f"{live_api}/clients/{client_id}/decisions", timeout=30).json()["current"]
    assert (on_record["outcome"], on_record["final_decision"], on_record["advisor"]) == (
        "overridden", "accordé", "conseiller")
    assert on_record["model_decision"] == "refusé" and on_record["reason_code"] == "income_or_guarantee"
    audit = AuditEntry.objects.get(action=AuditEntry.Action.DECIDE, client_id=client_id)
    assert audit.details["id"] == on_record["id"] and audit.user.username == "conseiller"

    driver.get(f"{live_api}/admin/login/?next=/admin/decisions/advisordecision/")
    _browser_login(driver, live_api, "admin", API_ADMIN_PASSWORD)
    browser.wait(driver, lambda d: "advisordecision" in d.current_url, 30)
    listing = driver.find_element(By.ID, "result_list").text
    assert str(client_id) in listing and "S'écarte de la recommandation du modèle" in listing
    (browser.SCREENSHOTS / "e2e").mkdir(parents=True, exist_ok=True)  # not a slide
    browser.screenshot(driver, "e2e/admin-decision-du-conseiller")

    driver.get(f"{portal}/clients/{client_id}/synthese/")
    text = driver.find_element(By.CSS_SELECTOR, ".summary").text
    assert "Crédit accordé" in text and suggestion["sentence"] in text
    browser.require_axe()
    violations = browser.run_axe(driver)
    assert violations == [], violations
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True,
                                                         "preferCSSPageSize": True})
    pdf = base64.b64decode(printed["data"])
    pages = PdfReader(io.BytesIO(pdf)).pages
    flat = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Vos droits, et comment les exercer" in flat and "Se déconnecter" not in flat
    (browser.SCREENSHOTS / "pdf").mkdir(parents=True, exist_ok=True)
    (browser.SCREENSHOTS / "pdf" / "synthese-client-e2e.pdf").write_bytes(pdf)
    session = login(portal, PASSWORD)
    rendered = session.get(f"{portal}/clients/{client_id}/synthese.pdf", timeout=60)
    assert rendered.status_code == 200 and rendered.content.startswith(b"%PDF")


def test_portal_says_so_when_the_api_is_gone(live_portal, settings):
    """Both sides real sockets: the portal server, and an API port where nothing listens."""
    settings.SCORING_API_URL = f"http://127.0.0.1:{free_port()}"
    browser = login(live_portal, PASSWORD)
    page = browser.get(f"{live_portal}/clients/100002/", timeout=30)
    assert page.status_code == 503
    assert "Service de scoring indisponible" in page.text
