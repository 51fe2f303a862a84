"""Shared fixtures: a tiny real synthetic dataset, its features and a real model registered in a
temporary MLflow registry, built once per test session (see tests/fixtures/)."""
import logging
import os

import pytest

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


# CI=true: a skipped test is a failed one. Browser, axe-core (npm), the real Kaggle sample
# (../shared), PostgreSQL and Java are part of the toolchain CI installs (`make system-deps`,
# `npm install`, .ci/run): a test that skips there hides a check that never ran.
ON_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001, ANN201 (pytest hook)
    outcome = yield
    report = outcome.get_result()
    if ON_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped on CI (CI=true), where every test must run: {reason}"
