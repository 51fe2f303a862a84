"""Descriptive data, search, similar clients and population statistics, checked against the
feature files the API reads (never against numbers typed here)."""
from __future__ import annotations

import numpy as np
import pytest

from vocabulary import formats
from vocabulary.features import CLIENT_FIELDS, label_and_unit

pytestmark = pytest.mark.django_db


def _client(clients_frame, position: int = 5) -> int:
    return int(clients_frame.index[position])


def test_search_filters_combine(api, clients_frame):
    body = api.get("/clients", {"sex": "F", "age_min": 30, "age_max": 45}).json()
    expected = clients_frame[(clients_frame["CODE_GENDER"] == "F")
                             & clients_frame["AGE_YEARS"].between(30, 45)]
    assert body["count"] == len(expected) > 0
    assert len(body["results"]) == 20 and body["next"] and body["previous"] is None
    for row in body["results"]:
        assert row["sex"] == "F" and 30 <= row["age_years"] <= 45
    assert [r["client_id"] for r in body["results"]] == sorted(expected.index)[:20]


def test_search_by_decision_agrees_with_the_scores(api, champion):
    refused = api.get("/clients", {"decision": "refusé", "page_size": 5}).json()
    assert refused["count"] > 0
    for row in refused["results"]:
        assert row["decision"] == "refusé" and row["probability_default"] >= champion.threshold
        assert api.get(f"/score/{row['client_id']}").json()["decision"] == "refusé"


def test_search_by_id_prefix_and_pages(api, clients_frame):
    client_id = _client(clients_frame)
    prefix = str(client_id)[:-1]
    body = api.get("/clients", {"search": prefix}).json()
    assert client_id in [r["client_id"] for r in body["results"]]
    assert all(str(r["client_id"]).startswith(prefix) for r in body["results"])
    past = api.get("/clients", {"page": 10_000, "page_size": 20})
    error = past.json()["error"]
    assert past.status_code == 404 and error["code"] == "page_not_found"
    pages = -(-len(clients_frame) // 20)
    assert error["message"] == f"Page 10000 inexistante : {pages} page(s) de résultats."
    assert api.get("/clients", {"page": pages}).status_code == 200


def test_an_unknown_query_parameter_is_refused(api):
    """``sexe=F`` (a typo) must not list every client as if there were no filter."""
    response = api.get("/clients", {"sexe": "F"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"sexe": ["Paramètre inconnu."]}


@pytest.mark.parametrize("query", [{"age_min": "vieux"}, {"sex": "X"}, {"age_min": 50, "age_max": 20},
                                   {"decision": "peut-être"}, {"search": "12ab"}])
def test_bad_filters_are_a_400_naming_the_field(api, query):
    response = api.get("/clients", query)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) <= {*query, "age_max"} and fields


def test_client_detail_is_the_clients_own_data(api, clients_frame):
    client_id = _client(clients_frame)
    body = api.get(f"/clients/{client_id}").json()
    row = clients_frame.loc[client_id]
    assert body["client_id"] == client_id and body["split"] == row["split"]
    assert body["income"] == pytest.approx(row["AMT_INCOME_TOTAL"])
    assert body["age_years"] == pytest.approx(row["AGE_YEARS"])
    labels = {f["name"]: f for f in body["fields"]}
    assert labels["AMT_INCOME_TOTAL"]["display_value"].endswith("\u202f€")
    # display-ready: the words and formats of the one home of the domain's words
    assert [f["name"] for f in body["fields"]] == [column for _, column in CLIENT_FIELDS]
    for field in body["fields"]:
        label, unit = label_and_unit(field["name"])
        assert (field["label"], field["unit"]) == (label, unit)
        assert field["display_value"] == formats.value(field["value"], unit)
    assert labels["CODE_GENDER"]["display_value"] in ("Femme", "Homme", "non renseigné")
    assert api.get("/clients/999999999").status_code == 404


def test_similar_clients_are_the_nearest_and_never_the_client(api, clients_frame):
    client_id = _client(clients_frame)
    body = api.get(f"/clients/{client_id}/similar", {"k": 7}).json()
    assert body["k"] == 7 and len(body["neighbours"]) == 7
    distances = [n["distance"] for n in body["neighbours"]]
    assert distances == sorted(distances)
    assert client_id not in [n["client_id"] for n in body["neighbours"]]
    # the nearest neighbour is closer in age than the median client
    ages = clients_frame["AGE_YEARS"]
    nearest_age = ages.loc[body["neighbours"][0]["client_id"]]
    assert abs(nearest_age - ages.loc[client_id]) <= (ages - ages.loc[client_id]).abs().median()
    assert api.get(f"/clients/{client_id}/similar", {"k": 0}).status_code == 400


def test_population_features_are_labelled_model_features(api, champion):
    features = api.get("/population/features").json()["features"]
    assert 0 < len(features) <= 20
    assert {f["name"] for f in features} <= set(champion.features)
    assert features[0]["name"] == champion.global_importance[0]["feature"]
    assert all(f["label"] != f["name"] for f in features)


def test_population_stats_describe_the_feature(api, clients_frame, features_frame):
    client_id = _client(clients_frame)
    body = api.get("/population/stats", {"feature": "AGE_YEARS", "client": client_id,
                                         "bins": 10}).json()
    values = features_frame["AGE_YEARS"].dropna().to_numpy()
    assert body["n"] == values.size and sum(body["histogram"]["counts"]) == values.size
    assert len(body["histogram"]["edges"]) == 11
    assert body["quantiles"]["p50"] == pytest.approx(np.median(values))
    assert body["mean"] == pytest.approx(values.mean())
    client_value = features_frame.loc[client_id, "AGE_YEARS"]
    assert body["client_value"] == pytest.approx(client_value)
    assert body["client_percentile"] == pytest.approx((values <= client_value).mean() * 100)


def test_similar_group_is_smaller_and_closer(api, clients_frame, settings):
    client_id = _client(clients_frame)
    everyone = api.get("/population/stats", {"feature": "AGE_YEARS", "client": client_id}).json()
    similar = api.get("/population/stats", {"feature": "AGE_YEARS", "client": client_id,
                                            "group": "similar"}).json()
    assert similar["group"] == "similar" and similar["n"] <= settings.SIMILAR_GROUP_SIZE
    spread = similar["quantiles"]["p90"] - similar["quantiles"]["p10"]
    assert spread < everyone["quantiles"]["p90"] - everyone["quantiles"]["p10"]


@pytest.mark.parametrize("query", [{"feature": "TARGET"}, {"feature": "NOPE"},
                                   {"feature": "AGE_YEARS", "group": "similar"},
                                   {"feature": "AGE_YEARS", "bins": 1000}])
def test_bad_statistics_queries_are_a_400(api, query):
    response = api.get("/population/stats", query)
    assert response.status_code == 400 and response.json()["error"]["fields"]


def test_scatter_is_a_bounded_sample_with_decisions(api, clients_frame, champion):
    client_id = _client(clients_frame)
    body = api.get("/population/scatter", {"x": "AGE_YEARS", "y": "AMT_INCOME_TOTAL",
                                           "client": client_id, "n": 50}).json()
    assert len(body["points"]) == 50 and body["x"]["name"] == "AGE_YEARS"
    assert {p["decision"] for p in body["points"]} <= {"accordé", "refusé"}
    assert body["client"]["y"] == pytest.approx(clients_frame.loc[client_id, "AMT_INCOME_TOTAL"])


def test_model_and_health(api, champion, client):
    model = api.get("/model").json()
    assert model["version"] == champion.version and model["threshold"] == champion.threshold
    assert model["global_importance"] and "auc" in str(model["metrics"]).lower()
    health = client.get("/health")  # no token needed: status and model version only
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "model_version": champion.version}
    assert api.get("/health").json()["clients"] > 0  # details with a token


def test_openapi_schema_is_published_and_valid(client, api_settings):
    from drf_spectacular.validation import validate_schema

    response = client.get("/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    for path in ("/score/{id}", "/score", "/clients", "/clients/{id}", "/clients/{id}/similar",
                 "/population/features", "/population/stats", "/population/scatter", "/model",
                 "/health", "/ping"):
        assert path in schema["paths"], path
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("page_size", ["0.62", "0", "101", "vingt"])
def test_a_bad_page_size_is_refused_not_ignored(api, page_size):
    """DRF's paginator silently used 20 for ``page_size=0.62`` (found by negative fuzzing)."""
    response = api.get("/clients", {"page_size": page_size})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page_size"]
