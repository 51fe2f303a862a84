"""The input policy: which raw attributes the model may not use (and every feature derived from
them), which sensitive ones it may use and why, and the fairness gate's bounds.

``load()`` reads ``ml/policy/input_policy.yaml`` (the one home of the policy, versioned with
the code); ``classify`` says what a feature is under the policy from its lineage (the raw
columns its expression reads, ``inputs`` in the feature dictionary) or, failing that, its name;
``enforce`` refuses a feature list that holds an excluded feature, as the leakage check refuses
a leaky one.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ml.errors import MLError

POLICY_PATH = Path(__file__).resolve().parent / "input_policy.yaml"
EXCLUDED, SENSITIVE, ALLOWED = "excluded", "sensitive", "allowed"


class PolicyError(MLError):
    """A model would use an attribute the input policy excludes, or the policy is unreadable."""


@dataclass(frozen=True)
class FairnessBounds:
    attributes: tuple[str, ...]
    min_approval_ratio: float
    max_auc_gap: float
    min_group_clients: int


@dataclass(frozen=True)
class InputPolicy:
    version: str
    sha256: str
    path: Path
    excluded: dict[str, str]  # raw column -> justification
    sensitive_allowed: dict[str, str]  # raw column -> justification
    fairness: FairnessBounds
    owner: str = ""
    date: str = ""
    extra: dict = field(default_factory=dict)

    def classify(self, name: str, inputs: Iterable[str] | None = None) -> str:
        """``excluded``, ``sensitive`` or ``allowed`` for feature ``name`` whose expression reads
        the raw columns ``inputs``; the name itself counts as an input (``CODE_GENDER_F`` is
        ``CODE_GENDER`` one-hot encoded), so a feature without lineage is judged by its name."""
        sources = set(inputs or ()) | {name}
        if any(_derives(source, column) for source in sources for column in self.excluded):
            return EXCLUDED
        if any(_derives(source, column) for source in sources for column in self.sensitive_allowed):
            return SENSITIVE
        return ALLOWED

    def attribute_of(self, name: str, inputs: Iterable[str] | None = None) -> str | None:
        """The excluded or sensitive raw column a feature derives from (None when allowed)."""
        sources = set(inputs or ()) | {name}
        for column in (*self.excluded, *self.sensitive_allowed):
            if any(_derives(source, column) for source in sources):
                return column
        return None

    def record(self) -> dict[str, str]:
        """What MLflow and the model card keep of the policy a model was trained under."""
        return {"input_policy_version": self.version, "input_policy_sha256": self.sha256}


def _derives(source: str, column: str) -> bool:
    return source == column or source.startswith(f"{column}_")


def load(path: Path | str | None = None) -> InputPolicy:
    """The input policy at ``path`` (default: ``ml/policy/input_policy.yaml``)."""
    return _load(Path(path).resolve() if path else POLICY_PATH)  # no disk access when cached


@lru_cache(maxsize=8)
def _load(path: Path) -> InputPolicy:
    import yaml

    try:
        text = path.read_bytes()
        document = yaml.safe_load(text)
        fairness = document["fairness"]
        policy = InputPolicy(
            version=str(document["version"]), sha256=hashlib.sha256(text).hexdigest(), path=path,
            excluded={str(k): _justification(v, k, path) for k, v in (document.get("excluded") or {}).items()},
            sensitive_allowed={str(k): _justification(v, k, path)
                               for k, v in (document.get("sensitive_allowed") or {}).items()},
            fairness=FairnessBounds(
                attributes=tuple(str(a) for a in fairness["attributes"]),
                min_approval_ratio=float(fairness["min_approval_ratio"]),
                max_auc_gap=float(fairness["max_auc_gap"]),
                min_group_clients=int(fairness["min_group_clients"])),
            owner=str(document.get("owner", "")), date=str(document.get("date", "")))
    except OSError as error:
        raise PolicyError(f"{path}: input policy unreadable ({error.strerror})") from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise PolicyError(f"{path}: invalid input policy ({type(error).__name__}: {error})") from None
    overlap = set(policy.excluded) & set(policy.sensitive_allowed)
    if overlap:
        raise PolicyError(f"{path}: {', '.join(sorted(overlap))} both excluded and allowed")
    return policy


def _justification(value: object, column: object, path: Path) -> str:
    text = value.get("justification") if isinstance(value, Mapping) else None
    if not isinstance(text, str) or not text.strip():
        raise PolicyError(f"{path}: {column} has no written justification")
    return " ".join(text.split())


def enforce(features: Iterable[str], lineage: Mapping[str, Iterable[str]],
            policy: InputPolicy | None = None) -> None:
    """Raise ``PolicyError`` naming every feature that the policy excludes (``lineage``: feature
    → raw columns its expression reads)."""
    policy = policy or load()
    culprits = {name: policy.attribute_of(name, lineage.get(name)) for name in features
                if policy.classify(name, lineage.get(name)) == EXCLUDED}
    if culprits:
        listed = ", ".join(f"{name} (from {source})" for name, source in culprits.items())
        raise PolicyError(f"input policy v{policy.version} excludes {listed}: "
                          f"see {policy.path.name}")
