"""Reasons that cite a sensitive attribute of the input policy (age: AGE_YEARS and
EMPLOYED_AGE_RATIO, derived from DAYS_BIRTH) are flagged in the API's answer with a French
note; no other reason is (issue 15, item 1). On the session's real registered model."""
from __future__ import annotations

import pytest

from ml.features.dictionary import SENSITIVE_FEATURES
from vocabulary.governance import sensitive_note

pytestmark = pytest.mark.django_db
AGE_FEATURES = {"AGE_YEARS", "EMPLOYED_AGE_RATIO"}


def test_reasons_citing_age_are_flagged_and_no_other(api, clients_frame):
    assert SENSITIVE_FEATURES == AGE_FEATURES | {"CODE_GENDER_F", "CODE_GENDER_M"}
    flagged = 0
    for client_id in clients_frame.index[:30]:
        body = api.get(f"/score/{int(client_id)}").json()
        for reason in body["reasons"]:
            assert not reason["feature"].startswith("CODE_GENDER"), "sex is never a model input"
            if reason["feature"] in AGE_FEATURES:
                flagged += 1
                assert reason["sensitive"] is True
                assert reason["sensitive_note"] == sensitive_note("DAYS_BIRTH")
                assert "l'âge du client" in reason["sensitive_note"]
            else:
                assert reason["sensitive"] is False and reason["sensitive_note"] is None, reason
    assert flagged, "age is among the reasons of none of 30 clients: the test proves nothing"


def test_a_what_if_flags_age_too(api, clients_frame):
    """POST /score (the what-if path, features recomputed) flags age as GET /score does."""
    for client_id in clients_frame.index[:30]:
        stored = api.get(f"/score/{int(client_id)}").json()
        if any(r["feature"] in AGE_FEATURES for r in stored["reasons"]):
            break
    else:
        pytest.fail("age is among the reasons of none of 30 clients")
    # the client's own amount sent again: the features are recomputed, the reasons stay the same
    amount = float(clients_frame.loc[client_id, "AMT_CREDIT"])
    answer = api.post("/score", {"base_client_id": int(client_id), "AMT_CREDIT": amount}, format="json")
    assert answer.status_code == 200, answer.content
    reasons = answer.json()["reasons"]
    age = [r for r in reasons if r["feature"] in AGE_FEATURES]
    assert age, [r["feature"] for r in reasons]
    assert all(r["sensitive"] and r["sensitive_note"] == sensitive_note("DAYS_BIRTH") for r in age)
    assert not any(r["sensitive"] for r in reasons if r["feature"] not in AGE_FEATURES)
