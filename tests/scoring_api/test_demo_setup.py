"""The API's demo_setup under production settings (issue 13, #4): the demo token published in
docs/api.md, a short token, the demo admin password or a weak one are refused; locally the demo
values stay allowed."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

STRONG_PASSWORD = "Vq7-ripple-Anchor-93"
STRONG_TOKEN = "f3b9c1d27e8a4b6f9c0d1e2f3a4b5c6d7e8f9a0b"


@pytest.mark.parametrize(("password", "token", "variable"), [
    ("admin", STRONG_TOKEN, "DJANGO_ADMIN_PASSWORD"),
    ("azertyuiop", STRONG_TOKEN, "DJANGO_ADMIN_PASSWORD"),  # a common password
    (STRONG_PASSWORD, "demo-portal-token-change-me-0123456789", "SCORING_API_TOKEN"),
    (STRONG_PASSWORD, "short-token-0123", "SCORING_API_TOKEN"),
])
def test_production_demo_setup_refuses_known_or_weak_secrets(db, settings, password, token,
                                                             variable):
    settings.DEMO_SECRETS_CHECKED = True
    settings.DEMO_ADMIN_PASSWORD, settings.DEMO_SERVICE_TOKEN = password, token
    with pytest.raises(CommandError, match=variable):
        call_command("demo_setup")
    assert not get_user_model().objects.exists() and not Token.objects.exists()


def test_production_demo_setup_accepts_strong_secrets(db, settings):
    settings.DEMO_SECRETS_CHECKED = True
    settings.DEMO_ADMIN_PASSWORD, settings.DEMO_SERVICE_TOKEN = STRONG_PASSWORD, STRONG_TOKEN
    call_command("demo_setup")
    assert Token.objects.get().key == STRONG_TOKEN


def test_local_settings_keep_the_demo_values(db, settings):
    settings.DEMO_SECRETS_CHECKED = False
    settings.DEMO_ADMIN_PASSWORD = "admin"
    settings.DEMO_SERVICE_TOKEN = "demo-portal-token-change-me-0123456789"
    call_command("demo_setup")
    assert get_user_model().objects.get(username="admin").check_password("admin")


def test_demo_setup_restores_a_demoted_admin(db, settings, capsys):
    """The admin both projects' demo_setup share (django_common.demo_accounts.ensure_admin):
    created once, then on each run staff, superuser and active again with the configured
    password, and said so in French."""
    settings.DEMO_SECRETS_CHECKED = False
    settings.DEMO_ADMIN_PASSWORD, settings.DEMO_SERVICE_TOKEN = "premier", STRONG_TOKEN
    call_command("demo_setup")
    assert "admin « admin » créé" in capsys.readouterr().out
    users = get_user_model().objects
    users.filter(username="admin").update(is_staff=False, is_superuser=False, is_active=False)
    settings.DEMO_ADMIN_PASSWORD = "second"
    call_command("demo_setup")
    assert "admin « admin » mis à jour" in capsys.readouterr().out
    admin = users.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.is_active
    assert admin.check_password("second") and not admin.check_password("premier")
    assert users.filter(username="admin").count() == 1
