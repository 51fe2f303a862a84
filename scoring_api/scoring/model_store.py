"""The champion model of this worker: loaded once, lazily, and swapped when the registry's
alias moves (checked at most every ``MODEL_REFRESH_SECONDS``), so a promotion reaches running
workers without a restart and a request never sees a half-loaded model."""
from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

from ml.errors import ModelNotFoundError
from ml.model.loading import load_model, resolve
from ml.model.scoring import CreditScoringModel

logger = logging.getLogger(__name__)
# a failed load is tried again after this many seconds at most (MODEL_REFRESH_SECONDS if
# shorter): a corrupt file answers 503 at once instead of being re-read on every request
RETRY_AFTER_FAILURE_S = 10.0


def retry_delay() -> float:
    return min(float(settings.MODEL_REFRESH_SECONDS), RETRY_AFTER_FAILURE_S)


class ModelStore:
    def __init__(self, uri: str | None = None) -> None:
        self._uri = uri
        self._model: CreditScoringModel | None = None
        self._checked_at = 0.0
        self._failure: tuple[float, ModelNotFoundError] | None = None
        self._lock = threading.Lock()

    @property
    def uri(self) -> str:
        return self._uri or settings.MODEL_URI

    def get(self) -> CreditScoringModel:
        """The current model; raises ``ModelNotFoundError`` when the registry has none."""
        model = self._model
        refresh = settings.MODEL_REFRESH_SECONDS
        if model is not None and (not refresh or time.monotonic() - self._checked_at < refresh):
            return model
        with self._lock:
            if self._model is None:
                failure = self._failure
                if failure and time.monotonic() - failure[0] < retry_delay():
                    raise failure[1]
                try:
                    self._model = load_model(self.uri)
                except ModelNotFoundError as error:
                    self._failure = (time.monotonic(), error)
                    raise
                self._failure = None
                logger.info("loaded model %s version %s", self._model.name, self._model.version)
            elif refresh and time.monotonic() - self._checked_at >= refresh:
                self._swap_if_promoted()
            self._checked_at = time.monotonic()
            return self._model

    def _swap_if_promoted(self) -> None:
        try:
            _, version, _ = resolve(self.uri)
        except Exception:  # the registry is unreachable: keep serving the loaded model
            logger.warning("model registry unreachable; keeping version %s", self._model.version)
            return
        if version != self._model.version:
            try:
                self._model = load_model(self.uri)
            except ModelNotFoundError as error:  # keep serving the loaded version
                logger.error("champion version %s cannot be loaded; keeping version %s: %s",
                             version, self._model.version, error)
                return
            logger.info("champion changed: now version %s", version)

    def check_registry_now(self) -> None:
        """Ask the registry whether the alias moved now (a new worker, before its first request:
        opening the registry's client takes a moment that no request should wait for)."""
        with self._lock:
            if self._model is not None and settings.MODEL_REFRESH_SECONDS:
                self._swap_if_promoted()
                self._checked_at = time.monotonic()

    def reset(self) -> None:
        """Forget the loaded model (tests, or after changing MODEL_URI)."""
        with self._lock:
            self._model = None
            self._checked_at = 0.0
            self._failure = None


models = ModelStore()
