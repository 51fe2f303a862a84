"""``manage.py check --deploy`` passes, warnings included, for both projects' production
settings, in a subprocess with the environment of a Heroku dyno."""
from __future__ import annotations

import subprocess
import sys

from ml.config import PROJECT_ROOT

from .conftest import production_env


def test_check_deploy_passes_with_production_settings(project, tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT, env=production_env(project, tmp_path), capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(project, tmp_path):
    env = production_env(project, tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
