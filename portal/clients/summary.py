"""The summary handed to the client, in plain French: the data the lender holds, the decision
and its main reasons, what could change it (« Accordé si… », indicative), and the client's
rights with how to exercise them. One template, printed by the browser (print stylesheet) or
downloaded as a PDF rendered with the same stylesheet."""
from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.accounts.access import advisor_required
from portal.accounts.models import AuditEntry
from portal.accounts.services import audit_record
from portal.clients.errors import error_page
from portal.clients.pdf import PdfUnavailable, pdf_from_html
from portal.clients.views import client_data
from vocabulary import client_rights


def _summary_context(request: HttpRequest, client_id: int) -> dict[str, Any]:
    context = client_data(client_id)
    context.update({"rights": client_rights.RIGHTS, "lender": client_rights.LENDER,
                    "issued_at": timezone.now(), "advisor_name": request.user.get_username(),
                    "page_title": f"Client {client_id} — synthèse pour le client"})
    return context


@advisor_required
@require_GET
def client_summary(request: HttpRequest, client_id: int) -> HttpResponse:
    """The printable summary (the print stylesheet hides the portal's navigation)."""
    context = _summary_context(request, client_id)
    audit_record(user=request.user, action=AuditEntry.Action.SUMMARY, client_id=client_id,
                 details={"format": "html"})
    return render(request, "portal/summary.html", context)


@advisor_required
@require_GET
def client_summary_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    """The same summary as a PDF file (WeasyPrint), or a French 503 page saying to print it."""
    context = {**_summary_context(request, client_id), "as_pdf": True}
    html = render_to_string("portal/summary.html", context, request=request)
    try:
        pdf = pdf_from_html(html)
    except PdfUnavailable:
        return error_page(request, status=503, title="PDF indisponible",
                          message="Le PDF ne peut pas être produit sur ce serveur : ouvrez la "
                                  "synthèse et utilisez « Imprimer » (ou « Enregistrer en PDF ») "
                                  "de votre navigateur.",
                          template="portal/errors/error.html")
    audit_record(user=request.user, action=AuditEntry.Action.SUMMARY, client_id=client_id,
                 details={"format": "pdf"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="synthese-client-{client_id}.pdf"'
    return response
