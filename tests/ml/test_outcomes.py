"""The rules every outcome obeys, whatever the way in (file import or API)."""
from __future__ import annotations

import datetime as dt

from ml.monitoring.outcomes import Outcome, validate_records

TODAY = dt.date(2025, 8, 1)


def test_good_rows_are_parsed_whatever_their_spelling():
    rows = [{"client_id": "100002", "outcome_date": "2025-06-30", "defaulted": "1"},
            {"client_id": 100003.0, "outcome_date": dt.datetime(2025, 6, 30, 12), "defaulted": False},
            {"client_id": 100003, "outcome_date": "2025-06-30T00:00:00", "defaulted": 0}]
    outcomes, errors = validate_records(rows, today=TODAY)
    assert errors == {}
    assert outcomes == [Outcome(100002, dt.date(2025, 6, 30), 1), Outcome(100003, dt.date(2025, 6, 30), 0)]


def test_each_bad_field_is_named_and_no_row_is_returned():
    rows = [{"client_id": 1, "outcome_date": "2025-06-30", "defaulted": 1},
            {"client_id": -4, "outcome_date": "2025-08-02", "defaulted": 0.5},
            {"client_id": 2.5, "outcome_date": "1999-12-31", "defaulted": None},
            "not a row"]
    outcomes, errors = validate_records(rows, today=TODAY)
    assert outcomes == []
    assert set(errors) == {1, 2, 3}
    assert set(errors[1]) == {"client_id", "outcome_date", "defaulted"}
    assert "futur" in errors[1]["outcome_date"] and "2000-01-01" in errors[2]["outcome_date"]
    assert errors[2]["defaulted"] == "obligatoire"


def test_two_values_for_the_same_client_and_date_are_both_refused():
    rows = [{"client_id": 7, "outcome_date": "2025-06-30", "defaulted": 1},
            {"client_id": 8, "outcome_date": "2025-06-30", "defaulted": 1},
            {"client_id": 7, "outcome_date": "2025-06-30", "defaulted": 0}]
    _, errors = validate_records(rows, today=TODAY)
    assert set(errors) == {0, 2}


def test_the_outcomes_token_is_never_printed(monkeypatch, capsys):
    from ml.__main__ import main

    monkeypatch.setenv("OUTCOMES_API_TOKEN", "secret-outcomes-token-123")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "secret-outcomes-token-123" not in out and "(set, not shown)" in out
