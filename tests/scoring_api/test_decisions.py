"""The advisor's decision on record (POST/GET /clients/<id>/decisions) on the real database and
model: the model's view at that moment is stored beside the human decision, an override needs a
reason and a comment, records are never edited (a new one supersedes), read-only in the admin."""
from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction

from scoring_api.decisions.models import AdvisorDecision, AppendOnlyError

pytestmark = pytest.mark.django_db
OTHER = {"accordé": "refusé", "refusé": "accordé"}


def _client(clients_frame, position: int = 11) -> int:
    return int(clients_frame.index[position])


def _post(api, client_id: int, **body):
    return api.post(f"/clients/{client_id}/decisions", {"advisor": "conseiller", **body},
                    format="json")


def test_following_the_model_stores_its_view_at_that_moment(api, clients_frame, champion):
    client_id = _client(clients_frame)
    score = api.get(f"/score/{client_id}").json()
    response = _post(api, client_id, final_decision=score["decision"],
                     model_version=champion.version)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["outcome"], body["final_decision"], body["model_decision"]) == (
        "followed", score["decision"], score["decision"])
    assert body["probability_default"] == score["probability_default"]
    assert body["threshold"] == pytest.approx(champion.threshold)
    assert body["model"] == score["model"] and body["advisor"] == "conseiller"
    assert body["recorded_by"] == "portal-service" and body["current"] is True
    assert body["reason_code"] == "" and body["supersedes"] is None
    record = AdvisorDecision.objects.get()
    assert (record.client_id, record.model_version) == (client_id, champion.version)


def test_an_override_needs_a_reason_from_the_list_and_a_comment(api, clients_frame):
    client_id = _client(clients_frame)
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    missing = _post(api, client_id, final_decision=OTHER[model_decision])
    assert missing.status_code == 400
    assert set(missing.json()["error"]["fields"]) == {"reason_code", "comment"}
    short = _post(api, client_id, final_decision=OTHER[model_decision],
                  reason_code="data_error", comment="ok")
    assert short.status_code == 400 and set(short.json()["error"]["fields"]) == {"comment"}
    unknown = _post(api, client_id, final_decision=OTHER[model_decision],
                    reason_code="feeling", comment="Le client me semble fiable.")
    assert unknown.status_code == 400 and "reason_code" in unknown.json()["error"]["fields"]
    assert not AdvisorDecision.objects.exists()
    done = _post(api, client_id, final_decision=OTHER[model_decision], reason_code="data_error",
                 comment="  Revenus mis à jour : bulletin de salaire de novembre.  ")
    assert done.status_code == 201, done.content
    body = done.json()
    assert (body["outcome"], body["model_decision"]) == ("overridden", model_decision)
    assert body["reason_label"] == "Donnée du dossier erronée ou périmée"
    assert body["comment"] == "Revenus mis à jour : bulletin de salaire de novembre."


def test_a_reason_is_refused_when_following_the_model(api, clients_frame):
    client_id = _client(clients_frame)
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    response = _post(api, client_id, final_decision=model_decision, reason_code="other",
                     comment="Rien à signaler.")
    assert response.status_code == 400 and "reason_code" in response.json()["error"]["fields"]


def test_a_new_record_supersedes_the_previous_one(api, clients_frame):
    client_id = _client(clients_frame)
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    first = _post(api, client_id, final_decision=model_decision).json()
    second = _post(api, client_id, final_decision=OTHER[model_decision], reason_code="other",
                   comment="Garant présenté après l'entretien.", advisor="superviseur").json()
    history = api.get(f"/clients/{client_id}/decisions").json()
    assert [entry["id"] for entry in history["history"]] == [second["id"], first["id"]]
    assert history["current"]["id"] == second["id"] and second["supersedes"] == first["id"]
    assert [entry["current"] for entry in history["history"]] == [True, False]
    other = _client(clients_frame, 12)
    assert api.get(f"/clients/{other}/decisions").json() == {"client_id": other, "history": []}


def test_the_history_finds_the_record_in_force_in_its_one_query(api, clients_frame,
                                                                django_assert_num_queries):
    from scoring_api.decisions.selectors import decision_current, decision_history

    client_id = _client(clients_frame, 13)
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    ids = [_post(api, client_id, final_decision=decision, advisor=advisor,
                 **({} if decision == model_decision else
                    {"reason_code": "other", "comment": "Garant présenté."})).json()["id"]
           for decision, advisor in ((model_decision, "a"), (OTHER[model_decision], "b"),
                                     (model_decision, "c"))]
    with django_assert_num_queries(1):
        history = decision_history(client_id=client_id)
    assert history["current"]["id"] == decision_current(client_id=client_id).pk == ids[-1]
    assert [entry["current"] for entry in history["history"]] == [True, False, False]


def test_the_clients_file_carries_the_same_decisions(api, clients_frame):
    """GET /clients/<id> embeds what GET /clients/<id>/decisions answers (the portal's client
    page reads both from the one call)."""
    client_id = _client(clients_frame, 14)
    assert api.get(f"/clients/{client_id}").json()["decisions"] == {"client_id": client_id,
                                                                     "history": []}
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    record = _post(api, client_id, final_decision=model_decision).json()
    file = api.get(f"/clients/{client_id}").json()
    assert file["decisions"] == api.get(f"/clients/{client_id}/decisions").json()
    assert file["decisions"]["current"]["id"] == record["id"]
    assert file["fields"] and file["client_id"] == client_id


def test_records_are_never_edited_nor_deleted(api, clients_frame):
    client_id = _client(clients_frame)
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    _post(api, client_id, final_decision=model_decision)
    record = AdvisorDecision.objects.get()
    record.final_decision = OTHER[model_decision]
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        AdvisorDecision.objects.filter(pk=record.pk).update(final_decision="accordé")
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AdvisorDecision.objects.all().delete()
    assert AdvisorDecision.objects.get().final_decision == model_decision


def test_the_database_keeps_one_chain_per_client(api, clients_frame):
    """Two first records for one client, or one record superseded twice, are refused."""
    client_id = _client(clients_frame)
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    first = AdvisorDecision.objects.get(pk=_post(api, client_id,
                                                 final_decision=model_decision).json()["id"])
    fields = {f.name: getattr(first, f.name) for f in AdvisorDecision._meta.fields
              if f.name not in ("id", "created_at", "supersedes", "request_id")}
    with pytest.raises(IntegrityError), transaction.atomic():
        AdvisorDecision.objects.create(**fields)  # a second first record
    AdvisorDecision.objects.create(**fields, supersedes=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdvisorDecision.objects.create(**fields, supersedes=first)  # superseded twice


def test_a_decision_on_another_model_version_is_refused(api, clients_frame):
    client_id = _client(clients_frame)
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    response = _post(api, client_id, final_decision=model_decision, model_version="999")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "model_changed"
    assert "rechargez la page" in response.json()["error"]["message"]
    assert not AdvisorDecision.objects.exists()


def test_the_same_request_sent_twice_records_once(api, clients_frame):
    client_id = _client(clients_frame)
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    key = str(uuid.uuid4())
    first = _post(api, client_id, final_decision=model_decision, request_id=key)
    again = _post(api, client_id, final_decision=model_decision, request_id=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and AdvisorDecision.objects.count() == 1
    elsewhere = _post(api, _client(clients_frame, 12), final_decision="accordé", request_id=key)
    assert elsewhere.status_code == 400


@pytest.mark.parametrize(("body", "field"), [
    ({"final_decision": "peut-être"}, "final_decision"),
    ({"final_decision": "accordé", "advisor": ""}, "advisor"),
    ({"final_decision": "accordé", "probability_default": 0.01}, "probability_default"),
    ({"final_decision": "accordé", "comment": "x" * 1001}, "comment"),
])
def test_bad_input_is_refused_field_by_field(api, clients_frame, body, field):
    response = _post(api, _client(clients_frame), **body)
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not AdvisorDecision.objects.exists()


def test_unknown_clients_and_missing_tokens(api, api_settings, client):
    assert _post(api, 999999999, final_decision="accordé").status_code == 404
    assert api.get("/clients/999999999/decisions").status_code == 404
    assert client.get("/clients/100002/decisions").status_code == 401


def test_the_admin_shows_records_read_only(api, clients_frame, client):
    from django.contrib.auth import get_user_model

    client_id = _client(clients_frame)
    model_decision = api.get(f"/score/{client_id}").json()["decision"]
    _post(api, client_id, final_decision=OTHER[model_decision], reason_code="client_history",
          comment="Client fidèle depuis douze ans, aucun incident.")
    record = AdvisorDecision.objects.get()
    admin = get_user_model().objects.create_superuser("admin", password="admin-password-42")
    client.force_login(admin)
    listing = client.get("/admin/decisions/advisordecision/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert str(client_id) in html and "S&#x27;écarte de la recommandation du modèle" in html
    change = f"/admin/decisions/advisordecision/{record.pk}/change/"
    assert client.get(change).status_code == 200  # visible...
    assert client.post(change, {"final_decision": model_decision}).status_code == 403  # ...only
    assert client.get("/admin/decisions/advisordecision/add/").status_code == 403
    assert client.post(f"/admin/decisions/advisordecision/{record.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert AdvisorDecision.objects.get().final_decision == OTHER[model_decision]
