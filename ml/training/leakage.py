"""Leakage check: ``python -m ml leakage --features DIR`` and ``check_leakage(df, target)``.

Three guards, run before any training: (1) no column derived from TARGET, (2) no column
known only after the application date (declared list below), (3) every feature has a
declared source table in the feature dictionary; then (4) any single feature whose
univariate AUC against TARGET exceeds ``max_auc`` (LEAKAGE_MAX_AUC, 0.70) is reported as
suspicious.
"""
from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from ml.config import settings
from ml.data.schema import ID_COLUMN, TARGET_COLUMN
from ml.errors import LeakageError, MLError

MIN_ROWS_FOR_AUC = 50

# Columns that carry the outcome, or are recorded after the application date (the end of a
# previous loan, instalments still due, the realised default), by name pattern.
FORBIDDEN_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"TARGET", "derived from the target"),
    (r"DEFAULT", "derived from the target (default outcome)"),
    (r"_FUTURE", "known only after the application date (future instalments)"),
    (r"DAYS_TERMINATION|DAYS_LAST_DUE|DAYS_FIRST_DUE|DAYS_ENDDATE_FACT",
     "dated after the application date"),
    (r"(^|_)(PROBA|PREDICTION|SCORE_PRED|DECISION_FINAL)", "a model output"),
)
# Features known at the application date that are legitimately strong on their own: the
# external credit scores (univariate AUC up to ~0.73 on the real Kaggle data). They are
# reported but do not fail the check.
KNOWN_STRONG = re.compile(r"^EXT_SOURCE_")

# Source tables allowed for features: the state of the client at the application date.
ALLOWED_SOURCES = frozenset({
    "application", "bureau", "bureau_balance", "previous_application", "POS_CASH_balance",
    "installments_payments", "credit_card_balance",
})


@dataclass
class LeakageReport:
    forbidden: dict[str, str] = field(default_factory=dict)  # feature -> reason
    undeclared: list[str] = field(default_factory=list)
    suspicious: dict[str, float] = field(default_factory=dict)  # feature -> univariate AUC
    strong_known: dict[str, float] = field(default_factory=dict)  # reported, not failing
    max_auc: float = field(default_factory=lambda: settings().leakage_max_auc)

    @property
    def ok(self) -> bool:
        return not (self.forbidden or self.undeclared or self.suspicious)

    def __str__(self) -> str:
        notes = [f"note: {n} has univariate AUC {auc:.3f} (external score, accepted)"
                 for n, auc in sorted(self.strong_known.items(), key=lambda kv: -kv[1])]
        if self.ok:
            return "\n".join([*notes, "no leakage found (no forbidden column, every other "
                               f"feature's univariate AUC ≤ {self.max_auc:.2f})"])
        lines = notes + [f"forbidden column {n}: {why}" for n, why in self.forbidden.items()]
        lines += [f"feature {n} has no declared source in the feature dictionary"
                  for n in self.undeclared]
        lines += [f"suspicious feature {n}: univariate AUC {auc:.3f} > {self.max_auc:.2f}"
                  for n, auc in sorted(self.suspicious.items(), key=lambda kv: -kv[1])]
        return "\n".join(lines)


def forbidden_reason(name: str) -> str | None:
    """Why ``name`` may not be a feature, or None when it may."""
    for pattern, reason in FORBIDDEN_PATTERNS:
        if re.search(pattern, name, flags=re.IGNORECASE):
            return reason
    return None


def univariate_auc(values: pd.Series, target: pd.Series) -> float:
    """AUC of one feature alone, in its better direction (0.5 = no signal, 1 = perfect).

    Missing values are given the median, so a feature present for few clients is judged on
    the whole population (what it can tell a model), not on its few present rows.
    """
    numeric = pd.to_numeric(values, errors="coerce").astype("float64")
    if numeric.notna().sum() < MIN_ROWS_FOR_AUC or numeric.nunique() < 2:
        return 0.5
    filled = numeric.fillna(numeric.median())
    auc = float(roc_auc_score(target, filled))
    return max(auc, 1.0 - auc)


def leakage_report(
    frame: pd.DataFrame,
    target: pd.Series | np.ndarray,
    sources: dict[str, str] | None = None,
    max_auc: float | None = None,
) -> LeakageReport:
    """Check every feature column of ``frame`` (the key and TARGET itself are skipped)."""
    target = pd.Series(np.asarray(target)).reset_index(drop=True)
    if target.isna().any() or not set(target.unique()) <= {0, 1}:
        raise MLError("leakage check needs a 0/1 target without missing values")
    if target.nunique() < 2:
        raise MLError("leakage check needs both classes in the target")
    max_auc = settings().leakage_max_auc if max_auc is None else max_auc
    report = LeakageReport(max_auc=max_auc)
    names = [c for c in frame.columns if c not in (ID_COLUMN, TARGET_COLUMN)]
    for name in names:
        reason = forbidden_reason(name)
        if reason:
            report.forbidden[name] = reason
        elif sources is not None and sources.get(name) not in ALLOWED_SOURCES:
            report.undeclared.append(name)
    for name in names:
        auc = univariate_auc(frame[name].reset_index(drop=True), target)
        if auc > max_auc:
            bucket = report.strong_known if KNOWN_STRONG.match(name) else report.suspicious
            bucket[name] = round(auc, 4)
    return report


def check_leakage(
    frame: pd.DataFrame,
    target: pd.Series | np.ndarray,
    sources: dict[str, str] | None = None,
    max_auc: float | None = None,
) -> LeakageReport:
    """Raise ``LeakageError`` (naming every culprit) unless ``frame`` passes all guards.

    ``sources`` maps feature → source table (``feature_dictionary.json``); when given, a
    feature without a declared, allowed source fails too. The trainer calls this first.
    """
    report = leakage_report(frame, target, sources, max_auc)
    if not report.ok:
        raise LeakageError("leakage check failed:\n" + str(report))
    return report


def load_sources(features_dir: Path) -> dict[str, str]:
    """Feature → source table, from ``feature_dictionary.json`` of a features folder."""
    path = Path(features_dir) / "feature_dictionary.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return {name: entry["source"] for name, entry in document["features"].items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MLError(f"{path}: unreadable feature dictionary ({error})") from None


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--features", type=Path, required=True,
                        help="folder written by `python -m ml features`")
    parser.add_argument("--max-auc", type=float, default=None,
                        help="largest univariate AUC accepted (default LEAKAGE_MAX_AUC, 0.70)")


def run(args: argparse.Namespace) -> int:
    path = args.features / "features_train.parquet"
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise MLError(f"{path}: unreadable ({str(error).splitlines()[0]})") from None
    if TARGET_COLUMN not in frame:
        raise MLError(f"{path}: no TARGET column")
    report = leakage_report(frame, frame[TARGET_COLUMN], load_sources(args.features),
                            args.max_auc)
    print(report)
    return 0 if report.ok else 1
