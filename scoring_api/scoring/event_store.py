"""Storing a ``PredictionEvent``: one row per prediction served, committed before the answer
leaves (a worker killed after the commit leaves an event whose caller got an error, never an
answer without its event).

On PostgreSQL (production) the row is written by one server-side prepared ``INSERT`` on the
request's own connection: the statement is parsed and planned once per connection, and the
model inputs go as one JSON text. Measured against the ORM's ``create`` (same row, same
database): 0.26 ms of worker time instead of 0.67 ms, 0.73 ms instead of 1.23 ms end to end,
the largest part of ``GET /score``'s cost above the web layer's (bench/api.py). Other
databases (SQLite, the embedded default) use the ORM. Both write the same row
(tests/scoring_api/test_event_store.py).
"""
from __future__ import annotations

import json
from functools import cache
from typing import Any

import psycopg
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from scoring_api.scoring.models import PredictionEvent


def record(**fields: Any) -> None:
    """Store one event; ``fields`` are ``PredictionEvent``'s (``features`` a dict of plain
    floats and None), the others take their defaults."""
    if connection.vendor != "postgresql":
        PredictionEvent.objects.create(**fields)
        return
    columns, defaults = _insert_statement()
    values = {**defaults, "created_at": timezone.now(), **fields}
    values["features"] = json.dumps(values["features"], allow_nan=False)
    row = [values[name] for name in columns]
    try:
        _insert(row)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        # the connection kept from an earlier request was closed by the server (restart,
        # failover, idle timeout): once more on a new one (Django's health check would cost a
        # round trip on every request to find this out)
        connection.close()
        _insert(row)


def _insert(row: list[Any]) -> None:
    connection.ensure_connection()
    # psycopg's server-side binding cursor (Django's own binds on the client: no prepare)
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_sql(), row, prepare=True)


@cache
def _insert_statement() -> tuple[tuple[str, ...], dict[str, Any]]:
    """(Every column but the key, in order; each one's default)."""
    fields = [f for f in PredictionEvent._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    return tuple(f.attname for f in fields), defaults


@cache
def _sql() -> str:
    columns, _ = _insert_statement()
    table = connection.ops.quote_name(PredictionEvent._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = ", ".join("%s::jsonb" if c == "features" else "%s" for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
