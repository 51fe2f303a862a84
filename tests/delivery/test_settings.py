"""Configuration has one home per project and docs/deployment.md says what each variable is:
every environment variable the settings, the pipeline or the Heroku scripts read is in its
tables, and nothing is documented that nothing reads. The pipeline's table is generated from
``ml.config`` (``python -m ml config --markdown``) and must be its exact output."""
from __future__ import annotations

import ast
import re
import subprocess
import sys

from ml.config import PROJECT_ROOT, VARIABLES

DOC = PROJECT_ROOT / "docs" / "deployment.md"
SETTINGS_FOLDERS = ("django_common/settings", "scoring_api/config/settings", "portal/config/settings")
HEROKU_SCRIPTS = ("bin/web", "bin/release", "bin/pre_compile", "bin/post_compile", "bin/django-project.sh")
SCRIPT_LOCALS = {"BASH_SOURCE", "DJANGO_PROJECTS", "PWD"}
SET_BY_HEROKU = {"PORT"}


def settings_variables() -> set[str]:
    """Names passed to ``env(...)``, ``env.bool(...)``... in the settings modules that run on
    a dyno (``base`` and ``production``; ``local`` and ``test`` never do)."""
    names = set()
    for folder in SETTINGS_FOLDERS:
        for path in [PROJECT_ROOT / folder / f"{name}.py" for name in ("base", "production")]:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                    continue
                function = node.func
                is_env = (isinstance(function, ast.Name) and function.id == "env") or (
                    isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name)
                    and function.value.id == "env")
                if is_env and isinstance(node.args[0].value, str):
                    names.add(node.args[0].value)
    return names


def script_variables() -> set[str]:
    names = set()
    for script in HEROKU_SCRIPTS:
        text = (PROJECT_ROOT / script).read_text(encoding="utf-8")
        names |= set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", text))
    return names - SCRIPT_LOCALS - SET_BY_HEROKU


def documented(heading: str) -> set[str]:
    """Variable names in the first column of the table under ``heading``."""
    section = DOC.read_text(encoding="utf-8").split(heading, 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_variable_of_the_web_apps_is_documented_and_read() -> None:
    read = settings_variables() | script_variables()
    table = documented("### Config vars")
    assert read - table == set(), "read by the settings or scripts but not in docs/deployment.md"
    assert table - read - set(VARIABLES) == set(), "documented but read by nothing"


def test_pipeline_table_is_generated_from_ml_config() -> None:
    generated = subprocess.run([sys.executable, "-m", "ml", "config", "--markdown"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert generated in DOC.read_text(encoding="utf-8"), (
        "docs/deployment.md's pipeline table is not `python -m ml config --markdown`")
    assert documented("### Pipeline variables") == set(VARIABLES)
