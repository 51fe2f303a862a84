"""The training reference production is compared with: feature rows and the champion's scores."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ml.config import settings as ml_settings
from ml.errors import MLError
from ml.model.scoring import decide
from ml.monitoring.drift import ranked_features
from vocabulary.decisions import REFUSED

logger = logging.getLogger(__name__)


@dataclass
class Reference:
    """Reference inputs (``features``), the champion's scores on them and its threshold.

    ``scores``/``threshold`` are None when no model is registered: score PSI and the refusal
    rate change are then not computed (noted in the run), feature drift still is.
    """

    features: pd.DataFrame
    scores: np.ndarray | None = None
    threshold: float | None = None
    top_features: list[str] = field(default_factory=list)
    model_name: str = ""
    model_version: str = ""

    @property
    def refusal_rate(self) -> float | None:
        if self.scores is None or self.threshold is None:
            return None
        return float(np.mean(decide(self.scores, self.threshold) == REFUSED))


def reference_load(*, features_dir: Path, rows: int, top: int, model_uri: str | None = None) -> Reference:
    """A seeded sample of ``features_train.parquet`` and, when a champion exists, its scores."""
    path = features_dir / "features_train.parquet"  # a file, or Spark's folder of parts
    if not path.exists():
        raise MLError(f"reference missing: {path} (build it with `python -m ml features`)")
    frame = pd.read_parquet(path)
    if len(frame) > rows:
        frame = frame.sample(n=rows, random_state=ml_settings().random_state)
    frame = frame.drop(columns=[c for c in ("SK_ID_CURR", "TARGET") if c in frame])
    try:
        from ml.model.loading import load_model

        model = load_model(model_uri)
    except (ImportError, MLError) as error:
        logger.warning("no model for the reference scores (%s)", error)
        return Reference(features=frame, top_features=list(frame.columns))
    missing = [c for c in model.features if c not in frame]
    if missing:
        raise MLError(f"{path} lacks {len(missing)} feature(s) of model {model.name} v{model.version} "
                      f"(e.g. {', '.join(missing[:3])}): rebuild the features or pass the matching model")
    scores = np.asarray(model.predict_proba(frame[model.features]), dtype="float64")
    return Reference(features=frame, scores=scores, threshold=float(model.threshold),
                     top_features=ranked_features(model, top),
                     model_name=str(model.name), model_version=str(model.version))
