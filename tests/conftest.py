"""Shared fixtures: a tiny real synthetic dataset, its features and a real model registered in a
temporary MLflow registry, built once per test session (see tests/fixtures/)."""
import logging
import os

# Before LightGBM's OpenMP runtime starts: idle threads sleep instead of spinning, so tests
# stay fast on a small machine shared with other processes (see LIGHTGBM_THREADS in ml.config).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# py4j logs "Closing down clientserver connection" from __del__ after pytest closed its streams
logging.getLogger("py4j").setLevel(logging.WARNING)

pytest_plugins = [
    "tests.fixtures.paths",
    "tests.fixtures.data",
    "tests.fixtures.features",
    "tests.fixtures.model",
]
