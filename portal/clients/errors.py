"""Error pages in French, from namespaced templates (templates/portal/errors/), because the
top-level templates/ folder is shared with the API project."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def error_page(
    request: HttpRequest, *, status: int, title: str, message: str, template: str | None = None
) -> HttpResponse:
    """Render an error page; every error page of the portal goes through here."""
    return render(
        request,
        template or f"portal/errors/{status}.html",
        {"status": status, "error_title": title, "error_message": message},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, status=400, title="Requête invalide",
        message="La demande n'a pas pu être comprise. Revenez à la recherche et réessayez.",
        template="portal/errors/error.html",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, status=403, title="Accès refusé",
        message="Vous n'avez pas accès à cette page.",
        template="portal/errors/error.html",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, status=404, title="Page introuvable",
        message="Cette page n'existe pas. Vérifiez l'adresse ou revenez à la recherche.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(
        request, status=500, title="Erreur interne",
        message="Une erreur inattendue est survenue. L'équipe technique a été prévenue.",
        template="portal/errors/error.html",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Expired or missing form token (e.g. a login page left open too long), in French."""
    return error_page(
        request, status=403, title="Formulaire expiré",
        message="Le formulaire a expiré ou a été envoyé deux fois. Rechargez la page et "
                "recommencez.",
        template="portal/errors/error.html",
    )
