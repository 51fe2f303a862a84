"""« Accordé si… », the advisor's decision on record and the client's summary, with the scoring
API faked at the HTTP layer (`responses`; every faked answer is checked against the API's
OpenAPI schema)."""
from __future__ import annotations

import io
import json
import re
import uuid
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import escape

from portal.accounts.models import AuditEntry
from tests.portal import fakes
from tests.portal.conftest import api_url
from vocabulary import advisor_decisions, client_rights
from vocabulary import recourse as recourse_words

CID = fakes.CLIENT_ID
DETAIL = reverse("clients:detail", args=[CID])
DECISION = reverse("clients:decision", args=[CID])
SUMMARY = reverse("clients:summary", args=[CID])
SUMMARY_PDF = reverse("clients:summary_pdf", args=[CID])


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def _posted(fake_api, method: str, path: str) -> list[dict]:
    return [json.loads(call.request.body) for call in fake_api.calls
            if call.request.method == method and call.request.url == api_url(path)]


def _form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the first form posting to ``action``."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}[^"]*"[^>]*>(.*?)</form>',
                     html, re.S).group(1)
    return {name: unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
            if name != "csrfmiddlewaretoken"}


@pytest.mark.parametrize("url", [DECISION, SUMMARY, SUMMARY_PDF])
def test_new_pages_require_login(client, db, url):
    response = client.post(url) if url == DECISION else client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- « Accordé si… » -------------------------------------------------------------------------

def test_a_refused_client_shows_its_recourse_as_indicative(advisor_client, fake_api):
    html = advisor_client.get(DETAIL).content.decode()
    section = html[html.index('id="accorde-si"'):html.index("</section>", html.index('id="accorde-si"'))]
    recourse = fakes.recourse()
    assert escape(recourse_words.HEADING) in section and "indicatif" in section
    assert escape(recourse["suggestions"][0]["sentence"]) in section
    assert escape(recourse_words.INDICATIVE) in section and "co-emprunteur" in section
    assert "5,0\u202f%" in section  # the risk with the change


def test_applying_a_suggestion_sends_exactly_its_changes_to_the_what_if(advisor_client, fake_api):
    html = advisor_client.get(DETAIL).content.decode()
    fields = _form_fields(html, reverse("clients:simulation", args=[CID]))
    client = fakes.client()
    assert fields == {"AMT_CREDIT": "150000.0", "AMT_GOODS_PRICE": "129500.0",
                      "AMT_ANNUITY": "9112.0", "AMT_INCOME_TOTAL": repr(client["income"])}
    response = advisor_client.post(reverse("clients:simulation", args=[CID]), fields)
    assert response.status_code == 200
    (sent,) = _posted(fake_api, "POST", "/score")
    assert sent == {"base_client_id": CID, "AMT_CREDIT": 150000.0, "AMT_GOODS_PRICE": 129500.0,
                    "AMT_ANNUITY": 9112.0, "AMT_INCOME_TOTAL": client["income"]}


def test_a_granted_client_has_no_recourse_section(advisor_client, fake_api):
    fake_api.replace("GET", api_url(f"/score/{CID}"), json=fakes.score(probability=0.05))
    html = advisor_client.get(DETAIL).content.decode()
    assert 'id="accorde-si"' not in html
    assert not [c for c in fake_api.calls if c.request.url.endswith("/recourse")]


def test_none_found_is_said_plainly_on_the_page(advisor_client, fake_api):
    fake_api.replace("GET", api_url(f"/score/{CID}/recourse"), json=fakes.recourse(found=False))
    html = advisor_client.get(DETAIL).content.decode()
    assert "Aucune modification plausible ne suffit" in unescape(html)
    assert "Essayer dans la simulation" not in html


# --- the advisor's decision ------------------------------------------------------------------

def _decision_form(advisor_client) -> dict[str, str]:
    html = advisor_client.get(DETAIL).content.decode()
    return _form_fields(html, DECISION)


def test_following_the_model_is_recorded_with_who_and_the_model_seen(advisor_client, fake_api,
                                                                     advisor):
    hidden = _decision_form(advisor_client)
    assert hidden["model_version"] == "3" and uuid.UUID(hidden["request_id"])
    response = advisor_client.post(DECISION, {**hidden, "final_decision": "refusé"})
    assert response.status_code == 302 and response.url == DETAIL + "#decision-conseiller"
    (sent,) = _posted(fake_api, "POST", f"/clients/{CID}/decisions")
    assert sent == {"advisor": "conseiller", "final_decision": "refusé", "reason_code": "",
                    "comment": "", "model_version": "3", "request_id": hidden["request_id"]}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DECIDE)
    assert (entry.user, entry.client_id, entry.details["id"]) == (advisor, CID, 1)


def test_an_override_needs_a_reason_and_a_comment_before_reaching_the_api(advisor_client, fake_api):
    hidden = _decision_form(advisor_client)
    response = advisor_client.post(DECISION, {**hidden, "final_decision": "accordé"})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Choisissez le motif" in html and "Expliquez votre décision" in html
    assert not _posted(fake_api, "POST", f"/clients/{CID}/decisions")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DECIDE).exists()
    following = advisor_client.post(DECISION, {**hidden, "final_decision": "refusé",
                                               "reason_code": "other"})
    assert following.status_code == 400 and "Un motif ne s" in unescape(following.content.decode())


def test_an_override_is_sent_with_its_reason(advisor_client, fake_api):
    hidden = _decision_form(advisor_client)
    response = advisor_client.post(DECISION, {
        **hidden, "final_decision": "accordé", "reason_code": "data_error",
        "comment": "  Revenus mis à jour après l'entretien.  "})
    assert response.status_code == 302
    (sent,) = _posted(fake_api, "POST", f"/clients/{CID}/decisions")
    assert (sent["final_decision"], sent["reason_code"], sent["comment"]) == (
        "accordé", "data_error", "Revenus mis à jour après l'entretien.")
    page = advisor_client.get(DETAIL).content.decode()
    assert "Décision enregistrée : crédit accordé" in unescape(page)  # the flash message


def test_api_refusals_are_shown_on_the_form(advisor_client, fake_api):
    hidden = _decision_form(advisor_client)
    fake_api.replace("POST", api_url(f"/clients/{CID}/decisions"), status=409, json=fakes.error(
        409, "model_changed", "Le modèle a changé depuis l'affichage de la page (version 3 → 4) "
                              ": rechargez la page du client avant d'enregistrer la décision."))
    conflict = advisor_client.post(DECISION, {**hidden, "final_decision": "refusé"})
    assert conflict.status_code == 409
    assert "rechargez la page du client" in unescape(conflict.content.decode())
    fake_api.replace("POST", api_url(f"/clients/{CID}/decisions"), status=400, json=fakes.error(
        400, "invalid", "Valeurs invalides.", {"comment": ["Trop court."]}))
    invalid = advisor_client.post(DECISION, {**hidden, "final_decision": "refusé"})
    assert invalid.status_code == 400 and "Trop court." in invalid.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DECIDE).exists()


def test_the_decision_on_record_and_its_history_are_shown(advisor_client, fake_api):
    older = fakes.decision_record(record_id=1, final_decision="refusé", current=False,
                                  created_at="2026-11-29T09:00:00+01:00")
    newer = fakes.decision_record(record_id=2, supersedes=1)
    fake_api.replace("GET", api_url(f"/clients/{CID}"), json=fakes.client(records=[newer, older]))
    html = unescape(advisor_client.get(DETAIL).content.decode())
    section = html[html.index('id="decision-conseiller"'):]
    assert "Décision enregistrée : crédit accordé" in section
    assert advisor_decisions.OUTCOMES["overridden"] in section
    assert "30 novembre 2026 à 10:15" in section and "par conseiller" in section
    assert "Donnée du dossier erronée ou périmée" in section
    assert "Revenus mis à jour après l'entretien." in section
    assert "Décisions précédentes (1)" in section and "29 novembre 2026 à 09:00" in section
    assert "elle remplacera la précédente" in section


def test_the_client_page_reads_the_decisions_from_the_clients_file(advisor_client, fake_api):
    """One call for the file (data and decisions), one for the score, one for « Accordé si… »
    (a refused client): never a separate call for the decisions."""
    from urllib.parse import urlparse

    assert advisor_client.get(DETAIL).status_code == 200
    assert [(c.request.method, urlparse(c.request.url).path) for c in fake_api.calls] == [
        ("GET", f"/clients/{CID}"), ("GET", f"/score/{CID}"), ("GET", f"/score/{CID}/recourse")]


# --- the summary for the client ----------------------------------------------------------------

def test_the_summary_says_everything_in_plain_french(advisor_client, fake_api, advisor):
    response = advisor_client.get(SUMMARY)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert _title(html) == f"Client {CID} — synthèse pour le client — Prêt à dépenser"
    assert "Synthèse de votre demande de crédit" in html and f"Dossier n° {CID}" in html
    assert "Recommandation : crédit refusé" in html and "la décision finale est prise par votre conseiller" in html
    assert "23,4\u202f%" in html and "9,0\u202f%" in html
    for reason in fakes.REASONS:
        assert reason["sentence"] in html and reason["display_points"] in html
    assert fakes.recourse()["suggestions"][0]["sentence"] in html
    for fact in fakes.client()["fields"]:
        assert fact["label"] in html
    for right in client_rights.RIGHTS:
        assert right.title in html and right.how in html
    assert 'data-print' in html and SUMMARY_PDF in html
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SUMMARY)
    assert (entry.user, entry.client_id, entry.details) == (advisor, CID, {"format": "html"})


def test_the_summary_gives_the_advisors_decision_when_recorded(advisor_client, fake_api):
    fake_api.replace("GET", api_url(f"/clients/{CID}"),
                     json=fakes.client(records=[fakes.decision_record()]))
    html = unescape(advisor_client.get(SUMMARY).content.decode())
    assert "Crédit accordé" in html and "prise par votre conseiller le 30 novembre 2026" in html
    assert "s'écarte de la recommandation" in html.lower()


def test_the_summary_downloads_as_a_pdf(advisor_client, fake_api, advisor):
    from pypdf import PdfReader

    response = advisor_client.get(SUMMARY_PDF)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="synthese-client-{CID}.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Synthèse de votre demande de crédit" in flat
    assert "Vos droits, et comment les exercer" in flat
    assert "Recommandation : crédit refusé" in flat
    assert "Imprimer la synthèse" not in flat  # the print stylesheet hid the screen's buttons
    assert "Recherche de clients" not in flat  # ... and the portal's navigation
    assert AuditEntry.objects.get(action=AuditEntry.Action.SUMMARY).details == {"format": "pdf"}


def test_without_a_pdf_renderer_the_page_says_to_print(advisor_client, fake_api, monkeypatch):
    from portal.clients import pdf, summary

    def unavailable(html: str) -> bytes:
        raise pdf.PdfUnavailable("libpango missing")

    monkeypatch.setattr(summary, "pdf_from_html", unavailable)
    response = advisor_client.get(SUMMARY_PDF)
    assert response.status_code == 503
    assert "utilisez « Imprimer »" in unescape(response.content.decode())
