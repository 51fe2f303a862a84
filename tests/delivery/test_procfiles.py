"""Procfile (Heroku), Procfile.dev (`make demo` through honcho) and app.json (Heroku manifest):
they parse and name scripts, modules and settings that exist."""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess

import pytest

from ml.config import PROJECT_ROOT

from .conftest import PROJECTS, VENV_BIN

LINE = re.compile(r"^(?P<name>[A-Za-z0-9_-]+):\s*(?P<command>.+)$")


def parse_procfile(name: str) -> dict[str, str]:
    """``{process: command}``; any line that is neither blank, a comment nor ``name: command``
    fails the test."""
    processes = {}
    lines = (PROJECT_ROOT / name).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = LINE.match(line)
        assert match, f"{name}:{number} is not 'process: command': {line!r}"
        assert match["name"] not in processes, f"{name}: process {match['name']} twice"
        processes[match["name"]] = match["command"].strip()
    return processes


def test_procfile_runs_bin_web_and_bin_release():
    processes = parse_procfile("Procfile")
    assert processes == {"web": "bin/web", "release": "bin/release"}
    for command in processes.values():
        script = PROJECT_ROOT / command
        assert script.is_file(), f"{command} is missing"


@pytest.mark.parametrize("project", PROJECTS)
def test_the_wsgi_module_bin_web_serves_exists(project):
    assert "${DJANGO_PROJECT}.config.wsgi" in (PROJECT_ROOT / "bin" / "web").read_text()
    assert importlib.util.find_spec(f"{project}.config") is not None
    assert (PROJECT_ROOT / project / "config" / "wsgi.py").is_file()


def test_procfile_dev_runs_both_servers_on_their_ports():
    processes = parse_procfile("Procfile.dev")
    assert set(processes) == {"api", "portal"}
    expected = {"api": ("scoring_api", "${API_PORT:-8000}"),
                "portal": ("portal", "${PORTAL_PORT:-8001}")}
    for name, (project, port) in expected.items():
        command = processes[name]
        assert f"DJANGO_PROJECT={project} " in command
        assert ".venv/bin/python manage.py runserver" in command
        assert command.endswith(port)
    assert (PROJECT_ROOT / "manage.py").is_file()
    # the portal calls the API on the port the API was started on
    assert "${API_PORT:-8000}" in processes["portal"].split("runserver")[0]


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.dev"])
def test_honcho_accepts_the_procfile(procfile):
    result = subprocess.run([str(VENV_BIN / "honcho"), "-f", procfile, "check"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    detected = re.search(r"Valid procfile detected \((?P<names>[^)]*)\)", output)
    assert detected, output
    assert set(detected["names"].split(", ")) == set(parse_procfile(procfile))


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((PROJECT_ROOT / "app.json").read_text(encoding="utf-8"))


def test_app_json_builds_with_the_python_buildpack_and_postgres(manifest):
    assert [pack["url"] for pack in manifest["buildpacks"]] == ["heroku/python"]
    assert manifest["formation"]["web"]["quantity"] >= 1
    plans = [addon["plan"] if isinstance(addon, dict) else addon for addon in manifest["addons"]]
    assert any(plan.startswith("heroku-postgresql") for plan in plans)
    assert manifest["scripts"]


def test_app_json_env_describes_every_variable_and_generates_the_secret(manifest):
    env = manifest["env"]
    assert env["DJANGO_SECRET_KEY"]["generator"] == "secret"
    assert env["DJANGO_PROJECT"]["value"] in PROJECTS
    project = env["DJANGO_PROJECT"]["value"]
    assert env["DJANGO_SETTINGS_MODULE"]["value"] == f"{project}.config.settings.production"
    for name, spec in env.items():
        assert spec.get("description"), f"app.json env {name} has no description"


def test_app_json_names_the_variables_the_production_settings_read(manifest):
    """Every DJANGO_* variable that production settings require without default is declared
    (the production settings both projects share, and each project's own)."""
    required = set()
    for folder in ("django_common", *PROJECTS):
        for path in (PROJECT_ROOT / folder).rglob("settings/production.py"):
            required |= set(re.findall(r'env(?:\.\w+)?\("(DJANGO_\w+)"\)', path.read_text()))
    assert required, "no required variable found in the production settings"
    assert required <= set(manifest["env"]), required - set(manifest["env"])
