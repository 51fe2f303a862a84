"""Loading in the gunicorn master before the fork (gunicorn.conf.py), so that every worker,
and every worker that replaces a recycled one, starts with the model, the memory-mapped feature
matrix, the population's scores and the neighbour index in shared copy-on-write pages and
answers its first request at once.

Nothing here may stop the server: a missing or corrupt model or feature file is logged, the
workers start, ``/health`` answers 503 with the reason and the endpoints 503
``model_unavailable`` (each worker tries again, every ``MODEL_REFRESH_SECONDS``).
"""
from __future__ import annotations

import gc
import logging
import time

from ml.errors import MLError
from ml.features.online import compile_query
from scoring_api.scoring import selectors
from scoring_api.scoring.client_store import populations
from scoring_api.scoring.model_store import models

logger = logging.getLogger(__name__)


def load_in_master(log: logging.Logger | None = None) -> bool:
    """Model, population and their derived tables, loaded now; False (logged) when unavailable.
    LightGBM's OpenMP pool is not started here: nothing is scored in the master."""
    log = log or logger
    started = time.perf_counter()
    try:
        model = models.get()
        population = populations.get(model.features)
        selectors.prepare(model, population)
        compile_query()  # SQL text only: the DuckDB connection is opened in each worker
    except MLError as error:
        log.warning("preload: model unavailable, the workers will answer 503 (%s)", error)
        return False
    except Exception:  # never stop the server: /health tells what is wrong
        log.exception("preload: unexpected error, the workers will answer 503")
        return False
    finally:
        release_connections()
    log.info("preload: model %s version %s and %d clients loaded in the master in %.1f s",
             model.name, model.version, len(population.ids), time.perf_counter() - started)
    return True


def release_connections() -> None:
    """Before the fork: a connection opened in the master must not be shared by two processes.
    SQLAlchemy engines (an MLflow registry on a database) drop their pooled connections and
    MLflow's HTTP session is forgotten; each worker opens its own when it needs one."""
    try:
        from sqlalchemy.engine import Engine
    except ImportError:  # pragma: no cover (MLflow depends on SQLAlchemy)
        return
    for engine in [o for o in gc.get_objects() if isinstance(o, Engine)]:
        engine.dispose()
    try:
        from mlflow.utils import request_utils

        request_utils._get_request_session.cache_clear()  # noqa: SLF001 (per-process session)
    except (ImportError, AttributeError):
        pass


def warm_worker(log: logging.Logger | None = None) -> None:
    """In a new worker before its first request: its DuckDB connection opened for the
    one-application query (connections never cross a fork) and its registry client."""
    try:
        selectors.current()
        models.check_registry_now()
    except MLError as error:
        (log or logger).warning("worker start: model unavailable (%s)", error)
    except Exception:
        (log or logger).exception("worker start: unexpected error")
