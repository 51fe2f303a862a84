"""``python -m ml real-sample``: the real sample becomes a data directory the unchanged pipeline
validates and builds features from; quoted rows are repaired, nothing else is changed."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ml.data.load import validate
from ml.data.real_sample import prepare, unwrap_quoted_rows
from ml.errors import DataValidationError
from ml.features.build import build_features


def test_whole_quoted_rows_are_unwrapped_and_others_kept():
    text = 'A,B,C\n"1,x,2.5"\n3,"y, z",4\n'
    repaired, fixed = unwrap_quoted_rows(text)
    assert fixed == 1
    assert repaired.splitlines() == ["A,B,C", "1,x,2.5", '3,"y, z",4']


def test_a_missing_sample_is_a_clear_error(tmp_path: Path):
    with pytest.raises(DataValidationError, match="real sample not found"):
        prepare(tmp_path / "nowhere", tmp_path / "out")


@pytest.mark.real_sample
def test_the_real_sample_goes_through_the_unchanged_pipeline(real_sample_dir: Path,
                                                               tmp_path: Path):
    counts = prepare(real_sample_dir, tmp_path / "data")
    raw = pd.read_csv(real_sample_dir / "application_train_sample.csv")
    assert counts["application_train"] == len(raw) and counts["application_test"] == 49
    assert counts["application_test_repaired_rows"] > 0
    validate(tmp_path / "data")  # raises on any schema problem
    train, test, clients = build_features(tmp_path / "data")
    assert len(train) == len(raw) and len(test) == 49
    assert train["TARGET"].mean() == pytest.approx(raw["TARGET"].mean())
    assert train["SK_ID_CURR"].tolist() == sorted(raw["SK_ID_CURR"])


def test_provenance_follows_the_data_into_the_features(tmp_path: Path):
    import json

    from ml.__main__ import main
    from ml.data.load import read_provenance

    assert read_provenance(tmp_path) == "real", "a folder nobody generated is the user's data"
    assert main(["synth", "--clients", "60", "--seed", "3", "--out", str(tmp_path / "syn")]) == 0
    assert read_provenance(tmp_path / "syn") == "synthetic"
    assert main(["features", "--data", str(tmp_path / "syn"), "--out", str(tmp_path / "f")]) == 0
    document = json.loads((tmp_path / "f" / "feature_dictionary.json").read_text())
    assert document["provenance"] == "synthetic"
