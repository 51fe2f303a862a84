"""``python -m reporting --reports reports --out docs`` (also ``python -m ml report``): the
methodology note and the slides, generated from the measured results (never typed by hand).

Writes the reviewable text, committed: ``docs/methodology.md`` (template
``templates/docs/methodology.md.j2``) and ``docs/slides.md`` (Marp Markdown); and the renderings,
build outputs never committed (README, "Deliverables"): ``docs/build/methodology.html`` and
``docs/build/slides.pptx`` (python-pptx). Optional inputs that
are absent (drift summary, benchmarks, model, screenshots) print "non mesuré"; a missing
``results.json`` prints one line and exits with status 1.
"""
from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

from ml.config import PROJECT_ROOT, settings
from ml.errors import MLError
from reporting.facts import build_facts
from reporting.formats import integer, link, number, percent, scalar, statistic
from reporting.inputs import ReportInputs, ResultsMissingError, load_inputs, read_results
from reporting.slides import build_slides, write_markdown, write_pptx

TEMPLATES_DIR = PROJECT_ROOT / "templates" / "docs"
NOTE_TEMPLATE = "methodology.md.j2"


def render_note(facts: dict[str, Any], out_dir: Path, reports_name: str = "reports") -> str:
    """The methodology note in Markdown; figure links are relative to ``out_dir``."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR), undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    environment.filters.update(number=number, integer=integer, percent=percent, scalar=scalar,
                               statistic=statistic,
                               link=partial(link, start=out_dir))
    return environment.get_template(NOTE_TEMPLATE).render(**facts, reports_name=reports_name)


def explain_one_client(inputs: ReportInputs, features_dir: Path | None,
                       model_uri: str | None) -> tuple[dict | None, str | None]:
    """(local example, None), or (None, why it could not be computed)."""
    from reporting.local_example import local_example

    features_dir = features_dir or inputs.results["dataset"].get("features_dir")
    try:
        return local_example(inputs.results, Path(features_dir) if features_dir else None, model_uri), None
    except MLError as error:
        return None, str(error)


def read_other_runs(folders: list[Path]) -> dict[str, dict | None]:
    """results.json of other runs by folder name (``None``: not readable, printed "non mesuré")."""
    others = {}
    for folder in folders:
        try:
            others[str(folder)] = read_results(Path(folder))
        except ResultsMissingError:
            others[str(folder)] = None
    return others


def write_html(note: Path, path: Path) -> Path:
    """The note as one HTML page (print it to PDF from a browser)."""
    import markdown

    body = markdown.markdown(note.read_text(encoding="utf-8"), extensions=["tables"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Note '
                    "méthodologique — Prêt à dépenser</title></head><body>" + body + "</body></html>",
                    encoding="utf-8")
    return path


def generate(reports_dir: Path, out_dir: Path, features_dir: Path | None = None,
             model_uri: str | None = None, local: bool = True,
             also: list[Path] | None = None, build_dir: Path | None = None) -> dict[str, Path]:
    """Write the note and the slides (Markdown in ``out_dir``, HTML and PowerPoint renderings
    in ``build_dir``, default ``out_dir/build``); returns their paths. ``also``: folders of
    other training runs (e.g. on the real sample) whose candidate tables the note shows too."""
    build_dir = build_dir or out_dir / "build"
    inputs = load_inputs(reports_dir, features_dir)
    example, why = explain_one_client(inputs, features_dir, model_uri) if local \
        else (None, "exemple désactivé (--no-local)")
    facts = build_facts(inputs, example, why, read_other_runs(also or []))
    out_dir.mkdir(parents=True, exist_ok=True)
    note = out_dir / "methodology.md"
    note.write_text(render_note(facts, out_dir, Path(reports_dir).name), encoding="utf-8")
    slides = build_slides(facts)
    build_dir.mkdir(parents=True, exist_ok=True)
    return {"note": note, "slides_md": write_markdown(slides, out_dir / "slides.md"),
            "note_html": write_html(note, build_dir / "methodology.html"),
            "slides_pptx": write_pptx(slides, build_dir / "slides.pptx")}


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--reports", type=Path, default=settings().reports_dir,
                        help="folder of results.json, figures/, drift/, bench/ (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs",
                        help="where methodology.md and slides.md go (default: %(default)s)")
    parser.add_argument("--build", type=Path, default=None,
                        help="where methodology.html and slides.pptx go (default: OUT/build)")
    parser.add_argument("--features", type=Path, default=None,
                        help="feature folder (default: the one recorded in results.json)")
    parser.add_argument("--model", default=None,
                        help="model URI of the local example (default: the version the run registered)")
    parser.add_argument("--also", type=Path, nargs="*", default=[], metavar="REPORTS",
                        help="reports folders of other training runs (e.g. the real sample) to compare")
    parser.add_argument("--no-local", action="store_true",
                        help="skip the local-explanation example (no model loading)")


def run(args: argparse.Namespace) -> int:
    try:
        paths = generate(args.reports, args.out, args.features, args.model,
                         local=not args.no_local, also=args.also, build_dir=args.build)
    except ResultsMissingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("wrote " + ", ".join(str(path) for path in paths.values()))
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m reporting`` (the same command as ``python -m ml report``)."""
    parser = argparse.ArgumentParser(prog="python -m reporting", description=__doc__.splitlines()[0])
    add_arguments(parser, "report")
    return run(parser.parse_args(argv))
