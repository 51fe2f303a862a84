"""The feature dictionary: every feature's French label, unit and description (from
``vocabulary.features``, the one home of the domain's words), its source table, its lineage
(``inputs``: the raw application columns its expression reads) and what the input policy
(``ml/policy/input_policy.yaml``) makes of it: ``excluded`` (never a model input: the client's
sex and what derives from it) and ``sensitive`` (a protected characteristic: excluded ones, and
age, allowed with a written justification).

``build(names)`` writes ``feature_dictionary.json``; a feature without an entry is an error (it
would have no label and no declared source for the leakage check).
"""
from __future__ import annotations

from typing import TypedDict

import ibis
import ibis.expr.operations as ops

from ml.data.schema import SCHEMAS
from ml.errors import MLError
from ml.features.application import ONE_HOT_FEATURES, application_columns
from ml.policy.input import EXCLUDED, SENSITIVE, load
from vocabulary.categories import COLUMNS, category, one_hot_label
from vocabulary.features import FEATURES as WORDS
from vocabulary.formats import UNITS  # noqa: F401 (the units a feature may have)

APP = "application"
# Side-table features are named after their source table (application features have no prefix).
SOURCE_PREFIXES = {"BUREAU_": "bureau", "BB_": "bureau_balance", "PREV_": "previous_application",
                   "POS_": "POS_CASH_balance", "INST_": "installments_payments",
                   "CC_": "credit_card_balance"}


class Entry(TypedDict):
    label: str
    unit: str
    source: str
    description: str
    inputs: list[str]
    sensitive: bool
    excluded: bool


def source_of(name: str) -> str:
    return next((table for prefix, table in SOURCE_PREFIXES.items() if name.startswith(prefix)), APP)


def _one_hot(name: str) -> tuple[str, str, str]:
    column, code = ONE_HOT_FEATURES[name]
    description = (f"1 si « {COLUMNS[column].lower()} » vaut « {category(code)} » (code {code}), "
                   "sinon 0.")
    return one_hot_label(column, code), "", description


def _lineage() -> dict[str, list[str]]:
    """Application feature → the raw columns its Ibis expression reads (computed, not typed, so
    a new feature derived from an excluded column is excluded without anyone listing it)."""
    table = ibis.table(SCHEMAS["application_test"].columns, name="schema_only")
    return {name: sorted({field.name for field in value.op().find(ops.Field)})
            for name, value in application_columns(table).items()}


LINEAGE: dict[str, list[str]] = _lineage()


def _entry(name: str, label: str, unit: str, description: str) -> Entry:
    inputs = LINEAGE.get(name, [])
    status = load().classify(name, inputs)
    return Entry(label=label, unit=unit, source=source_of(name), description=description,
                 inputs=inputs, sensitive=status in (EXCLUDED, SENSITIVE), excluded=status == EXCLUDED)


FEATURES: dict[str, Entry] = {
    name: _entry(name, label, unit, description)
    for name, (label, unit, description) in {
        **WORDS, **{name: _one_hot(name) for name in ONE_HOT_FEATURES}}.items()
}
EXCLUDED_FEATURES: frozenset[str] = frozenset(n for n, e in FEATURES.items() if e["excluded"])
SENSITIVE_FEATURES: frozenset[str] = frozenset(n for n, e in FEATURES.items() if e["sensitive"])


def entry(name: str) -> Entry:
    """Dictionary entry of one feature (raises MLError for an unknown feature)."""
    try:
        return FEATURES[name]
    except KeyError:
        raise MLError(f"feature {name} has no entry in vocabulary/features.py") from None


def build(names: list[str]) -> dict[str, dict[str, Entry]]:
    """The ``feature_dictionary.json`` document for ``names`` (every one must be declared)."""
    return {"features": {name: entry(name) for name in names}}
