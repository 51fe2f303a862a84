"""The API's contract is its OpenAPI schema: the committed ``scoring_api/openapi.yaml`` (what the
portal's fakes are checked against, what docs/api.md points to) is exactly what the code
generates. After changing a serializer or a view, ``make openapi`` writes it again."""
from __future__ import annotations

import yaml

from tests.contract import SCHEMA_FILE


def test_committed_schema_is_the_generated_one() -> None:
    from drf_spectacular.generators import SchemaGenerator

    generated = SchemaGenerator().get_schema(request=None, public=True)
    committed = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    # through YAML both ways: the file's types (ordered dicts, lazy strings) do not matter
    assert committed == yaml.safe_load(yaml.safe_dump(generated, allow_unicode=True)), (
        "scoring_api/openapi.yaml is out of date: run `make openapi`")
