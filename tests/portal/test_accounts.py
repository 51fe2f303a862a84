"""demo_setup (idempotent, no default password outside local settings) and deploy checks."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from ml.config import PROJECT_ROOT


def test_demo_setup_is_idempotent(db, settings):
    call_command("demo_setup")
    call_command("demo_setup")
    users = get_user_model().objects
    assert users.count() == 2
    admin = users.get(username="admin")
    advisor = users.get(username="conseiller")
    assert admin.is_superuser and admin.check_password(settings.DEMO_ADMIN_PASSWORD)
    assert not advisor.is_staff and advisor.check_password(settings.DEMO_ADVISOR_PASSWORD)
    assert list(advisor.groups.values_list("name", flat=True)) == ["advisor"]


def test_demo_setup_refuses_without_passwords(db, settings):
    settings.DEMO_ADMIN_PASSWORD = None
    settings.DEMO_ADVISOR_PASSWORD = ""
    with pytest.raises(CommandError, match="DJANGO_ADMIN_PASSWORD, PORTAL_ADVISOR_PASSWORD"):
        call_command("demo_setup")


def _check(settings_module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING",
         f"--settings={settings_module}"],
        cwd=PROJECT_ROOT, env={**clean, "DJANGO_PROJECT": "portal", **env},
        capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy():
    result = _check("portal.config.settings.production",
                    DJANGO_SECRET_KEY="x7!" * 20 + "q-Long-Random-Secret-Key",
                    DJANGO_ALLOWED_HOSTS="portal.example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_need_a_secret_key():
    result = _check("portal.config.settings.production", DJANGO_ALLOWED_HOSTS="portal.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_migrate_works_on_a_fresh_clone_without_a_db_folder(tmp_path):
    """SQLite does not create the folder of its file: the settings must (``make migrate``)."""
    database = tmp_path / "db" / "portal.sqlite3"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0",
         "--settings=portal.config.settings.local"],
        cwd=PROJECT_ROOT, env={**clean, "DJANGO_PROJECT": "portal",
                               "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert database.is_file() and database.stat().st_size > 0
