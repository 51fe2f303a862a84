"""Writes of the accounts app (HackSoftware style: views call these, never the ORM directly)."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, Group

from portal.accounts.models import AuditEntry

ADVISOR_GROUP = "advisor"


def audit_record(
    *, user: AbstractBaseUser, action: str, client_id: int | None,
    details: dict[str, Any] | None = None
) -> AuditEntry:
    """Record that ``user`` viewed, compared, simulated, decided on or printed ``client_id``,
    searched (no client), or was refused a client page (who, what, when)."""
    return AuditEntry.objects.create(
        user=user, action=action, client_id=client_id, details=details or {}
    )


def advisor_group_ensure() -> Group:
    """The "advisor" group exists (idempotent); advisors need no admin permission."""
    group, _ = Group.objects.get_or_create(name=ADVISOR_GROUP)
    return group
