"""``manage.py demo_setup``: the admin superuser and the portal's service account with its API
token (idempotent; the token is SCORING_API_TOKEN, shared with the portal)."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from django_common.demo_accounts import ensure_admin
from django_common.demo_secrets import demo_secrets_check

SERVICE_USERNAME = "portal-service"


class Command(BaseCommand):
    help = ("Crée (ou met à jour) le super-utilisateur admin et le compte de service du portail "
            "avec son jeton d'API. Secrets : DJANGO_ADMIN_PASSWORD et SCORING_API_TOKEN "
            "(valeurs par défaut seulement en réglages locaux).")

    def handle(self, *args: Any, **options: Any) -> None:
        admin_username = getattr(settings, "DEMO_ADMIN_USERNAME", "admin")
        admin_password = getattr(settings, "DEMO_ADMIN_PASSWORD", None)
        token_key = getattr(settings, "DEMO_SERVICE_TOKEN", None)
        missing = [name for name, value in (("DJANGO_ADMIN_PASSWORD", admin_password),
                                            ("SCORING_API_TOKEN", token_key)) if not value]
        if missing:
            raise CommandError(f"Variables d'environnement manquantes : {', '.join(missing)} "
                               "(aucun secret par défaut hors des réglages locaux).")
        if len(token_key) > 40:
            raise CommandError("SCORING_API_TOKEN : 40 caractères au plus.")
        users = get_user_model()
        demo_secrets_check(
            passwords={"DJANGO_ADMIN_PASSWORD": (admin_password, users(username=admin_username))},
            token=("SCORING_API_TOKEN", token_key))
        created = ensure_admin(admin_username, admin_password)
        self.stdout.write(f"admin « {admin_username} » {'créé' if created else 'mis à jour'}")

        service, _ = users.objects.get_or_create(username=SERVICE_USERNAME)
        service.set_unusable_password()  # a service account logs in with its token only
        service.save()
        Token.objects.filter(user=service).exclude(key=token_key).delete()
        Token.objects.get_or_create(user=service, key=token_key)
        self.stdout.write(f"compte de service « {SERVICE_USERNAME} » : jeton d'API à jour")
