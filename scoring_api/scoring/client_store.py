"""The clients the API knows: descriptive data (``clients.parquet``) and the model input of
each client (``features_train/test.parquet``) from ``FEATURES_DIR``.

The feature matrix is cached once as a ``.npy`` file next to the features and memory-mapped,
so every gunicorn worker shares the same pages instead of holding its own copy (307,511 ×
133 float64 = 330 MB on the full Kaggle data).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from django.conf import settings

from ml.data.files import dataset_schema, read_clients
from ml.data.schema import ID_COLUMN
from ml.errors import ModelNotFoundError, ModelUnavailableError
from scoring_api.scoring.model_store import retry_delay

logger = logging.getLogger(__name__)
FEATURE_FILES = ("features_train.parquet", "features_test.parquet")


def _matrix_cache(features_dir: Path, features: list[str]) -> Path:
    """Cache file name: changes with the feature list and the feature files' mtime/size."""
    digest = hashlib.sha256("\n".join(features).encode())
    for name in FEATURE_FILES:
        stat = (features_dir / name).stat()
        digest.update(f"{name}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    # beside the feature folder, not in it: that folder holds exactly the contract's files
    return features_dir.parent / ".feature-cache" / f"{features_dir.name}-{digest.hexdigest()[:16]}.npy"


def _read_matrix(features_dir: Path, features: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(ids, float64 matrix in ``features`` order) of both splits, missing columns → NaN."""
    ids, blocks = [], []
    for name in FEATURE_FILES:
        path = features_dir / name
        available = set(dataset_schema(path).names)
        table = pq.read_table(path, columns=[ID_COLUMN, *[f for f in features if f in available]])
        frame = table.to_pandas().set_index(ID_COLUMN).reindex(columns=features)
        ids.append(frame.index.to_numpy("int64"))
        blocks.append(frame.to_numpy("float64", na_value=np.nan))
    return np.concatenate(ids), np.concatenate(blocks)


def _digest(array: np.ndarray) -> str:
    """Checksum of an array's bytes (BLAKE2b, ~1 GB/s), written beside the cache and checked
    when it is opened: a cache damaged on disk is rebuilt from the Parquet files."""
    digest = hashlib.blake2b(digest_size=16)
    rows = max(1, (64 * 2**20) // max(array[:1].nbytes, 1))  # 64 MB at a time
    for start in range(0, len(array), rows):
        digest.update(np.ascontiguousarray(array[start:start + rows]).data)
    return digest.hexdigest()


def _open_cache(cache: Path, ids_cache: Path, sums: Path, features: list[str],
                features_dir: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """The cached (ids, matrix), or None when absent or damaged (logged: rebuilt)."""
    if not (cache.exists() and ids_cache.exists() and sums.exists()):
        return None
    try:
        expected = json.loads(sums.read_text(encoding="ascii"))
        ids = np.load(ids_cache, allow_pickle=False)
        matrix = np.load(cache, mmap_mode="r", allow_pickle=False)
        if not (ids.ndim == 1 and ids.dtype == np.int64 and matrix.dtype == np.float64
                and matrix.shape == (len(ids), len(features))):
            raise ValueError(f"shape {matrix.shape} / {ids.shape} for {len(features)} features")
        if expected != {"ids": _digest(ids), "matrix": _digest(matrix)}:
            raise ValueError("checksum mismatch")
        source_rows = sum(ds.dataset(features_dir / name, format="parquet").count_rows()
                          for name in FEATURE_FILES)
        if source_rows != len(ids):
            raise ValueError(f"{len(ids)} rows cached, {source_rows} in the Parquet files")
    except (OSError, ValueError, KeyError, TypeError, EOFError) as error:
        logger.warning("feature cache %s is damaged (%s): rebuilding it from %s",
                       cache, error, features_dir)
        return None
    return ids, matrix


def _memory_mapped(features_dir: Path, features: list[str]) -> tuple[np.ndarray, np.ndarray]:
    cache = _matrix_cache(features_dir, features)
    ids_cache = cache.with_suffix(".ids.npy")
    sums = cache.with_suffix(".sums.json")
    cached = _open_cache(cache, ids_cache, sums, features, features_dir)
    if cached is not None:
        return cached
    ids, matrix = _read_matrix(features_dir, features)
    try:
        cache.parent.mkdir(exist_ok=True)
        for path, array in ((ids_cache, ids), (cache, matrix)):
            partial = path.with_name(f".{os.getpid()}.{path.name}")  # np.save wants .npy
            np.save(partial, array)
            os.replace(partial, path)  # atomic: a sibling worker sees all or nothing
        partial = sums.with_name(f".{os.getpid()}.{sums.name}")
        partial.write_text(json.dumps({"ids": _digest(ids), "matrix": _digest(matrix)}),
                           encoding="ascii")
        os.replace(partial, sums)
        for stale in cache.parent.glob(f"{features_dir.name}-*"):
            if stale not in (cache, ids_cache, sums):
                stale.unlink(missing_ok=True)
    except OSError as error:  # read-only features folder: keep the in-memory copy
        logger.warning("cannot cache the feature matrix in %s: %s", cache.parent, error)
        return ids, matrix
    return np.load(ids_cache), np.load(cache, mmap_mode="r")


@dataclass
class Population:
    """Everything about the known clients, for one list of model features."""

    features: list[str]
    clients: pd.DataFrame  # indexed by SK_ID_CURR, columns of the clients contract
    ids: np.ndarray
    matrix: np.ndarray  # rows aligned with ids
    dictionary: dict
    _rows: pd.Index = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rows = pd.Index(self.ids)

    def __contains__(self, client_id: int) -> bool:
        return client_id in self.clients.index

    def row(self, client_id: int) -> np.ndarray:
        """The model input of one client (a copy: callers may change it)."""
        return np.array(self.matrix[self._rows.get_loc(client_id)], dtype="float64")

    def rows_of(self, client_ids: np.ndarray) -> np.ndarray:
        """Positions in ``matrix`` of the given ids (all must be known)."""
        return self._rows.get_indexer(client_ids)

    def column(self, feature: str) -> np.ndarray:
        return np.asarray(self.matrix[:, self.features.index(feature)], dtype="float64")


def load_population(features: list[str], features_dir: Path | None = None) -> Population:
    features_dir = Path(features_dir or settings.FEATURES_DIR)
    missing = [n for n in (*FEATURE_FILES, "clients.parquet") if not (features_dir / n).exists()]
    if missing:
        raise ModelNotFoundError(
            f"feature files missing in {features_dir}: {', '.join(missing)} "
            "(build them with `make features` or `python -m ml features`)")
    reading = "clients.parquet"
    try:
        clients = read_clients(features_dir / reading).set_index(ID_COLUMN)
        reading = " / ".join(FEATURE_FILES)
        ids, matrix = _memory_mapped(features_dir, features)
        reading = "feature_dictionary.json"
        dictionary_file = features_dir / reading
        dictionary = {}
        if dictionary_file.exists():
            dictionary = json.loads(dictionary_file.read_text(encoding="utf-8")).get("features", {})
            if not isinstance(dictionary, dict):
                raise ValueError("'features' is not an object")
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as error:
        raise ModelUnavailableError(
            f"{reading} in {features_dir} cannot be read ({type(error).__name__}: "
            f"{str(error)[:300]}); rebuild the features (`make features`)") from error
    return Population(features, clients, ids, matrix, dictionary)


class PopulationStore:
    """One ``Population`` per worker, rebuilt when the model's feature list changes."""

    def __init__(self) -> None:
        self._population: Population | None = None
        self._failure: tuple[float, list[str], ModelNotFoundError] | None = None
        self._lock = threading.Lock()

    def get(self, features: list[str]) -> Population:
        population = self._population
        if population is not None and population.features == features:
            return population
        with self._lock:
            if self._population is None or self._population.features != features:
                failure = self._failure
                if failure and failure[1] == features and \
                        time.monotonic() - failure[0] < retry_delay():
                    raise failure[2]  # a corrupt file answers 503 at once, retried later
                try:
                    self._population = load_population(features)
                except ModelNotFoundError as error:
                    self._failure = (time.monotonic(), features, error)
                    raise
                self._failure = None
            return self._population

    def reset(self) -> None:
        with self._lock:
            self._population = None
            self._failure = None


populations = PopulationStore()
