"""The secrets ``manage.py demo_setup`` sets (both projects: one check). Under production
settings (``DEMO_SECRETS_CHECKED``) it refuses the demo's published secrets (admin/admin,
conseiller/conseiller, the token printed in docs/api.md) and any password Django's validators
(``AUTH_PASSWORD_VALIDATORS``) reject; locally the demo values stay allowed."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

# Published in the README and docs/api.md, and the local settings' defaults: known to anyone.
DEMO_PASSWORDS = frozenset({"admin", "conseiller"})
DEMO_TOKENS = frozenset({"demo-portal-token-change-me-0123456789"})
TOKEN_MIN_LENGTH = 32


def demo_secrets_check(*, passwords: dict[str, tuple[str, AbstractBaseUser]],
                       token: tuple[str, str] | None = None) -> None:
    """Raise ``CommandError`` (French, naming the variables, never the values) when production
    settings are given a known or weak secret. ``passwords``: variable → (password, the user it
    is for, for the similarity check); ``token``: (variable, API token)."""
    if not getattr(settings, "DEMO_SECRETS_CHECKED", False):
        return
    problems = []
    for variable, (password, user) in passwords.items():
        if password in DEMO_PASSWORDS:
            problems.append(f"{variable} : mot de passe de démonstration public, refusé en "
                            "production")
            continue
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            problems.append(f"{variable} : {' '.join(error.messages)}")
    if token is not None:
        variable, key = token
        if key in DEMO_TOKENS:
            problems.append(f"{variable} : jeton de démonstration publié dans docs/api.md, "
                            "refusé en production")
        elif len(key) < TOKEN_MIN_LENGTH:
            problems.append(f"{variable} : {TOKEN_MIN_LENGTH} caractères au moins en production")
    if problems:
        raise CommandError("Secrets refusés (réglages de production) : " + " ; ".join(problems)
                           + ". `make prod` en génère (db/.prod-secrets.env) ; sur Heroku, "
                           "choisissez-les avec `heroku config:set`.")
