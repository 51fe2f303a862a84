"""``manage.py demo_setup``: the admin superuser and the advisor "conseiller" (idempotent)."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from django_common.demo_accounts import ensure_admin
from django_common.demo_secrets import demo_secrets_check
from portal.accounts.services import advisor_group_ensure

ADVISOR_USERNAME = "conseiller"


class Command(BaseCommand):
    help = (
        "Crée (ou met à jour) le super-utilisateur admin et le conseiller « conseiller » du "
        "groupe advisor. Mots de passe : DJANGO_ADMIN_PASSWORD et PORTAL_ADVISOR_PASSWORD "
        "(valeurs par défaut seulement en réglages locaux)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        admin_username = getattr(settings, "DEMO_ADMIN_USERNAME", "admin")
        admin_password = getattr(settings, "DEMO_ADMIN_PASSWORD", None)
        advisor_password = getattr(settings, "DEMO_ADVISOR_PASSWORD", None)
        missing = [
            name
            for name, value in (
                ("DJANGO_ADMIN_PASSWORD", admin_password),
                ("PORTAL_ADVISOR_PASSWORD", advisor_password),
            )
            if not value
        ]
        if missing:
            raise CommandError(
                f"Variables d'environnement manquantes : {', '.join(missing)} "
                "(aucun mot de passe par défaut hors des réglages locaux)."
            )
        user_model = get_user_model()
        demo_secrets_check(passwords={
            "DJANGO_ADMIN_PASSWORD": (admin_password, user_model(username=admin_username)),
            "PORTAL_ADVISOR_PASSWORD": (advisor_password, user_model(username=ADVISOR_USERNAME)),
        })
        group = advisor_group_ensure()

        created = ensure_admin(admin_username, admin_password)
        self.stdout.write(f"admin « {admin_username} » {'créé' if created else 'mis à jour'}")

        advisor, created = user_model.objects.get_or_create(username=ADVISOR_USERNAME)
        advisor.is_active = True
        advisor.set_password(advisor_password)
        advisor.save()
        advisor.groups.add(group)
        self.stdout.write(
            f"conseiller « {ADVISOR_USERNAME} » {'créé' if created else 'mis à jour'} "
            f"(groupe {group.name})"
        )
