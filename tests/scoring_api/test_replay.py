"""A production you can replay, end to end (issue 15 item 6): the API runs under gunicorn on the
session's registered model; ``simulate-production`` sends application_test through it over
HTTP, ``manage.py monitor`` runs, the outcomes drawn from the generator's true risk are
imported through ``POST /outcomes`` and ``monitor`` runs again. The performance alert fires on
the degraded replay only: first on the estimate, then on realized outcomes. The faithful replay
runs on PostgreSQL (the production database path), the degraded one on SQLite."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.replay import replay
from tests.scoring_api.test_server import _postgres_database

pytestmark = [pytest.mark.slow]


@pytest.fixture
def postgres_url():
    database = _postgres_database()
    url = next(database)
    yield url
    database.close()


def test_the_alert_fires_on_the_degraded_replay_only(registered_model, synthetic_data_dir, tmp_path: Path,
                                                     monkeypatch, postgres_url):
    for name, value in {"MONITORING_MIN_OUTCOMES": "100", "MONITORING_MIN_EVENTS": "30"}.items():
        monkeypatch.setenv(name, value)
    server_env = {"FEATURES_DIR": str(registered_model.features_dir), "MODEL_URI": registered_model.uri,
                  "MLFLOW_TRACKING_URI": registered_model.tracking_uri,
                  "MONITORING_FEATURES_DIR": str(registered_model.features_dir),
                  "SCORES_DIR": str(tmp_path / "scores"), "CHALLENGER_MODEL_URI": ""}
    result = replay(workdir=tmp_path, data_dir=synthetic_data_dir, server_env=server_env, seed=11,
                    database_url_for=lambda scenario: postgres_url if scenario == "faithful" else None)
    print(json.dumps(result, indent=1, default=str))
    faithful, degraded = result["faithful"], result["degraded"]
    assert faithful["traffic"]["answered"] == faithful["traffic"]["sent"] > 300
    assert faithful["imported"]["created"] == faithful["traffic"]["sent"]
    assert faithful["estimate"]["alerts"] == [] and faithful["realized"]["alerts"] == []
    assert [m["kind"] for m in faithful["realized"]["measures"]] == ["estimated", "realized"]
    assert degraded["alert_on_estimate"] and degraded["alert_on_realized"]
    assert not any(k.startswith("realized_") for k in degraded["estimate"]["alerts"])  # no outcome yet
    assert result["ok"]

    # the methodology note reports the replay from reports/bench/replay.json
    import shutil

    from reporting.generate import generate

    reports = tmp_path / "reports"
    (reports / "bench").mkdir(parents=True)
    shutil.copy(registered_model.reports_dir / "results.json", reports / "results.json")
    (reports / "bench" / "replay.json").write_text(json.dumps(result, default=str))
    note = generate(reports, tmp_path / "docs", local=False)["note"].read_text(encoding="utf-8")
    section = note.split("### Suivi de la performance et rejeu de production", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith(("| fidèle", "| dégradé"))]
    assert len(rows) == 2 and "| aucune | aucune |" in rows[0] and "estimated_cost" in rows[1]
    assert "se déclenche sur le rejeu dégradé seulement" in section
