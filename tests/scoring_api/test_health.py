"""GET /health (issue 13 #5): without a token, status and model version only; with a token or
a staff session, the details, the registry's address always without its credentials.
GET /ping: the web layer alone (the benchmark's ceiling), no model, no database."""
from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from ml.config import mask_credentials, mask_credentials_in

SECRET_URI = "https://mlflow-user:s3cr3t-pw@mlflow.example.org/?token=abcdef&workspace=risk"


def test_public_health_shows_status_and_model_version_only(api_settings, champion, client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "model_version": champion.version}


def test_health_with_a_token_shows_the_details(api, api_settings, champion, clients_frame):
    body = api.get("/health").json()
    assert body["status"] == "ok" and body["model"] == {"name": champion.name,
                                                        "version": champion.version}
    assert body["clients"] == len(clients_frame)
    assert body["details"]["features_dir"] == str(api_settings.FEATURES_DIR)
    assert body["details"]["model_uri"] == api_settings.MODEL_URI


def test_health_with_a_staff_session_shows_the_details(api_settings, champion, db):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("ops", password="x-ops-pw-91", is_staff=True)
    advisor = get_user_model().objects.create_user("someone", password="x-some-pw-91")
    browser = APIClient()
    browser.force_login(advisor)
    assert "details" not in browser.get("/health").json()  # a session is not enough
    browser.force_login(staff)
    assert "details" in browser.get("/health").json()


def test_a_wrong_token_gets_the_public_answer_not_a_401(api_settings, champion, db):
    response = APIClient().get("/health", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 200
    assert set(response.json()) == {"status", "model_version"}


def test_the_tracking_uri_credentials_are_masked_always(api_settings, api, client,
                                                        monkeypatch):
    """A registry with credentials in its URI, unreachable here: the public answer says
    nothing of it, the detailed one names it without user, password or token."""
    from tests.scoring_api.conftest import reset_stores

    monkeypatch.setenv("MLFLOW_TRACKING_URI", SECRET_URI)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
    reset_stores()
    public = client.get("/health")
    assert public.status_code == 503
    assert public.json() == {"status": "unavailable", "model_version": None}
    detailed = api.get("/health")
    assert detailed.status_code == 503
    text = json.dumps(detailed.json())
    assert detailed.json()["details"]["tracking_uri"] == \
        "https://***@mlflow.example.org/?token=***&workspace=risk"
    assert detailed.json()["reason"]
    assert "s3cr3t-pw" not in text and "mlflow-user" not in text and "abcdef" not in text
    scored = api.get("/score/100002")  # the endpoints' 503 does not leak them either
    assert scored.status_code == 503 and "s3cr3t-pw" not in scored.content.decode()


@pytest.mark.parametrize(("uri", "shown"), [
    ("https://u:p@host:5000/path?api_key=k&x=1", "https://***@host:5000/path?api_key=***&x=1"),
    ("postgresql://bob:pw@db.internal:5432/mlflow", "postgresql://***@db.internal:5432/mlflow"),
    ("sqlite:////srv/app/mlruns.db", "sqlite:////srv/app/mlruns.db"),
    ("databricks", "databricks"),
])
def test_mask_credentials(uri, shown):
    assert mask_credentials(uri) == shown


def test_mask_credentials_in_a_message():
    assert mask_credentials_in("no model at https://a:b@h/x (db postgres://c:d@e/f)") == \
        "no model at https://***@h/x (db postgres://***@e/f)"


def test_ping_touches_neither_model_nor_database(client, settings):
    """No ``db`` fixture: pytest-django makes any database access fail this test."""
    from tests.scoring_api.conftest import reset_stores

    settings.MODEL_URI = "models:/no-such-model@champion"  # no model: /ping still answers
    reset_stores()
    response = client.get("/ping")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
