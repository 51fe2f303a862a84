"""The API's Django admin (where tokens are managed) has the portal's brute-force lock-out:
by username and the client's address (the right-most X-Forwarded-For entry behind Heroku's
router), so an attacker cannot lock the admin out at another address."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

ROUTER = "10.1.2.3"
ATTACKER = "198.51.100.23"
ADMIN = "8.8.8.8"
PASSWORD = "mot-de-passe-admin-api-42"


def _login(client: Client, password: str, address: str):
    return client.post("/admin/login/?next=/admin/", {"username": "admin", "password": password},
                       REMOTE_ADDR=ROUTER, HTTP_X_FORWARDED_FOR=address)


def test_repeated_failures_lock_the_admin_at_that_address_only(db, settings):
    get_user_model().objects.create_superuser("admin", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(Client(), "faux", ATTACKER).status_code == 200  # the form again
    assert _login(Client(), "faux", ATTACKER).status_code == 429
    assert _login(Client(), PASSWORD, ATTACKER).status_code == 429  # locked there
    response = _login(Client(), PASSWORD, ADMIN)
    assert response.status_code == 302 and response.url == "/admin/"
