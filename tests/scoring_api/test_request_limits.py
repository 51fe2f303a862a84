"""Bodies the API will not read (issue 13, #8 and #9): deeply nested JSON is a 400 (it was a
500 with a traceback, 20 times out of 20), a body over the limit a 413 naming the limit (it
was a vague 400 after reading 2.5 MB); both in the API's error shape, nothing scored."""
from __future__ import annotations

import pytest

from scoring_api.config.parsers import MAX_JSON_DEPTH, json_depth
from scoring_api.scoring.models import PredictionEvent
from tests.scoring_api.test_score import APPLICATION


@pytest.mark.parametrize("body", [
    "[" * 5000 + "]" * 5000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    '{"AMT_INCOME_TOTAL": 100000, "AMT_CREDIT": ' + "[" * 50 + "]" * 50 + "}",
])
def test_deeply_nested_json_is_a_400(api, body):
    for _ in range(3):
        response = api.generic("POST", "/score", body, content_type="application/json")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "parse_error" and f"{MAX_JSON_DEPTH} niveaux" in error["message"]
    assert not PredictionEvent.objects.exists()


def test_the_depth_is_counted_without_recursion():
    nested: list = []
    for _ in range(100_000):
        nested = [nested]
    assert json_depth(nested) == MAX_JSON_DEPTH + 1  # stops counting past the limit
    assert json_depth(APPLICATION) == 1 and json_depth(3) == 0


def test_a_body_over_the_limit_is_a_413_before_it_is_read(api, settings):
    body = '{"AMT_INCOME_TOTAL": 100000, "AMT_CREDIT": 100000, "pad": "' + "x" * 10_000_000 + '"}'
    response = api.generic("POST", "/score", body, content_type="application/json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large" and error["status"] == 413
    assert "1 Mo au plus" in error["message"] and str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) \
        in error["message"]
    assert not PredictionEvent.objects.exists()


def test_the_limit_is_a_setting(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = api.post("/score", APPLICATION, format="json")
    assert response.status_code == 413 and "100 octets" in response.json()["error"]["message"]
