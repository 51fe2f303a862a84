"""The presentation: slides built from the note's facts (``reporting.facts``), written as
PowerPoint (python-pptx) and as Markdown (Marp-compatible, reviewable in git) with the same
content. At most ``MAX_SLIDES`` slides, each with a title."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reporting.formats import NOT_MEASURED, integer, link, number, percent, statistic

MAX_SLIDES = 30


@dataclass
class Slide:
    title: str
    bullets: list[str] = field(default_factory=list)
    image: Path | None = None
    table: list[list[str]] | None = None  # first row = header


# --------------------------------------------------------------------------- content
def _opening(facts: dict[str, Any]) -> list[Slide]:
    dataset, origin, champion = facts["dataset"], facts["provenance"], facts["champion_row"]
    counts = facts["feature_counts"]
    return [
        Slide("Prêt à dépenser — scoring crédit", [
            f"Champion : {champion['name']} — AUC holdout {number(champion['auc'])}, "
            f"seuil {number(champion['threshold'], 3)}",
            f"Run MLflow {facts['run_id']}",
            "Généré par python -m ml report à partir de reports/",
        ]),
        Slide("Le besoin et les données", [
            "Prédire le risque de défaut d'un demandeur de crédit et expliquer la décision au conseiller",
            f"Données {_origin(origin)}",
            f"{integer(dataset.get('rows'))} clients avec cible, taux de défaut {percent(dataset.get('default_rate'))}",
            f"Entraînement {integer(dataset.get('train_rows'))} / holdout {integer(dataset.get('holdout_rows'))}",
            f"{integer(dataset.get('features'))} variables utilisées par le modèle",
        ]),
        Slide("Feature engineering : variables par table source",
              [] if counts else [f"Décompte par table : {NOT_MEASURED}"],
              table=[["table source", "variables", "sensibles (exclues)"]]
              + [[row["source"], integer(row["count"]), integer(row["sensitive"])] for row in counts]
              if counts else None),
        Slide("Contrôles de fuite de données", [
            "Aucune variable dérivée de la cible ou postérieure à la demande",
            "Chaque variable a une table source déclarée",
            f"AUC univariée ≤ {number(facts['leakage']['univariate_max_auc'], 2)} (scores externes acceptés)",
            f"Arrêt du run si AUC > {number(facts['leakage']['model_max_auc'], 2)} ; "
            f"meilleure AUC mesurée {number(facts['leakage']['best_auc'])}",
        ]),
    ]


def _modelling(facts: dict[str, Any]) -> list[Slide]:
    protocol, thresholds, champion = facts["protocol"], facts["thresholds"], facts["champion_row"]
    figures = facts["figures"]
    table = [["candidat", "déséquilibre", "AUC CV", "coût CV", "AUC holdout", "coût holdout", "seuil"]]
    table += [[row["name"] + (" ★" if row["champion"] else ""), str(row["imbalance"]),
               number(row["cv_auc"]), number(row["cv_cost"]), number(row["auc"]),
               number(row["cost"]), number(row["threshold"], 3)] for row in facts["candidates"]]
    imbalance = [
        f"{family['kind']} : " + " ; ".join(f"{m['imbalance']} coût CV {number(m['cv_cost'])}"
                                            for m in family["methods"])
        + (f" → {family['best']['imbalance']}" if family["compared"] else " (seule méthode)")
        for family in facts["imbalance"]]
    return [
        Slide("Démarche de modélisation", [
            f"Holdout stratifié de {percent(protocol['holdout_share'], 0)}, jamais vu avant l'évaluation finale",
            f"Validation croisée stratifiée à {protocol['folds']} plis, recherche classée par le coût métier",
            "Du plus simple au plus complexe : baseline, régression logistique, LightGBM",
            "Calibration bêta hors-pli (lisse, strictement croissante), seuil optimisé sur les probabilités calibrées",
            "Chaque candidat suivi dans MLflow (paramètres, métriques, figures)",
        ]),
        Slide("Résultats des candidats (CV et holdout)", [], table=table),
        *[_other_run(other) for other in facts["other_runs"]],
        Slide("Déséquilibre des classes", [
            "Rééchantillonnage et pondération appliqués dans les plis uniquement", *imbalance]),
        Slide("Coût métier et seuil de décision", [
            f"Coût = {number(thresholds['cost_fn'], 0)} × FN + {number(thresholds['cost_fp'], 0)} × FP, par client",
            f"Seuil optimal : {number(thresholds['threshold'], 3)}",
            f"Valeur de Bayes : {number(thresholds['bayes'], 3)} (écart {number(thresholds['gap'], 3)})",
            f"Coût holdout du champion : {number(champion['cost'])}",
        ], figures["cost"]),
        Slide("Calibration des probabilités", [
            f"Brier holdout calibré : {number(champion['brier'])}",
            f"Brier holdout brut : {number(champion['brier_raw'])}",
            "Probabilité montrée au conseiller = probabilité calibrée",
        ], figures["calibration"]),
        Slide("Performance du champion", [
            f"AUC holdout : {number(champion['auc'])}", f"Accuracy : {number(champion['accuracy'])}",
            f"Rappel : {number(champion['recall'])}", f"Précision : {number(champion['precision'])}",
            f"Taux de refus : {percent(champion['refusal_rate'])}",
        ], figures["roc"]),
        Slide("Matrice de confusion au seuil retenu",
              [f"Seuil {number(champion['threshold'], 3)} sur le holdout"], figures["confusion"]),
    ]


def _other_run(other: dict[str, Any]) -> Slide:
    title = f"Résultats : {Path(other['name']).name}"
    if not other["measured"]:
        return Slide(title, [f"Résultats : {NOT_MEASURED}"])
    table = [["candidat", "AUC CV", "coût CV", "AUC holdout", "coût holdout", "seuil"]]
    table += [[row["name"], number(row["cv_auc"]), number(row["cv_cost"]), number(row["auc"]),
               number(row["cost"]), number(row["threshold"], 3)] for row in other["candidates"]]
    return Slide(title, [f"Données {_origin(other['provenance'])} : "
                         f"{integer(other['dataset'].get('rows'))} clients, "
                         f"défaut {percent(other['dataset'].get('default_rate'))}"], table=table)


def _explanation(facts: dict[str, Any]) -> list[Slide]:
    local = facts["local"]
    top = [f"{item['label']} ({number(item['mean_abs_shap'], 3)})" for item in facts["importance"][:5]]
    if local:
        local_slide = Slide(f"Interprétabilité locale : client {local['client_id']}", [
            f"Probabilité de défaut {percent(local['probability'])}, seuil {number(local['threshold'], 3)}"
            f" → {local['decision']}",
            *[reason["sentence"] for reason in local["reasons"][:4]],
        ])
    else:
        local_slide = Slide("Interprétabilité locale", [f"Exemple local : {NOT_MEASURED} ({facts['local_error']})"])
    fairness_table = [["attribut", "groupe", "clients", "AUC", "acceptation", "coût"]]
    fairness_table += [[group["attribute"], row["group"], integer(row["clients"]), number(row.get("auc"), 3),
                        percent(row.get("approval_rate")), number(row.get("business_cost"), 3)]
                       for group in facts["fairness"] for row in group["rows"]]
    return [
        Slide("Interprétabilité globale (SHAP)", top or [f"Importance globale : {NOT_MEASURED}"],
              facts["figures"]["shap"]),
        local_slide,
        Slide("Équité : sexe et âge (holdout)", [] if facts["fairness"] else [f"Équité : {NOT_MEASURED}"],
              table=fairness_table if facts["fairness"] else None),
    ]


def _operations(facts: dict[str, Any]) -> list[Slide]:
    drift, registered, champion = facts["drift"], facts["registered"], facts["champion"]
    if drift:
        drift_bullets = [
            f"application_train ({integer(drift['n_reference'])}) contre application_test ({integer(drift['n_current'])})",
            f"{integer(drift['n_drifted'])} variable(s) dérivée(s) sur {integer(drift['n_columns'])} "
            f"({percent(drift['share'])})",
            *[f"{item['feature']} : {item['test']} {statistic(item['value'])}" for item in drift["drifted"][:4]],
        ]
    else:
        drift_bullets = [f"Analyse de dérive : {NOT_MEASURED}"]
    model_bullets = [f"Explication : {number(champion.get('explain_ms_per_client'), 2)} ms par client",
                     f"Entraînement final du champion : {number(champion.get('fit_time_s'), 2)} s"]
    model_bullets += _bench_bullets(facts, ("train", "drift", "portal"))
    mlflow_shot = next((p for p in facts["screenshots"] if "mlflow" in p.stem.lower()), None)
    return [
        Slide("Suivi MLflow et registre", [
            f"Run parent {facts['run_id']}, un run imbriqué par candidat",
            f"Modèle enregistré : {registered.get('name', NOT_MEASURED)} v{registered.get('version', '?')}"
            + (" (alias champion)" if registered.get("champion") else ""),
            "Promotion seulement si le coût holdout baisse",
        ], mlflow_shot),
        Slide("Dérive des données", drift_bullets),
        Slide("Performances mesurées : modèle, dérive, portail", model_bullets),
        Slide("Performances mesurées : API de scoring (wrk, 2 cœurs)",
              _bench_bullets(facts, ("api", "recourse"))),
        Slide("Performances mesurées : volumes, DuckDB et Spark", _bench_bullets(facts, ("pipeline", "scale"))),
        _delivery_slide(facts.get("delivery") or {}),
    ]


def _delivery_slide(delivery: dict[str, Any]) -> Slide:
    """Repository history, CI jobs and the last test run (JUnit files of reports/tests/)."""
    bullets = [f"Dépôt : {integer(delivery.get('commits'))} commits ; derniers : "
               + " · ".join(line.split(" ", 1)[-1][:60] for line in delivery.get("recent", [])[:3])
               if delivery.get("commits") else f"Historique git : {NOT_MEASURED}",
               "CI GitHub Actions : " + (" → ".join(delivery.get("jobs", [])) or NOT_MEASURED),
               "Déploiement : deux applications Heroku (API, portail), gunicorn + whitenoise, "
               "migrations au release"]
    runs = delivery.get("tests") or []
    if not runs:
        bullets.append(f"Dernière exécution des tests : {NOT_MEASURED}")
        return Slide("Chaîne de livraison", bullets)
    table = [["suite", "tests", "échecs", "erreurs", "ignorés", "durée (s)"]] + [
        [run["suite"], integer(run["tests"]), integer(run["failures"]), integer(run["errors"]),
         integer(run["skipped"]), number(run["seconds"], 1)] for run in runs]
    return Slide("Chaîne de livraison", bullets, table=table)


def _bench_bullets(facts: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    """The headline lines of the named benchmarks, or why there are none."""
    bullets: list[str] = []
    for bench in facts["benchmarks"]:
        if bench["name"] not in names:
            continue
        if not bench["measured"]:
            bullets.append(f"Benchmark {bench['name']} : {NOT_MEASURED}")
        elif bench["error"]:
            bullets.append(f"Benchmark {bench['name']} : échec")
        else:
            bullets += bench["headlines"] or [f"Benchmark {bench['name']} : mesuré (voir la note)"]
    return bullets


def _screen_name(path: Path) -> str:
    """``3-client-introuvable.png`` → ``client introuvable`` (the portal's browser-test screenshots)."""
    return re.sub(r"^\d+[-_ ]", "", path.stem).replace("-", " ").replace("_", " ")


def _origin(provenance: dict[str, Any]) -> str:
    return provenance["label"] or "de provenance non renseignée"


def build_slides(facts: dict[str, Any]) -> list[Slide]:
    """The deck: problem and data, modelling, results, explanation, operations, demo, limits."""
    slides = _opening(facts) + _modelling(facts) + _explanation(facts) + _operations(facts)
    closing = Slide("Limites et pistes", facts["limits"][:6] or ["Aucune limite mesurée"])
    room = MAX_SLIDES - len(slides) - 1
    demo = [Slide(f"Démonstration du portail : {_screen_name(path)}", [], path)
            for path in facts["screenshots"] if "mlflow" not in path.stem.lower()][:max(room, 0)]
    return slides + demo + [closing]


# --------------------------------------------------------------------------- writers
def write_markdown(slides: list[Slide], path: Path) -> Path:
    """Marp-compatible Markdown, one ``---``-separated section per slide."""
    parts = []
    for slide in slides:
        lines = [f"# {slide.title}", ""]
        lines += [f"- {bullet}" for bullet in slide.bullets]
        if slide.table:
            lines += [""] if slide.bullets else []
            lines += ["| " + " | ".join(slide.table[0]) + " |",
                      "| " + " | ".join("---" for _ in slide.table[0]) + " |"]
            lines += ["| " + " | ".join(row) + " |" for row in slide.table[1:]]
        if slide.image:
            lines += ["", f"![{slide.title}]({link(slide.image, path.parent)})"]
        parts.append("\n".join(lines).rstrip() + "\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\nmarp: true\npaginate: true\n---\n\n" + "\n---\n\n".join(parts), encoding="utf-8")
    return path


def write_pptx(slides: list[Slide], path: Path) -> Path:
    """A 16:9 PowerPoint deck: title, bullets on the left, figure or table on the right/below."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    for index, slide in enumerate(slides):
        layout = deck.slide_layouts[0 if index == 0 else 5]  # Title Slide, Title Only
        page = deck.slides.add_slide(layout)
        page.shapes.title.text = slide.title
        _fit_title(page.shapes.title, Inches, Pt, first=index == 0)
        if index == 0:
            page.placeholders[1].text = "\n".join(slide.bullets)
            continue
        wide = slide.image is None
        top = Inches(1.5)
        if slide.bullets:
            height = Inches(1.3) if slide.table else Inches(5.6)
            _bullets(page, slide.bullets, Inches(0.6), top, Inches(12.1 if wide else 5.6), height, Pt)
            if slide.table:
                top = Inches(2.9)
        if slide.table:
            _table(page, slide.table, Inches(0.6), top, Inches(12.1), Pt)
        if slide.image and slide.bullets:
            _picture(page, slide.image, Inches(6.4), Inches(1.4), Inches(6.5), Inches(5.8))
        elif slide.image:
            _picture(page, slide.image, Inches(0.6), Inches(1.4), Inches(12.1), Inches(5.8))
    path.parent.mkdir(parents=True, exist_ok=True)
    deck.save(str(path))
    return path


def _fit_title(title, Inches, Pt, first: bool) -> None:  # noqa: ANN001 (python-pptx shapes)
    title.left, title.top, title.width = Inches(0.5), Inches(2.2 if first else 0.3), Inches(12.3)
    title.height = Inches(1.5 if first else 1.0)
    for paragraph in title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(40 if first else 30)


def _bullets(page, bullets: list[str], left, top, width, height, Pt) -> None:  # noqa: ANN001
    frame = page.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for number_, bullet in enumerate(bullets):
        paragraph = frame.paragraphs[0] if number_ == 0 else frame.add_paragraph()
        paragraph.text = f"• {bullet}"
        paragraph.font.size = Pt(18 if len(bullets) <= 6 else 15)
        paragraph.space_after = Pt(8)


def _table(page, rows: list[list[str]], left, top, width, Pt) -> None:  # noqa: ANN001
    from pptx.util import Inches

    height = Inches(0.4) * len(rows)
    table = page.shapes.add_table(len(rows), len(rows[0]), left, top, width, height).table
    size = Pt(14 if len(rows) <= 8 else 11)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = size


def _picture(page, image: Path, left, top, width, height) -> None:  # noqa: ANN001
    """The image scaled to fit the box, keeping its aspect ratio."""
    from PIL import Image

    with Image.open(image) as opened:
        ratio = opened.width / opened.height
    if width / height > ratio:
        width = int(height * ratio)
    else:
        height = int(width / ratio)
    page.shapes.add_picture(str(image), left, top, width, height)
