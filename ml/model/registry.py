"""MLflow tracking set-up and the model registry: register, compare with the champion, promote.

``python -m ml models`` lists versions with their holdout cost, aliases, fairness gate and the
justification of a version promoted outside it; ``python -m ml promote --version N`` moves the
``champion`` alias (the API serves it): refused for a version outside the fairness gate unless
``--justify "…"`` records why (tags ``fairness_justification``, ``…_by``, ``…_at``); before it
moves, a champion-vs-challenger comparison on known outcomes is printed when the monitoring has
written one (``Settings.challenger_comparison``). ``python -m ml promote --challenger N`` sets
the ``challenger`` alias (scored in shadow by the API).
"""
from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from ml.config import CHALLENGER_ALIAS, CHAMPION_ALIAS, PROJECT_ROOT, settings
from ml.errors import MLError, ModelNotFoundError

GATE_PASSED, GATE_FAILED = "pass", "fail"


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
             tags: dict | None = None, gate_passed: bool = True) -> tuple[str, bool]:
    """Register the run's model; make it champion only if it passes the fairness gate and beats
    the current one on holdout business cost. Returns (version, promoted)."""
    import mlflow

    name = name or settings().model_name
    mlflow.set_tracking_uri(settings().tracking_uri)
    current = champion_cost(name)
    version = mlflow.register_model(f"runs:/{run_id}/{artifact_path}", name).version
    mlflow_client = client()
    for key, value in {"holdout_business_cost": holdout_cost, **(tags or {})}.items():
        mlflow_client.set_model_version_tag(name, version, key, str(value))
    promoted = gate_passed and (current is None or holdout_cost < current)
    if promoted:
        mlflow_client.set_registered_model_alias(name, CHAMPION_ALIAS, version)
    return str(version), promoted


def _version(mlflow_client, name: str, version: str):  # noqa: ANN001, ANN202
    try:
        return mlflow_client.get_model_version(name, str(version))
    except Exception:
        raise ModelNotFoundError(f"model {name} has no version {version} (see `python -m ml models`)") from None


def promote(version: str, name: str | None = None, justify: str | None = None) -> dict:
    """Move @champion to ``version``. A version outside the fairness gate needs ``justify``
    (recorded on the version with who and when); returns what was recorded."""
    name = name or settings().model_name
    mlflow_client = client()
    found = _version(mlflow_client, name, version)
    justification = (justify or "").strip()
    if justify is not None and not justification:
        raise MLError("--justify needs a text: say why this version may be champion")
    recorded: dict[str, str] = {}
    if found.tags.get("fairness_gate") == GATE_FAILED:
        if not justification:
            raise MLError(f"version {version} is outside the fairness gate "
                          f"({found.tags.get('fairness_violations', '?')}); to make it champion anyway, "
                          f'say why: python -m ml promote --version {version} --justify "…"')
        recorded = {"fairness_justification": justification,
                    "fairness_justified_by": getpass.getuser(),
                    "fairness_justified_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    elif justification:
        recorded = {"promotion_note": justification}
    for key, value in recorded.items():
        mlflow_client.set_model_version_tag(name, str(version), key, value)
    mlflow_client.set_registered_model_alias(name, CHAMPION_ALIAS, str(version))
    if str(mlflow_client.get_registered_model(name).aliases.get(CHALLENGER_ALIAS)) == str(version):
        mlflow_client.delete_registered_model_alias(name, CHALLENGER_ALIAS)  # promoted: no longer in shadow
    return recorded


def set_challenger(version: str, name: str | None = None) -> None:
    """Point the ``challenger`` alias at ``version`` (scored in shadow, never served)."""
    name = name or settings().model_name
    mlflow_client = client()
    _version(mlflow_client, name, version)
    aliases = mlflow_client.get_registered_model(name).aliases
    if str(aliases.get(CHAMPION_ALIAS)) == str(version):
        raise MLError(f"version {version} is the champion; a challenger must be another version")
    mlflow_client.set_registered_model_alias(name, CHALLENGER_ALIAS, str(version))


def challenger_comparison(path: Path | None = None) -> str | None:
    """The champion-vs-challenger comparison on known outcomes as text, when the monitoring has
    written one (``{"champion": {"version", "auc", "cost", "n"}, "challenger": {...}}``);
    None when there is no such file. An unreadable file is said, not raised: it must not
    block a promotion."""
    path = Path(path or settings().challenger_comparison)
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        rows = [(role, document[role]) for role in (CHAMPION_ALIAS, CHALLENGER_ALIAS)]
        lines = [f"champion vs challenger on known outcomes ({path}):",
                 f"  {'role':<11}{'version':>8}{'clients':>9}{'auc':>8}{'cost':>8}"]
        for role, row in rows:
            lines.append(f"  {role:<11}{str(row['version']):>8}{int(row['n']):>9}"
                         f"{float(row['auc']):>8.4f}{float(row['cost']):>8.4f}")
        champion, challenger = rows[0][1], rows[1][1]
        better = "challenger" if float(challenger["cost"]) < float(champion["cost"]) else "champion"
        lines.append(f"  lower cost on these outcomes: {better} "
                     f"(difference {float(challenger['cost']) - float(champion['cost']):+.4f} per client)")
        return "\n".join(lines)
    except (OSError, ValueError, KeyError, TypeError) as error:
        return f"champion vs challenger comparison {path} unreadable ({type(error).__name__}: {error})"


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
        "fairness_gate": _gate_status(v.tags), "fairness_violations": v.tags.get("fairness_violations"),
        "fairness_justification": v.tags.get("fairness_justification"),
        "fairness_justified_by": v.tags.get("fairness_justified_by"),
        "fairness_justified_at": v.tags.get("fairness_justified_at"),
        "input_policy_version": v.tags.get("input_policy_version"),
    } for v in found]
    return sorted(rows, key=lambda row: int(row["version"]))


def _gate_status(tags: dict) -> str:
    """pass, fail, justified (outside the gate, promoted on a written justification) or — for
    versions registered before the gate existed."""
    gate = tags.get("fairness_gate")
    if gate == GATE_FAILED and tags.get("fairness_justification"):
        return "justified"
    return gate or "-"


def _run_metric(mlflow_client, run_id: str, key: str) -> float | None:  # noqa: ANN001
    try:
        return mlflow_client.get_run(run_id).data.metrics.get(key)
    except Exception:
        return None


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--name", default=None, help="registered model (default: MODEL_NAME)")
    if command == "promote":
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--version", help="version to make champion")
        target.add_argument("--latest", action="store_true", help="the latest registered version")
        target.add_argument("--challenger", metavar="VERSION",
                            help="version to set as challenger (scored in shadow, never served)")
        parser.add_argument("--justify", metavar="TEXT",
                            help="why a version outside the fairness gate may be champion (recorded)")
    else:
        parser.add_argument("--check-champion", action="store_true",
                            help="print nothing; exit 0 when a champion exists, 1 otherwise")


def run(args: argparse.Namespace) -> int:
    name = args.name or settings().model_name
    if args.command == "promote":
        return _run_promote(args, name)
    rows = versions(name)
    if args.check_champion:
        return 0 if any(CHAMPION_ALIAS in row["aliases"] for row in rows) else 1
    if not rows:
        print(f"no version of {name} registered in {settings().tracking_uri}: run `python -m ml train`")
        return 0
    print(f"{'version':>7}  {'aliases':<20} {'candidate':<22} {'cost':>7} {'auc':>7} {'threshold':>9}  "
          f"{'policy':>6}  fairness gate")
    for row in rows:
        print(f"{row['version']:>7}  {','.join(row['aliases']):<20} {str(row['candidate']):<22} "
              f"{str(row['holdout_business_cost'])[:7]:>7} {str(row['holdout_auc'])[:7]:>7} "
              f"{str(row['threshold']):>9}  {'v' + row['input_policy_version'] if row['input_policy_version'] else '-':>6}"
              f"  {row['fairness_gate']}")
        if row["fairness_gate"] in ("fail", "justified"):
            print(f"{'':>9}outside the gate: {row['fairness_violations']}")
        if row["fairness_justification"]:
            print(f"{'':>9}justified by {row['fairness_justified_by']} at {row['fairness_justified_at']}: "
                  f"« {row['fairness_justification']} »")
    return 0


def _run_promote(args: argparse.Namespace, name: str) -> int:
    if args.challenger:
        set_challenger(args.challenger, name)
        print(f"{name} version {args.challenger} is now @{CHALLENGER_ALIAS} (scored in shadow, never served)")
        return 0
    version = args.version
    if args.latest:
        rows = versions(name)
        if not rows:
            raise ModelNotFoundError(f"no version of {name} registered: run `python -m ml train`")
        version = rows[-1]["version"]
    comparison = challenger_comparison()
    if comparison:
        print(comparison)
    recorded = promote(version, name, args.justify)
    print(f"{name} version {version} is now @{CHAMPION_ALIAS}"
          + (f" (outside the fairness gate; justification recorded: « {recorded['fairness_justification']} »)"
             if "fairness_justification" in recorded else ""))
    return 0
