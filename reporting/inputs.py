"""Read what the methodology note and the slides are built from: the result files of the runs.

``results.json`` (written by ``train``) is required; everything else is optional and comes back
as ``None`` (or empty), which the note prints as "non mesuré": the drift summary, the benchmark
files, the feature dictionary, the figures and screenshots.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ml.errors import MLError

# The benchmark files ``make bench`` / ``make bench-scale`` write (bench/run.py), in reading order.
EXPECTED_BENCHMARKS: tuple[str, ...] = ("train", "pipeline", "scale", "api", "recourse", "portal",
                                         "drift")


class ResultsMissingError(MLError):
    """``results.json`` is absent or unreadable: there is nothing to report."""


@dataclass
class ReportInputs:
    """Everything read from disk, with ``None`` for what was not measured."""

    reports_dir: Path
    results: dict[str, Any]
    drift: dict[str, Any] | None = None
    benchmarks: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    dictionary: dict[str, dict[str, Any]] | None = None
    screenshots: list[Path] = field(default_factory=list)

    @property
    def figures_dir(self) -> Path:
        return self.reports_dir / "figures"

    def figure(self, *parts: str) -> Path | None:
        """The path of ``reports/figures/<parts>`` when the training run wrote it."""
        path = self.figures_dir.joinpath(*parts)
        return path if path.is_file() else None


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``, or ``None`` when it is absent, unreadable or not an object."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def read_results(reports_dir: Path) -> dict[str, Any]:
    """``results.json`` with the keys the note needs; raise ``ResultsMissingError`` otherwise."""
    path = reports_dir / "results.json"
    if not path.is_file():
        raise ResultsMissingError(
            f"{path} not found: run `python -m ml train` first (it writes the results)")
    results = read_json(path)
    missing = [key for key in ("run_id", "dataset", "candidates", "champion")
               if not results or key not in results]
    if results is None or missing:
        raise ResultsMissingError(
            f"{path} is not a training result (missing: {', '.join(missing) or 'a JSON object'})")
    return results


def read_dictionary(features_dir: Path | None) -> dict[str, dict[str, Any]] | None:
    """The ``features`` mapping of ``feature_dictionary.json``, when the folder still exists."""
    if features_dir is None:
        return None
    document = read_json(Path(features_dir) / "feature_dictionary.json")
    features = document.get("features") if document else None
    return features if isinstance(features, dict) else None


def read_benchmarks(bench_dir: Path) -> dict[str, dict[str, Any] | None]:
    """Every expected benchmark (``None`` when not run) plus any other ``*.json`` found."""
    found = {path.stem: read_json(path) for path in sorted(bench_dir.glob("*.json"))}
    return {**{name: found.pop(name, None) for name in EXPECTED_BENCHMARKS}, **found}


def load_inputs(reports_dir: Path, features_dir: Path | None = None) -> ReportInputs:
    """Read the result files of ``reports_dir``; ``features_dir`` defaults to the training's."""
    reports_dir = Path(reports_dir)
    results = read_results(reports_dir)
    features_dir = features_dir or results["dataset"].get("features_dir")
    screenshots = sorted((reports_dir / "screenshots").glob("*.png"))
    return ReportInputs(
        reports_dir=reports_dir,
        results=results,
        drift=read_json(reports_dir / "drift" / "summary.json"),
        benchmarks=read_benchmarks(reports_dir / "bench"),
        dictionary=read_dictionary(Path(features_dir) if features_dir else None),
        screenshots=screenshots,
    )
