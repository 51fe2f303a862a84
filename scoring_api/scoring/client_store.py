"""The clients the API knows: descriptive data (``clients.parquet``) and the model input of
each client (``features_train/test.parquet``) from ``FEATURES_DIR``.

The feature matrix is cached once as a ``.npy`` file next to the features and memory-mapped,
so every gunicorn worker shares the same pages instead of holding its own copy (307,511 ×
133 float64 = 330 MB on the full Kaggle data).
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from django.conf import settings

from ml.data.files import dataset_schema, read_clients
from ml.data.schema import ID_COLUMN
from ml.errors import ModelNotFoundError

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


def _memory_mapped(features_dir: Path, features: list[str]) -> tuple[np.ndarray, np.ndarray]:
    cache = _matrix_cache(features_dir, features)
    ids_cache = cache.with_suffix(".ids.npy")
    if not (cache.exists() and ids_cache.exists()):
        ids, matrix = _read_matrix(features_dir, features)
        try:
            cache.parent.mkdir(exist_ok=True)
            for path, array in ((ids_cache, ids), (cache, matrix)):
                partial = path.with_name(f".{os.getpid()}.{path.name}")  # np.save wants .npy
                np.save(partial, array)
                os.replace(partial, path)  # atomic: a sibling worker sees all or nothing
            for stale in cache.parent.glob(f"{features_dir.name}-*.npy"):
                if stale not in (cache, ids_cache):
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
    clients = read_clients(features_dir / "clients.parquet").set_index(ID_COLUMN)
    ids, matrix = _memory_mapped(features_dir, features)
    dictionary_file = features_dir / "feature_dictionary.json"
    dictionary = {}
    if dictionary_file.exists():
        import json

        dictionary = json.loads(dictionary_file.read_text(encoding="utf-8")).get("features", {})
    return Population(features, clients, ids, matrix, dictionary)


class PopulationStore:
    """One ``Population`` per worker, rebuilt when the model's feature list changes."""

    def __init__(self) -> None:
        self._population: Population | None = None
        self._lock = threading.Lock()

    def get(self, features: list[str]) -> Population:
        population = self._population
        if population is not None and population.features == features:
            return population
        with self._lock:
            if self._population is None or self._population.features != features:
                self._population = load_population(features)
            return self._population

    def reset(self) -> None:
        with self._lock:
            self._population = None


populations = PopulationStore()
