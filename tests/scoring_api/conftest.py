"""Fixtures of the API tests: the app pointed at the session's real registered model and
feature folder (tests/fixtures), a service account with a real token, fresh model stores."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from scoring_api.scoring.client_store import populations
from scoring_api.scoring.model_store import models
from scoring_api.scoring.shadow import challengers


def reset_stores() -> None:
    challengers.reset()
    models.reset()
    populations.reset()


@pytest.fixture
def api_settings(settings, registered_model, tmp_path: Path) -> Iterator:
    """The API serves the session's champion and its features; no batch scores."""
    settings.MODEL_URI = registered_model.uri
    settings.FEATURES_DIR = registered_model.features_dir
    settings.SCORES_DIR = tmp_path / "scores"
    reset_stores()
    yield settings
    reset_stores()


@pytest.fixture
def token(db) -> str:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("portal-service")
    return Token.objects.create(user=user).key


@pytest.fixture
def api(api_settings, token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture(scope="session")
def clients_frame(registered_model) -> pd.DataFrame:
    return pd.read_parquet(registered_model.features_dir / "clients.parquet").set_index("SK_ID_CURR")


@pytest.fixture(scope="session")
def features_frame(registered_model) -> pd.DataFrame:
    folder = registered_model.features_dir
    frames = [pd.read_parquet(folder / name) for name in ("features_train.parquet",
                                                          "features_test.parquet")]
    return pd.concat(frames).set_index("SK_ID_CURR")


@pytest.fixture(scope="session")
def champion(registered_model):
    from ml.model.loading import load_model

    return load_model(registered_model.uri)
