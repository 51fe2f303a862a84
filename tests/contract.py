"""The scoring API's contract: its OpenAPI schema, generated from the code into
``scoring_api/openapi.yaml`` (``make openapi``; ``tests/scoring_api/test_openapi_contract.py``
fails when the file and the code disagree). The portal's fakes are checked against it."""
from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

from ml.config import PROJECT_ROOT

SCHEMA_FILE = PROJECT_ROOT / "scoring_api" / "openapi.yaml"


@functools.cache
def document() -> dict[str, Any]:
    return yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))


def _operation(method: str, path: str) -> dict[str, Any]:
    for template, operations in document()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return operations[method.lower()]
    raise AssertionError(f"{method} {path} is not an operation of the API's schema")


def check_response(method: str, path: str, status: int, body: Any) -> None:
    """Fail unless ``body`` is what the schema documents for ``method path`` → ``status``."""
    responses = _operation(method, path)["responses"]
    answer = responses.get(str(status))
    assert answer is not None, f"{method} {path} documents no {status} answer ({sorted(responses)})"
    schema = answer["content"]["application/json"]["schema"]
    OAS30Validator({**schema, "components": document()["components"]}).validate(body)
