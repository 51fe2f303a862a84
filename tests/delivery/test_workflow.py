"""The GitHub Actions workflow: valid for actionlint, and wired as docs/deployment.md says
(tests on every push, deploy of both Heroku apps from main after the tests, manual benchmarks)."""
from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from ml.config import PROJECT_ROOT

from .conftest import VENV_BIN

WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "ci.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True
    return workflow.get("on", workflow.get(True))


def _uses(step: dict, action: str) -> bool:
    return str(step.get("uses", "")).startswith(f"{action}@")


def _all_text(job: dict) -> str:
    return yaml.safe_dump(job, allow_unicode=True)


def test_actionlint_finds_no_problem():
    in_venv = VENV_BIN / "actionlint"
    actionlint = str(in_venv) if in_venv.exists() else shutil.which("actionlint")
    if not actionlint:
        pytest.skip("actionlint not installed (pinned in requirements-dev.txt: make venv)")
    result = subprocess.run([actionlint, "-no-color", str(WORKFLOW)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_runs_on_push_pull_request_and_by_hand(workflow):
    triggers = _triggers(workflow)
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)
    assert "main" in triggers["push"]["branches"]


def test_test_job_runs_make_test_with_postgres_and_keeps_the_reports(workflow):
    job = workflow["jobs"]["test"]
    assert "postgres" in job["services"]
    assert job["env"]["CI"] == "true"
    runs = [step.get("run", "") for step in job["steps"]]
    assert any(run.strip().startswith("make test") for run in runs)
    uploads = [step for step in job["steps"] if _uses(step, "actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"].rstrip("/") == "reports"
    assert uploads[0].get("if") == "always()"


def test_test_job_takes_python_from_runtime_txt(workflow):
    steps = workflow["jobs"]["test"]["steps"]
    setup = next(step for step in steps if _uses(step, "actions/setup-python"))
    version_step = next(step for step in steps if "runtime.txt" in step.get("run", ""))
    assert version_step["id"] in setup["with"]["python-version"]


def test_deploy_job_deploys_both_apps_from_main_after_the_tests(workflow):
    job = workflow["jobs"]["deploy"]
    needs = job["needs"] if isinstance(job["needs"], list) else [job["needs"]]
    assert "test" in needs
    assert "refs/heads/main" in job["if"] and "push" in job["if"]
    projects = {row["project"]: row["app_secret"] for row in job["strategy"]["matrix"]["include"]}
    assert projects == {"scoring_api": "HEROKU_API_APP", "portal": "HEROKU_PORTAL_APP"}
    text = _all_text(job)
    assert "secrets.HEROKU_API_KEY" in text
    assert "git.heroku.com" in text
    assert "DJANGO_PROJECT" in text and "config-vars" in text


def test_checkout_for_heroku_has_the_whole_history(workflow):
    """Heroku refuses a push from a shallow clone."""
    checkout = next(step for step in workflow["jobs"]["deploy"]["steps"]
                    if _uses(step, "actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0


def test_bench_job_runs_only_by_hand(workflow):
    job = workflow["jobs"]["bench"]
    assert "workflow_dispatch" in job["if"]
    assert any("make bench" in step.get("run", "") for step in job["steps"])
