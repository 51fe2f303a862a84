"""The pipeline's settings: one object, read from the environment when asked for.

``settings()`` reads the variables at call time, so tests, servers and subprocesses that set one
late are obeyed. Each variable is declared once below (name, default, meaning); the Django
projects read the same object, and docs/deployment.md's variable table is checked against it.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHAMPION_ALIAS = "champion"
CHALLENGER_ALIAS = "challenger"


def _variable(env: str, default: str, help_text: str) -> object:
    """A setting read from the environment variable ``env`` (``default`` when unset)."""
    return field(metadata={"env": env, "default": default, "help": help_text})


@dataclass(frozen=True)
class Settings:
    """Paths, MLflow locations, the business cost and the seeds of the pipeline."""

    data_dir: Path = _variable(
        "DATA_DIR", "data/raw", "the seven raw Kaggle tables (CSV, CSV.gz or Parquet); "
        "synthetic data is used while it is empty")
    synthetic_data_dir: Path = _variable(
        "SYNTHETIC_DATA_DIR", "data/synthetic", "where `ml synth` writes the demo data")
    features_dir: Path = _variable(
        "FEATURES_DIR", "data/features", "the feature tables and dictionary (API and pipeline)")
    scores_dir: Path = _variable(
        "SCORES_DIR", "data/scores", "batch scores, one folder per model version")
    reports_dir: Path = _variable(
        "REPORTS_DIR", "reports", "training results, figures, model cards, benchmarks")
    tracking_uri: str = _variable(
        "MLFLOW_TRACKING_URI", "sqlite:///mlruns.db", "MLflow tracking store and model registry")
    artifact_root: Path = _variable(
        "MLFLOW_ARTIFACT_ROOT", "mlartifacts", "where new MLflow experiments store artifacts")
    experiment: str = _variable(
        "MLFLOW_EXPERIMENT", "credit-scoring", "MLflow experiment of the training runs")
    model_name: str = _variable(
        "MODEL_NAME", "credit-scoring", "registered model name")
    model_uri: str = _variable(
        "MODEL_URI", "", "model served and batch-scored (default models:/<MODEL_NAME>@champion)")
    cost_fn: float = _variable(
        "COST_FN", "10", "cost of a false negative: a defaulter granted credit")
    cost_fp: float = _variable(
        "COST_FP", "1", "cost of a false positive: a good client refused")
    random_state: int = _variable("RANDOM_STATE", "42", "seed of every random step")
    leakage_max_auc: float = _variable(
        "LEAKAGE_MAX_AUC", "0.70", "largest univariate AUC of a feature before the leakage "
        "check calls it suspicious (external scores excepted)")
    lightgbm_threads: int = _variable(
        "LIGHTGBM_THREADS", "1", "LightGBM threads while training (one: spinning OpenMP "
        "threads on a shared 2-core machine made a fit up to 50x slower)")

    spark_master: str = _variable(
        "SPARK_MASTER", "local[2]", "Spark master of `--engine spark`: local[N], spark://host:7077, "
        "yarn or a Spark Connect URL sc://host:15002")
    spark_driver_memory: str = _variable(
        "SPARK_DRIVER_MEMORY", "2g", "memory of the Spark driver (in local mode also the executor); "
        "nothing is collected to it, so it need not grow with the portfolio")
    spark_max_result_size: str = _variable(
        "SPARK_MAX_RESULT_SIZE", "1g", "largest result Spark may collect to the driver (the "
        "pipeline collects none: executors write the features and the scores)")
    spark_shuffle_partitions: int = _variable(
        "SPARK_SHUFFLE_PARTITIONS", "8", "Spark shuffle partitions (the default 200 is far too "
        "many for 2 cores)")
    outcomes_api_url: str = _variable(
        "OUTCOMES_API_URL", "http://127.0.0.1:8000", "scoring API that `ml outcomes import` and "
        "`ml simulate-production` call")
    outcomes_api_token: str = _variable(
        "OUTCOMES_API_TOKEN", "", "API token with the outcomes permission (`manage.py "
        "outcomes_token`), for `ml outcomes import` and `ml simulate-production`; never printed")
    challenger_report: Path = _variable(
        "CHALLENGER_REPORT", "reports/monitoring/challenger.json", "champion vs challenger on "
        "the same outcomes, written by `manage.py monitor`, shown by `ml promote`")
    duckdb_threads: int = _variable(
        "DUCKDB_THREADS", "0", "DuckDB threads of the feature build (0: DuckDB's default, the cores)")
    duckdb_memory_limit: str = _variable(
        "DUCKDB_MEMORY_LIMIT", "4GB", "memory DuckDB may use in the feature build; beyond it, it "
        "spills to DUCKDB_TEMP_DIR")
    duckdb_temp_dir: str = _variable(
        "DUCKDB_TEMP_DIR", "", "where DuckDB spills (default: a duckdb-spill folder in the "
        "system's temporary directory)")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values = {}
        for item in fields(cls):
            raw = environ.get(item.metadata["env"]) or item.metadata["default"]
            values[item.name] = _convert(item.type, raw, item.metadata["env"] in environ)
        if values["tracking_uri"] == "sqlite:///mlruns.db":
            values["tracking_uri"] = f"sqlite:///{PROJECT_ROOT / 'mlruns.db'}"
        if not values["model_uri"]:
            values["model_uri"] = f"models:/{values['model_name']}@{CHAMPION_ALIAS}"
        return cls(**values)

    @property
    def challenger_comparison(self) -> Path:
        """Champion vs challenger on known outcomes, written by the API's monitoring and shown
        by ``python -m ml promote`` before the champion alias moves."""
        return self.reports_dir / "monitoring" / "challenger.json"

    def default_data_dir(self) -> Path:
        """The real Kaggle data when a user has put it in DATA_DIR, else the synthetic data."""
        if self.data_dir.is_dir() and any(self.data_dir.iterdir()):
            return self.data_dir
        return self.synthetic_data_dir


def _convert(kind: str, raw: str, from_env: bool) -> object:
    """A variable's text as its declared type; relative default paths are under the project."""
    if kind == "Path":
        path = Path(raw).expanduser()
        return path.resolve() if from_env else PROJECT_ROOT / path
    return {"float": float, "int": int}.get(kind, str)(raw)


def settings() -> Settings:
    """The pipeline's settings as the environment says now."""
    return Settings.from_env()


_SECRET_QUERY = re.compile(r"(?i)(token|key|secret|password|passwd|pwd|auth|signature|sig)")


def mask_credentials(uri: str) -> str:
    """``uri`` as it may be shown or logged: user and password, and the values of query
    parameters that look like secrets, replaced by ``***`` (e.g. a tracking URI
    ``https://user:pw@mlflow.example.org`` → ``https://***@mlflow.example.org``)."""
    parts = urlsplit(uri)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = "&".join(
        f"{name}=***" if _SECRET_QUERY.search(name) else f"{name}{sep}{value}"
        for name, sep, value in (item.partition("=") for item in parts.query.split("&") if item))
    if (netloc, query) == (parts.netloc, parts.query):
        return uri  # nothing to hide (urlunsplit would also drop sqlite:////'s empty host)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def mask_credentials_in(text: str) -> str:
    """Every ``scheme://user:password@`` in a message (an error naming a registry or a
    database) with its credentials replaced by ``***``."""
    return re.sub(r"([a-zA-Z][\w+.-]*://)[^/@\s]+@", r"\1***@", text)


VARIABLES: dict[str, str] = {item.metadata["env"]: item.metadata["help"] for item in fields(Settings)}


def markdown_table() -> str:
    """The variables as the Markdown table of docs/deployment.md (generated, never typed)."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for item in fields(Settings):
        default = item.metadata["default"] or "—"
        lines.append(f"| `{item.metadata['env']}` | `{default}` | {item.metadata['help']} |")
    return "\n".join(lines)


def add_arguments(parser, command: str) -> None:  # noqa: ANN001 (argparse.ArgumentParser)
    parser.add_argument("--markdown", action="store_true",
                        help="print the variables as the Markdown table of docs/deployment.md")


def run(args) -> int:  # noqa: ANN001 (argparse.Namespace)
    """``python -m ml config``: each setting, its variable and its current value."""
    if args.markdown:
        print(markdown_table())
        return 0
    current = settings()
    for item in fields(Settings):
        value = getattr(current, item.name)
        if item.metadata["env"].endswith("_TOKEN") and value:
            value = "(set, not shown)"
        print(f"{item.metadata['env']:<26} {value}")
    return 0
