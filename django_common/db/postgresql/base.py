"""Django's PostgreSQL backend, but the check of a kept connection costs no round trip.

Connections are kept between requests (``CONN_MAX_AGE``) and checked before their first use in
each request (``CONN_HEALTH_CHECKS``). Django checks with ``SELECT 1``: one more round trip to
the database on every request that uses it (measured: 3 % of the API's worker time under the
portal's load, and as much in the portal). Here an idle connection that has nothing to read is
usable, a question to the kernel (``select`` with no wait). A server that closed it (restart,
failover, ``pg_terminate_backend``, idle timeout) has sent its notice or end of stream: there
is something to read, and only then is Django's ``SELECT 1`` asked, which fails and makes
Django open a new connection before the request's query (tests/delivery/test_database.py).
"""
from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()  # inside a transaction: Django's own check
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable or super().is_usable()
