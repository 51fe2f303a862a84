"""A small real HTTP server that answers like the scoring API (from ``fakes``), in a thread:
used where `responses` cannot fake the network (live-server browser tests, a slow API)."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.contract import check_response, document
from tests.portal import fakes


def answer(method: str, path: str, query: dict[str, str], body: dict[str, Any],
           records: list[dict] | None = None) -> tuple[int, dict]:
    """The contract's answer for one request (unknown client id 404 = 999), checked against
    the API's OpenAPI schema; ``records`` keeps the advisor decisions posted to this stub."""
    status, answered = _answer(method, path, query, body, [] if records is None else records)
    check_response(method, path, status, answered)
    return status, answered


def _decision(client_id: int, body: dict[str, Any], records: list[dict]) -> tuple[int, dict]:
    """POST /clients/<id>/decisions: the API's rules in short (an override needs a reason and
    a comment), the new record superseding the previous one."""
    model_decision = fakes.score(client_id)["decision"]
    if body.get("final_decision") != model_decision and not (body.get("reason_code")
                                                              and body.get("comment")):
        return 400, fakes.error(400, "invalid", "Valeurs invalides.",
                                {"reason_code": ["Obligatoire."], "comment": ["Obligatoire."]})
    mine = [r for r in records if r["client_id"] == client_id]
    for record in mine:
        record["current"] = False
    records.append(fakes.decision_record(
        client_id, record_id=len(records) + 1, final_decision=body["final_decision"],
        model_decision=model_decision, advisor=body["advisor"],
        reason_code=body.get("reason_code", ""), comment=body.get("comment", ""),
        supersedes=mine[-1]["id"] if mine else None))
    return 201, records[-1]


def _answer(method: str, path: str, query: dict[str, str], body: dict[str, Any],
            records: list[dict]) -> tuple[int, dict]:
    parts = [part for part in path.split("/") if part]
    if "999" in parts or query.get("client") == "999":
        return 404, fakes.error(404, "client_not_found", "Client 999 inconnu.")
    if parts[:1] == ["clients"] and parts[2:] == ["decisions"]:
        client_id = int(parts[1])
        if method == "POST":
            return _decision(client_id, body, records)
        mine = [r for r in records if r["client_id"] == client_id]
        return 200, fakes.decision_history(client_id, list(reversed(mine)))
    if parts[:1] == ["score"] and parts[2:] == ["recourse"]:
        return 200, fakes.recourse(int(parts[1]))
    if method == "POST" and parts == ["score"]:
        probability = 0.05 if float(body.get("AMT_CREDIT", 1e9)) < 200_000 else 0.3
        return 200, fakes.score(int(body["base_client_id"]), probability, simulation=True,
                                input_hash="0" * 64)
    if parts == ["health"]:
        return 200, {"status": "ok", "model_version": "3", "model": {"name": "credit-scoring", "version": "3"},
                     "clients": 5000}
    if parts == ["clients"]:
        return 200, fakes.clients_page(12, count=40, next_page="next" if query.get("page", "1") == "1" else None,
                                       previous=None if query.get("page", "1") == "1" else "prev")
    if parts[:1] == ["clients"] and len(parts) == 2:
        client_id = int(parts[1])
        return 200, fakes.client(client_id, list(reversed(
            [r for r in records if r["client_id"] == client_id])))
    if parts[:1] == ["score"] and len(parts) == 2:
        return 200, fakes.score(int(parts[1]))
    if parts == ["population", "features"]:
        return 200, {"features": fakes.FEATURES}
    if parts == ["population", "stats"]:
        return 200, fakes.stats(query["feature"], query.get("group", "all"))
    if parts == ["population", "scatter"]:
        return 200, fakes.scatter(query["x"], query["y"], query.get("group", "all"))
    return 404, fakes.error(404, "not_found", "Inconnu.")


class _Handler(BaseHTTPRequestHandler):
    delay_s = 0.0
    records: list[dict] = []  # advisor decisions posted (one list per stub server)
    drops_left = [0]  # connections to drop without an answer (a worker restarting)
    requests_seen = [0]

    def _reply(self, method: str) -> None:
        self.requests_seen[0] += 1
        if self.drops_left[0] > 0:
            self.drops_left[0] -= 1
            self.close_connection = True
            return
        url = urlparse(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        if self.delay_s:
            time.sleep(self.delay_s)
        status, payload = answer(method, url.path, query, body, self.records)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._reply("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._reply("POST")

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def stub_api(*, delay_s: float = 0.0, drop_first: int = 0,
             seen: list[int] | None = None) -> Iterator[str]:
    """Start the stub on a free local port; yields its base URL. ``drop_first`` connections
    are closed without an answer; ``seen`` (a one-item list) counts the requests received."""
    document()  # parse the OpenAPI schema now, not within the portal's first read timeout
    handler = type("Handler", (_Handler,), {"delay_s": delay_s, "drops_left": [drop_first],
                                            "requests_seen": seen if seen is not None else [0],
                                            "records": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
