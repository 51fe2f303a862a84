"""``manage.py outcomes_token <username>``: a service account in the « outcomes » group and its
API token (printed), for the lender's system that sends outcomes (`ml outcomes import`).
Idempotent: an existing account keeps its token."""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandParser
from rest_framework.authtoken.models import Token

from scoring_api.outcomes.models import OUTCOMES_GROUP, SUBMIT_PERMISSION


class Command(BaseCommand):
    help = "Compte de service du groupe « outcomes » et son jeton (POST /outcomes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="outcomes-service")
        parser.add_argument("--key", default=None, help="the token's key (default: a random one)")

    def handle(self, *args: Any, **options: Any) -> None:
        user, _ = get_user_model().objects.get_or_create(username=options["username"])
        if user.has_usable_password():
            user.set_unusable_password()
            user.save()
        group, created = Group.objects.get_or_create(name=OUTCOMES_GROUP)  # made by a migration
        if created:  # a flushed database (tests) lost it: the same group again
            app_label, codename = SUBMIT_PERMISSION.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label,
                                                         codename=codename))
        user.groups.add(group)
        token = Token.objects.filter(user=user).first()
        if token is None:
            token = Token.objects.create(user=user, **({"key": options["key"]} if options["key"] else {}))
        self.stdout.write(token.key)
