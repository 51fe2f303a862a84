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

pytestmark = [pytest.mark.browser, pytest.mark.skipif(browser.missing_browser() is not None,
                                                      reason=browser.missing_browser() or "")]
CID = fakes.CLIENT_ID
PASSWORD = "mot-de-passe-conseiller-42"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    driver, profile = browser.start_chromium()
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


def _wait(driver: Any, condition: Any, timeout: float = 15) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(condition)


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
    if browser.AXE_JS.is_file():
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
    if not browser.AXE_JS.is_file():
        pytest.skip(f"axe-core not installed ({browser.AXE_JS}): run npm install in the repo root")
    driver = chromium
    if needs_login:
        _login(driver, portal)
    else:
        driver.delete_all_cookies()
    driver.get(f"{portal}{path}")
    _charts_drawn(driver)
    _charts_have_text_alternatives(driver)
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
        violations = browser.run_axe(driver) if browser.AXE_JS.is_file() else []
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert problems == [], problems
    assert violations == [], violations


def test_axe_check_can_fail(chromium, portal):
    """The axe check is real: a planted unlabelled field and image are reported."""
    if not browser.AXE_JS.is_file():
        pytest.skip(f"axe-core not installed ({browser.AXE_JS}): run npm install in the repo root")
    driver = chromium
    driver.delete_all_cookies()
    driver.get(f"{portal}/connexion/")
    driver.execute_script("document.querySelector('main').insertAdjacentHTML('beforeend',"
                          " '<input type=text><img src=x.png>')")
    found = {violation["id"] for violation in browser.run_axe(driver)}
    assert {"label", "image-alt"} <= found
