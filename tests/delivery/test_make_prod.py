"""`make prod-check`: both apps under gunicorn with their production settings, on free ports and
fresh databases, serving the session's registered model; an advisor logs in and opens a client."""
from __future__ import annotations

import os
import subprocess

import pytest

from bench.portal import free_port
from ml.config import PROJECT_ROOT

pytestmark = pytest.mark.slow


def test_make_prod_serves_both_apps(registered_model, tmp_path):
    env = {**os.environ, "API_PORT": str(free_port()), "PORTAL_PORT": str(free_port()),
           "API_DATABASE_URL": f"sqlite:///{tmp_path / 'api.sqlite3'}",
           "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
           "MODEL_URI": registered_model.uri, "MLFLOW_TRACKING_URI": registered_model.tracking_uri,
           "FEATURES_DIR": str(registered_model.features_dir),
           "SCORES_DIR": str(tmp_path / "scores")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(["make", "--no-print-directory", "prod-check"], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "ok   advisor login, search" in result.stdout
    # its secrets were generated (never the demo's public ones, which demo_setup would refuse)
    secrets_file = PROJECT_ROOT / "db" / ".prod-secrets.env"
    assert f"{secrets_file} (generated once" in result.stdout
    values = dict(line.split("=", 1) for line in secrets_file.read_text().splitlines())
    assert set(values) == {"DJANGO_ADMIN_PASSWORD", "PORTAL_ADVISOR_PASSWORD", "SCORING_API_TOKEN"}
    assert values["DJANGO_ADMIN_PASSWORD"] != "admin" and len(values["SCORING_API_TOKEN"]) == 40
    assert secrets_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert (tmp_path / "api.sqlite3").exists() and (tmp_path / "portal.sqlite3").exists()
