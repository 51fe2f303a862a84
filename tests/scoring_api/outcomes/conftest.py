"""Tokens of the outcomes tests: the lender's system (outcomes group) and the portal's."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def outcomes_token(db) -> str:
    from io import StringIO

    out = StringIO()
    call_command("outcomes_token", "risk-system", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def outcomes_api(outcomes_token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {outcomes_token}")
    return client


@pytest.fixture
def portal_api(db) -> APIClient:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("portal-service")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
