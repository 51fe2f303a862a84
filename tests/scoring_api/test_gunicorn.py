"""What gunicorn itself answers, and a start on damaged files, on the deployed command
(``bin/web``, production settings, gunicorn.conf.py): a request line over 4,094 bytes gets JSON
in the API's error shape (issue 13 #10), never gunicorn's HTML page; a damaged feature
dictionary does not stop the server: /health 503 with the reason, endpoints 503
``model_unavailable`` (issue 13 #11)."""
from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests

from tests.scoring_api.web import Server, deployed_api

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def damaged(registered_model, tmp_path_factory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("damaged-web")
    features = workdir / "features"
    shutil.copytree(registered_model.features_dir, features)
    (features / "feature_dictionary.json").write_text('{"features": {', encoding="utf-8")
    yield from deployed_api(registered_model, workdir, features_dir=features)


def raw_request(url: str, request_line: str, headers: str = "") -> tuple[str, dict, bytes]:
    """(status line, headers, body) of one request sent as bytes (requests would refuse)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(f"{request_line}\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode("latin1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin1").split("\r\n")
    return status, dict(line.split(": ", 1) for line in lines), body


def test_the_server_starts_on_a_damaged_dictionary_and_says_why(damaged):
    public = requests.get(f"{damaged.url}/health", timeout=30)
    assert public.status_code == 503
    assert public.json() == {"status": "unavailable", "model_version": None}
    token = {"Authorization": f"Token {damaged.tokens[0]}"}
    detailed = requests.get(f"{damaged.url}/health", headers=token, timeout=30)
    assert detailed.status_code == 503 and "feature_dictionary.json" in detailed.json()["reason"]
    score = requests.get(f"{damaged.url}/score/100002", headers=token, timeout=30)
    assert score.status_code == 503
    assert score.json()["error"]["code"] == "model_unavailable"
    assert requests.get(f"{damaged.url}/ping", timeout=30).json() == {"status": "ok"}
    log = damaged.log.read_text()
    assert "preload: model unavailable" in log and "Booting worker" in log


def test_a_request_line_over_the_limit_gets_json(damaged):
    status, headers, body = raw_request(damaged.url, f"GET /clients?search={'1' * 4100} HTTP/1.1")
    assert status.startswith("HTTP/1.1 400")
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["status"] == 400 and error["code"] == "request_line_too_long"
    assert "4094" in error["message"] and error["fields"] == {}


def test_a_request_line_at_the_limit_reaches_the_api(damaged):
    line = "GET /ping?x= HTTP/1.1"
    line = line.replace("x=", "x=" + "a" * (4094 - len(line)))
    assert len(line) == 4094
    status, headers, body = raw_request(damaged.url, line, "Connection: close\r\n")
    assert status.startswith("HTTP/1.1 200"), (status, body[:200])


def test_headers_too_large_get_json(damaged):
    many = "".join(f"X-Filler-{i}: {i}\r\n" for i in range(120))  # gunicorn allows 100
    status, headers, body = raw_request(damaged.url, "GET /ping HTTP/1.1", many)
    assert status.startswith("HTTP/1.1 431")
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "request_headers_too_large"
