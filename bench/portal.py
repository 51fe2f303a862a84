"""Benchmark of the advisor portal: server time of the client page with the scoring API live.

Both projects run as real servers (gunicorn, 127.0.0.1): the API on the registered champion and
the feature table of ``FEATURES_DIR`` (or an API already answering at ``SCORING_API_URL``), the
portal on a throw-away SQLite database with the demo advisor. The client page costs three API
calls (client, score, the advisor's decisions), a fourth for a refused client (the recourse),
plus two Plotly figures; target: p95 ≤ 200 ms. Small-scale check:
``BENCH_PORTAL_REQUESTS=20 python -m bench.run portal``.
"""
from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from tqdm import tqdm

from ml.config import PROJECT_ROOT

TARGET_MS = 200.0
ADVISOR = "conseiller"
API_TOKEN_SNIPPET = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
user, _ = get_user_model().objects.get_or_create(username="portal-service")
Token.objects.filter(user=user).delete()
Token.objects.create(user=user, key="{token}")
"""
API_ADMIN_SNIPPET = """
from django.contrib.auth import get_user_model
User = get_user_model()
User.objects.filter(username="admin").delete()
User.objects.create_superuser("admin", password="{password}")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args[:1])} failed:\n{result.stderr[-2000:]}")


def wait_until_up(url: str, process: subprocess.Popen, *, timeout_s: float = 120) -> None:
    """Poll ``url`` until it answers (any status below 500), or fail with the server's output."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"server exited with {process.returncode}:\n{output[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"server did not answer {url} within {timeout_s:.0f} s")


@contextmanager
def _gunicorn(wsgi: str, env: dict[str, str], port: int, health_path: str,
              workers: int = 2, preload: bool = False) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", wsgi, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "120", "--log-level", "warning",
         *(["--preload"] if preload else [])],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + health_path, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def api_server(workdir: Path, *, token: str, extra_env: dict[str, str] | None = None,
               settings_module: str = "scoring_api.config.settings.local",
               database_url: str | None = None, workers: int = 2,
               admin_password: str | None = None) -> Iterator[str]:
    """The scoring API under gunicorn on a free port, with its own SQLite database and a
    service token for the portal (and an ``admin`` superuser with ``admin_password``).
    ``extra_env`` points it at a model and features (MLFLOW_TRACKING_URI, MODEL_URI,
    FEATURES_DIR, SCORES_DIR...)."""
    env = {**os.environ, **(extra_env or {}), "DJANGO_SETTINGS_MODULE": settings_module,
           "DJANGO_PROJECT": "scoring_api", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "bench-api-secret", "OMP_NUM_THREADS": "1",
           "DATABASE_URL": database_url or f"sqlite:///{workdir / 'api.sqlite3'}"}
    _manage(["migrate", "--noinput", "-v0"], env)
    _manage(["shell", "-c", API_TOKEN_SNIPPET.format(token=token)], env)
    if admin_password:
        _manage(["shell", "-c", API_ADMIN_SNIPPET.format(password=admin_password)], env)
    with _gunicorn("scoring_api.config.wsgi", env, free_port(), "/health", workers,
                   preload=True) as url:  # as bin/web: the workers share the imported code
        yield url


@contextmanager
def portal_server(workdir: Path, *, api_url: str, api_token: str,
                  password: str = "bench-conseiller-pw") -> Iterator[str]:
    """The portal under gunicorn (local settings, DEBUG off) on a throw-away database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.config.settings.local",
           "DJANGO_PROJECT": "portal", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "bench-portal-secret",
           "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite3'}",
           "SCORING_API_URL": api_url, "SCORING_API_TOKEN": api_token,
           "DJANGO_ADMIN_PASSWORD": password, "PORTAL_ADVISOR_PASSWORD": password}
    _manage(["migrate", "--noinput", "-v0"], env)
    _manage(["demo_setup"], env)
    with _gunicorn("portal.config.wsgi", env, free_port(), "/connexion/") as url:
        yield url


def login(portal_url: str, password: str = "bench-conseiller-pw") -> requests.Session:
    """A requests session logged in as the demo advisor through the real login form."""
    session = requests.Session()
    page = session.get(f"{portal_url}/connexion/", timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{portal_url}/connexion/", timeout=10, allow_redirects=False,
                          data={"username": ADVISOR, "password": password,
                                "csrfmiddlewaretoken": csrf},
                          headers={"Referer": f"{portal_url}/connexion/"})
    if answer.status_code != 302:
        raise RuntimeError(f"login failed ({answer.status_code})")
    return session


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure_client_page(portal_url: str, api_url: str, api_token: str, *,
                        requests_n: int) -> dict:
    """Time the client page (and, beside it, the API calls it makes) over real clients."""
    session = login(portal_url)
    api = requests.Session()
    api.headers["Authorization"] = f"Token {api_token}"
    ids: list[int] = []
    page = 1
    while len(ids) < requests_n:
        answer = api.get(f"{api_url}/clients", params={"page": page}, timeout=30).json()
        ids += [row["client_id"] for row in answer["results"]]
        if not answer.get("next"):
            break
        page += 1
    ids = (ids * (requests_n // max(len(ids), 1) + 1))[:requests_n]
    session.get(f"{portal_url}/clients/{ids[0]}/", timeout=30)  # warm-up (imports, pools)
    portal_ms, api_ms, errors = [], [], 0
    for client_id in tqdm(ids, desc="client page", unit="req"):
        started = time.perf_counter()
        response = session.get(f"{portal_url}/clients/{client_id}/", timeout=30)
        portal_ms.append((time.perf_counter() - started) * 1000)
        errors += response.status_code != 200
        started = time.perf_counter()  # the same API calls as the page, without the portal
        api.get(f"{api_url}/clients/{client_id}", timeout=30)
        score = api.get(f"{api_url}/score/{client_id}", timeout=30).json()
        if score.get("decision") == "refusé":
            api.get(f"{api_url}/score/{client_id}/recourse", timeout=30)
        api.get(f"{api_url}/clients/{client_id}/decisions", timeout=30)
        api_ms.append((time.perf_counter() - started) * 1000)
    return {
        "requests": len(ids),
        "errors": errors,
        "client_page_ms": {"p50": round(statistics.median(portal_ms), 1),
                           "p95": round(_percentile(portal_ms, 0.95), 1),
                           "mean": round(statistics.fmean(portal_ms), 1),
                           "max": round(max(portal_ms), 1)},
        "api_calls_ms": {"p50": round(statistics.median(api_ms), 1),
                         "p95": round(_percentile(api_ms, 0.95), 1)},
        "target_p95_ms": TARGET_MS,
        "meets_target": _percentile(portal_ms, 0.95) <= TARGET_MS and errors == 0,
    }


def main(out_dir: Path) -> dict:
    requests_n = int(os.environ.get("BENCH_PORTAL_REQUESTS", "200"))
    token = os.environ.get("SCORING_API_TOKEN") or "bench-portal-service-token-0123456789ab"
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as tmp:
        workdir = Path(tmp)
        live_url = os.environ.get("SCORING_API_URL")
        if live_url and _healthy(live_url):
            with portal_server(workdir, api_url=live_url, api_token=token) as portal_url:
                result = measure_client_page(portal_url, live_url, token, requests_n=requests_n)
            result["api"] = f"already running at {live_url}"
        else:
            with api_server(workdir, token=token) as api_url, \
                    portal_server(workdir, api_url=api_url, api_token=token) as portal_url:
                result = measure_client_page(portal_url, api_url, token, requests_n=requests_n)
            result["api"] = "started by the benchmark (gunicorn, 2 workers)"
    result["portal"] = "gunicorn, 2 workers, DEBUG off"
    return result


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/health", timeout=3).status_code == 200
    except requests.RequestException:
        return False


if __name__ == "__main__":
    import json

    print(json.dumps(main(Path(tempfile.gettempdir())), indent=2))
