"""Score one chunk of feature rows: probability, decision and the top 3 reason codes.

The single scoring function of the batch, shared by the chunked default engine and the Spark
pandas UDF, so both engines give the same answer. Reason codes come from ``ml.model.reasons.reasons``
on the same feature row and SHAP contributions as the API, so they are identical to its reasons.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ml.batch.output import OUTPUT_COLUMNS

REASON_CODES = 3
ID_COLUMN = "SK_ID_CURR"


def score_chunk(model: Any, frame: pd.DataFrame, dictionary: dict) -> pd.DataFrame:
    """The batch-score rows (``OUTPUT_COLUMNS``) of ``frame`` (``SK_ID_CURR`` + model features)."""
    from ml.model.reasons import reasons

    features = list(model.features)
    X = frame[features].astype("float64")
    probability = np.asarray(model.predict_proba(X), dtype="float64")
    _, contributions = model.explain(X)
    contributions = np.asarray(contributions, dtype="float64")
    values = X.to_numpy()
    codes: list[list[Any]] = []
    for row_values, row_contributions in zip(values, contributions):
        top = reasons(features, row_values, row_contributions, dictionary, top=REASON_CODES)
        row: list[Any] = []
        for rank in range(REASON_CODES):
            reason = top[rank] if rank < len(top) else None
            row += [reason["feature"], reason["direction"]] if reason else [None, None]
        codes.append(row)
    out = pd.DataFrame(
        {
            ID_COLUMN: frame[ID_COLUMN].to_numpy(dtype="int64"),
            "probability_default": probability,
            "decision": model.decide(probability),
            "threshold": float(model.threshold),
            "model_name": str(model.name),
            "model_version": str(model.version),
        }
    )
    reason_columns = OUTPUT_COLUMNS[6:]
    out[reason_columns] = pd.DataFrame(codes, columns=reason_columns, dtype="object")
    return out[OUTPUT_COLUMNS]
