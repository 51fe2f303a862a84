"""Brute force on the portal's login (django-axes) behind Heroku's router: every request comes
from the router's address, the client's is the right-most entry of X-Forwarded-For. An attacker
at one address locks the account there only; the advisor at another still logs in."""
from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.portal.conftest import PASSWORD

ROUTER = "10.1.2.3"
ATTACKER = "198.51.100.23"
ADVISOR = "8.8.8.8"


def _login(client: Client, password: str, address: str, *, spoofed: str = ""):
    forwarded = f"{spoofed}, {address}" if spoofed else address
    return client.post(reverse("login"), {"username": "conseiller", "password": password},
                       REMOTE_ADDR=ROUTER, HTTP_X_FORWARDED_FOR=forwarded)


def test_an_attacker_locks_only_their_own_address(advisor, settings):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(attacker, "faux", ATTACKER)
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    # the attacker's address stays locked, even with the right password
    assert _login(Client(), PASSWORD, ATTACKER).status_code == 429
    # the advisor, at another address behind the same router, logs in
    victim = Client()
    response = _login(victim, PASSWORD, ADVISOR)
    assert response.status_code == 302 and response.url == reverse("clients:search")
    assert "_auth_user_id" in victim.session


def test_a_spoofed_forwarded_address_does_not_escape_the_lock(advisor, settings):
    """The router appends the address it saw: what the client wrote on its left is ignored,
    so changing it on every try does not reset the count."""
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _login(Client(), "faux", ATTACKER, spoofed=f"203.0.113.{attempt + 1}")
    assert response.status_code == 429
    assert _login(Client(), PASSWORD, ATTACKER, spoofed="203.0.113.99").status_code == 429
    assert _login(Client(), PASSWORD, ADVISOR, spoofed=ATTACKER).status_code == 302
