"""The challenger in shadow: when the registry has a ``challenger`` alias
(``CHALLENGER_MODEL_URI``), every real prediction is also scored by it and stored on the
prediction event, never returned. Whatever happens to the challenger (no alias, a registry
outage, a load or scoring error) the champion's answer is unchanged: errors are logged, the
shadow fields stay empty. The alias is looked up at most every ``MODEL_REFRESH_SECONDS`` (0:
once per worker), so a request without a challenger pays nothing but a check of the clock."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings

from ml.model.loading import load_model, resolve
from ml.model.scoring import CreditScoringModel

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShadowScore:
    version: str
    probability_default: float
    threshold: float
    latency_ms: float


class ChallengerStore:
    def __init__(self) -> None:
        self._model: CreditScoringModel | None = None
        self._checked = False
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def get(self) -> CreditScoringModel | None:
        uri = settings.CHALLENGER_MODEL_URI
        if not uri:
            return None
        refresh = settings.MODEL_REFRESH_SECONDS
        if self._checked and (not refresh or time.monotonic() - self._checked_at < refresh):
            return self._model
        with self._lock:
            if not self._checked or (refresh and time.monotonic() - self._checked_at >= refresh):
                self._model = self._load(uri)
                self._checked, self._checked_at = True, time.monotonic()
            return self._model

    def _load(self, uri: str) -> CreditScoringModel | None:
        try:
            _, version, _ = resolve(uri)
        except Exception as error:  # no alias (the usual case) or the registry is unreachable
            logger.debug("no challenger at %s: %s", uri, error)
            return None
        if self._model is not None and self._model.version == version:
            return self._model
        try:
            model = load_model(uri)
        except Exception:
            logger.exception("challenger %s could not be loaded: shadow scoring off", uri)
            return None
        logger.info("challenger in shadow: %s version %s", model.name, model.version)
        return model

    def reset(self) -> None:
        with self._lock:
            self._model, self._checked, self._checked_at = None, False, 0.0


challengers = ChallengerStore()


def shadow_score(champion: CreditScoringModel, row: np.ndarray) -> ShadowScore | None:
    """The challenger's probability for the champion's input row (by feature name: a
    challenger feature the champion lacks is missing), or None; never raises."""
    started = time.perf_counter()
    try:
        challenger = challengers.get()
        if challenger is None or (challenger.name, challenger.version) == (champion.name, champion.version):
            return None
        if list(challenger.features) == list(champion.features):
            model_input = row.reshape(1, -1)  # same inputs: no frame to build
        else:  # by name: a challenger feature the champion lacks is missing
            model_input = pd.DataFrame([row], columns=champion.features)
        probability = float(challenger.predict_proba(model_input)[0])
        if not np.isfinite(probability):
            raise ValueError(f"non-finite probability {probability}")
        return ShadowScore(version=str(challenger.version), probability_default=round(probability, 6),
                           threshold=float(challenger.threshold),
                           latency_ms=(time.perf_counter() - started) * 1000)
    except Exception:
        logger.exception("challenger scoring failed: the champion's answer is unaffected")
        return None
