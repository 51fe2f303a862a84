"""Each project as Heroku runs it: the files of the repository copied into a fresh "slug",
``bin/pre_compile`` and, for the portal, a fresh virtual environment with only what its
requirements name (as the buildpack installs them), ``collectstatic`` as the buildpack runs it,
``bin/release``, then ``bin/web`` (gunicorn, production settings) answering real HTTP requests,
with and without Heroku's HTTPS header."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench.portal import free_port
from ml.config import PROJECT_ROOT

from .conftest import production_env, require_project

pytestmark = pytest.mark.slow
HTTPS = {"X-Forwarded-Proto": "https"}
SERVICE_TOKEN = "delivery-service-token-0123456789abcdef0"  # 40 characters, the DRF maximum
ADVISOR_PASSWORD = "delivery-conseiller-pw-9f3k"
Released = subprocess.CompletedProcess
UP_PATH = {"scoring_api": "/health", "portal": "/connexion/"}


def copy_slug(destination: Path) -> Path:
    """The files a ``git push`` would send (tracked and untracked, .gitignore respected)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    if listed.returncode != 0:
        pytest.skip(f"git cannot list the repository's files: {listed.stderr.strip()}")
    for name in filter(None, listed.stdout.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def install_requirements(slug: Path, venv: Path) -> Path:
    """A fresh virtual environment with the slug's requirements.txt (after bin/pre_compile),
    as the Python buildpack builds it; returns its bin folder."""
    created = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True,
                             text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    installed = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
         "-r", str(slug / "requirements.txt")], capture_output=True, text=True, timeout=600)
    if installed.returncode != 0:
        pytest.skip(f"cannot install the slug's requirements here: {installed.stderr[-500:]}")
    return venv / "bin"


def run_in_slug(slug: Path, command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=slug, env=env, capture_output=True, text=True, timeout=300)


def wait_for_http(url: str, process: subprocess.Popen, timeout_s: float = 90) -> None:
    """Until ``url`` gives any HTTP answer (a 503 without a model, a redirect to HTTPS count)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read()[-3000:]
            raise RuntimeError(f"bin/web exited with {process.returncode}:\n{output}")
        try:
            requests.get(url, timeout=30, allow_redirects=False)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise RuntimeError(f"bin/web did not answer {url} within {timeout_s:.0f} s")


@pytest.fixture(scope="module", params=["scoring_api", "portal"])
def dyno(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Released]]:
    """(project, base URL, result of bin/release) of a running web dyno of the project."""
    project = request.param
    require_project(project)
    workdir = tmp_path_factory.mktemp(f"dyno-{project}")
    slug = copy_slug(workdir / "slug")
    port = free_port()
    env = production_env(project, workdir, PORT=str(port), WEB_CONCURRENCY="1",
                         RELEASE_DEMO_SETUP="1", DJANGO_ADMIN_PASSWORD="delivery-admin-pw-7q2m",
                         PORTAL_ADVISOR_PASSWORD=ADVISOR_PASSWORD, SCORING_API_TOKEN=SERVICE_TOKEN)
    env.pop("PYTHONPATH", None)
    pre_compiled = run_in_slug(slug, ["bin/pre_compile"], env)
    assert pre_compiled.returncode == 0, pre_compiled.stderr
    if project == "portal":
        # the portal's dyno has only requirements-portal.txt: no ML stack to lean on by accident
        env["PATH"] = f"{install_requirements(slug, workdir / 'venv')}{os.pathsep}{env['PATH']}"
    built = run_in_slug(slug, ["python", "manage.py", "collectstatic", "--noinput", "-v0"], env)
    assert built.returncode == 0, f"collectstatic (Heroku build) failed:\n{built.stderr[-3000:]}"
    released = run_in_slug(slug, ["bin/release"], env)
    assert released.returncode == 0, \
        f"bin/release failed:\n{released.stdout[-2000:]}\n{released.stderr[-3000:]}"
    process = subprocess.Popen(["bin/web"], cwd=slug, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + UP_PATH[project], process)
        yield project, url, released
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_release_migrated_the_database_and_set_up_the_accounts(dyno):
    project, _, released = dyno
    assert "Apply" in released.stdout or "No migrations to apply" in released.stdout
    assert "admin « admin »" in released.stdout
    if project == "scoring_api":
        # an empty registry: a warning, not a failed release
        assert "WARNING: no champion model" in released.stderr


def test_the_dyno_answers_its_health_page(dyno):
    project, url, _ = dyno
    if project == "scoring_api":
        # the dyno's registry is empty (the release warned): not ready, and it says so
        answer = requests.get(f"{url}/health", timeout=30)
        assert answer.status_code == 503, answer.text[:500]
        assert answer.headers["Content-Type"].startswith("application/json")
        assert answer.json()["status"] == "unavailable"
    else:
        answer = requests.get(f"{url}/connexion/", headers=HTTPS, timeout=30)
        assert answer.status_code == 200, answer.text[:500]
        assert 'name="csrfmiddlewaretoken"' in answer.text
        assert "Secure" in answer.headers.get("Set-Cookie", "")


def test_plain_http_is_redirected_to_https(dyno):
    _, url, _ = dyno
    answer = requests.get(f"{url}/admin/login/", timeout=30, allow_redirects=False)
    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")


def test_https_pages_carry_hsts_and_their_collected_static_files(dyno):
    """The admin login page (both projects) links hashed or plain static files that whitenoise
    serves from what collectstatic gathered at build time."""
    _, url, _ = dyno
    page = requests.get(f"{url}/admin/login/", headers=HTTPS, timeout=30)
    assert page.status_code == 200, page.text[:500]
    assert "max-age=" in page.headers.get("Strict-Transport-Security", "")
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page.text)
    assert stylesheets, "the admin page links no stylesheet"
    for path in stylesheets:
        asset = requests.get(url + path, headers=HTTPS, timeout=30)
        assert asset.status_code == 200, path


def test_the_accounts_of_the_release_work(dyno):
    """API: the portal's service token is accepted; portal: the advisor logs in (HTTPS)."""
    project, url, _ = dyno
    if project == "scoring_api":
        anonymous = requests.get(f"{url}/model", headers=HTTPS, timeout=30)
        assert anonymous.status_code == 401
        answer = requests.get(f"{url}/model", timeout=30,
                              headers={**HTTPS, "Authorization": f"Token {SERVICE_TOKEN}"})
        # the token passed (not a 401); no champion in the dyno's empty registry: a JSON 503
        assert answer.status_code == 503, answer.text[:500]
        assert answer.json()["error"]["code"] == "model_unavailable"
    else:
        session = requests.Session()
        page = session.get(f"{url}/connexion/", headers=HTTPS, timeout=30)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        answer = session.post(
            f"{url}/connexion/", allow_redirects=False, timeout=30,
            headers={**HTTPS, "Referer": f"{url.replace('http://', 'https://')}/connexion/"},
            # the CSRF cookie is Secure: requests does not send it over http, hence by hand
            cookies={"csrftoken": page.cookies.get("csrftoken", "")},
            data={"username": "conseiller", "password": ADVISOR_PASSWORD,
                  "csrfmiddlewaretoken": csrf},
        )
        assert answer.status_code == 302, answer.text[:500]
        assert "sessionid" in answer.headers.get("Set-Cookie", "")


def test_the_portal_dyno_serves_plotly_from_its_collected_static_files(dyno):
    """The charts' plotly.js reaches a Heroku build (it is not in the repository: the staticfiles
    finder takes it from the installed plotly package)."""
    project, url, _ = dyno
    answer = requests.get(f"{url}/static/vendor/plotly.min.js", headers=HTTPS, timeout=30)
    if project != "portal":  # the API draws no chart: no plotly.js in its static files
        assert answer.status_code == 404
        return
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith("/**") and "plotly.js v" in answer.text[:200]
