"""Load a registered model version for scoring: ``load_model("models:/credit-scoring@champion")``.

Used by the scoring API, batch scoring and the drift report. The returned ``ScoringModel``
knows its name, version and run, and scores/explains with LightGBM on one thread (a web
worker must not fight its siblings for cores).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ml import config
from ml.errors import ModelNotFoundError
from ml.model import CreditScoringModel

_URI = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[\w-]+)|/(?P<version>\d+))$")


@dataclass
class ScoringModel:
    name: str
    version: str
    run_id: str
    model: CreditScoringModel

    @property
    def threshold(self) -> float:
        return float(self.model.threshold)

    @property
    def features(self) -> list[str]:
        return list(self.model.features)

    @property
    def metrics(self) -> dict:
        return dict(self.model.metadata.get("metrics", {}))

    @property
    def global_importance(self) -> list[dict]:
        return list(self.model.metadata.get("global_importance", []))

    @property
    def dictionary(self) -> dict:
        return dict(self.model.metadata.get("dictionary", {}))

    def predict_proba(self, X) -> np.ndarray:
        return self.model.predict_proba(X)

    def decide(self, probability: float) -> str:
        return self.model.decide(probability)

    def explain(self, X) -> tuple[float, np.ndarray]:
        return self.model.explain(X)

    def score(self, X) -> tuple[np.ndarray, float, np.ndarray]:
        """(calibrated probabilities, base value, contributions) with one model call."""
        base, contributions = self.model.explain(X)
        raw = 1.0 / (1.0 + np.exp(-(base + contributions.sum(axis=1))))
        return self.model.calibrate(raw), base, contributions


def resolve(uri: str | None = None) -> tuple[str, str, str]:
    """(name, version, run_id) of a ``models:/name@alias`` or ``models:/name/N`` URI."""
    import mlflow
    from mlflow.exceptions import MlflowException

    uri = uri or config.DEFAULT_MODEL_URI
    match = _URI.match(uri)
    if not match:
        raise ModelNotFoundError(f"{uri}: expected models:/<name>@<alias> or models:/<name>/<version>")
    mlflow.set_tracking_uri(config.tracking_uri())
    client = mlflow.MlflowClient()
    try:
        if match["alias"]:
            found = client.get_model_version_by_alias(match["name"], match["alias"])
        else:
            found = client.get_model_version(match["name"], match["version"])
    except MlflowException:
        raise ModelNotFoundError(
            f"no registered model answers {uri} (tracking store {config.tracking_uri()}); "
            "train one with `make train` or `python -m ml train`"
        ) from None
    return found.name, str(found.version), found.run_id


def load_model(uri: str | None = None) -> ScoringModel:
    """The pyfunc behind ``uri`` (default: the champion), ready to score and explain."""
    import mlflow.pyfunc

    name, version, run_id = resolve(uri)
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/{version}")
    return ScoringModel(name, version, run_id, loaded.unwrap_python_model())
