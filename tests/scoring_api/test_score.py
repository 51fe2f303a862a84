"""GET /score/<id> and POST /score on the real registered model: the numbers are those of the
model itself, the reasons explain them, every prediction is stored as an event."""
from __future__ import annotations

import numpy as np
import pytest

from scoring_api.scoring.models import PredictionEvent

pytestmark = pytest.mark.django_db


def _some_client(clients_frame, split: str = "test") -> int:
    return int(clients_frame.index[clients_frame["split"] == split][3])


def test_score_matches_the_registered_model(api, clients_frame, features_frame, champion):
    client_id = _some_client(clients_frame)
    response = api.get(f"/score/{client_id}")
    assert response.status_code == 200, response.content
    body = response.json()
    row = features_frame.loc[[client_id], champion.features]
    expected = float(champion.predict_proba(row)[0])
    assert body["probability_default"] == pytest.approx(expected, abs=1e-6)
    assert body["threshold"] == pytest.approx(champion.threshold)
    assert body["decision"] == ("refusé" if expected >= champion.threshold else "accordé")
    assert body["model"] == {"name": champion.name, "version": champion.version}
    assert body["client_id"] == client_id and body["source"] == "realtime"


def test_reasons_are_the_largest_shap_contributions_in_french(api, clients_frame,
                                                              features_frame, champion):
    client_id = _some_client(clients_frame, "train")
    body = api.get(f"/score/{client_id}").json()
    base, contributions = champion.explain(features_frame.loc[[client_id], champion.features])
    assert body["base_value"] == pytest.approx(base, abs=1e-5)
    top = np.argsort(-np.abs(contributions[0]))[:5]
    assert [r["feature"] for r in body["reasons"]] == [champion.features[i] for i in top]
    for reason in body["reasons"]:
        assert reason["direction"] == ("augmente" if reason["contribution"] > 0 else "diminue")
        assert reason["direction"] in reason["sentence"] and "risque" in reason["sentence"]
        assert reason["label"] != reason["feature"], "every reason has a French label"


def test_each_score_is_stored_as_an_event(api, clients_frame, champion):
    client_id = _some_client(clients_frame)
    body = api.get(f"/score/{client_id}").json()
    event = PredictionEvent.objects.get()
    assert (event.endpoint, event.client_id, event.simulation) == ("score_client", client_id, False)
    assert event.probability_default == pytest.approx(body["probability_default"])
    assert event.model_version == champion.version and event.latency_ms > 0
    assert set(event.features) == set(champion.features)
    assert all(v is None or np.isfinite(v) for v in event.features.values())


def test_unknown_client_is_a_json_404(api):
    response = api.get("/score/999999999")
    assert response.status_code == 404
    assert response.json()["error"] == {"status": 404, "code": "client_not_found",
                                        "message": "Client 999999999 inconnu.", "fields": {}}
    assert not PredictionEvent.objects.exists()


@pytest.mark.parametrize("path", ["/score/abc", "/nowhere", "/score/12/extra"])
def test_unknown_urls_answer_json(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_a_token_is_required(api_settings, client, clients_frame):
    response = client.get(f"/score/{_some_client(clients_frame)}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    bad = client.get("/score/1", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "authentication_failed"


def test_missing_model_is_a_503_with_a_reason(api, settings):
    from tests.scoring_api.conftest import reset_stores

    settings.MODEL_URI = "models:/no-such-model@champion"
    reset_stores()
    response = api.get("/score/100002")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "model_unavailable"
    health = api.get("/health")
    assert health.status_code == 503 and health.json()["status"] == "unavailable"


# --- POST /score -------------------------------------------------------------------------------

APPLICATION = {"AMT_INCOME_TOTAL": 180000, "AMT_CREDIT": 600000, "AMT_ANNUITY": 30000,
               "AMT_GOODS_PRICE": 540000, "DAYS_BIRTH": -12000, "DAYS_EMPLOYED": -2000,
               "CODE_GENDER": "F", "NAME_CONTRACT_TYPE": "Cash loans",
               "NAME_INCOME_TYPE": "Working", "EXT_SOURCE_2": 0.6, "EXT_SOURCE_3": 0.5}


def test_a_raw_application_is_scored_and_logged_with_its_hash(api, champion):
    response = api.post("/score", APPLICATION, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert 0 < body["probability_default"] < 1 and body["simulation"] is False
    assert body["decision"] == champion.decide(body["probability_default"])
    again = api.post("/score", dict(reversed(list(APPLICATION.items()))), format="json").json()
    assert again["input_hash"] == body["input_hash"], "the hash is of the canonical input"
    assert again["probability_default"] == body["probability_default"]
    riskier = api.post("/score", {**APPLICATION, "EXT_SOURCE_2": 0.05, "EXT_SOURCE_3": 0.05},
                       format="json").json()
    assert riskier["probability_default"] > body["probability_default"]
    assert PredictionEvent.objects.filter(endpoint="score_application").count() == 3


def test_a_what_if_with_unchanged_values_gives_the_stored_score(api, clients_frame):
    client_id = _some_client(clients_frame, "train")
    stored = api.get(f"/score/{client_id}").json()
    same_credit = float(clients_frame.loc[client_id, "AMT_CREDIT"])
    simulated = api.post("/score", {"base_client_id": client_id, "AMT_CREDIT": same_credit},
                         format="json").json()
    assert simulated["probability_default"] == pytest.approx(stored["probability_default"])
    assert simulated["simulation"] is True and simulated["client_id"] == client_id


def test_a_what_if_changes_the_model_input_and_is_not_the_clients_decision(
        api, clients_frame, features_frame, champion):
    client_id = _some_client(clients_frame)
    stored = api.get(f"/score/{client_id}").json()
    income = float(clients_frame.loc[client_id, "AMT_INCOME_TOTAL"])
    changed = api.post("/score", {"base_client_id": client_id, "AMT_CREDIT": income * 20,
                                  "AMT_ANNUITY": income * 0.9}, format="json").json()
    event = PredictionEvent.objects.filter(simulation=True).get()
    assert event.client_id == client_id and event.features["AMT_CREDIT"] == income * 20
    assert event.features["CREDIT_INCOME_RATIO"] == pytest.approx(20)
    assert event.features["ANNUITY_INCOME_RATIO"] == pytest.approx(0.9)
    assert event.features["PAYMENT_RATE"] == pytest.approx(0.9 / 20)
    moved = {"AMT_CREDIT", "AMT_ANNUITY", "CREDIT_INCOME_RATIO", "ANNUITY_INCOME_RATIO",
             "PAYMENT_RATE", "CREDIT_TERM_MONTHS", "GOODS_CREDIT_RATIO"}
    untouched = [f for f in champion.features if f not in moved]
    stored_row = features_frame.loc[client_id, untouched].to_numpy(dtype=float)
    simulated_row = np.array([np.nan if event.features[f] is None else event.features[f]
                              for f in untouched])
    np.testing.assert_array_equal(simulated_row, stored_row)  # the rest is the client's own
    model_input = np.array([[np.nan if event.features[f] is None else event.features[f]
                             for f in champion.features]])
    assert changed["probability_default"] == pytest.approx(
        float(champion.predict_proba(model_input)[0]), abs=1e-6)
    assert api.get(f"/score/{client_id}").json()["probability_default"] == \
        stored["probability_default"]


@pytest.mark.parametrize(("body", "field"), [
    ({"AMT_CREDIT": 600000}, "AMT_INCOME_TOTAL"),
    ({**APPLICATION, "AMT_CREDIT": "beaucoup"}, "AMT_CREDIT"),
    ({**APPLICATION, "AMT_CREDIT": -5}, "AMT_CREDIT"),
    ({**APPLICATION, "CODE_GENDER": "X"}, "CODE_GENDER"),
    ({**APPLICATION, "EXT_SOURCE_2": 1.5}, "EXT_SOURCE_2"),
    ({**APPLICATION, "TARGET": 1}, "TARGET"),
    ({**APPLICATION, "salary": 3}, "salary"),
    ({"base_client_id": 100002}, "non_field_errors"),
])
def test_bad_applications_are_refused_field_by_field(api, body, field):
    response = api.post("/score", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert field in error["message"]
    assert not PredictionEvent.objects.exists()


def test_unreadable_json_is_a_400_not_a_trace(api):
    response = api.generic("POST", "/score", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_a_what_if_on_an_unknown_client_is_a_404(api):
    response = api.post("/score", {"base_client_id": 999999999, "AMT_CREDIT": 1},
                        format="json")
    assert response.status_code == 404


def test_each_token_is_throttled_with_a_json_429(api, clients_frame, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min"})
    cache.clear()
    client_id = _some_client(clients_frame)
    statuses = [api.get(f"/score/{client_id}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get(f"/score/{client_id}")
    error = refused.json()["error"]
    assert error["status"] == 429 and error["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert PredictionEvent.objects.count() == 3, "a refused call stores no event"
    cache.clear()


def test_a_deleted_token_stops_working_at_once_a_remembered_one_saves_the_lookup(
        api_settings, token, client, clients_frame, settings):
    """Valid tokens are remembered in Django's cache (Redis on a dyno: shared by every worker);
    deleting one in the admin forgets it at once. A change the signals do not see (a user
    deactivated by a bulk update) waits for API_TOKEN_CACHE_SECONDS."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from rest_framework.authtoken.models import Token

    cache.clear()
    settings.API_TOKEN_CACHE_SECONDS = 60
    path = f"/score/{_some_client(clients_frame)}"
    assert client.get(path, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    user = Token.objects.get(key=token).user
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)  # no signal
    remembered = client.get(path, HTTP_AUTHORIZATION=f"Token {token}")
    assert remembered.status_code == 200, remembered.content
    Token.objects.filter(key=token).delete()
    assert client.get(path, HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert client.get(path, HTTP_AUTHORIZATION="Token never-issued").status_code == 401
    cache.clear()
