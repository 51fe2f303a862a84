"""``python -m ml report``: the methodology note and the slides carry the measured results."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ml.__main__ import main
from reporting.facts import flatten, imbalance_comparison
from reporting.formats import scalar, statistic
from reporting.generate import generate


def french(value: float, decimals: int) -> str:
    """How the note prints a decimal number (comma decimals), written independently here."""
    return f"{value:.{decimals}f}".replace(".", ",")


@pytest.fixture(scope="module")
def generated(registered_model, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The note and slides of the session's real training run (local example included)."""
    return generate(registered_model.reports_dir, tmp_path_factory.mktemp("docs"))


@pytest.fixture(scope="module")
def note(generated: dict[str, Path]) -> str:
    return generated["note"].read_text(encoding="utf-8")


def table_after(text: str, header_start: str) -> list[str]:
    """The body rows of the Markdown table whose header line starts with ``header_start``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_note_contains_the_champions_holdout_auc_threshold_and_run(registered_model, note: str) -> None:
    champion = registered_model.results["champion"]
    assert f"AUC holdout **{french(champion['holdout']['auc'], 4)}**" in note
    assert f"Seuil retenu (probabilités calibrées) : **{french(champion['threshold'], 3)}**" in note
    assert f"**{french(champion['bayes_threshold'], 3)}**" in note
    assert registered_model.results["run_id"] in note


def test_candidates_table_has_one_row_per_candidate_with_its_numbers(registered_model, note: str) -> None:
    candidates = registered_model.results["candidates"]
    rows = table_after(note, "| candidat | déséquilibre | AUC CV")
    assert len(rows) == len(candidates)
    for row, candidate in zip(rows, candidates):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert candidate["name"] in cells[0]
        assert cells[2] == french(candidate["cv"]["auc"], 4)
        assert cells[4] == french(candidate["holdout"]["auc"], 4)
        assert cells[6] == french(candidate["holdout"]["business_cost"], 4)
        assert cells[8] == french(candidate["threshold"], 3)


def test_note_has_every_section_and_figure_links_that_resolve(generated: dict[str, Path], note: str) -> None:
    for title in ("Données et provenance", "Feature engineering", "Contrôles de fuite",
                  "Déséquilibre des classes", "Coût métier", "Calibration", "Interprétabilité",
                  "Équité", "dérive", "benchmarks", "Limites"):
        assert title in note, title
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", note)
    assert links, "the cost curve, calibration and SHAP figures are linked"
    for target in links:
        assert (generated["note"].parent / target).is_file(), target


def test_note_counts_features_per_source_table_from_the_dictionary(registered_model, note: str) -> None:
    dictionary = json.loads((registered_model.features_dir / "feature_dictionary.json").read_text())["features"]
    rows = table_after(note, "| table source |")
    counts = {cells[0]: cells[1] for cells in
              ([c.strip() for c in row.strip("|").split("|")] for row in rows)}
    bureau = sum(1 for entry in dictionary.values() if entry["source"] == "bureau")
    assert counts["bureau"] == str(bureau)


def test_local_example_is_the_registered_models_explanation(note: str) -> None:
    assert "Exemple local : non mesuré" not in note
    section = note.split("**Locale**", 1)[1].split("## 9.", 1)[0]
    rows = table_after(section, "| variable | valeur | contribution")
    assert 1 <= len(rows) <= 5 and "risque de défaut" in rows[0]


def test_slides_count_titles_and_markdown_twin(generated: dict[str, Path], registered_model) -> None:
    from pptx import Presentation

    deck = Presentation(str(generated["slides_pptx"]))
    titles = [slide.shapes.title.text for slide in deck.slides if slide.shapes.title is not None]
    assert 8 <= len(deck.slides) <= 30
    assert len(titles) == len(deck.slides) and all(title.strip() for title in titles)
    markdown = generated["slides_md"].read_text(encoding="utf-8")
    assert re.findall(r"^# (.+)$", markdown, flags=re.MULTILINE) == titles
    auc = french(registered_model.results["champion"]["holdout"]["auc"], 4)
    assert auc in markdown and any(auc in shape.text_frame.text for slide in deck.slides
                                   for shape in slide.shapes if shape.has_text_frame)
    for slide in deck.slides:  # nothing drawn outside the page
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= deck.slide_width, (titles, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (titles, shape.name)


def test_missing_optional_inputs_say_not_measured_and_files_are_read(
        registered_model, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(registered_model.reports_dir / "results.json", reports / "results.json")
    paths = generate(reports, tmp_path / "docs", local=False)
    bare = paths["note"].read_text(encoding="utf-8")
    assert "Analyse de dérive : non mesuré" in bare
    assert "Benchmark `train` : non mesuré" in bare
    assert "Courbe coût / seuil : non mesuré" in bare and "![" not in bare

    (reports / "drift").mkdir()
    (reports / "drift" / "summary.json").write_text(json.dumps({
        "n_reference": 1234, "n_current": 321, "n_columns": 23, "n_drifted": 7, "share_drifted": 0.3043,
        "features": [{"feature": "AGE_YEARS", "test": "ks", "statistic": "p_value", "value": 3e-7,
                      "threshold": 0.05, "drifted": True}]}))
    (reports / "screenshots").mkdir()
    shutil.copy(registered_model.reports_dir / "figures" / "shap_summary.png",
                reports / "screenshots" / "1-connexion.png")
    (reports / "bench").mkdir()
    (reports / "bench" / "train.json").write_text(json.dumps({"wall_s": 812.5, "rows": 300000}))
    paths = generate(reports, tmp_path / "docs", local=False,
                     also=[registered_model.reports_dir, tmp_path / "absent"])
    with_files = paths["note"].read_text(encoding="utf-8")
    slides_md = paths["slides_md"].read_text(encoding="utf-8")
    assert "# Démonstration du portail : connexion" in slides_md
    assert "![Démonstration du portail : connexion](../reports/screenshots/1-connexion.png)" in slides_md
    assert "7 variable(s) sur 23 dérivent (30,4\u202f%)" in with_files
    assert "| `AGE_YEARS` | ks | p_value | < 0,0001 |" in with_files
    other = with_files.split(f"### Autre jeu de données : `{registered_model.reports_dir}`", 1)[1]
    assert len(table_after(other, "| candidat |")) == len(registered_model.results["candidates"])
    assert f"Résultats : non mesuré (`{tmp_path / 'absent'}/results.json`" in with_files
    assert "| `wall_s` | 812,5 |" in with_files and "| `rows` | 300\u202f000 |" in with_files  # thin-space thousands


def test_missing_results_json_exits_1_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    status = main(["report", "--reports", str(tmp_path / "nothing"), "--out", str(tmp_path / "docs")])
    error = capsys.readouterr().err.strip()
    assert status == 1
    assert len(error.splitlines()) == 1 and "results.json" in error and "Traceback" not in error
    assert not (tmp_path / "docs" / "methodology.md").exists()


def test_imbalance_comparison_keeps_the_lowest_cv_cost_per_family() -> None:
    rows = [{"name": "d", "kind": "dummy", "imbalance": "none", "cv_cost": 0.1},
            {"name": "a", "kind": "lightgbm", "imbalance": "class_weight", "cv_cost": 0.55},
            {"name": "b", "kind": "lightgbm", "imbalance": "undersampling", "cv_cost": 0.52},
            {"name": "c", "kind": "linear", "imbalance": "class_weight", "cv_cost": 0.60}]
    families = {family["kind"]: family for family in imbalance_comparison(rows)}
    assert set(families) == {"lightgbm", "linear"}
    assert families["lightgbm"]["best"]["name"] == "b" and families["lightgbm"]["compared"]
    assert not families["linear"]["compared"]


def test_formatting_helpers() -> None:
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": [{"e": True}]}) == [("a.b", 1), ("d[0].e", True)]
    assert scalar(60.0) == "60" and scalar(5.82) == "5,82" and scalar(None) == "non mesuré"
    assert statistic(0.0118) == "0,0118" and statistic(0.0) == "0,0000"
