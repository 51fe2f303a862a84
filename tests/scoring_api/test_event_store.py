"""The prediction event's fast path on PostgreSQL (scoring_api/scoring/event_store.py): one
prepared INSERT writes exactly the row the ORM writes, and a connection the server closed is
replaced once instead of losing the event. Against the real PostgreSQL of this machine."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.django_shell import shell_result
from tests.scoring_api.test_server import _postgres_database

pytestmark = [pytest.mark.postgres]

SCRIPT = r"""
import json
import psycopg
from django.db import connection
from scoring_api.scoring import event_store
from scoring_api.scoring.models import PredictionEvent

base = dict(endpoint="score_client", client_id=7, model_name="credit-scoring",
            model_version="3", probability_default=0.25, decision="refusé", threshold=0.2,
            latency_ms=1.5, features={"EXT_SOURCE_2": 0.5, "AMT_CREDIT": None, "X": -2.0})
cases = [base, {**base, "endpoint": "score_application", "client_id": None,
                "input_hash": "ab" * 32, "simulation": True, "source": "realtime"},
         {**base, "challenger_model_version": "4", "challenger_probability_default": 0.3,
          "challenger_threshold": 0.21, "challenger_latency_ms": 0.2}]
out = {"pairs": []}
for fields in cases:
    event_store.record(**fields)
    fast = PredictionEvent.objects.order_by("-id").values().first()
    PredictionEvent.objects.create(**fields)
    orm = PredictionEvent.objects.order_by("-id").values().first()
    out["pairs"].append([{k: v for k, v in row.items() if k not in ("id", "created_at")}
                         for row in (fast, orm)])
    out.setdefault("fast_created_at", str(fast["created_at"]))
with connection.cursor() as cursor:
    cursor.execute("SELECT statement FROM pg_prepared_statements")
    out["prepared"] = [row[0].split(" (")[0] for row in cursor.fetchall()]
    cursor.execute("SELECT attcompression FROM pg_attribute WHERE attname = 'features' AND "
                   "attrelid = 'scoring_predictionevent'::regclass")
    out["compression"] = cursor.fetchone()[0]
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
# the server closes this worker's connection (a restart or failover would)
with psycopg.connect(DSN, autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
event_store.record(**base)
out["after_kill"] = PredictionEvent.objects.count()
print("RESULT " + json.dumps(out, default=str))
"""


def _run(url: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "scoring_api.config.settings.local",
           "DJANGO_PROJECT": "scoring_api", "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env,
                   check=True, capture_output=True, timeout=300)
    return shell_result(env, f"DSN = {url!r}\n" + SCRIPT)


@pytest.fixture(scope="module")
def stored() -> dict:
    database = _postgres_database()
    url = next(database)
    try:
        yield _run(url)
    finally:
        database.close()


def test_the_prepared_insert_writes_the_row_the_orm_writes(stored):
    for fast, orm in stored["pairs"]:
        assert fast == orm
    assert stored["pairs"][0][0]["features"] == {"EXT_SOURCE_2": 0.5, "AMT_CREDIT": None,
                                                 "X": -2.0}
    assert stored["pairs"][2][0]["challenger_model_version"] == "4"
    assert stored["fast_created_at"] not in ("None", "")


def test_postgres_uses_the_prepared_statement(stored):
    assert set(stored["prepared"]) == {'INSERT INTO "scoring_predictionevent"'}


def test_a_connection_closed_by_the_server_loses_no_event(stored):
    # 3 fast + 3 ORM rows, then one more recorded on a new connection after the kill
    assert stored["after_kill"] == 7


def test_the_model_inputs_are_compressed_with_lz4(stored):
    """Migration 0003: lz4 instead of pglz (PostgreSQL 14+, built with lz4 as Debian's is)."""
    assert stored["compression"] == "l"
