"""The challenger in shadow (MLflow alias ``challenger``): every real prediction is also scored
by it and stored on the event, never returned; whatever the challenger does, the champion's
answer is the same."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_api.scoring.models import PredictionEvent
from scoring_api.scoring.shadow import challengers

pytestmark = pytest.mark.django_db
SHADOW_NAME = "credit-scoring-shadow"


@pytest.fixture(scope="session")
def challenger_uri(registered_model) -> str:
    """The champion's logged model registered again under another name, alias challenger."""
    import mlflow

    mlflow.set_tracking_uri(registered_model.tracking_uri)
    version = mlflow.register_model(registered_model.results["registered"]["model_uri"], SHADOW_NAME).version
    mlflow.MlflowClient().set_registered_model_alias(SHADOW_NAME, "challenger", version)
    return f"models:/{SHADOW_NAME}@challenger"


def _score(api, client_id: int) -> dict:
    response = api.get(f"/score/{client_id}")
    assert response.status_code == 200
    return response.json()


def test_the_challenger_scores_in_shadow_and_is_never_returned(api, settings, challenger_uri, clients_frame):
    client_id = int(clients_frame.index[3])
    settings.CHALLENGER_MODEL_URI = ""
    alone = _score(api, client_id)
    settings.CHALLENGER_MODEL_URI = challenger_uri
    challengers.reset()
    shadowed = _score(api, client_id)
    assert shadowed == alone  # same answer, nothing of the challenger in it
    first, second = PredictionEvent.objects.order_by("created_at", "pk")
    assert first.challenger_probability_default is None and first.challenger_model_version == ""
    assert second.challenger_model_version == "1"
    assert second.challenger_probability_default == pytest.approx(shadowed["probability_default"], abs=1e-6)
    assert second.challenger_threshold == pytest.approx(shadowed["threshold"])
    assert second.challenger_latency_ms > 0


def test_a_failing_challenger_changes_nothing_for_the_caller(api, settings, challenger_uri, clients_frame,
                                                             monkeypatch, caplog):
    client_id = int(clients_frame.index[4])
    settings.CHALLENGER_MODEL_URI = challenger_uri
    expected = _score(api, client_id)
    challenger = challengers.get()

    def broken(frame):  # noqa: ANN001, ANN202
        raise RuntimeError("challenger exploded")

    monkeypatch.setattr(challenger, "predict_proba", broken)
    assert _score(api, client_id) == expected
    assert "challenger scoring failed" in caplog.text
    latest = PredictionEvent.objects.order_by("-pk").first()
    assert latest.challenger_probability_default is None and latest.probability_default == expected["probability_default"]


def test_no_challenger_alias_means_no_shadow(api, settings, clients_frame):
    settings.CHALLENGER_MODEL_URI = "models:/no-such-model@challenger"
    _score(api, int(clients_frame.index[5]))
    assert PredictionEvent.objects.get().challenger_probability_default is None


def test_what_ifs_are_not_shadowed(api, settings, challenger_uri, clients_frame):
    settings.CHALLENGER_MODEL_URI = challenger_uri
    response = api.post("/score", {"base_client_id": int(clients_frame.index[6]), "AMT_CREDIT": 150000},
                        format="json")
    assert response.status_code == 200
    assert PredictionEvent.objects.get().challenger_probability_default is None


def test_a_challenger_with_other_features_reads_the_champions_by_name(api, settings, challenger_uri,
                                                                      clients_frame, monkeypatch):
    settings.CHALLENGER_MODEL_URI = challenger_uri
    challenger = challengers.get()
    renamed = list(challenger.features)
    renamed[0] = "A_FEATURE_THE_CHAMPION_LACKS"  # missing for the challenger: NaN
    monkeypatch.setattr(challenger, "features", renamed)
    client_id = int(clients_frame.index[7])
    answer = _score(api, client_id)
    event = PredictionEvent.objects.get()
    row = dict(event.features)  # the champion's input, by name (missing → null)
    frame = pd.DataFrame([{name: np.nan if row.get(name) is None else row[name] for name in renamed}])
    expected = float(challenger.predict_proba(frame)[0])
    assert event.challenger_probability_default == pytest.approx(expected, abs=1e-6)
    assert event.probability_default == answer["probability_default"]
