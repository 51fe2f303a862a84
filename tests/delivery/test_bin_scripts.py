"""bin/web, bin/release, bin/pre_compile and bin/post_compile: executable, valid bash, strict mode, a clear failure
when DJANGO_PROJECT is unset or wrong, and the commands they hand over to (gunicorn, manage.py,
``python -m ml``), observed through stand-ins put first on PATH."""
from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

from ml.config import PROJECT_ROOT

from .conftest import PROJECTS

BIN = PROJECT_ROOT / "bin"
ENTRY_POINTS = ["web", "release", "pre_compile", "post_compile"]
PROCESSES = ["web", "release"]
# records its arguments and OMP_NUM_THREADS; when its arguments contain <word>, sleeps
# $STANDIN_SLEEP_<word> seconds and exits with $STANDIN_EXIT_<word> (e.g. STANDIN_EXIT_migrate=1)
STANDIN = """#!/usr/bin/env bash
echo "$(basename "$0") OMP=${OMP_NUM_THREADS:-unset}" \\
  "DSM=${DJANGO_SETTINGS_MODULE:-unset} $*" >> "$STANDIN_LOG"
for word in "$@"; do
  key="${word//[^A-Za-z0-9_]/_}"
  pause="STANDIN_SLEEP_${key}"
  if [ -n "${!pause:-}" ]; then sleep "${!pause}"; fi
  var="STANDIN_EXIT_${key}"
  if [ -n "${!var:-}" ]; then exit "${!var}"; fi
done
exit 0
"""


def bin_files() -> list[Path]:
    return sorted(path for path in BIN.iterdir() if path.is_file())


def run_script(name: str, tmp_path: Path,
               **env_vars: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run bin/<name> with gunicorn and python replaced by stand-ins; returns the result and the
    commands the script ran."""
    standins = tmp_path / "standins"
    standins.mkdir(exist_ok=True)
    for program in ("gunicorn", "python"):
        path = standins / program
        path.write_text(STANDIN)
        path.chmod(0o755)
    log = tmp_path / "commands.log"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "WEB_CONCURRENCY", "OMP_NUM_THREADS", "PORT"))}
    env.update(PATH=f"{standins}{os.pathsep}{env['PATH']}", STANDIN_LOG=str(log), **env_vars)
    result = subprocess.run([str(BIN / name)], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=30)
    commands = log.read_text().splitlines() if log.exists() else []
    return result, commands


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_entry_points_are_executable(name):
    assert (BIN / name).stat().st_mode & stat.S_IXUSR, f"bin/{name} is not executable (chmod +x)"


@pytest.mark.parametrize("path", bin_files(), ids=lambda path: path.name)
def test_scripts_are_valid_bash_in_strict_mode(path):
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    if path.name in ENTRY_POINTS:
        assert path.read_text().startswith("#!/usr/bin/env bash\n")
        assert "set -euo pipefail" in path.read_text()


@pytest.mark.parametrize("name", PROCESSES)
@pytest.mark.parametrize("value", [None, "", "scoring-api", "api"])
def test_a_missing_or_unknown_project_stops_with_a_clear_message(name, value, tmp_path):
    extra = {} if value is None else {"DJANGO_PROJECT": value}
    result, commands = run_script(name, tmp_path, **extra)
    assert result.returncode != 0
    assert "DJANGO_PROJECT" in result.stderr and "scoring_api portal" in result.stderr
    assert commands == [], "nothing may run without a valid project"


def test_settings_of_the_other_project_are_refused(tmp_path):
    result, commands = run_script("web", tmp_path, DJANGO_PROJECT="portal",
                                  DJANGO_SETTINGS_MODULE="scoring_api.config.settings.production")
    assert result.returncode != 0 and "does not belong" in result.stderr
    assert commands == []


@pytest.mark.parametrize("project", PROJECTS)
def test_web_starts_gunicorn_on_port_with_web_concurrency_workers(project, tmp_path):
    result, commands = run_script("web", tmp_path, DJANGO_PROJECT=project, PORT="5123",
                                  WEB_CONCURRENCY="3")
    assert result.returncode == 0, result.stderr
    [command] = commands
    words = shlex.split(command)
    assert words[0] == "gunicorn" and words[3] == f"{project}.config.wsgi"
    assert words[words.index("--bind") + 1] == "0.0.0.0:5123"
    assert words[words.index("--workers") + 1] == "3"
    assert f"DSM={project}.config.settings.production" in words
    # LightGBM in a web worker: one OpenMP thread for the API only
    assert ("OMP=1" in words) == (project == "scoring_api")


def test_make_prod_listens_on_this_machine_only(tmp_path):
    """A dyno listens on every address (its router connects from outside); `make prod`, the
    production-like demo on a workstation, on 127.0.0.1 only (Procfile.prod sets WEB_HOST)."""
    result, [command] = run_script("web", tmp_path, DJANGO_PROJECT="portal", PORT="5124",
                                   WEB_HOST="127.0.0.1")
    assert result.returncode == 0, result.stderr
    words = shlex.split(command)
    assert words[words.index("--bind") + 1] == "127.0.0.1:5124"
    processes = (PROJECT_ROOT / "Procfile.prod").read_text().splitlines()
    assert len(processes) == 2 and all("WEB_HOST=127.0.0.1" in line for line in processes)


@pytest.mark.parametrize("project", PROJECTS)
def test_release_checks_then_migrates(project, tmp_path):
    result, commands = run_script("release", tmp_path, DJANGO_PROJECT=project)
    assert result.returncode == 0, result.stderr
    manage = [line.split(" manage.py ", 1)[1] for line in commands if " manage.py " in line]
    assert manage == ["check --deploy --fail-level WARNING", "migrate --noinput"]
    champion_checked = any("-m ml models --check-champion" in line for line in commands)
    assert champion_checked == (project == "scoring_api")


def test_release_runs_demo_setup_only_when_asked(tmp_path):
    (tmp_path / "default").mkdir()
    (tmp_path / "asked").mkdir()
    _, by_default = run_script("release", tmp_path / "default", DJANGO_PROJECT="portal")
    _, asked = run_script("release", tmp_path / "asked", DJANGO_PROJECT="portal",
                          RELEASE_DEMO_SETUP="1")
    assert not any("demo_setup" in line for line in by_default)
    assert any(line.endswith("manage.py demo_setup") for line in asked)


def test_release_only_warns_without_a_champion(tmp_path):
    result, _ = run_script("release", tmp_path, DJANGO_PROJECT="scoring_api",
                           STANDIN_EXIT___check_champion="1")
    assert result.returncode == 0, result.stderr
    assert "WARNING: no champion model" in result.stderr


def test_release_does_not_wait_long_for_an_unreachable_registry(tmp_path):
    result, _ = run_script("release", tmp_path, DJANGO_PROJECT="scoring_api",
                           RELEASE_MODEL_CHECK_TIMEOUT="1", STANDIN_SLEEP___check_champion="20")
    assert result.returncode == 0, result.stderr
    assert "WARNING: no champion model" in result.stderr


@pytest.mark.parametrize("failing", ["migrate", "--deploy"])
def test_release_fails_when_a_django_step_fails(failing, tmp_path):
    variable = "STANDIN_EXIT_" + "".join(c if c.isalnum() or c == "_" else "_" for c in failing)
    result, commands = run_script("release", tmp_path, DJANGO_PROJECT="portal", **{variable: "3"})
    assert result.returncode == 3
    if failing == "--deploy":
        assert not any("migrate" in line for line in commands), "no migration after a failed check"


FEATURE_FILES = ["features_train.parquet", "features_test.parquet", "clients.parquet",
                 "feature_dictionary.json"]


def run_post_compile(build_dir: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """bin/post_compile run from a copy in ``build_dir`` (it writes beside itself, in the slug)."""
    (build_dir / "bin").mkdir(parents=True, exist_ok=True)
    shutil.copy2(BIN / "post_compile", build_dir / "bin" / "post_compile")
    env = {key: value for key, value in os.environ.items()
           if key not in ("DJANGO_PROJECT", "FEATURES_DIR", "FEATURES_ARCHIVE_URL")}
    return subprocess.run([str(build_dir / "bin" / "post_compile")], env={**env, **env_vars},
                          capture_output=True, text=True, timeout=60)


def features_archive(tmp_path: Path, names: list[str]) -> str:
    source = tmp_path / "features-source"
    source.mkdir()
    archive = tmp_path / "features.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in names:
            (source / name).write_text(f"content of {name}")
            tar.add(source / name, arcname=name)
    return archive.as_uri()


def test_post_compile_unpacks_the_feature_tables_for_the_api(tmp_path):
    build = tmp_path / "build"
    result = run_post_compile(build, DJANGO_PROJECT="scoring_api",
                              FEATURES_ARCHIVE_URL=features_archive(tmp_path, FEATURE_FILES))
    assert result.returncode == 0, result.stderr
    for name in FEATURE_FILES:
        assert (build / "data" / "features" / name).read_text() == f"content of {name}"


def test_post_compile_fails_on_an_incomplete_archive(tmp_path):
    result = run_post_compile(tmp_path / "build", DJANGO_PROJECT="scoring_api",
                              FEATURES_ARCHIVE_URL=features_archive(tmp_path, FEATURE_FILES[:2]))
    assert result.returncode != 0
    assert "clients.parquet is not in the archive" in result.stderr


def test_post_compile_only_warns_without_an_archive_and_skips_the_portal(tmp_path):
    api = run_post_compile(tmp_path / "api", DJANGO_PROJECT="scoring_api")
    assert api.returncode == 0 and "FEATURES_ARCHIVE_URL is not set" in api.stderr
    portal = run_post_compile(tmp_path / "portal", DJANGO_PROJECT="portal",
                              FEATURES_ARCHIVE_URL="file:///nonexistent.tar.gz")
    assert portal.returncode == 0, portal.stderr
    assert not (tmp_path / "portal" / "data").exists()


def run_pre_compile(build_dir: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """bin/pre_compile run from a copy of the repository's requirement files in ``build_dir``."""
    (build_dir / "bin").mkdir(parents=True, exist_ok=True)
    shutil.copy2(BIN / "pre_compile", build_dir / "bin" / "pre_compile")
    for name in ("requirements.txt", "requirements-portal.txt"):
        shutil.copy2(PROJECT_ROOT / name, build_dir / name)
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_PROJECT"}
    return subprocess.run([str(build_dir / "bin" / "pre_compile")], env={**env, **env_vars},
                          capture_output=True, text=True, timeout=60)


def test_pre_compile_gives_the_portal_its_own_requirements(tmp_path):
    result = run_pre_compile(tmp_path, DJANGO_PROJECT="portal")
    assert result.returncode == 0, result.stderr
    installed = (tmp_path / "requirements.txt").read_text()
    assert installed == (PROJECT_ROOT / "requirements-portal.txt").read_text()
    assert "lightgbm" not in installed.lower() and "mlflow" not in installed.lower()


@pytest.mark.parametrize("project", ["scoring_api", None])
def test_pre_compile_keeps_the_full_requirements_otherwise(project, tmp_path):
    result = run_pre_compile(tmp_path, **({"DJANGO_PROJECT": project} if project else {}))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "requirements.txt").read_text() == \
        (PROJECT_ROOT / "requirements.txt").read_text()
