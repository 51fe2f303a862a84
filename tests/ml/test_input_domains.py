"""The declared domains of an application's fields (``ml.data.schema.APPLICATION_DOMAINS``)
are plausible: every value of the real Kaggle sample and of the synthetic data lies inside
(a domain too narrow would refuse real clients), and the impossible ones fall outside."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from ml.data.load import load_table
from ml.data.schema import APPLICATION_DOMAINS, APPLICATION_TEST_COLUMNS, ID_COLUMN


def _outside(frame: pd.DataFrame) -> dict[str, list]:
    """Per column, up to three values that their domain refuses (missing values are allowed)."""
    found: dict[str, list] = {}
    for column, domain in APPLICATION_DOMAINS.items():
        for value in frame[column].dropna().unique().tolist():
            if isinstance(value, float) and domain.kind in ("integer", "flag") \
                    and value.is_integer():
                value = int(value)  # pandas reads a column with missing values as floats
            if domain.clean(value)[1] is not None:
                found.setdefault(column, []).append(value)
    return {column: values[:3] for column, values in found.items()}


def test_every_application_column_has_one_domain():
    assert set(APPLICATION_DOMAINS) == set(APPLICATION_TEST_COLUMNS) - {ID_COLUMN}


@pytest.mark.real_sample
def test_the_real_sample_lies_inside_the_domains(real_sample_dir):
    for name in ("application_train_sample.csv", "application_test_sample.csv"):
        frame = pd.read_csv(real_sample_dir / name, keep_default_na=True)
        frame = frame.replace({"XNA": None, "XAP": None})
        assert _outside(frame) == {}, name


def test_the_synthetic_data_lies_inside_the_domains(synthetic_data_dir):
    for name in ("application_train", "application_test"):
        frame = load_table(name, synthetic_data_dir)
        assert _outside(frame) == {}, name


@pytest.mark.parametrize(("column", "value"), [
    ("DAYS_BIRTH", -400_000), ("DAYS_BIRTH", -3_000), ("AMT_INCOME_TOTAL", 0),
    ("AMT_INCOME_TOTAL", 1e308), ("AMT_INCOME_TOTAL", math.inf), ("AMT_CREDIT", True),
    ("AMT_CREDIT", "100000"), ("DAYS_EMPLOYED", 400_000), ("CNT_CHILDREN", 2.5),
    ("EXT_SOURCE_2", 1.5), ("FLAG_MOBIL", 2), ("CODE_GENDER", "X"),
])
def test_impossible_values_fall_outside(column, value):
    cleaned, problem = APPLICATION_DOMAINS[column].clean(value)
    assert cleaned is None and problem
