"""MLflow tracking set-up and the model registry: register, compare with the champion, promote.

``python -m ml models`` lists versions with their holdout cost and aliases;
``python -m ml promote --version N`` moves the ``champion`` alias (the API serves it).
"""
from __future__ import annotations

import argparse
import hashlib
import subprocess
from pathlib import Path

from ml.config import CHAMPION_ALIAS, PROJECT_ROOT, settings
from ml.errors import ModelNotFoundError


def client():
    """An MlflowClient on the configured tracking store."""
    import mlflow

    return mlflow.MlflowClient(tracking_uri=settings().tracking_uri)


def experiment_id(name: str | None = None) -> str:
    """The id of experiment ``name`` (default: MLFLOW_EXPERIMENT), created on first use."""
    import mlflow

    current = settings()
    name = name or current.experiment
    mlflow.set_tracking_uri(current.tracking_uri)
    found = mlflow.get_experiment_by_name(name)
    if found:
        return found.experiment_id
    current.artifact_root.mkdir(parents=True, exist_ok=True)
    return mlflow.create_experiment(name, artifact_location=current.artifact_root.as_uri())


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def fingerprint(paths: list[Path]) -> str:
    """A short hash of the files the model was trained on."""
    from ml.data.files import content_paths

    digest = hashlib.sha256()
    for path in sorted(p for table in paths for p in content_paths(table)):
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def champion_cost(name: str | None = None) -> float | None:
    """The holdout business cost of the current champion, or None when there is none."""
    try:
        version = client().get_model_version_by_alias(name or settings().model_name, CHAMPION_ALIAS)
    except Exception:
        return None
    cost = version.tags.get("holdout_business_cost")
    return float(cost) if cost is not None else None


def register(run_id: str, artifact_path: str, holdout_cost: float, name: str | None = None,
             tags: dict | None = None) -> tuple[str, bool]:
    """Register the run's model; make it champion only if it beats the current one on holdout
    business cost. Returns (version, promoted)."""
    import mlflow

    name = name or settings().model_name
    mlflow.set_tracking_uri(settings().tracking_uri)
    current = champion_cost(name)
    version = mlflow.register_model(f"runs:/{run_id}/{artifact_path}", name).version
    mlflow_client = client()
    for key, value in {"holdout_business_cost": holdout_cost, **(tags or {})}.items():
        mlflow_client.set_model_version_tag(name, version, key, str(value))
    promoted = current is None or holdout_cost < current
    if promoted:
        mlflow_client.set_registered_model_alias(name, CHAMPION_ALIAS, version)
    return str(version), promoted


def promote(version: str, name: str | None = None) -> None:
    name = name or settings().model_name
    mlflow_client = client()
    try:
        mlflow_client.get_model_version(name, str(version))
    except Exception:
        raise ModelNotFoundError(f"model {name} has no version {version} (see `python -m ml models`)") from None
    mlflow_client.set_registered_model_alias(name, CHAMPION_ALIAS, str(version))


def versions(name: str | None = None) -> list[dict]:
    """Every registered version with its aliases, holdout cost and AUC, and the threshold the
    training run chose (the model itself holds the threshold it applies)."""
    name = name or settings().model_name
    mlflow_client = client()
    try:
        found = mlflow_client.search_model_versions(f"name = '{name}'")
    except Exception:
        return []
    aliases: dict[str, list[str]] = {}
    try:
        for alias, version in mlflow_client.get_registered_model(name).aliases.items():
            aliases.setdefault(str(version), []).append(alias)
    except Exception:
        pass
    rows = [{
        "version": str(v.version), "run_id": v.run_id, "aliases": aliases.get(str(v.version), []),
        "holdout_business_cost": v.tags.get("holdout_business_cost"),
        "holdout_auc": v.tags.get("holdout_auc"), "threshold": _run_metric(mlflow_client, v.run_id, "threshold"),
        "candidate": v.tags.get("candidate"),
    } for v in found]
    return sorted(rows, key=lambda row: int(row["version"]))


def _run_metric(mlflow_client, run_id: str, key: str) -> float | None:  # noqa: ANN001
    try:
        return mlflow_client.get_run(run_id).data.metrics.get(key)
    except Exception:
        return None


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--name", default=None, help="registered model (default: MODEL_NAME)")
    if command == "promote":
        parser.add_argument("--version", required=True, help="version to make champion")
    else:
        parser.add_argument("--check-champion", action="store_true",
                            help="print nothing; exit 0 when a champion exists, 1 otherwise")


def run(args: argparse.Namespace) -> int:
    name = args.name or settings().model_name
    if args.command == "promote":
        promote(args.version, name)
        print(f"{name} version {args.version} is now @{CHAMPION_ALIAS}")
        return 0
    rows = versions(name)
    if args.check_champion:
        return 0 if any(CHAMPION_ALIAS in row["aliases"] for row in rows) else 1
    if not rows:
        print(f"no version of {name} registered in {settings().tracking_uri}: run `python -m ml train`")
        return 0
    print(f"{'version':>7}  {'aliases':<10} {'candidate':<22} {'cost':>7} {'auc':>7} {'threshold':>9}")
    for row in rows:
        print(f"{row['version']:>7}  {','.join(row['aliases']):<10} {str(row['candidate']):<22} "
              f"{str(row['holdout_business_cost'])[:7]:>7} {str(row['holdout_auc'])[:7]:>7} "
              f"{str(row['threshold']):>9}")
    return 0
