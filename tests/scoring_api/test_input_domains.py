"""Impossible applications are refused, never scored (issue 13, #7): every field of POST /score
is checked against its domain declared once in ``ml.data.schema`` (type, unit, plausible
range); the answer is a JSON 400 in the API's error shape naming the field, and nothing is
recorded. A posted ``threshold`` is refused too: the threshold is the model's (#13)."""
from __future__ import annotations

import numpy as np
import pytest

from ml.data.schema import APPLICATION_DOMAINS, DAYS_EMPLOYED_SENTINEL
from scoring_api.scoring.models import PredictionEvent
from tests.scoring_api.test_score import APPLICATION

IMPOSSIBLE = [
    # the reproduction: a 1,095-year-old got p=0.0, « accordé »
    ("1095-year-old", {"AMT_INCOME_TOTAL": 100000, "AMT_CREDIT": 100000, "DAYS_BIRTH": -400000},
     "DAYS_BIRTH"),
    ("8-year-old", {**APPLICATION, "DAYS_BIRTH": -3000}, "DAYS_BIRTH"),
    ("no income", {**APPLICATION, "AMT_INCOME_TOTAL": 0}, "AMT_INCOME_TOTAL"),
    ("income 1e308", {**APPLICATION, "AMT_INCOME_TOTAL": 1e308}, "AMT_INCOME_TOTAL"),
    ("false as a credit", {**APPLICATION, "AMT_CREDIT": False}, "AMT_CREDIT"),
    ("employed in the future", {**APPLICATION, "DAYS_EMPLOYED": 400000}, "DAYS_EMPLOYED"),
    ("employed before birth", {**APPLICATION, "DAYS_BIRTH": -8000, "DAYS_EMPLOYED": -9000},
     "DAYS_EMPLOYED"),
    # and the issue's « true as an amount »
    ("true as an income", {**APPLICATION, "AMT_INCOME_TOTAL": True}, "AMT_INCOME_TOTAL"),
    ("half a child", {**APPLICATION, "CNT_CHILDREN": 2.5}, "CNT_CHILDREN"),
    ("an amount as text", {**APPLICATION, "AMT_ANNUITY": "24700"}, "AMT_ANNUITY"),
    ("a flag that is no boolean", {**APPLICATION, "FLAG_MOBIL": 7}, "FLAG_MOBIL"),
    ("a what-if with true as a credit", {"base_client_id": 100002, "AMT_CREDIT": True},
     "AMT_CREDIT"),
]


@pytest.mark.parametrize(("body", "field"), [case[1:] for case in IMPOSSIBLE],
                         ids=[case[0] for case in IMPOSSIBLE])
def test_an_impossible_application_gets_no_decision(api, body, field):
    response = api.post("/score", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert list(error["fields"]) == [field], error
    assert field in error["message"]
    assert "decision" not in response.json()
    assert not PredictionEvent.objects.exists()


def test_the_message_says_the_plausible_range(api):
    error = api.post("/score", {**APPLICATION, "DAYS_BIRTH": -400000}, format="json").json()
    assert "âge de 18 à 100 ans" in error["error"]["fields"]["DAYS_BIRTH"][0]


def test_an_overflowing_number_is_refused(api):
    body = '{"AMT_INCOME_TOTAL": 1e999, "AMT_CREDIT": 100000}'  # parses as infinity
    response = api.generic("POST", "/score", body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["AMT_INCOME_TOTAL"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_numbers_are_refused(api, literal):
    body = f'{{"AMT_INCOME_TOTAL": {literal}, "AMT_CREDIT": 100000}}'
    response = api.generic("POST", "/score", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.parametrize("change", [
    {"DAYS_EMPLOYED": DAYS_EMPLOYED_SENTINEL},  # not employed
    {"DAYS_BIRTH": -6574, "DAYS_EMPLOYED": -300},  # 18 years old, employed for 300 days
    {"FLAG_OWN_CAR": "Y", "FLAG_EMAIL": True},  # a boolean flag as a boolean
    {"FLAG_EMAIL": 0},  # or as the files write it
])
def test_values_at_the_edge_of_their_domain_are_scored(api, change):
    response = api.post("/score", {**APPLICATION, **change}, format="json")
    assert response.status_code == 200, response.content
    event = PredictionEvent.objects.get()
    assert event.decision == response.json()["decision"]


def test_a_posted_threshold_is_refused_not_applied(api):
    """A mutation applying a ``threshold`` field to the decision fails here."""
    response = api.post("/score", {**APPLICATION, "threshold": 0.0}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["threshold"]
    assert not PredictionEvent.objects.exists()


def test_every_application_field_has_a_domain_in_the_contract(api_settings):
    """The OpenAPI schema carries each domain (the portal and other callers read it there)."""
    from tests.contract import document

    properties = document()["components"]["schemas"]["ApplicationRequest"]["properties"]
    assert set(APPLICATION_DOMAINS) <= set(properties)
    birth = properties["DAYS_BIRTH"]
    assert (birth["minimum"], birth["maximum"]) == (-36525, -6574)
    assert properties["AMT_INCOME_TOTAL"]["exclusiveMinimum"] is True


def test_a_probability_exactly_at_the_threshold_is_refused_through_post_score(api):
    """The served model's threshold is set to this application's exact probability: refused;
    one float below it: granted (a ``>`` rule, or a rounded comparison, fails here)."""
    from scoring_api.scoring.selectors import current

    first = api.post("/score", APPLICATION, format="json")
    assert first.status_code == 200
    model, _ = current()
    event = PredictionEvent.objects.get()
    row = np.array([[np.nan if event.features[f] is None else event.features[f]
                     for f in model.features]])
    exact = float(model.score(row)[0][0])
    original = model.threshold
    try:
        model.threshold = exact
        at = api.post("/score", APPLICATION, format="json").json()
        assert (at["threshold"], at["decision"]) == (exact, "refusé")
        model.threshold = float(np.nextafter(exact, 1.0))
        above = api.post("/score", APPLICATION, format="json").json()
        assert above["decision"] == "accordé"
    finally:
        model.threshold = original
