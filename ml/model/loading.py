"""Load a registered model version for scoring: ``load_model("models:/credit-scoring@champion")``.

Used by the scoring API, batch scoring, the drift report and the methodology note. The returned
``CreditScoringModel`` knows its name, version and run, and scores/explains with LightGBM on one
thread (a web worker must not fight its siblings for cores).
"""
from __future__ import annotations

import re

from ml.config import mask_credentials, settings
from ml.errors import ModelNotFoundError, ModelUnavailableError
from ml.model.scoring import CreditScoringModel

_URI = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[\w-]+)|/(?P<version>\d+))$")


def resolve(uri: str | None = None) -> tuple[str, str, str]:
    """(name, version, run_id) of a ``models:/name@alias`` or ``models:/name/N`` URI."""
    import mlflow
    from mlflow.exceptions import MlflowException

    current = settings()
    uri = uri or current.model_uri
    match = _URI.match(uri)
    if not match:
        raise ModelNotFoundError(f"{uri}: expected models:/<name>@<alias> or models:/<name>/<version>")
    client = mlflow.MlflowClient(tracking_uri=current.tracking_uri)
    try:
        if match["alias"]:
            found = client.get_model_version_by_alias(match["name"], match["alias"])
        else:
            found = client.get_model_version(match["name"], match["version"])
    except MlflowException:
        raise ModelNotFoundError(
            f"no registered model answers {uri} "
            f"(tracking store {mask_credentials(current.tracking_uri)}); "
            "train one with `make train` or `python -m ml train`"
        ) from None
    return found.name, str(found.version), found.run_id


def load_model(uri: str | None = None) -> CreditScoringModel:
    """The model behind ``uri`` (default: the champion), ready to score, decide and explain."""
    import mlflow.pyfunc

    name, version, run_id = resolve(uri)
    mlflow.set_tracking_uri(settings().tracking_uri)
    try:
        model = mlflow.pyfunc.load_model(f"models:/{name}/{version}").unwrap_python_model()
    except Exception as error:  # a corrupt or truncated artifact (pickle, LightGBM file...)
        raise ModelUnavailableError(
            f"model {name} version {version} cannot be loaded from the registry's artifacts "
            f"({type(error).__name__}: {str(error)[:300]})") from error
    model.name, model.version, model.run_id = name, version, run_id
    return model
