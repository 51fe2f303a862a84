"""What Heroku installs: runtime.txt matches the Python the project is tested with, every
requirement is pinned, and the packages the product needs are listed."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from ml.config import PROJECT_ROOT

REQUIREMENT_FILES = sorted(PROJECT_ROOT.glob("requirements*.txt"))
# package -> extra condition on its pinned version (None: any)
PRODUCT_PACKAGES = {
    "django": None, "djangorestframework": None, "scikit-learn": None, "lightgbm": None,
    "imbalanced-learn": None, "mlflow": None, "shap": None, "evidently": None, "plotly": None,
    "pandas": lambda version: version < Version("3"), "pytest-django": None, "gunicorn": None,
    "whitenoise": None,
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> list[str]:
    """Requirement lines of a file, comments and includes (``-r``) left out."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#") and not line.startswith(("-r ", "--requirement")):
            lines.append(line)
    return lines


def pinned() -> dict[str, Version]:
    versions = {}
    for path in REQUIREMENT_FILES:
        for line in requirement_lines(path):
            requirement = Requirement(line)
            [specifier] = requirement.specifier
            versions[canonical(requirement.name)] = Version(specifier.version)
    return versions


def test_runtime_txt_is_the_python_of_the_venv():
    declared = (PROJECT_ROOT / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)\.(\d+)", declared)
    assert match, f"runtime.txt must read python-X.Y.Z, not {declared!r}"
    assert (int(match[1]), int(match[2])) == sys.version_info[:2]


def test_requirement_files_exist_and_heroku_installs_the_runtime_ones():
    names = [path.name for path in REQUIREMENT_FILES]
    assert "requirements.txt" in names and "requirements-dev.txt" in names
    assert "-r requirements.txt" in (PROJECT_ROOT / "requirements-dev.txt").read_text()


@pytest.mark.parametrize("path", REQUIREMENT_FILES, ids=lambda path: path.name)
def test_every_requirement_is_pinned_exactly(path):
    for line in requirement_lines(path):
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", \
            f"{path.name}: {line!r} is not pinned with =="
        assert "*" not in specifiers[0].version, f"{path.name}: {line!r} pins a wildcard"


@pytest.mark.parametrize("package", sorted(PRODUCT_PACKAGES))
def test_product_packages_are_pinned(package):
    versions = pinned()
    assert package in versions, f"{package} missing from the requirement files"
    condition = PRODUCT_PACKAGES[package]
    assert condition is None or condition(versions[package]), f"{package}=={versions[package]}"


def test_web_packages_are_in_the_runtime_requirements():
    """The API's Heroku app installs requirements.txt: what its dynos run must be there."""
    lines = requirement_lines(PROJECT_ROOT / "requirements.txt")
    runtime = {canonical(Requirement(line).name) for line in lines}
    assert {"django", "djangorestframework", "gunicorn", "whitenoise", "django-environ",
            "psycopg", "lightgbm", "mlflow", "shap"} <= runtime


def test_the_portal_requirements_are_a_subset_of_the_runtime_ones_with_the_same_pins():
    """requirements-portal.txt (the portal's Heroku app, bin/pre_compile) never drifts from
    requirements.txt, and carries no ML stack."""
    def pins(name: str) -> dict[str, str]:
        return {canonical(Requirement(line).name): str(Requirement(line).specifier)
                for line in requirement_lines(PROJECT_ROOT / name)}

    portal, runtime = pins("requirements-portal.txt"), pins("requirements.txt")
    # jinja2: the portal's FORM_RENDERER (no other package of the portal's slug brings it)
    assert {"django", "whitenoise", "gunicorn", "django-axes", "plotly", "jinja2"} <= portal.keys()
    for package, specifier in portal.items():
        assert runtime.get(package) == specifier, f"{package}: {specifier} vs {runtime.get(package)}"
    assert not {"lightgbm", "mlflow", "shap", "scikit-learn", "pandas"} & portal.keys()
