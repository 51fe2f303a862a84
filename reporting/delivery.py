"""Facts of the delivery chain for the slides: the repository's history (git), the CI
workflow's jobs and the last test run (JUnit XML written by ``make test`` in reports/tests/)."""
from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml


def git_history(root: Path, recent: int = 5) -> dict[str, Any]:
    """Number of commits and the latest subjects (empty when git or the history is absent)."""
    try:
        count = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, text=True,
                               capture_output=True, check=True, timeout=10).stdout.strip()
        subjects = subprocess.run(["git", "log", f"-{recent}", "--format=%h %s"], cwd=root,
                                  text=True, capture_output=True, check=True,
                                  timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return {"commits": None, "recent": []}
    return {"commits": int(count), "recent": subjects}


def workflow_jobs(root: Path) -> list[str]:
    path = root / ".github" / "workflows" / "ci.yml"
    if not path.is_file():
        return []
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names = [str(job.get("name", key)) for key, job in (document.get("jobs") or {}).items()]
    return [re.sub(r"\s*\$\{\{[^}]*\}\}\s*", " ", name).strip() for name in names]


def junit_summaries(reports_dir: Path) -> list[dict[str, Any]]:
    """One row per JUnit file of reports/tests/: tests, failures, errors, skipped, seconds."""
    rows = []
    for path in sorted((reports_dir / "tests").glob("*.xml")):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            continue
        suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        total = {key: sum(int(s.get(key, 0)) for s in suites)
                 for key in ("tests", "failures", "errors", "skipped")}
        total["seconds"] = round(sum(float(s.get("time", 0)) for s in suites), 1)
        rows.append({"suite": path.stem, **total})
    return rows


def delivery_facts(root: Path, reports_dir: Path) -> dict[str, Any]:
    return {**git_history(root), "jobs": workflow_jobs(root), "tests": junit_summaries(reports_dir)}
