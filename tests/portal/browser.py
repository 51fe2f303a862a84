"""Headless Chromium for the browser tests: the system browser and driver, isolated profile,
axe-core injection, screenshots (reports/screenshots/, used by the slides), 200 % zoom emulation."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ml.config import PROJECT_ROOT, settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = settings().reports_dir / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTH, HEIGHT = 1280, 900


def skip_without_browser() -> bool:
    """Skip the browser tests when no browser is here, except on CI (CI=true): there a missing
    browser must fail them, not pass unnoticed."""
    return missing_browser() is not None and os.environ.get("CI", "").lower() != "true"


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    chromium = shutil.which("chromium") or (str(CHROMIUM) if CHROMIUM.exists() else None)
    driver = shutil.which("chromedriver") or (str(CHROMEDRIVER) if CHROMEDRIVER.exists() else None)
    if not chromium or not driver:
        return "headless Chromium + chromedriver not found (make system-deps installs them)"
    return None


def start_chromium() -> tuple[Any, str]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="portal-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                 f"--window-size={WIDTH},{HEIGHT}", "--lang=fr-FR"):
        options.add_argument(flag)
    service = Service(shutil.which("chromedriver") or str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver, profile


CSP_LISTENER_JS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(
  e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " (" + e.sourceFile + ":" +
  e.lineNumber + ")"));
"""


def record_csp_violations(driver: Any) -> None:
    """From now on, every page of this browser records the Content-Security-Policy violations
    it meets (the listener is installed by DevTools before the page's own scripts run, so the
    policy does not block it)."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER_JS})


# The one violation the policy is meant to cause: Plotly's bundle probes, inside try/catch,
# whether code can be built from a string (``Function("return function*() {}")``, a generator
# check of a bundled polyfill); refused, it falls back and draws the same charts (tested). The
# policy keeps eval forbidden rather than allow 'unsafe-eval' for a probe.
EXPECTED_CSP_VIOLATION = re.compile(r"^script-src blocked eval \(\S+/static/vendor/plotly\.min\.js:\d+\)$")


def csp_violations(driver: Any, *, all_of_them: bool = False) -> list[str]:
    """The violations the current page reported (``record_csp_violations`` first), but
    Plotly's eval probe (``all_of_them`` keeps it)."""
    found = driver.execute_script("return window.__cspViolations || null")
    assert found is not None, "no CSP listener on this page: call record_csp_violations first"
    return [v for v in found if all_of_them or not EXPECTED_CSP_VIOLATION.match(v)]


def require_axe() -> None:
    """axe-core must be installed (npm install); without it the test is skipped, which fails
    the run on CI (tests/conftest.py)."""
    import pytest

    if not AXE_JS.is_file():
        pytest.skip(f"axe-core not installed ({AXE_JS}): run npm install in the repo root")


def run_axe(driver: Any) -> list[dict[str, Any]]:
    """axe-core's violations for the WCAG 2.1 A/AA tags on the current page."""
    driver.execute_script(AXE_JS.read_text())
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}})
          .then(result => done(result.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}))))
          .catch(error => done([{id: "axe-error", help: String(error), nodes: []}]));
        """,
        AXE_TAGS,
    )


def screenshot(driver: Any, name: str, *, scale: int = 1) -> Path:
    """A full-page PNG in reports/screenshots/ (one slide each), at the current CSS width;
    ``scale=2`` keeps the 200 % zoom emulation and goes to reports/screenshots/zoom-200/."""
    folder = SCREENSHOTS if scale == 1 else SCREENSHOTS / f"zoom-{100 * scale}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": min(int(height), 6000), "deviceScaleFactor": scale,
        "mobile": False})
    driver.save_screenshot(str(path))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return path


def zoom_200(driver: Any) -> None:
    """What a 200 % browser zoom does to layout: half as many CSS pixels across, drawn at 2x."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": WIDTH // 2, "height": HEIGHT // 2, "deviceScaleFactor": 2, "mobile": False})


LAYOUT_PROBLEMS_JS = """
const main = document.querySelector("main");
const problems = [];
const viewport = document.documentElement.clientWidth;
if (document.documentElement.scrollWidth > viewport + 1) {
  problems.push("page scrolls horizontally: " + document.documentElement.scrollWidth + " > " + viewport);
}
const selector = "h1, h2, h3, p, label, input, select, button, dt, dd, summary, legend, nav a, header a";
const boxes = [...document.querySelectorAll(selector)]
  .filter(el => !el.closest(".chart-canvas") && !el.closest(".visually-hidden") && !el.closest(".table-scroll")
           && !el.classList.contains("skip-link") && el.offsetParent !== null)
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 0 && r.height > 0);
for (const [el, r] of boxes) {
  if (main.contains(el) && r.right > viewport + 1) problems.push("cut off on the right: " + el.outerHTML.slice(0, 80));
}
for (const canvas of document.querySelectorAll(".chart-canvas")) {
  const frame = canvas.getBoundingClientRect();
  for (const text of canvas.querySelectorAll("svg text")) {
    const r = text.getBoundingClientRect();
    if (r.width === 0 || !text.textContent.trim()) continue;
    if (r.left < frame.left - 1 || r.right > frame.right + 1) {
      problems.push("chart text cut off in #" + canvas.id + ": " + text.textContent.slice(0, 60));
    }
  }
}
for (let i = 0; i < boxes.length; i++) {
  for (let j = i + 1; j < boxes.length; j++) {
    const [a, ra] = boxes[i], [b, rb] = boxes[j];
    if (a.contains(b) || b.contains(a)) continue;
    const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (w > 2 && h > 2) problems.push("overlap: " + a.outerHTML.slice(0, 60) + " / " + b.outerHTML.slice(0, 60));
  }
}
return problems;
"""


def layout_problems(driver: Any) -> list[str]:
    """Horizontal scrolling of the page, content or chart text cut off, or text boxes overlapping."""
    return driver.execute_script(LAYOUT_PROBLEMS_JS)


def wait(driver: Any, condition: Any, timeout: float = 15) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # an element read while the page is replaced (a form's redirect) is read again
    WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        condition)


def record_override(driver: Any, page_url: str, *, reason: str, comment: str,
                    timeout: float = 15) -> None:
    """On a refused client's page, record « Je m'écarte de la recommandation : crédit accordé »
    with a reason and a comment, and wait for the portal to show it on record."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(page_url)
    driver.find_element(By.CSS_SELECTOR, "input[name=final_decision][value=accordé]").click()
    Select(driver.find_element(By.ID, "id_reason_code")).select_by_value(reason)
    driver.find_element(By.ID, "id_comment").send_keys(comment)
    driver.find_element(By.CSS_SELECTOR, "#decision-conseiller button[type=submit]").click()
    wait(driver, lambda d: "Décision enregistrée : crédit accordé"
         in d.find_element(By.ID, "decision-conseiller").text, timeout)
