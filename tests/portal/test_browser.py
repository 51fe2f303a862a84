"""The portal in real headless Chromium, against a live portal server whose scoring API is a
small local HTTP stub (tests/portal/stub_api.py) answering per the contract: the journey, axe-core
(WCAG 2.1 A/AA) on every page, a 200 % zoom check, screenshots for the slides."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from portal.accounts.services import advisor_group_ensure
from tests.portal import browser, fakes
from tests.portal.stub_api import stub_api

pytestmark = [pytest.mark.browser, pytest.mark.skipif(browser.skip_without_browser(),
                                                      reason=browser.missing_browser() or "")]
CID = fakes.CLIENT_ID
PASSWORD = "mot-de-passe-conseiller-42"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    driver, profile = browser.start_chromium()
    browser.record_csp_violations(driver)  # every page then says what the CSP blocked
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def api_stub() -> Iterator[str]:
    with stub_api() as url:
        yield url


@pytest.fixture
def portal(live_server, settings, api_stub, transactional_db) -> str:
    settings.SCORING_API_URL = api_stub
    user = get_user_model().objects.create_user("conseiller", password=PASSWORD)
    user.groups.add(advisor_group_ensure())
    return live_server.url


def _login(driver: Any, portal: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{portal}/connexion/")
    driver.find_element(By.ID, "id_username").send_keys("conseiller")
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    _wait(driver, lambda d: "/connexion/" not in d.current_url)


_wait = browser.wait


def _charts_drawn(driver: Any) -> None:
    """Plotly has drawn an SVG in every chart container of the page."""
    _wait(driver, lambda d: d.execute_script(
        "return [...document.querySelectorAll('.chart-canvas')]"
        ".every(c => c.querySelector('.main-svg'))"))


def _charts_fit(driver: Any) -> None:
    """Plotly has redrawn every chart at its container's width (after a resize)."""
    _wait(driver, lambda d: d.execute_script(
        "return [...document.querySelectorAll('.chart-canvas')].every(c => {"
        " const svg = c.querySelector('.main-svg');"
        " return svg && svg.getBoundingClientRect().width"
        "   <= c.getBoundingClientRect().width + 1;})"), timeout=5)


def _open_chart_tables(driver: Any) -> int:
    """Open every "Données du graphique" toggle, as a user reading the tables would."""
    return driver.execute_script(
        "const all = document.querySelectorAll('details.chart-data');"
        "all.forEach(d => d.open = true); return all.length;")


def _frame_style(driver: Any, selector: str) -> str:
    """The border style of a decision box: dashed = refused, solid = granted (WCAG 1.4.1)."""
    return driver.execute_script(
        "return getComputedStyle(document.querySelector(arguments[0])).borderTopStyle", selector)


TEXT_ALTERNATIVES_JS = """
return [...document.querySelectorAll('.chart-canvas')].map(canvas => {
  const figure = canvas.closest('figure');
  const caption = figure && figure.querySelector('figcaption');
  const table = figure && figure.querySelector('details table');
  return {id: canvas.id, role: canvas.getAttribute('role'),
          label: canvas.getAttribute('aria-label') || '',
          caption: caption ? caption.textContent.trim() : '',
          rows: table ? table.querySelectorAll('tbody tr').length : 0,
          drawn: !!canvas.querySelector('.main-svg')};
});
"""


def _charts_have_text_alternatives(driver: Any) -> list[dict[str, Any]]:
    """Every drawn chart keeps its caption, aria-label and data table (WCAG 1.1.1)."""
    found = driver.execute_script(TEXT_ALTERNATIVES_JS)
    for chart in found:
        assert chart["drawn"] and chart["role"] == "img", chart
        assert len(chart["label"]) > 30 and len(chart["caption"]) > 30, chart
        assert chart["rows"] > 0, chart
    return found


def test_journey_login_search_client_compare(chromium, portal):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = chromium
    _login(driver, portal)
    assert driver.title == "Recherche de clients — Prêt à dépenser"
    Select(driver.find_element(By.ID, "id_sex")).select_by_value("F")
    driver.find_element(By.ID, "id_search").send_keys("1000")
    driver.find_element(By.CSS_SELECTOR, ".search-form button[type=submit]").click()
    _wait(driver, lambda d: "sex=F" in d.current_url)
    rows = driver.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert len(rows) == 12
    rows[0].find_element(By.TAG_NAME, "a").click()
    _wait(driver, lambda d: d.title.startswith(f"Client {CID} — score"))
    _charts_drawn(driver)
    assert "Crédit refusé" in driver.find_element(By.CSS_SELECTOR, ".decision").text
    assert "✖" in driver.find_element(By.CSS_SELECTOR, ".decision").text
    assert _frame_style(driver, ".decision") == "dashed"
    assert [c["id"] for c in _charts_have_text_alternatives(driver)] == ["score", "contributions"]
    # the SHAP chart is interactive: Plotly attached its drag layer and mode bar
    assert driver.find_elements(By.CSS_SELECTOR, "#contributions .modebar")
    driver.find_element(By.LINK_TEXT, "Comparer avec d'autres clients").click()
    _wait(driver, lambda d: "comparaison" in d.title)
    _charts_drawn(driver)
    assert "(tous les clients)" in driver.title
    driver.find_element(By.CSS_SELECTOR, "input[name=group][value=similar]").click()
    driver.find_element(By.CSS_SELECTOR, ".compare-form button[type=submit]").click()
    _wait(driver, lambda d: "(clients similaires)" in d.title)
    _charts_drawn(driver)
    assert driver.find_element(By.CSS_SELECTOR, "input[name=group][value=similar]").is_selected()
    assert [c["id"] for c in _charts_have_text_alternatives(driver)] == ["distribution", "scatter"]
    star = driver.execute_script(
        "return document.getElementById('scatter').data.slice(-1)[0].marker.symbol")
    assert star == "star"


def test_what_if_in_the_browser(chromium, portal):
    from selenium.webdriver.common.by import By

    driver = chromium
    _login(driver, portal)
    driver.get(f"{portal}/clients/{CID}/")
    field = driver.find_element(By.ID, "id_AMT_CREDIT")
    field.clear()
    field.send_keys("150000")
    driver.find_element(By.CSS_SELECTOR, "#simulation button[type=submit]").click()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".simulation-result"))
    result = driver.find_element(By.CSS_SELECTOR, ".simulation-result").text
    assert "Simulation : crédit accordé" in result
    assert "Crédit refusé" in driver.find_element(By.CSS_SELECTOR, "#decision-titre + .decision").text
    # the simulation is told apart by words, icon and frame, not by colour alone (1.4.1)
    assert "✔" in driver.find_element(By.CSS_SELECTOR, ".simulation-result .decision").text
    assert _frame_style(driver, ".simulation-result .decision") == "solid"
    assert _frame_style(driver, "#decision-titre + .decision") == "dashed"
    _charts_drawn(driver)
    _charts_have_text_alternatives(driver)
    browser.screenshot(driver, "5-simulation")
    assert browser.csp_violations(driver) == []
    browser.require_axe()
    violations = browser.run_axe(driver)
    assert violations == [], violations


PAGES = [
    ("1-connexion", "/connexion/", False),
    ("2-recherche", "/?sex=F", True),
    ("3-client", f"/clients/{CID}/", True),
    ("4-comparaison", f"/clients/{CID}/comparaison/?group=similar", True),
    ("6-client-introuvable", "/clients/999/", True),
]


@pytest.mark.parametrize(("name", "path", "needs_login"), PAGES, ids=[p[0] for p in PAGES])
def test_axe_reports_no_wcag21_violation(chromium, portal, name, path, needs_login):
    browser.require_axe()
    driver = chromium
    if needs_login:
        _login(driver, portal)
    else:
        driver.delete_all_cookies()
    driver.get(f"{portal}{path}")
    _charts_drawn(driver)
    _charts_have_text_alternatives(driver)
    # the Content-Security-Policy blocks nothing of the page (Plotly's charts included)
    assert browser.csp_violations(driver) == []
    browser.screenshot(driver, name)
    _open_chart_tables(driver)  # the data tables are checked too, not only the closed toggles
    violations = browser.run_axe(driver)
    assert violations == [], violations


@pytest.mark.parametrize(("name", "path", "needs_login"), PAGES[:4], ids=[p[0] for p in PAGES[:4]])
def test_usable_at_200_percent_zoom(chromium, portal, name, path, needs_login):
    driver = chromium
    if needs_login:
        _login(driver, portal)
    else:
        driver.delete_all_cookies()
    browser.zoom_200(driver)
    try:
        driver.get(f"{portal}{path}")
        _charts_drawn(driver)
        problems = browser.layout_problems(driver)
        browser.screenshot(driver, name, scale=2)
        browser.zoom_200(driver)
        _charts_fit(driver)  # Plotly redraws after the screenshot's resize
        _open_chart_tables(driver)  # wide tables scroll inside their own keyboard-reachable box
        problems += browser.layout_problems(driver)
        browser.require_axe()
        violations = browser.run_axe(driver)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert problems == [], problems
    assert violations == [], violations


def test_axe_check_can_fail(chromium, portal):
    """The axe check is real: a planted unlabelled field and image are reported."""
    browser.require_axe()
    driver = chromium
    driver.delete_all_cookies()
    driver.get(f"{portal}/connexion/")
    driver.execute_script("document.querySelector('main').insertAdjacentHTML('beforeend',"
                          " '<input type=text><img src=x.png>')")
    found = {violation["id"] for violation in browser.run_axe(driver)}
    assert {"label", "image-alt"} <= found


def test_the_csp_check_can_fail(chromium, portal):
    """The CSP check is real: the portal's policy blocks a planted inline script, and the
    browser reports it (the listener sees what a Plotly needing more would trigger)."""
    driver = chromium
    _login(driver, portal)
    driver.get(f"{portal}/clients/{CID}/")
    policy = driver.execute_script(
        "return fetch(location.href).then(r => r.headers.get('Content-Security-Policy'))")
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert browser.csp_violations(driver) == []
    driver.execute_script("const s = document.createElement('script');"
                          " s.textContent = 'window.planted = 1'; document.body.append(s);")
    _wait(driver, lambda d: browser.csp_violations(d), timeout=5)
    assert [v.split(" (")[0] for v in browser.csp_violations(driver)] == [
        "script-src-elem blocked inline"]
    assert driver.execute_script("return window.planted === undefined")


def test_recourse_applied_in_the_what_if_flips_the_decision(chromium, portal):
    """« Accordé si… »: the suggestion's button fills the what-if, whose answer grants."""
    from selenium.webdriver.common.by import By

    driver = chromium
    _login(driver, portal)
    driver.get(f"{portal}/clients/{CID}/")
    section = driver.find_element(By.ID, "accorde-si")
    assert "Accordé si…" in section.text and "indicatif" in section.text
    assert fakes.recourse()["suggestions"][0]["sentence"] in section.text
    section.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".simulation-result"))
    assert "Simulation : crédit accordé" in driver.find_element(By.CSS_SELECTOR, ".simulation-result").text
    assert "Crédit refusé" in driver.find_element(By.CSS_SELECTOR, "#decision-titre + .decision").text
    assert driver.find_element(By.ID, "id_AMT_CREDIT").get_attribute("value") == "150000.0"


def _record_override(driver: Any, portal: str) -> None:
    browser.record_override(driver, f"{portal}/clients/{CID}/", reason="data_error",
                            comment="Revenus mis à jour après l'entretien.")


def test_an_override_is_recorded_and_shown_accessibly(chromium, portal):
    from selenium.webdriver.common.by import By

    driver = chromium
    _login(driver, portal)
    driver.get(f"{portal}/clients/{CID}/")
    driver.find_element(By.CSS_SELECTOR, "input[name=final_decision][value=accordé]").click()
    driver.find_element(By.CSS_SELECTOR, "#decision-conseiller button[type=submit]").click()
    _wait(driver, lambda d: "Choisissez le motif" in d.page_source)  # no reason: refused, said
    _record_override(driver, portal)
    text = driver.find_element(By.ID, "decision-conseiller").text
    assert "S'écarte de la recommandation du modèle" in text and "par conseiller" in text
    _charts_drawn(driver)
    browser.screenshot(driver, "8-accorde-si-et-decision")
    assert browser.csp_violations(driver) == []
    browser.require_axe()
    _open_chart_tables(driver)
    violations = browser.run_axe(driver)
    assert violations == [], violations


def test_the_summary_prints_alone_accessibly(chromium, portal):
    """The summary: axe 0 violations on screen, usable at 200 %, and on paper (print media) no
    portal navigation or button, one to three A4 pages; the printed layout is screenshot for
    the slides and the browser's PDF kept beside it."""
    import base64
    import io

    from pypdf import PdfReader
    from selenium.webdriver.common.by import By

    driver = chromium
    _login(driver, portal)
    _record_override(driver, portal)
    driver.get(f"{portal}/clients/{CID}/synthese/")
    assert driver.title == f"Client {CID} — synthèse pour le client — Prêt à dépenser"
    assert browser.csp_violations(driver) == []
    browser.require_axe()
    violations = browser.run_axe(driver)
    assert violations == [], violations
    browser.zoom_200(driver)
    try:
        driver.get(f"{portal}/clients/{CID}/synthese/")
        problems = browser.layout_problems(driver)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert problems == [], problems
    driver.get(f"{portal}/clients/{CID}/synthese/")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = driver.execute_script(
            "return ['.site-header', '.site-footer', '.print-actions', '.breadcrumb']"
            ".map(s => getComputedStyle(document.querySelector(s)).display)")
        assert hidden == ["none"] * 4, hidden
        assert driver.find_element(By.CSS_SELECTOR, ".summary").is_displayed()
        browser.screenshot(driver, "7-synthese-impression")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True,
                                                         "preferCSSPageSize": True})
    pdf = base64.b64decode(printed["data"])
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert 1 <= len(reader.pages) <= 3, len(reader.pages)
    assert "Vos droits, et comment les exercer" in text and "Crédit accordé" in text
    assert "Se déconnecter" not in text and "Imprimer la synthèse" not in text
    folder = browser.SCREENSHOTS / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "synthese-client-navigateur.pdf").write_bytes(pdf)
