"""A model card (Markdown) per registered version: data, features, metrics, threshold, cost,
limits and fairness — written from the results of the training run, never by hand."""
from __future__ import annotations


def _table(rows: list[dict], columns: list[tuple[str, str]]) -> list[str]:
    lines = ["| " + " | ".join(title for _, title in columns) + " |",
             "| " + " | ".join("---" for _ in columns) + " |"]
    for row in rows:
        lines.append("| " + " | ".join("" if row.get(key) is None else str(row.get(key)) for key, _ in columns) + " |")
    return lines


def _policy_lines(policy: dict | None) -> list[str]:
    """The input policy the model was trained under: version, hash, what it excludes and what
    sensitive attribute it allows, each with its written justification."""
    if not policy:
        return []
    lines = ["## Politique d'entrée", "",
             f"Politique `ml/policy/input_policy.yaml` version **{policy['input_policy_version']}** "
             f"du {policy.get('date', '?')} ({policy.get('owner', '')}), SHA-256 `{policy['input_policy_sha256'][:16]}…`.", ""]
    for column, justification in policy.get("excluded", {}).items():
        lines.append(f"- **Exclu : {column}** (et toute variable qui en dérive : "
                     f"{', '.join(policy.get('excluded_features', [])) or 'aucune'}). {justification}")
    used = ", ".join(policy.get("sensitive_features_used", [])) or "aucune"
    for column, justification in policy.get("sensitive_allowed", {}).items():
        lines.append(f"- **Sensible, autorisé : {column}** (variables du modèle concernées : {used} ; "
                     f"les raisons qui les citent sont signalées au conseiller). {justification}")
    return [*lines, ""]


def _fr(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _gate_lines(gate: dict | None) -> list[str]:
    if not gate:
        return []
    bounds = gate["bounds"]
    verdict = "**dans les bornes**" if gate["passed"] else \
        "**hors bornes** : " + " ; ".join(gate["violations"]) + \
        " — la version n'est champion que sur justification écrite (`python -m ml promote --justify`)"
    lines = ["## Porte d'équité", "",
             f"Bornes : rapport des taux d'accord entre groupes ≥ {_fr(bounds['min_approval_ratio'])}, écart d'AUC "
             f"≤ {_fr(bounds['max_auc_gap'])}, groupes d'au moins {bounds['min_group_clients']} clients du holdout. "
             f"Verdict : {verdict}.", ""]
    for attribute, summary in gate["attributes"].items():
        lines.append(f"- {attribute} : rapport des taux d'accord {summary['approval_ratio']}, écart d'AUC "
                     f"{summary['auc_gap']} (groupes comparés : {', '.join(summary['compared']) or 'aucun'}"
                     + (f" ; trop petits : {', '.join(summary['too_small'])}" if summary["too_small"] else "") + ")")
    return [*lines, ""]


def model_card(results: dict) -> str:
    champion = results["champion"]
    holdout = champion["holdout"]
    registered = results.get("registered", {})
    data = results["dataset"]
    lines = [
        f"# Fiche modèle — {registered.get('name', 'credit-scoring')} v{registered.get('version', '?')}", "",
        f"- Run MLflow d'entraînement : `{results['run_id']}` ; candidat retenu : **{champion['name']}** "
        f"(déséquilibre : {champion['imbalance']}).",
        f"- Données : {data['rows']:,} clients ({data['train_rows']:,} entraînement, {data['holdout_rows']:,} holdout), "
        f"taux de défaut {data['default_rate']:.2%}, {data['features']} variables, empreinte `{data['fingerprint']}`.",
        f"- Coût métier : {results['cost']['fn']:g} × faux négatifs + {results['cost']['fp']:g} × faux positifs, par client.",
        f"- Seuil de refus : **{champion['threshold']:.3f}** sur probabilités calibrées (calibration bêta, hors-pli) ; "
        f"valeur de Bayes {champion['bayes_threshold']:.3f}.", "",
        "## Performances sur le holdout", "",
        *_table([holdout], [("business_cost", "coût/client"), ("auc", "AUC"), ("accuracy", "accuracy"),
                            ("precision", "précision"), ("recall", "rappel"), ("f_beta", "F-bêta"),
                            ("brier", "Brier"), ("refusal_rate", "taux de refus")]), "",
        f"Explication locale : {champion.get('explain_ms_per_client', '?')} ms par client.", "",
        "## Variables les plus influentes (|SHAP| moyen)", "",
        *_table(results["global_importance"][:10], [("feature", "variable"), ("label", "libellé"),
                                                     ("mean_abs_shap", "|SHAP| moyen")]), "",
        "## Équité (holdout)", "",
        *_table(results["fairness"], [("attribute", "attribut"), ("group", "groupe"), ("clients", "clients"),
                                      ("default_rate", "taux de défaut"), ("auc", "AUC"),
                                      ("approval_rate", "taux d'accord"), ("business_cost", "coût/client")]), "",
        *_gate_lines(results.get("fairness_gate")),
        *_policy_lines(results.get("input_policy")),
        "## Limites", "",
        "- Le sexe n'est pas une variable du modèle ; il sert seulement à mesurer l'équité ci-dessus.",
        "- Probabilités calibrées sur les scores hors-pli de l'entraînement : à recalibrer si la population dérive "
        "(voir le rapport de dérive).",
        "- Les explications SHAP décrivent le modèle, pas une causalité : elles disent ce qui a pesé dans le score.",
        "- Sur données synthétiques, les performances ne préjugent pas de celles sur données réelles.", "",
    ]
    return "\n".join(lines)
