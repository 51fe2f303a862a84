"""The scoring API as deployed: ``bin/web`` (gunicorn, production settings, the workers and
hooks of gunicorn.conf.py) on a free port, serving the session's registered model, with two
service tokens of random user ids (cache keys never meet another run's on a shared Redis)."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.portal import free_port
from ml.config import PROJECT_ROOT
from tests.delivery.conftest import production_env

SETUP = """
import sys
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
for pk, key in ((int(sys.argv[1]), sys.argv[2]), (int(sys.argv[1]) + 1, sys.argv[3])):
    user = get_user_model().objects.create(pk=pk, username=f"service-{pk}")
    Token.objects.create(user=user, key=key)
"""


@dataclass
class Server:
    url: str
    env: dict[str, str]
    tokens: tuple[str, str]
    log: Path


def manage_shell(env: dict[str, str], code: str, *args: str) -> None:
    """``manage.py shell -c code`` with ``sys.argv[1:] == args``."""
    code = f"import sys; sys.argv = {['shell', *args]!r}\n" + code
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def deployed_api(registered_model, workdir: Path, *, features_dir: Path | None = None,
                 **extra: str | None) -> Iterator[Server]:
    """Yields the running server once ``/health`` answers (200, or 503 without a usable model
    when ``features_dir`` holds damaged files); a value None removes that variable."""
    port = free_port()
    settings = {"PORT": str(port), "WEB_CONCURRENCY": "2", "API_TOKEN_CACHE_SECONDS": "60",
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "MLFLOW_TRACKING_URI": registered_model.tracking_uri,
                "MODEL_URI": registered_model.uri,
                "FEATURES_DIR": str(features_dir or registered_model.features_dir),
                "SCORES_DIR": str(workdir / "scores")}
    settings.update({key: value for key, value in extra.items() if value is not None})
    env = production_env("scoring_api", workdir, **settings)
    for key in [key for key, value in extra.items() if value is None]:
        env.pop(key, None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=PROJECT_ROOT,
                   env=env, check=True, capture_output=True, timeout=300)
    first = random.randrange(10**6, 10**9)
    tokens = (f"limit-{first}-".ljust(40, "a"), f"revoke-{first}-".ljust(40, "b"))
    manage_shell(env, SETUP, str(first), *tokens)
    log_path = workdir / "web.log"
    log = log_path.open("w")
    process = subprocess.Popen(["bin/web"], cwd=PROJECT_ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log_path.read_text()[-3000:]
            try:
                if requests.get(f"{url}/health", timeout=5).status_code in (200, 503):
                    break
            except requests.RequestException:  # not listening yet, or the master still loading
                pass
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.3)
        yield Server(url, env, tokens, log_path)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
