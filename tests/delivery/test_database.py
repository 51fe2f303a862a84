"""The PostgreSQL backend of both projects (django_common/db/postgresql/base.py): a kept
connection is checked before each request's first query without a round trip, and one the
server closed is still replaced before that query. Against the real PostgreSQL of this machine,
through the settings a dyno uses (``DATABASE_URL``)."""
from __future__ import annotations

import os

import pytest

from tests.django_shell import shell_result
from tests.scoring_api.test_server import _postgres_database

pytestmark = [pytest.mark.postgres]

SCRIPT = r"""
import json
import time
import psycopg
from django.core.signals import request_started, request_finished
from django.db import connection

out = {"engine": connection.settings_dict["ENGINE"], "vendor": connection.vendor}
def request(query="SELECT pg_backend_pid()"):
    request_started.send(sender=None)  # Django marks the kept connection as to be checked
    with connection.cursor() as cursor:
        cursor.execute(query)
        value = cursor.fetchone()[0]
    request_finished.send(sender=None)
    return value

first = request()
out["kept"] = request() == first

# a healthy idle connection: usable without a question to the server
raw = connection.connection
sent = []
real_cursor = raw.cursor
def counting_cursor(*args, **kwargs):
    sent.append(1)
    return real_cursor(*args, **kwargs)
raw.cursor = counting_cursor
out["healthy_usable"] = connection.is_usable()
out["healthy_round_trips"] = len(sent)

# the server closes it (a restart, a failover, an idle timeout would)
with psycopg.connect(DSN, autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", (first,))
time.sleep(0.2)
out["closed_usable"] = connection.is_usable()
out["closed_round_trips"] = len(sent)
raw.cursor = real_cursor
second = request()  # the request's first query goes to a new connection, without an error
out["replaced"] = second != first
print("RESULT " + json.dumps(out))
"""


@pytest.fixture(scope="module")
def checked() -> dict:
    database = _postgres_database()
    url = next(database)
    try:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.config.settings.local",
               "DJANGO_PROJECT": "portal", "DATABASE_URL": url, "CONN_MAX_AGE": "60"}
        yield shell_result(env, f"DSN = {url!r}\n" + SCRIPT)
    finally:
        database.close()


def test_dynos_use_the_backend_that_checks_without_a_round_trip(checked):
    assert checked["engine"] == "django_common.db.postgresql"
    assert checked["vendor"] == "postgresql"
    assert checked["kept"]  # CONN_MAX_AGE: the same connection from one request to the next


def test_a_healthy_kept_connection_is_usable_without_asking_the_server(checked):
    assert checked["healthy_usable"] is True
    assert checked["healthy_round_trips"] == 0


def test_a_connection_closed_by_the_server_is_replaced_before_the_query(checked):
    assert checked["closed_usable"] is False
    assert checked["closed_round_trips"] == 1  # then, and only then, Django's SELECT 1
    assert checked["replaced"]
