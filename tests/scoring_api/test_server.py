"""The API as it runs in production: gunicorn with two workers, real HTTP, concurrent callers,
on the embedded SQLite database and on PostgreSQL (the production database path). Every
request answers and every prediction is stored: none lost under concurrency."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import requests

from bench.api import event_count
from bench.portal import api_server

pytestmark = [pytest.mark.slow]
TOKEN = "server-test-token-0123456789abcdef"
POSTGRES = os.environ.get("TEST_POSTGRES_URL") or os.environ.get(
    "POSTGRES_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REQUESTS = 120


def _postgres_database() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES}: {error}")
    name = f"scoring_api_test_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'api.sqlite3'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def live_api(registered_model, database_url: str, tmp_path: Path) -> Iterator[str]:
    env = {"FEATURES_DIR": str(registered_model.features_dir), "SCORES_DIR": str(tmp_path),
           "MODEL_URI": registered_model.uri,
           "MLFLOW_TRACKING_URI": registered_model.tracking_uri}
    with api_server(tmp_path, token=TOKEN, extra_env=env, database_url=database_url) as url:
        yield url


def test_concurrent_callers_are_all_answered_and_logged(live_api, database_url,
                                                        registered_model):
    clients = pd.read_parquet(registered_model.features_dir / "clients.parquet")
    ids = clients["SK_ID_CURR"].head(REQUESTS // 2).tolist()
    session = requests.Session()
    session.headers["Authorization"] = f"Token {TOKEN}"

    def call(i: int) -> tuple[int, dict]:
        client_id = ids[i % len(ids)]
        if i % 2:
            response = session.post(f"{live_api}/score", json={"base_client_id": client_id,
                                                               "AMT_CREDIT": 100000 + i},
                                    timeout=60)
        else:
            response = session.get(f"{live_api}/score/{client_id}", timeout=60)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(call, range(REQUESTS)))
    assert [status for status, _ in answers] == [200] * REQUESTS
    first = [body for status, body in answers[0::2]]
    again = [session.get(f"{live_api}/score/{b['client_id']}", timeout=60).json() for b in first[:5]]
    assert [a["probability_default"] for a in again] == [b["probability_default"] for b in first[:5]]
    assert event_count(database_url) == REQUESTS + 5


def test_production_errors_are_json_without_a_trace(live_api):
    missing = requests.get(f"{live_api}/score/1", timeout=30)
    assert missing.status_code == 401 and "Traceback" not in missing.text
    headers = {"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"}
    broken = requests.post(f"{live_api}/score", data="{oops", headers=headers, timeout=30)
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "parse_error"
    nowhere = requests.get(f"{live_api}/no/such/page", headers=headers, timeout=30)
    assert nowhere.status_code == 404 and nowhere.json()["error"]["status"] == 404


@pytest.mark.postgres
@pytest.mark.parametrize("setting, expected", [(None, "off"), ("on", "on")])
def test_postgres_event_commits_follow_the_durability_setting(setting, expected):
    """SQLite's WAL durability by default (no disk flush awaited per event), full on request."""
    import subprocess
    import sys

    database = _postgres_database()
    url = next(database)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "scoring_api.config.settings.local",
           "DATABASE_URL": url}
    env.pop("POSTGRES_SYNCHRONOUS_COMMIT", None)
    if setting:
        env["POSTGRES_SYNCHRONOUS_COMMIT"] = setting
    try:
        shown = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from django.db import connection\n"
             "with connection.cursor() as c:\n"
             "    c.execute('SHOW synchronous_commit'); print(c.fetchone()[0])"],
            env=env, capture_output=True, text=True, timeout=120, check=True)
    finally:
        database.close()
    assert shown.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_limits_over_real_http(live_api, database_url):
    """Under gunicorn (issue 13, #8 #9): a 10 MB body is a JSON 413 naming the limit, answered
    without reading it to the end; 5,000 nested arrays a JSON 400, every time."""
    headers = {"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"}
    big = b'{"AMT_INCOME_TOTAL": 100000, "pad": "' + b"x" * 10_000_000 + b'"}'
    answer = requests.post(f"{live_api}/score", data=big, headers=headers, timeout=60)
    assert answer.status_code == 413
    assert answer.json()["error"]["message"].startswith("Corps de requête trop volumineux : 1 Mo")
    nested = "[" * 5000 + "]" * 5000
    for _ in range(5):
        answer = requests.post(f"{live_api}/score", data=nested, headers=headers, timeout=60)
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "parse_error"
