"""The results of a training run as files: ``results.json`` (every measure, read by the
methodology note) and ``results.md`` (the candidates table in French)."""
from __future__ import annotations

import json
from pathlib import Path


def write_results(results: dict, reports_dir: Path) -> list[Path]:
    """Write both files into ``reports_dir``; returns their paths."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    json_path, markdown_path = reports_dir / "results.json", reports_dir / "results.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    lines = [f"# Résultats de l'entraînement (run MLflow `{results['run_id']}`)", "",
             f"Données : {results['dataset']['rows']:,} clients, taux de défaut {results['dataset']['default_rate']:.2%}, "
             f"{results['dataset']['features']} variables. Coût : FN = {results['cost']['fn']:g}, FP = {results['cost']['fp']:g}.", "",
             "| candidat | déséquilibre | coût CV | coût holdout | AUC holdout | accuracy | rappel | seuil | Brier | fit (s) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in results["candidates"]:
        h = c["holdout"]
        lines.append(f"| {c['name']} | {c['imbalance']} | {c['cv']['business_cost']:.4f} | {h['business_cost']:.4f} | "
                     f"{h['auc']:.4f} | {h['accuracy']:.4f} | {h['recall']:.4f} | {c['threshold']:.3f} | {h['brier']:.4f} | {c['fit_time_s']:.1f} |")
    champion = results["champion"]
    lines += ["", f"Champion : **{champion['name']}**, seuil {champion['threshold']:.3f} "
              f"(valeur de Bayes {champion['bayes_threshold']:.3f}), explication {champion['explain_ms_per_client']} ms/client; "
              f"version enregistrée {results['registered']['version']} (champion : {results['registered']['champion']}).", ""]
    markdown_path.write_text("\n".join(lines), encoding="utf-8")
    return [json_path, markdown_path]
