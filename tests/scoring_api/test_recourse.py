"""GET /score/<id>/recourse and the probability points of the reasons, on the real registered
model: a suggestion sent back through POST /score (the what-if) really grants; the points add
up from the common starting point to the client's probability."""
from __future__ import annotations

import numpy as np
import pytest

from scoring_api.scoring.models import PredictionEvent
from vocabulary import formats
from vocabulary import recourse as words

pytestmark = pytest.mark.django_db


def _refused(api, count: int = 40) -> list[int]:
    page = api.get("/clients", {"decision": "refusé", "page_size": count}).json()
    return [row["client_id"] for row in page["results"]]


def _with_recourse(api, status: str) -> dict:
    for client_id in _refused(api):
        body = api.get(f"/score/{client_id}/recourse").json()
        if body["status"] == status:
            return body
    pytest.fail(f"no refused client of the session model has recourse status {status}")


def test_each_suggestion_applied_in_the_what_if_grants(api, champion):
    body = _with_recourse(api, words.FOUND)
    client_id = body["client_id"]
    assert body["decision"] == "refusé" and body["suggestions"]
    assert body["message"] == words.message_found(len(body["suggestions"]))
    assert "indicatives" in body["indicative"] and "co-emprunteur" in body["never_changed"]
    for suggestion in body["suggestions"]:
        simulated = api.post("/score", {"base_client_id": client_id, **suggestion["changes"]},
                             format="json").json()
        assert simulated["decision"] == "accordé", (suggestion, simulated)
        assert simulated["probability_default"] < champion.threshold
        assert simulated["probability_default"] == pytest.approx(
            suggestion["probability_default"], abs=1e-6)
        assert suggestion["title"] == words.LEVERS[suggestion["lever"]]
        assert suggestion["display_probability"] == formats.percent(
            suggestion["probability_default"])
        changed = {field["name"]: field for field in suggestion["fields"]}
        for name, value in suggestion["changes"].items():
            assert changed[name]["after"] == value
            assert changed[name]["display_after"] in suggestion["sentence"]
    stored = api.get(f"/score/{client_id}").json()
    assert stored["decision"] == "refusé", "a recourse never changes the client's decision"


def test_none_found_is_said_plainly(api):
    body = _with_recourse(api, words.NONE_FOUND)
    assert body["suggestions"] == []
    assert body["message"].startswith("Aucune modification plausible ne suffit")
    assert "45\u202fmois" in body["message"] or "montant réduit" in body["message"]


def test_a_granted_client_needs_no_change(api, clients_frame, champion):
    granted = api.get("/clients", {"decision": "accordé", "page_size": 1}).json()["results"][0]
    body = api.get(f"/score/{granted['client_id']}/recourse").json()
    assert (body["status"], body["suggestions"]) == (words.NOT_NEEDED, [])
    assert body["message"] == words.MESSAGE_NOT_NEEDED


def test_recourse_stores_no_prediction_and_knows_its_clients(api):
    client_id = _refused(api, 1)[0]
    assert api.get(f"/score/{client_id}/recourse").status_code == 200
    assert not PredictionEvent.objects.exists()
    missing = api.get("/score/999999999/recourse")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "client_not_found"


def test_reason_points_add_up_from_the_common_starting_point(api, clients_frame, features_frame,
                                                             champion):
    """Start + each reason's points + the other factors' = the probability, for every client;
    one conversion rate per client, so each effect keeps its sign and proportion (all zero when
    the calibrated probability sits on the starting point's own step)."""
    from ml.model.scoring import sigmoid

    moved = 0
    for client_id in clients_frame.index[:25]:
        body = api.get(f"/score/{int(client_id)}").json()
        start = float(champion.calibrate(sigmoid(np.array([body["base_value"]])))[0])
        assert body["base_probability"] == pytest.approx(start, abs=1e-6)
        total = body["base_probability"] + sum(r["points"] for r in body["reasons"]) \
            + body["other_factors"]["points"]
        assert total == pytest.approx(body["probability_default"], abs=1e-5)
        _, contributions = champion.explain(features_frame.loc[[client_id], champion.features])
        assert body["other_factors"]["count"] == len(champion.features) - len(body["reasons"])
        assert body["other_factors"]["contribution"] == pytest.approx(
            contributions.sum() - sum(r["contribution"] for r in body["reasons"]), abs=1e-5)
        for reason in body["reasons"]:
            assert reason["display_points"] == formats.points(reason["points"])
        if abs(body["probability_default"] - body["base_probability"]) < 1e-9:
            assert all(r["points"] == 0 for r in body["reasons"])
            continue
        moved += 1
        rates = [r["points"] / r["contribution"] for r in body["reasons"]]
        assert all(rate > 0 for rate in rates), "an effect changed sign"
        assert max(rates) == pytest.approx(min(rates), rel=1e-3), "one rate for every reason"
    assert moved >= 10


def test_a_what_if_answer_carries_the_points_too(api, clients_frame):
    client_id = int(clients_frame.index[3])
    body = api.post("/score", {"base_client_id": client_id, "AMT_CREDIT": 100000},
                    format="json").json()
    total = body["base_probability"] + sum(r["points"] for r in body["reasons"]) \
        + body["other_factors"]["points"]
    assert total == pytest.approx(body["probability_default"], abs=1e-5)
