"""``python -m ml outcomes import FILE`` against the API over real HTTP (a live server on the
test database): CSV and Parquet, every bad line reported with its number, nothing written
unless every row is good, a second import of the same file changes nothing."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from ml.__main__ import main
from scoring_api.outcomes.models import Outcome

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def env(live_server, outcomes_token, monkeypatch) -> str:
    monkeypatch.setenv("OUTCOMES_API_URL", live_server.url)
    monkeypatch.setenv("OUTCOMES_API_TOKEN", outcomes_token)
    return live_server.url


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"SK_ID_CURR": [100002, 100003, 100004, 100005],
                         "outcome_date": ["2025-06-30", "2025-06-30", "2025-07-31", "2025-07-31"],
                         "defaulted": [1, 0, 0, 1]})


def test_a_parquet_file_is_imported_once(env, tmp_path: Path, capsys):
    path = tmp_path / "outcomes.parquet"
    _frame().to_parquet(path)
    assert main(["outcomes", "import", str(path)]) == 0
    assert "4 outcome(s) received, 4 new, 0 already known" in capsys.readouterr().out
    assert main(["outcomes", "import", str(path)]) == 0
    assert "4 new" not in capsys.readouterr().out
    assert sorted(Outcome.objects.values_list("client_id", "defaulted")) == [
        (100002, 1), (100003, 0), (100004, 0), (100005, 1)]
    assert set(Outcome.objects.values_list("source", flat=True)) == {"import:outcomes.parquet"}


def test_every_bad_line_of_a_csv_is_reported_and_nothing_is_written(env, tmp_path: Path, capsys):
    frame = _frame().astype(str)
    frame.loc[1, "defaulted"] = "oui"
    frame.loc[3, "outcome_date"] = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    path = tmp_path / "outcomes.csv"
    frame.to_csv(path, index=False)
    assert main(["outcomes", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "2 bad row(s), nothing imported" in err
    assert "line 3: defaulted:" in err and "line 5: outcome_date:" in err  # header is line 1
    assert "line 2" not in err and "line 4" not in err and "Traceback" not in err
    assert not Outcome.objects.exists()


def test_an_outcome_on_record_is_not_overwritten_by_a_file(env, tmp_path: Path, capsys):
    Outcome.objects.create(client_id=100004, outcome_date=dt.date(2025, 7, 31), defaulted=1)
    path = tmp_path / "outcomes.csv"
    _frame().to_csv(path, index=False)
    assert main(["outcomes", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "(409)" in err and "line 4: defaulted" in err
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize("content, message", [
    ("client_id,defaulted\n1,0\n", "missing column(s) outcome_date"),
    ("client_id,outcome_date,defaulted\n", "no outcome in the file"),
])
def test_unusable_files_say_why(env, tmp_path: Path, capsys, content, message):
    path = tmp_path / "outcomes.csv"
    path.write_text(content)
    assert main(["outcomes", "import", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_wrong_token_is_refused_without_writing(env, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("OUTCOMES_API_TOKEN", "not-a-token")
    path = tmp_path / "outcomes.parquet"
    _frame().to_parquet(path)
    assert main(["outcomes", "import", str(path)]) == 2
    assert "(401)" in capsys.readouterr().err and not Outcome.objects.exists()
