"""Gunicorn settings of both web processes (``bin/web`` runs ``gunicorn --config gunicorn.conf.py``; the
command line there sets the port, workers, timeout and request-count recycling).

Recycling without stalls (docs/deployment.md, "Workers and recycling"):

- the application is imported in the master (``preload_app``) and, for the scoring API, the
  model, the memory-mapped feature matrix, the population's scores and the neighbour index are
  loaded there too, before any worker is forked: every worker, including one that replaces a
  recycled worker, starts with them in shared copy-on-write pages and answers at once (only
  the one-application query is compiled in the new worker, ~1 s, before it accepts a request);
  for the portal, the French catalogues, every page template and the form widgets are compiled
  there (``portal/config/preload.py``), so a new portal worker's first page is not slower;
- a worker whose private memory grew by more than ``WEB_MEMORY_GROWTH_MB`` since it started
  finishes its request and is replaced (the guard against leaks); the request-count limit of
  ``bin/web`` is large and staggered so two workers never restart together.

A corrupt or missing model or feature file never stops the master: it logs the cause, the
workers start, ``/health`` answers 503 with the reason and the endpoints 503
``model_unavailable`` until the files are repaired (each worker retries).

Errors gunicorn answers itself (a request line over 4,094 bytes, headers too large, a malformed
request) reach the API's callers as JSON in the API's error shape, never gunicorn's HTML page.
"""
from __future__ import annotations

import gc
import json
import os
import resource
import time

PROJECT = os.environ.get("DJANGO_PROJECT", "")
preload_app = True
# the request line gunicorn accepts (its default, stated): longer ones get a 400 (JSON for the API)
limit_request_line = 4094
# memory guard: checked every MEMORY_CHECK_EVERY requests from /proc/self/statm (a few µs)
MEMORY_GROWTH_MB = float(os.environ.get("WEB_MEMORY_GROWTH_MB", "300") or 0)
MEMORY_CHECK_EVERY = 100
_PAGE_MB = resource.getpagesize() / 2**20


def _resident_mb() -> float:
    """This process's resident memory (pages inherited from the master count from the start,
    so growth is what the worker allocated itself)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE_MB


def when_ready(server) -> None:  # noqa: ANN001 (gunicorn's hook signature)
    """In the master, after the application was imported, before the first fork."""
    if PROJECT == "scoring_api":
        from scoring_api.scoring.preload import load_in_master

        load_in_master(server.log)
    elif PROJECT == "portal":
        from portal.config.preload import warm_in_master

        warm_in_master(server.log)
    from django.db import connections

    connections.close_all()  # never share a database socket with the workers
    gc.collect()
    gc.freeze()  # the collector will not touch (and so copy) the master's objects in a worker


def post_fork(server, worker) -> None:  # noqa: ANN001
    worker.forked_at = time.perf_counter()


def post_worker_init(worker) -> None:  # noqa: ANN001
    """In the new worker, before it accepts requests; logs how long after the fork it is ready
    (the benchmarks read it: a recycled worker must answer at once)."""
    if PROJECT == "scoring_api":
        from scoring_api.scoring.preload import warm_worker

        warm_worker(worker.log)
    worker.memory_baseline_mb = _resident_mb()
    worker.requests_seen = 0
    worker.log.info("worker %s ready %.3f s after its fork", worker.pid,
                    time.perf_counter() - getattr(worker, "forked_at", time.perf_counter()))


def post_request(worker, req, environ, resp) -> None:  # noqa: ANN001
    """The memory guard: a worker that grew too much finishes this request and is replaced."""
    worker.requests_seen = getattr(worker, "requests_seen", 0) + 1
    if not MEMORY_GROWTH_MB or worker.requests_seen % MEMORY_CHECK_EVERY:
        return
    grown = _resident_mb() - getattr(worker, "memory_baseline_mb", _resident_mb())
    if grown > MEMORY_GROWTH_MB and worker.alive:
        worker.log.warning("memory guard: worker %s grew by %.0f MB (limit %.0f MB): "
                           "restarting after this request", worker.pid, grown, MEMORY_GROWTH_MB)
        worker.alive = False


# --- errors gunicorn answers itself, in the API's error shape ----------------------------------
ERROR_CODES = {400: "bad_request", 403: "forbidden", 417: "expectation_failed",
               431: "request_headers_too_large", 500: "server_error", 501: "not_implemented"}
MESSAGES = {
    "request_line_too_long": "Ligne de requête trop longue ({limit} octets au plus) : raccourcissez "
                             "l'adresse (paramètres de requête).",
    "request_headers_too_large": "En-têtes de requête trop volumineux.",
    "bad_request": "Requête HTTP mal formée.",
}


def json_error(sock, status_int: int, reason: str, mesg: str) -> None:  # noqa: ANN001
    """Replaces ``gunicorn.util.write_error`` in the API's workers: the same status, as JSON."""
    from gunicorn import util

    code = ERROR_CODES.get(status_int, "bad_request")
    if status_int == 400 and "Line is too large" in mesg:
        code = "request_line_too_long"
    message = MESSAGES.get(code, reason).format(limit=limit_request_line)
    body = json.dumps({"error": {"status": status_int, "code": code, "message": message,
                                 "fields": {}}}, ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin1") + body)


if PROJECT == "scoring_api":
    import gunicorn.util

    gunicorn.util.write_error = json_error
