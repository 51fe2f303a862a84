"""The local-explanation example of the methodology note: one new applicant scored and explained
by the registered model of the training run, through the same functions as the API
(``ml.model.loading.load_model`` → ``score``, ``ml.model.reasons.reasons``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ml.errors import MLError


class LocalExampleUnavailable(MLError):
    """The model or the feature table needed for the example cannot be read."""


def registered_uri(results: dict[str, Any]) -> str | None:
    """``models:/<name>/<version>`` of the version the training run registered."""
    registered = results.get("registered") or {}
    if not registered.get("name") or not registered.get("version"):
        return None
    return f"models:/{registered['name']}/{registered['version']}"


def first_applicant(features_dir: Path, features: list[str]) -> tuple[int, str, np.ndarray]:
    """(SK_ID_CURR, split, feature row) of the first application of the test split (else train)."""
    for split in ("test", "train"):
        path = Path(features_dir) / f"features_{split}.parquet"
        if path.is_file():
            frame = pd.read_parquet(path).head(1)
            missing = [name for name in features if name not in frame.columns]
            if missing or frame.empty:
                raise LocalExampleUnavailable(f"{path}: no usable row for the model's features")
            row = frame[features].to_numpy(dtype="float64", na_value=np.nan)
            return int(frame["SK_ID_CURR"].iloc[0]), split, row
    raise LocalExampleUnavailable(f"no feature table in {features_dir}")


def local_example(results: dict[str, Any], features_dir: Path | None, model_uri: str | None = None,
                  top: int = 5) -> dict[str, Any]:
    """One client's probability, decision, base value and top reasons (SHAP, log-odds)."""
    from mlflow.exceptions import MlflowException

    from ml.model.loading import load_model
    from ml.model.reasons import reasons

    uri = model_uri or registered_uri(results)
    if uri is None or features_dir is None:
        raise LocalExampleUnavailable("no registered model or feature folder in results.json")
    try:
        model = load_model(uri)
    except (MlflowException, OSError) as error:
        raise LocalExampleUnavailable(f"{uri}: {str(error).splitlines()[0]}") from None
    client_id, split, row = first_applicant(Path(features_dir), model.features)
    probability, base_value, contributions = model.score(row)
    return {
        "client_id": client_id,
        "split": split,
        "model": f"{model.name} v{model.version}",
        "probability": float(probability[0]),
        "decision": model.decide(float(probability[0])),
        "threshold": model.threshold,
        "base_value": float(base_value),
        "raw_score": float(base_value + contributions[0].sum()),
        "reasons": reasons(model.features, list(row[0]), contributions[0], model.dictionary, top=top),
    }
