"""Reasons in plain French: sorted by |contribution|, direction = sign, missing values named."""
import math

import numpy as np
import pytest

from ml.model.reasons import reasons
from vocabulary.formats import value as display_value

DICTIONARY = {
    "INST_DELAY_MEAN": {"label": "Retard moyen de paiement", "unit": "jours"},
    "AMT_INCOME_TOTAL": {"label": "Revenu annuel", "unit": "€"},
    "EXT_SOURCE_2": {"label": "Score externe 2", "unit": "score"},
    "CREDIT_INCOME_RATIO": {"label": "Crédit rapporté au revenu", "unit": "ratio"},
    "AGE_YEARS": {"label": "Âge", "unit": "ans"},
}
NAMES = list(DICTIONARY)
VALUES = [12.0, 135000.0, float("nan"), 3.2, 41.0]
CONTRIBUTIONS = [0.30, -0.05, 0.80, -0.60, 0.01]


def test_top_k_sorted_by_absolute_contribution() -> None:
    result = reasons(NAMES, VALUES, CONTRIBUTIONS, DICTIONARY, top=3)
    assert [r["feature"] for r in result] == ["EXT_SOURCE_2", "CREDIT_INCOME_RATIO", "INST_DELAY_MEAN"]
    magnitudes = [abs(r["contribution"]) for r in reasons(NAMES, VALUES, CONTRIBUTIONS, DICTIONARY, top=5)]
    assert magnitudes == sorted(magnitudes, reverse=True)


def test_direction_follows_the_sign_of_the_contribution() -> None:
    for reason in reasons(NAMES, VALUES, CONTRIBUTIONS, DICTIONARY, top=5):
        expected = "augmente" if reason["contribution"] > 0 else "diminue"
        assert reason["direction"] == expected
        assert f") {expected} " in reason["sentence"]
        other = "diminue" if expected == "augmente" else "augmente"
        assert other not in reason["sentence"]


def test_sentences_are_french_with_label_and_value() -> None:
    result = reasons(NAMES, VALUES, CONTRIBUTIONS, DICTIONARY, top=5)
    by_feature = {r["feature"]: r for r in result}
    delay = by_feature["INST_DELAY_MEAN"]
    assert delay["sentence"].startswith("Retard moyen de paiement (12\u202fjours)")
    assert delay["sentence"].endswith("le risque de défaut.")
    assert by_feature["AMT_INCOME_TOTAL"]["display_value"] == "135\u202f000\u202f€"
    assert by_feature["CREDIT_INCOME_RATIO"]["display_value"] == "3,20"  # French decimal comma
    for reason in result:
        assert reason["label"] == DICTIONARY[reason["feature"]]["label"]
        assert reason["unit"] == DICTIONARY[reason["feature"]]["unit"]
        assert "risk" not in reason["sentence"].lower()


def test_missing_value_is_shown_as_not_provided() -> None:
    (first,) = reasons(NAMES, VALUES, CONTRIBUTIONS, DICTIONARY, top=1)
    assert first["feature"] == "EXT_SOURCE_2"
    assert first["value"] is None  # JSON-safe, never NaN
    assert first["display_value"] == "non renseigné"
    assert "(non renseigné)" in first["sentence"]
    assert display_value(None, "€") == "non renseigné"


def test_strong_effect_is_called_nettement() -> None:
    result = {r["feature"]: r for r in reasons(NAMES, VALUES, CONTRIBUTIONS, DICTIONARY, top=5)}
    assert "augmente nettement" in result["EXT_SOURCE_2"]["sentence"]
    assert "nettement" not in result["AGE_YEARS"]["sentence"]


def test_unknown_feature_falls_back_to_its_name() -> None:
    (reason,) = reasons(["NEW_FEATURE"], [1.5], [-0.2], {}, top=5)
    assert reason["label"] == "NEW_FEATURE" and reason["direction"] == "diminue"
    assert reason["display_value"] == "1,50"


@pytest.mark.parametrize("value, unit, shown", [
    (0.25, "%", "25\u202f%"), (1.0, "", "oui"), (0.0, "", "non"), (3.0, "nombre", "3"),
    (1234567.0, "€", "1\u202f234\u202f567\u202f€"), (35.5, "ans", "35,5\u202fans"),
])
def test_display_value_formats(value, unit, shown) -> None:
    assert display_value(value, unit) == shown


def test_reasons_of_the_champion_use_the_french_dictionary(registered_model) -> None:
    import pandas as pd

    from ml.model.loading import load_model

    model = load_model(registered_model.uri)
    frame = pd.read_parquet(registered_model.features_dir / "features_train.parquet").head(3)
    X = frame[model.features]
    base, contributions = model.explain(X)
    for row in range(len(X)):
        values = X.iloc[row].to_list()
        result = reasons(model.features, values, contributions[row], model.dictionary, top=5)
        assert len(result) == 5
        magnitudes = [abs(r["contribution"]) for r in result]
        assert magnitudes == sorted(magnitudes, reverse=True)
        assert magnitudes[0] == pytest.approx(np.abs(contributions[row]).max(), abs=1e-6)
        for reason in result:
            assert reason["label"] != reason["feature"], "every model feature has a French label"
            assert reason["sentence"].endswith("le risque de défaut.")
            if reason["value"] is None:
                assert reason["display_value"] == "non renseigné"
            else:
                assert not math.isnan(reason["value"])
