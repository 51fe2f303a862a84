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


STRONG = {"DEMO_ADMIN_PASSWORD": "Vq7-ripple-Anchor-93", "DEMO_ADVISOR_PASSWORD": "Ml4-harbor-Quiet-61"}


@pytest.mark.parametrize(("setting", "password", "variable"), [
    ("DEMO_ADMIN_PASSWORD", "admin", "DJANGO_ADMIN_PASSWORD"),  # the README's demo login
    ("DEMO_ADVISOR_PASSWORD", "conseiller", "PORTAL_ADVISOR_PASSWORD"),
    ("DEMO_ADVISOR_PASSWORD", "12345678901", "PORTAL_ADVISOR_PASSWORD"),  # numeric
    ("DEMO_ADVISOR_PASSWORD", "password123", "PORTAL_ADVISOR_PASSWORD"),  # common
    ("DEMO_ADVISOR_PASSWORD", "Xy7-q", "PORTAL_ADVISOR_PASSWORD"),  # too short
])
def test_production_demo_setup_refuses_demo_and_weak_passwords(db, settings, setting, password,
                                                               variable):
    settings.DEMO_SECRETS_CHECKED = True  # as django_common/settings/production.py sets it
    for name, value in STRONG.items():
        setattr(settings, name, value)
    setattr(settings, setting, password)
    with pytest.raises(CommandError, match=variable) as refused:
        call_command("demo_setup")
    assert password not in str(refused.value)  # the message never repeats a secret
    assert not get_user_model().objects.exists()


def test_production_demo_setup_accepts_strong_passwords(db, settings):
    settings.DEMO_SECRETS_CHECKED = True
    for name, value in STRONG.items():
        setattr(settings, name, value)
    call_command("demo_setup")
    assert get_user_model().objects.get(username="conseiller").check_password(
        STRONG["DEMO_ADVISOR_PASSWORD"])


def test_the_production_settings_check_the_demo_secrets(tmp_path):
    """The real production settings module, as `make prod` and a Heroku release run it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env = {**clean, "DJANGO_PROJECT": "portal", "DJANGO_SECRET_KEY": "x7!" * 20 + "q-Key",
           "DJANGO_ALLOWED_HOSTS": "localhost", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
           "DJANGO_ADMIN_PASSWORD": "admin", "PORTAL_ADVISOR_PASSWORD": "conseiller"}
    result = subprocess.run(
        [sys.executable, "manage.py", "demo_setup", "--settings=portal.config.settings.production"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "DJANGO_ADMIN_PASSWORD : mot de passe de démonstration public" in result.stderr
    assert "PORTAL_ADVISOR_PASSWORD" in result.stderr
