"""``POST /outcomes`` on the real database: its own permission (not the portal's token), every
bad row named, all or nothing, idempotent, a recorded outcome never overwritten."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from scoring_api.outcomes.models import Outcome
from tests.contract import check_response

pytestmark = pytest.mark.django_db
ROWS = [{"client_id": 100002, "outcome_date": "2025-06-30", "defaulted": 1},
        {"client_id": 100003, "outcome_date": "2025-06-30", "defaulted": 0},
        {"client_id": 100004, "outcome_date": "2025-07-31", "defaulted": 0}]


def _post(client, rows, **body):
    return client.post("/outcomes", {"outcomes": rows, **body}, format="json")


def test_only_a_token_of_the_outcomes_group_may_send(portal_api, client):
    assert client.post("/outcomes", {"outcomes": ROWS}, format="json").status_code == 401
    refused = _post(portal_api, ROWS)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert "outcomes" in refused.json()["error"]["message"]
    assert not Outcome.objects.exists()


def test_a_batch_is_stored_once_and_sending_it_again_changes_nothing(outcomes_api):
    first = _post(outcomes_api, ROWS, source="risques-2025-07")
    assert first.status_code == 201 and first.json() == {"received": 3, "created": 3, "unchanged": 0}
    check_response("post", "/outcomes", 201, first.json())
    stored = Outcome.objects.get(client_id=100002)
    assert (stored.outcome_date, stored.defaulted, stored.source, stored.imported_by) == (
        dt.date(2025, 6, 30), 1, "risques-2025-07", "risk-system")
    again = _post(outcomes_api, ROWS + [ROWS[0]])  # a repeated row within the batch counts once
    assert again.status_code == 200 and again.json() == {"received": 3, "created": 0, "unchanged": 3}
    assert Outcome.objects.count() == 3


def test_each_bad_row_is_named_and_nothing_is_written(outcomes_api):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    rows = [{**ROWS[0], "outcome_date": tomorrow}, ROWS[1],
            {**ROWS[2], "defaulted": 2}, {"client_id": "abc", "outcome_date": "31/07/2025"}]
    answer = _post(outcomes_api, rows)
    assert answer.status_code == 400
    fields = answer.json()["error"]["fields"]
    assert set(fields) == {"outcomes[0].outcome_date", "outcomes[2].defaulted", "outcomes[3].client_id",
                           "outcomes[3].outcome_date", "outcomes[3].defaulted"}
    assert "futur" in fields["outcomes[0].outcome_date"][0]
    assert "Traceback" not in answer.content.decode()
    assert not Outcome.objects.exists()  # the good row 1 is not written either


def test_a_recorded_outcome_is_never_overwritten_and_the_batch_is_refused(outcomes_api):
    assert _post(outcomes_api, ROWS[:1]).status_code == 201
    flipped = [{**ROWS[0], "defaulted": 0}, ROWS[1]]
    answer = _post(outcomes_api, flipped)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "outcome_conflict"
    assert list(answer.json()["error"]["fields"]) == ["outcomes[0].defaulted"]
    assert list(Outcome.objects.values_list("client_id", "defaulted")) == [(100002, 1)]


@pytest.mark.parametrize("body, field", [
    ({"outcomes": []}, "outcomes"),
    ({"outcomes": ROWS, "extra": 1}, "extra"),
    ({"outcomes": [{**ROWS[0], "segment": "x"}]}, "outcomes[0].segment"),
    ({"outcomes": [{**ROWS[0], "defaulted": 1}, {**ROWS[0], "defaulted": 0}]}, "outcomes[1].defaulted"),
])
def test_malformed_batches_are_refused(outcomes_api, body, field):
    answer = outcomes_api.post("/outcomes", body, format="json")
    assert answer.status_code == 400 and field in answer.json()["error"]["fields"]
    assert not Outcome.objects.exists()


def test_the_database_keeps_one_outcome_per_client_and_date(db):
    from django.db import IntegrityError, transaction

    Outcome.objects.create(client_id=1, outcome_date=dt.date(2025, 1, 1), defaulted=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.create(client_id=1, outcome_date=dt.date(2025, 1, 1), defaulted=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.create(client_id=2, outcome_date=dt.date(2025, 1, 1), defaulted=3)


def test_the_service_account_command_is_idempotent(outcomes_token):
    from io import StringIO

    out = StringIO()
    call_command("outcomes_token", "risk-system", stdout=out)
    assert out.getvalue().strip() == outcomes_token
