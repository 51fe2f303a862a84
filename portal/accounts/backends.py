"""The portal's authentication backend: Django's ``ModelBackend``, whose ``get_user`` (run on
every request, from the session) also reads whether the user is in the advisor group, in the
same query. ``access.is_advisor`` then asks the database nothing more for an advisor (one query
less on every client-data page); a change of group still counts from the next request."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from portal.accounts.services import ADVISOR_GROUP

IN_ADVISOR_GROUP = "in_advisor_group"  # the annotation on the user that get_user returns


class AdvisorGroupBackend(ModelBackend):
    def get_user(self, user_id):  # noqa: ANN001, ANN201 (Django's signature)
        users = get_user_model()._default_manager.annotate(**{IN_ADVISOR_GROUP: Exists(
            Group.objects.filter(name=ADVISOR_GROUP, user=OuterRef("pk")))})
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
