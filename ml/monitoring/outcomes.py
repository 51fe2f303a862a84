"""Outcomes fed back: whether a granted loan defaulted, learnt months after the decision.

One set of rules for every way in: ``validate_records`` checks rows (client id, outcome date,
defaulted 0/1) and names each bad one, the API's ``POST /outcomes`` and
``python -m ml outcomes import FILE`` both use it. The command reads a CSV or Parquet file,
reports every bad row with its line and posts nothing unless every row is good; the API then
writes the whole batch or nothing (one transaction), so an import is never half-written and
sending the same file twice changes nothing (one outcome per client and date).

``ml`` never imports Django: the command reaches the database through the API's HTTP
contract (``OUTCOMES_API_URL`` + ``OUTCOMES_API_TOKEN``, a token with the outcomes permission).
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ml.config import settings
from ml.errors import DataValidationError, MLError

COLUMNS = ("client_id", "outcome_date", "defaulted")
ALIASES = {"SK_ID_CURR": "client_id", "TARGET": "defaulted"}
MAX_ROWS = 100_000  # one request, one transaction: larger files are split by the sender
EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class Outcome:
    client_id: int
    outcome_date: dt.date
    defaulted: int

    def as_json(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "outcome_date": self.outcome_date.isoformat(),
                "defaulted": self.defaulted}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT \
        or (isinstance(value, str) and not value.strip())


def _client_id(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("identifiant client entier attendu")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"identifiant client entier attendu, reçu {value!r}")
        value = int(value)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"identifiant client entier attendu, reçu {value!r}") from None
    if number <= 0:
        raise ValueError(f"identifiant client positif attendu, reçu {number}")
    return number


def _date(value: Any, today: dt.date) -> dt.date:
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text).date()
        except ValueError:
            raise ValueError(f"date AAAA-MM-JJ attendue, reçu {value!r}") from None
    if day > today:
        raise ValueError(f"date dans le futur ({day.isoformat()}) : une issue se constate")
    if day < EARLIEST:
        raise ValueError(f"date avant {EARLIEST.isoformat()} ({day.isoformat()})")
    return day


def _defaulted(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return int(value.strip())
    raise ValueError(f"0 (remboursé) ou 1 (défaut) attendu, reçu {value!r}")


PARSERS = {"client_id": lambda v, today: _client_id(v), "outcome_date": _date,
           "defaulted": lambda v, today: _defaulted(v)}


def validate_records(records: Iterable[Mapping[str, Any]], *, today: dt.date | None = None
                     ) -> tuple[list[Outcome], dict[int, dict[str, str]]]:
    """(outcomes, errors): each row parsed, or its errors by field (row index → field → message).

    Within the rows, the same client and date twice with the same value count once; with two
    values, both rows are in error (which one is true is not for the import to guess).
    """
    today = today or dt.date.today()
    parsed: list[tuple[int, Outcome]] = []
    errors: dict[int, dict[str, str]] = {}
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            errors[index] = {"non_field_errors": "objet attendu"}
            continue
        row_errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for name in COLUMNS:
            value = record.get(name)
            if _missing(value):
                row_errors[name] = "obligatoire"
                continue
            try:
                values[name] = PARSERS[name](value, today)
            except ValueError as error:
                row_errors[name] = str(error)
        unknown = sorted(set(record) - set(COLUMNS) - {"source"})
        for name in unknown:
            row_errors[str(name)] = "champ inconnu"
        if row_errors:
            errors[index] = row_errors
        else:
            parsed.append((index, Outcome(**values)))
    seen: dict[tuple[int, dt.date], tuple[int, Outcome]] = {}
    outcomes: list[Outcome] = []
    for index, outcome in parsed:
        key = (outcome.client_id, outcome.outcome_date)
        if key not in seen:
            seen[key] = (index, outcome)
            outcomes.append(outcome)
        elif seen[key][1].defaulted != outcome.defaulted:
            message = (f"client {outcome.client_id} le {outcome.outcome_date.isoformat()} : deux "
                       "valeurs contradictoires dans l'envoi")
            errors.setdefault(seen[key][0], {})["defaulted"] = message
            errors.setdefault(index, {})["defaulted"] = message
    return (outcomes if not errors else []), errors


# ---------------------------------------------------------------------------- file import
def read_file(path: Path) -> tuple[list[dict[str, Any]], str, int]:
    """(records, line label, number of the first data row): a CSV's data start on line 2
    (line 1 is the header), a Parquet file's rows are numbered from 1."""
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file")
    suffixes = "".join(path.suffixes[-2:]).lower()
    try:
        if path.suffix.lower() == ".parquet":
            frame, label, first = pd.read_parquet(path), "row", 1
        elif path.suffix.lower() == ".csv" or suffixes == ".csv.gz":
            frame, label, first = pd.read_csv(path, dtype=str, keep_default_na=False), "line", 2
        else:
            raise DataValidationError(f"{path}: expected a .csv, .csv.gz or .parquet file")
    except DataValidationError:
        raise
    except Exception as error:  # a broken file: one line, never a trace
        raise DataValidationError(f"{path}: unreadable ({error})") from None
    frame = frame.rename(columns={k: v for k, v in ALIASES.items() if k in frame and v not in frame})
    missing = [c for c in COLUMNS if c not in frame]
    if missing:
        raise DataValidationError(f"{path}: missing column(s) {', '.join(missing)} "
                                  f"(expected {', '.join(COLUMNS)}; found {', '.join(map(str, frame.columns))})")
    if len(frame) > MAX_ROWS:
        raise DataValidationError(f"{path}: {len(frame):,} rows, at most {MAX_ROWS:,} per import "
                                  "(split the file: each import is all or nothing)")
    records = [{k: (None if _missing(v) else v) for k, v in row.items()}
               for row in frame.to_dict("records")]
    return records, label, first


def error_lines(errors: Mapping[int, Mapping[str, str]], label: str, first: int) -> list[str]:
    return [f"{label} {index + first}: {field}: {message}"
            for index in sorted(errors) for field, message in errors[index].items()]


def post(outcomes: list[Outcome], *, url: str, token: str, source: str,
         timeout: float = 120.0) -> dict[str, Any]:
    """POST the batch to ``<url>/outcomes``; the API's answer, or MLError with its message."""
    import requests

    try:
        response = requests.post(f"{url.rstrip('/')}/outcomes", timeout=timeout,
                                 headers={"Authorization": f"Token {token}"},
                                 json={"source": source, "outcomes": [o.as_json() for o in outcomes]})
    except requests.RequestException as error:
        raise MLError(f"scoring API unreachable at {url}: {error}") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        raise OutcomesRejected(response.status_code, error.get("message", response.text[:200]),
                               error.get("fields", {}))
    return body


class OutcomesRejected(MLError):
    """The API refused the batch (nothing written); ``fields`` names the rows."""

    def __init__(self, status: int, message: str, fields: Mapping[str, list[str]]) -> None:
        super().__init__(f"the API refused the outcomes ({status}): {message}")
        self.status, self.fields = status, dict(fields)


def import_file(path: Path, *, url: str, token: str, today: dt.date | None = None) -> dict[str, Any]:
    """Validate ``path`` and post it; raises DataValidationError listing every bad line."""
    records, label, first = read_file(path)
    outcomes, errors = validate_records(records, today=today)
    if errors:
        lines = error_lines(errors, label, first)
        raise DataValidationError(f"{path}: {len(errors)} bad row(s), nothing imported\n  "
                                  + "\n  ".join(lines))
    if not outcomes:
        raise DataValidationError(f"{path}: no outcome in the file")
    if not url or not token:
        raise MLError("OUTCOMES_API_URL and OUTCOMES_API_TOKEN must be set (the API writes "
                      "the outcomes; a token with the outcomes permission)")
    try:
        return post(outcomes, url=url, token=token, source=f"import:{path.name}")
    except OutcomesRejected as rejected:
        rows = _rows_of(rejected.fields, label, first)
        raise MLError(f"{rejected}{rows}") from None


def _rows_of(fields: Mapping[str, list[str]], label: str, first: int) -> str:
    """The API names rows ``outcomes[i].field``: the same rows as lines of the file."""
    import re

    lines = []
    for name, messages in fields.items():
        match = re.match(r"outcomes\[(\d+)\]\.?(.*)", name)
        where = f"{label} {int(match[1]) + first}: {match[2]}" if match else name
        lines.append(f"{where}: {' '.join(messages)}")
    return ("\n  " + "\n  ".join(lines)) if lines else ""


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = actions.add_parser("import", help="validate a CSV/Parquet file of outcomes and send "
                                             "it to the scoring API (all or nothing)")
    load.add_argument("file", type=Path, help="columns client_id (or SK_ID_CURR), "
                                              "outcome_date (YYYY-MM-DD), defaulted (0/1)")
    load.add_argument("--url", default=None, help="scoring API (default OUTCOMES_API_URL)")


def run(args: argparse.Namespace) -> int:
    current = settings()
    answer = import_file(args.file, url=args.url or current.outcomes_api_url,
                         token=current.outcomes_api_token)
    print(f"{args.file}: {answer['received']} outcome(s) received, {answer['created']} new, "
          f"{answer['unchanged']} already known")
    return 0
