"""Only advisors see client data (issue 13, #1): every portal URL outside login, logout and
the admin is a client-data page, so the list below is read from the URL configuration and a
new view without the check fails here. Such pages are never cached (``no-store``)."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.accounts.models import AuditEntry
from tests.portal import fakes

CID = fakes.CLIENT_ID
PUBLIC = {"login", "logout"}


def _client_data_urls() -> list[tuple[str, str]]:
    """(name, URL) of every page of the portal but login, logout and the admin."""
    urls = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            patterns = [(f"{entry.namespace}:{p.name}", p) for p in entry.url_patterns]
        else:
            patterns = [(entry.name, entry)]
        for name, pattern in patterns:
            assert isinstance(pattern, URLPattern), name
            if name in PUBLIC:
                continue
            kwargs = {"client_id": CID} if "client_id" in pattern.pattern.converters else {}
            urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


CLIENT_DATA_URLS = _client_data_urls()
IDS = [name for name, _ in CLIENT_DATA_URLS]
# what an advisor gets without a body: the page, or the form's errors for a POST-only page
ADVISOR_STATUS = {"clients:simulation": 400, "clients:decision": 400}
POST_ONLY = set(ADVISOR_STATUS)


def test_the_list_covers_the_newer_pages():
    assert {name for name, _ in CLIENT_DATA_URLS} >= {
        "clients:search", "clients:detail", "clients:compare", "clients:simulation",
        "clients:decision", "clients:summary", "clients:summary_pdf"}


@pytest.fixture
def other_user(db):
    """Created by an admin for another purpose: logged in, but not an advisor."""
    return get_user_model().objects.create_user("comptable", password="mot-de-passe-compta-42")


def _no_store(response) -> bool:  # noqa: ANN001
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(("name", "url"), CLIENT_DATA_URLS, ids=IDS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_user_who_is_not_an_advisor_gets_a_french_403(client, other_user, fake_api, name, url,
                                                        method):
    client.force_login(other_user)
    response = getattr(client, method)(url)
    html = response.content.decode()
    assert response.status_code == 403, html[:300]
    assert "Accès réservé aux conseillers" in html and '<html lang="fr">' in html
    assert _no_store(response)
    assert not fake_api.calls  # nothing asked of the API, nothing shown
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action) == (other_user, AuditEntry.Action.DENIED)
    assert entry.client_id == (CID if str(CID) in url else None)
    assert entry.details == {"path": url, "method": method.upper()}


@pytest.mark.parametrize(("name", "url"), CLIENT_DATA_URLS, ids=IDS)
def test_an_advisor_gets_the_page_never_cached(advisor_client, fake_api, name, url):
    method = advisor_client.post if name in POST_ONLY else advisor_client.get
    response = method(url)
    assert response.status_code == ADVISOR_STATUS.get(name, 200), response.content[:300]
    assert _no_store(response)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).exists()


def test_the_explicit_permission_lets_a_non_member_in(client, other_user, fake_api):
    other_user.user_permissions.add(Permission.objects.get(codename="view_client_data"))
    client.force_login(other_user)
    assert client.get(reverse("clients:detail", args=[CID])).status_code == 200


def test_searches_are_in_the_audit_log(advisor_client, fake_api, advisor):
    response = advisor_client.get(reverse("clients:search"), {"sex": "F", "page": "2"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SEARCH)
    assert entry.user == advisor and entry.client_id is None
    assert entry.details["filters"]["sex"] == "F" and entry.details["page"] == 2
    assert entry.details["results"] == fakes.clients_page()["count"]


def test_an_advisor_costs_no_query_beyond_loading_the_user(advisor_client, advisor,
                                                            django_assert_num_queries):
    """The advisor group is read in the user's own query (portal/accounts/backends.py)."""
    from django.contrib import auth
    from django.test import RequestFactory

    from portal.accounts.access import is_advisor

    request = RequestFactory().get("/")
    request.session = advisor_client.session
    with django_assert_num_queries(2):  # the session, the user with its group
        user = auth.get_user(request)
    with django_assert_num_queries(0):
        assert is_advisor(user) is True


def test_leaving_the_advisor_group_closes_the_pages_at_the_next_request(advisor_client, advisor,
                                                                         fake_api):
    url = reverse("clients:detail", args=[CID])
    assert advisor_client.get(url).status_code == 200
    advisor.groups.clear()
    assert advisor_client.get(url).status_code == 403
