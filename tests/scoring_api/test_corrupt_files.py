"""A corrupt feature Parquet, dictionary JSON, model pickle or .npy cache (issue 13 #11): the
server answers (never a 500 with the cause only in the log): /health 503 with the reason, the
endpoints 503 ``model_unavailable`` in the API's error shape, service back once the file is
repaired, and a damaged .npy cache rebuilt from its Parquet source. The real server starting
with a corrupt file is in test_gunicorn.py."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.scoring_api.conftest import reset_stores

GARBAGE = b"PAR1 this is not a parquet file \x00\xff" * 40


@pytest.fixture
def features_copy(api_settings, registered_model, tmp_path: Path) -> Path:
    """The session's features copied where a test may damage them; the API reads the copy."""
    folder = tmp_path / "features"
    shutil.copytree(registered_model.features_dir, folder)
    api_settings.FEATURES_DIR = folder
    reset_stores()
    return folder


def _assert_unavailable(api, client, reason_names: str) -> None:
    health = api.get("/health")
    assert health.status_code == 503, health.content[:300]
    assert health.json()["status"] == "unavailable"
    assert reason_names in health.json()["reason"]
    assert client.get("/health").json() == {"status": "unavailable", "model_version": None}
    for path in ("/score/100002", "/clients", "/model", "/population/features"):
        answer = api.get(path)
        assert answer.status_code == 503, (path, answer.content[:300])
        error = answer.json()["error"]
        assert error["status"] == 503 and error["code"] == "model_unavailable", path
        assert reason_names in error["message"]


@pytest.mark.parametrize("name", ["features_train.parquet", "features_test.parquet",
                                  "clients.parquet"])
def test_a_corrupt_parquet_file_answers_503_then_recovers(api, client, features_copy, name,
                                                          registered_model):
    (features_copy / name).write_bytes(GARBAGE)
    _assert_unavailable(api, client, name)
    shutil.copy2(registered_model.features_dir / name, features_copy / name)  # repaired
    assert api.get("/health").status_code == 200  # no restart needed


@pytest.mark.parametrize("content", ['{"features": {"AMT_CREDIT": ', '{"features": [1, 2]}'])
def test_a_corrupt_dictionary_answers_503(api, client, features_copy, content):
    (features_copy / "feature_dictionary.json").write_text(content, encoding="utf-8")
    _assert_unavailable(api, client, "feature_dictionary.json")


def _model_files(registered_model) -> list[Path]:
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=registered_model.tracking_uri)
    location = Path(client.get_model_version_download_uri(registered_model.name,
                                                          registered_model.version)
                    .removeprefix("file://"))
    files = sorted(location.rglob("*.pkl"))
    assert files, f"no pickle in {location}"
    return files


def test_a_corrupt_model_pickle_answers_503(api, client, registered_model, features_copy):
    files = _model_files(registered_model)
    saved = {path: path.read_bytes() for path in files}
    try:
        for path, content in saved.items():
            path.write_bytes(content[: len(content) // 3])  # truncated, as by a failed copy
        reset_stores()
        _assert_unavailable(api, client, f"version {registered_model.version} cannot be loaded")
    finally:
        for path, content in saved.items():
            path.write_bytes(content)
    reset_stores()
    assert api.get("/health").status_code == 200


def _cache_files(features_dir: Path) -> tuple[Path, Path]:
    folder = features_dir.parent / ".feature-cache"
    matrix = [p for p in folder.glob(f"{features_dir.name}-*.npy") if not p.name.endswith(".ids.npy")]
    assert len(matrix) == 1, sorted(folder.iterdir())
    return matrix[0], matrix[0].with_suffix(".ids.npy")


@pytest.mark.parametrize("damage", ["truncated", "bytes changed", "ids truncated", "header"])
def test_a_damaged_npy_cache_is_rebuilt_from_its_source(api, features_copy, damage, caplog,
                                                        features_frame, champion):
    assert api.get("/health").status_code == 200  # builds the cache
    matrix_file, ids_file = _cache_files(features_copy)
    original = matrix_file.read_bytes()
    if damage == "truncated":
        matrix_file.write_bytes(original[: len(original) // 2])
    elif damage == "bytes changed":  # same size, same header: only the checksum sees it
        data = bytearray(original)
        data[-64:] = b"\x7f" * 64
        matrix_file.write_bytes(bytes(data))
    elif damage == "ids truncated":
        ids_file.write_bytes(ids_file.read_bytes()[:200])
    else:
        matrix_file.write_bytes(b"\x93NUMPY garbage" + original[14:])
    reset_stores()
    with caplog.at_level(logging.WARNING, logger="scoring_api.scoring.client_store"):
        response = api.get("/health")
    assert response.status_code == 200, response.content[:300]
    assert "damaged" in caplog.text and "rebuilding" in caplog.text
    assert matrix_file.read_bytes() == original  # rebuilt from the Parquet files
    client_id = int(features_frame.index[-1])  # the last row: where the damage was
    expected = features_frame.loc[client_id].reindex(champion.features).to_numpy("float64")
    from scoring_api.scoring.client_store import populations

    row = populations.get(champion.features).row(client_id)
    np.testing.assert_array_equal(row, expected)
