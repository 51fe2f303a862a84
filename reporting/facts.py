"""The facts of the methodology note and the slides, derived from the result files only.

Pure functions of the inputs (``reporting.inputs``) → plain dicts and lists; the note's template
and the slide builder print them, so both show the same numbers. ``None`` means "non mesuré".
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from reporting.bench import headlines
from reporting.formats import integer, number, percent
from reporting.inputs import ReportInputs

PROVENANCE_LABELS = {
    "synthetic": "synthétiques", "synthétique": "synthétiques", "synthetic_demo": "synthétiques",
    "real": "réelles (Kaggle Home Credit)", "kaggle": "réelles (Kaggle Home Credit)",
    "real_sample": "réelles (échantillon Kaggle Home Credit)",
}
BENCH_ROWS_MAX = 18  # lines of one benchmark's table in the note


def provenance(dataset: dict[str, Any]) -> dict[str, Any]:
    """Whether the model was trained on real or synthetic data, as ``results["dataset"]`` says."""
    raw = dataset.get("provenance") or dataset.get("source") or dataset.get("kind")
    if raw is None and isinstance(dataset.get("synthetic"), bool):
        raw = "synthetic" if dataset["synthetic"] else "real"
    label = PROVENANCE_LABELS.get(str(raw).lower()) if raw is not None else None
    return {"known": label is not None, "label": label or (str(raw) if raw else None),
            "synthetic": label == "synthétiques"}


def feature_counts(dictionary: dict[str, dict] | None) -> list[dict[str, Any]] | None:
    """Features per source table (most first), with how many the input policy keeps out of
    models (``excluded``; dictionaries written before the policy said ``sensitive``)."""
    if not dictionary:
        return None
    totals = Counter(entry.get("source", "inconnue") for entry in dictionary.values())
    sensitive = Counter(entry.get("source", "inconnue") for entry in dictionary.values()
                        if entry.get("excluded", entry.get("sensitive") and "excluded" not in entry))
    return [{"source": source, "count": count, "sensitive": sensitive.get(source, 0)}
            for source, count in totals.most_common()]


def candidate_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per trained candidate: CV and holdout metrics, thresholds and times."""
    rows = []
    for candidate in results["candidates"]:
        cv, holdout = candidate.get("cv", {}), candidate.get("holdout", {})
        rows.append({
            "name": candidate["name"], "kind": candidate.get("kind"),
            "imbalance": candidate.get("imbalance"),
            "cv_auc": cv.get("auc"), "cv_cost": cv.get("business_cost"), "cv_brier": cv.get("brier"),
            "auc": holdout.get("auc"), "accuracy": holdout.get("accuracy"),
            "precision": holdout.get("precision"), "recall": holdout.get("recall"),
            "f_beta": holdout.get("f_beta"), "cost": holdout.get("business_cost"),
            "brier": holdout.get("brier"), "brier_raw": candidate.get("holdout_brier_raw"),
            "refusal_rate": holdout.get("refusal_rate"),
            "threshold": candidate.get("threshold"), "raw_threshold": candidate.get("raw_threshold"),
            "bayes_threshold": candidate.get("bayes_threshold"),
            "fit_time_s": candidate.get("fit_time_s"), "predict_time_s": candidate.get("predict_time_s"),
            "champion": candidate["name"] == results["champion"]["name"],
        })
    return rows


def imbalance_comparison(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each model family trained with several imbalance methods: the methods side by side
    (CV cost first: that is what chose them) and the best one by CV cost."""
    families: dict[str, list[dict]] = {}
    for row in rows:
        if row["kind"] != "dummy":
            families.setdefault(row["kind"] or row["name"], []).append(row)
    comparison = []
    for kind, members in families.items():
        ranked = sorted(members, key=lambda r: (r["cv_cost"] is None, r["cv_cost"] or 0.0))
        comparison.append({"kind": kind, "methods": ranked, "best": ranked[0],
                           "compared": len(ranked) > 1})
    return comparison


def threshold_facts(results: dict[str, Any]) -> dict[str, Any]:
    """The champion's cost-optimal threshold against the Bayes value 1 / (1 + FN/FP)."""
    champion, cost = results["champion"], results.get("cost", {})
    threshold, bayes = champion.get("threshold"), champion.get("bayes_threshold")
    gap = None if threshold is None or bayes is None else threshold - bayes
    return {"cost_fn": cost.get("fn"), "cost_fp": cost.get("fp"), "threshold": threshold,
            "raw_threshold": champion.get("raw_threshold"), "bayes": bayes, "gap": gap,
            "relative_gap": None if gap is None or not bayes else abs(gap) / bayes}


def fairness_groups(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Fairness rows grouped by attribute, with the largest approval-rate and AUC gaps."""
    attributes: dict[str, list[dict]] = {}
    for row in results.get("fairness") or []:
        attributes.setdefault(row["attribute"], []).append(row)
    groups = []
    for attribute, rows in attributes.items():
        approvals = [r["approval_rate"] for r in rows if r.get("approval_rate") is not None]
        aucs = [r["auc"] for r in rows if r.get("auc") is not None]
        groups.append({"attribute": attribute, "rows": rows,
                       "approval_gap": max(approvals) - min(approvals) if len(approvals) > 1 else None,
                       "auc_gap": max(aucs) - min(aucs) if len(aucs) > 1 else None})
    return groups


def drift_facts(drift: dict[str, Any] | None) -> dict[str, Any] | None:
    """The drift summary's conclusion: how many compared columns drifted, by which tests."""
    if not drift:
        return None
    features = drift.get("features") or []
    drifted = [f for f in features if f.get("drifted")]
    return {
        "n_reference": drift.get("n_reference"), "n_current": drift.get("n_current"),
        "n_columns": drift.get("n_columns", len(features)),
        "n_drifted": drift.get("n_drifted", len(drifted)),
        "share": drift.get("share_drifted"),
        "drifted": drifted,
        "tests": sorted({f"{f.get('test')} ({f.get('statistic')})" for f in features}),
        "model": drift.get("model"), "data_dir": drift.get("data_dir"),
        "seconds": drift.get("seconds"),
    }


def replay_facts(replay: dict[str, Any] | None) -> dict[str, Any] | None:
    """The production replay (reports/bench/replay.json, ``bench/replay.py``): per scenario, the
    alerts of each monitor run and the champion's estimated against realized performance."""
    if not replay or replay.get("error") or "faithful" not in replay:
        return None
    scenarios = []
    for name in ("faithful", "degraded"):
        run = replay.get(name) or {}
        realized = {m["kind"]: m for m in (run.get("realized") or {}).get("measures", [])}
        scenarios.append({
            "name": {"faithful": "fidèle", "degraded": "dégradé"}[name],
            "sent": _get_path(run, "traffic.sent"), "refusal_rate": _get_path(run, "traffic.refusal_rate"),
            "default_rate": _get_path(run, "traffic.observed_default_rate"),
            "estimate_alerts": (run.get("estimate") or {}).get("alerts", []),
            "realized_alerts": (run.get("realized") or {}).get("alerts", []),
            "estimated": realized.get("estimated"), "realized": realized.get("realized"),
            "messages": (run.get("realized") or {}).get("messages", [])})
    planted = _get_path(replay, "degraded.traffic.planted") or {}
    return {"ok": replay.get("ok"), "scenarios": scenarios, "planted": planted, "bounds": replay.get("bounds", {})}


def _get_path(document: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(part)
    return document


def flatten(document: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``{"a": {"b": 1}}`` → ``[("a.b", 1)]``: every scalar of a benchmark file (lists skipped)."""
    items: list[tuple[str, Any]] = []
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            items += flatten(value, f"{name}.")
        elif isinstance(value, list):
            if value and all(isinstance(v, dict) for v in value):
                for index, item in enumerate(value):
                    items += flatten(item, f"{name}[{index}].")
        else:
            items.append((name, value))
    return items


def benchmark_tables(benchmarks: dict[str, dict | None]) -> list[dict[str, Any]]:
    """One table per benchmark file: its scalars (at most ``BENCH_ROWS_MAX``), or not measured."""
    tables = []
    for name, document in benchmarks.items():
        if document is None:
            tables.append({"name": name, "measured": False, "rows": [], "error": None, "cut": 0,
                           "headlines": []})
            continue
        rows = flatten(document)
        tables.append({"name": name, "measured": True, "error": document.get("error"),
                       "headlines": headlines(name, document),
                       "rows": rows[:BENCH_ROWS_MAX], "cut": max(len(rows) - BENCH_ROWS_MAX, 0)})
    return tables


def limits(results: dict[str, Any], origin: dict, thresholds: dict, fairness: list[dict],
           drift: dict | None) -> list[str]:
    """Limits the measured numbers point to (each sentence carries its number)."""
    champion, dataset = results["champion"], results["dataset"]
    notes = []
    if origin["synthetic"]:
        notes.append("Les données sont synthétiques : les performances ne préjugent pas de celles "
                     "obtenues sur le portefeuille réel.")
    elif not origin["known"]:
        notes.append("La provenance des données (réelles ou synthétiques) n'est pas enregistrée "
                     "dans results.json.")
    cv_auc, holdout_auc = champion.get("cv", {}).get("auc"), champion.get("holdout", {}).get("auc")
    if cv_auc is not None and holdout_auc is not None:
        notes.append(f"Écart d'AUC entre validation croisée ({number(cv_auc)}) et holdout "
                     f"({number(holdout_auc)}) : {number(cv_auc - holdout_auc)} ; le holdout compte "
                     f"{integer(dataset.get('holdout_rows'))} clients, l'incertitude reste sensible.")
    iterations = champion.get("cv", {}).get("search_iterations")
    if iterations is not None:
        notes.append(f"Recherche d'hyper-paramètres : {integer(iterations)} combinaison(s) évaluée(s) "
                     f"sur {integer(champion['cv'].get('search_rows'))} lignes ; une recherche plus "
                     "large (Optuna) pourrait encore réduire le coût.")
    if thresholds["gap"] is not None:
        notes.append(f"Le seuil optimal ({number(thresholds['threshold'], 3)}) s'écarte de la valeur "
                     f"de Bayes ({number(thresholds['bayes'], 3)}) de {number(thresholds['gap'], 3)} : "
                     "la calibration (bêta, trois paramètres) est estimée sur un échantillon fini "
                     "de scores hors-pli.")
    for group in fairness:
        if group["approval_gap"] is not None:
            notes.append(f"Équité ({group['attribute']}) : l'écart de taux d'acceptation entre groupes "
                         f"atteint {percent(group['approval_gap'])} ; à surveiller en production.")
    if drift is not None and drift["share"] is not None:
        notes.append(f"Dérive : {integer(drift['n_drifted'])} variable(s) sur "
                     f"{integer(drift['n_columns'])} ({percent(drift['share'])}) dérivent entre "
                     "application_train et application_test.")
    return notes


def other_run(name: str, results: dict[str, Any] | None) -> dict[str, Any]:
    """Another training run (e.g. the real sample beside the synthetic data), for comparison."""
    if results is None:
        return {"name": name, "measured": False}
    return {"name": name, "measured": True, "run_id": results["run_id"],
            "dataset": results["dataset"], "provenance": provenance(results["dataset"]),
            "candidates": candidate_rows(results), "champion": results["champion"]["name"]}


def build_facts(inputs: ReportInputs, local: dict | None, local_error: str | None,
                others: dict[str, dict[str, Any] | None] | None = None) -> dict[str, Any]:
    """Every fact of the note and the slides, from the inputs, the local example and the
    results of other runs (``None`` when a named run has no readable results.json)."""
    from ml.config import PROJECT_ROOT, settings
    from ml.training import leakage, train
    from reporting.delivery import delivery_facts
    from reporting.governance import governance_facts

    results = inputs.results
    origin = provenance(results["dataset"])
    rows = candidate_rows(results)
    thresholds = threshold_facts(results)
    fairness = fairness_groups(results)
    drift = drift_facts(inputs.drift)
    champion_row = next((row for row in rows if row["champion"]), None) \
        or candidate_rows({**results, "candidates": [results["champion"]]})[0]
    name = results["champion"]["name"]
    return {
        "run_id": results["run_id"],
        "dataset": results["dataset"],
        "provenance": origin,
        "registered": results.get("registered") or {},
        "champion": results["champion"],
        "champion_row": champion_row,
        "candidates": rows,
        "imbalance": imbalance_comparison(rows),
        "thresholds": thresholds,
        "fairness": fairness,
        "importance": (results.get("global_importance") or [])[:15],
        "feature_counts": feature_counts(inputs.dictionary),
        "leakage": {"univariate_max_auc": settings().leakage_max_auc, "model_max_auc": train.MAX_AUC,
                    "patterns": [pattern for pattern, _ in leakage.FORBIDDEN_PATTERNS],
                    "allowed_sources": sorted(leakage.ALLOWED_SOURCES),
                    "best_auc": max((max(r["cv_auc"] or 0, r["auc"] or 0) for r in rows), default=None)},
        "protocol": {"holdout_share": train.HOLDOUT_SHARE, "folds": train.FOLDS},
        "drift": drift,
        "replay": replay_facts(inputs.benchmarks.get("replay")),
        "benchmarks": benchmark_tables(inputs.benchmarks),
        "local": local,
        "local_error": local_error,
        "limits": limits(results, origin, thresholds, fairness, drift),
        "figures": {"cost": inputs.figure(name, "cost_threshold.png"),
                    "calibration": inputs.figure(name, "calibration.png"),
                    "roc": inputs.figure(name, "roc.png"), "confusion": inputs.figure(name, "confusion.png"),
                    "shap": inputs.figure("shap_summary.png")},
        "screenshots": inputs.screenshots,
        "delivery": delivery_facts(PROJECT_ROOT, inputs.reports_dir),
        "other_runs": [other_run(name, other) for name, other in (others or {}).items()],
        "governance": governance_facts(results, inputs.benchmarks.get("policy_cost")),
    }
