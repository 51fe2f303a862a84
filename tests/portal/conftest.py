"""Fixtures of the portal tests: an advisor logged in, the scoring API faked at the HTTP layer."""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
import requests
import responses
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from portal.accounts.services import advisor_group_ensure
from tests.contract import check_response
from tests.portal import fakes

PASSWORD = "mot-de-passe-conseiller-42"


@pytest.fixture
def advisor(db):
    user = get_user_model().objects.create_user("conseiller", password=PASSWORD)
    user.groups.add(advisor_group_ensure())
    return user


@pytest.fixture
def advisor_client(client: Client, advisor) -> Client:
    client.force_login(advisor)
    return client


def api_url(path: str) -> str:
    return f"{settings.SCORING_API_URL}{path}"


@pytest.fixture
def fake_api() -> Iterator[responses.RequestsMock]:
    """Every endpoint of the contract answered with canned JSON; tests override routes with
    ``fake_api.replace`` or add failures, and read ``fake_api.calls``. Every JSON answer the
    test received is checked against the API's OpenAPI schema afterwards (tests/contract.py),
    so a fake cannot drift from the real API."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        cid = fakes.CLIENT_ID
        rsps.get(api_url("/clients"), json=fakes.clients_page())
        rsps.get(api_url(f"/clients/{cid}"), json=fakes.client())
        rsps.get(api_url(f"/score/{cid}"), json=fakes.score())
        rsps.get(api_url(f"/score/{cid}/recourse"), json=fakes.recourse())
        rsps.get(api_url(f"/clients/{cid}/decisions"), json=fakes.decision_history())
        rsps.post(api_url(f"/clients/{cid}/decisions"), json=fakes.decision_record(), status=201)
        rsps.post(api_url("/score"), json=fakes.score(probability=0.05, simulation=True,
                                                      input_hash="a" * 64))
        rsps.get(api_url("/population/features"), json={"features": fakes.FEATURES})
        rsps.get(re.compile(re.escape(api_url("/population/stats")) + r".*"), json=fakes.stats())
        rsps.get(re.compile(re.escape(api_url("/population/scatter")) + r".*"), json=fakes.scatter())
        yield rsps
        for call in rsps.calls:
            _check_against_the_schema(call)


def _check_against_the_schema(call) -> None:  # noqa: ANN001 (responses.Call)
    """A faked JSON answer must be one the real API documents for that request."""
    response = call.response
    if not isinstance(response, requests.Response):
        return  # a faked network failure: no answer to check
    try:
        body = response.json()
    except ValueError:
        return  # a non-JSON body: the portal's handling of garbage is what is tested
    path = urlparse(call.request.url).path
    check_response(call.request.method, path, response.status_code, body)
