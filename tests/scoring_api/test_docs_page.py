"""The API's Swagger UI (/docs) is served by the app itself (drf-spectacular-sidecar), on the
same site as /admin: no CDN, no inline script, under the Content-Security-Policy that both apps
send (issue 13, #6); in a real browser it draws the operations with no CSP violation."""
from __future__ import annotations

import re
import shutil

import pytest

from tests.portal import browser


def test_swagger_ui_comes_from_the_app_under_the_csp(client, db):
    response = client.get("/docs")
    html = response.content.decode()
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 4  # favicon, css, bundle, preset (+ the start-up script)
    for asset in assets:
        assert asset.startswith("/"), f"{asset}: not served by the app"
        assert client.get(asset).status_code == 200, asset
    assert "<script>" not in html  # the start-up script is a file (/docs?script=)
    assert not re.search(r"cdn|jsdelivr|unpkg", html, re.I)


def test_the_api_answers_carry_the_csp(api):
    assert "default-src 'self'" in api.get("/model")["Content-Security-Policy"]


@pytest.mark.browser
@pytest.mark.skipif(browser.skip_without_browser(), reason=browser.missing_browser() or "")
def test_swagger_ui_draws_the_operations_without_csp_violation(live_server, db):
    driver, profile = browser.start_chromium()
    try:
        browser.record_csp_violations(driver)
        driver.get(f"{live_server.url}/docs")
        browser.wait(driver, lambda d: len(d.find_elements("css selector", ".opblock")) >= 5, 30)
        assert "POST/score" in driver.find_element("css selector", ".swagger-ui").text \
            .replace("\n", "").replace(" ", "")
        assert browser.csp_violations(driver) == []
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
