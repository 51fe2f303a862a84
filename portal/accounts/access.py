"""Who may see client data: advisors (the "advisor" group) or users given the explicit
permission ``accounts.view_client_data``. Every portal view that shows client data is wrapped
in ``advisor_required``: others get a French 403 page and the refusal goes to the audit log;
the page is never stored by a browser or a proxy (``Cache-Control: no-store``)."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from portal.accounts.backends import IN_ADVISOR_GROUP
from portal.accounts.models import AuditEntry
from portal.accounts.services import ADVISOR_GROUP, audit_record
from portal.clients.errors import error_page

CLIENT_DATA_PERMISSION = "accounts.view_client_data"


def is_advisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """An active, logged-in member of the advisor group, or a holder of the permission."""
    if not (user.is_authenticated and user.is_active):
        return False
    in_group = getattr(user, IN_ADVISOR_GROUP, None)  # read with the user (backends.py)
    if in_group is None:
        in_group = user.groups.filter(name=ADVISOR_GROUP).exists()
    return in_group or user.has_perm(CLIENT_DATA_PERMISSION)


def no_store(response: HttpResponse) -> HttpResponse:
    """Client data must not stay in a browser's or a proxy's cache (shared computers)."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def advisor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only advisors reach ``view``; its answers (errors included) are never cached."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_advisor(request.user):
            audit_record(user=request.user, action=AuditEntry.Action.DENIED,
                         client_id=kwargs.get("client_id"),
                         details={"path": request.path, "method": request.method})
            return no_store(error_page(
                request, status=403, title="Accès réservé aux conseillers",
                message="Votre compte n'a pas accès aux données des clients : seuls les "
                        "conseillers clientèle les consultent. Si votre rôle le demande, "
                        "contactez un administrateur.",
                template="portal/errors/403.html"))
        return no_store(view(request, *args, **kwargs))

    wrapped.advisor_required = True  # type: ignore[attr-defined]
    return wrapped
