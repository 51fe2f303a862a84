"""Helpers of the delivery tests: the repository root, a production-like environment for a Django
project, and a skip for the scoring API while its production project is incomplete."""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import pytest

from ml.config import PROJECT_ROOT

PROJECTS = ("scoring_api", "portal")
VENV_BIN = Path(sys.executable).parent
# files without which a project cannot be served in production
REQUIRED_PROJECT_FILES = ("config/settings/production.py", "config/urls.py", "config/wsgi.py")


def require_project(project: str) -> None:
    """Skip, with the reason, when a project's production files are not in the tree yet."""
    missing = [name for name in REQUIRED_PROJECT_FILES
               if not (PROJECT_ROOT / project / name).is_file()]
    if missing:
        pytest.skip(f"{project} is not deployable yet: missing {', '.join(missing)}")


def production_env(project: str, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of a Heroku dyno of ``project``: production settings, a 60-character
    random secret, SQLite in ``workdir`` instead of Heroku Postgres, an empty MLflow registry."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update({
        "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        "DJANGO_PROJECT": project,
        "DJANGO_SETTINGS_MODULE": f"{project}.config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(45)[:60],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,example.herokuapp.com",
        "DATABASE_URL": f"sqlite:///{workdir / f'{project}.sqlite3'}",
        "MLFLOW_TRACKING_URI": f"sqlite:///{workdir / 'mlruns.db'}",
        "MLFLOW_ARTIFACT_ROOT": str(workdir / "mlartifacts"),
        **extra,
    })
    return env


@pytest.fixture(params=PROJECTS)
def project(request: pytest.FixtureRequest) -> str:
    """Each Django project of the repository, skipped while it is not deployable yet."""
    require_project(request.param)
    return request.param
