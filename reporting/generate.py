"""``python -m reporting --reports reports --out docs`` (also ``python -m ml report``): the
methodology note and the slides, generated from the measured results (never typed by hand).

Writes ``docs/methodology.md`` (template ``templates/docs/methodology.md.j2``), ``docs/slides.md``
(Marp Markdown, reviewable in git) and ``docs/slides.pptx`` (python-pptx). Optional inputs that
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


def generate(reports_dir: Path, out_dir: Path, features_dir: Path | None = None,
             model_uri: str | None = None, local: bool = True,
             also: list[Path] | None = None) -> dict[str, Path]:
    """Write the note and both slide files; returns their paths. ``also``: folders of other
    training runs (e.g. on the real sample) whose candidate tables the note shows too."""
    inputs = load_inputs(reports_dir, features_dir)
    example, why = explain_one_client(inputs, features_dir, model_uri) if local \
        else (None, "exemple désactivé (--no-local)")
    facts = build_facts(inputs, example, why, read_other_runs(also or []))
    out_dir.mkdir(parents=True, exist_ok=True)
    note = out_dir / "methodology.md"
    note.write_text(render_note(facts, out_dir, Path(reports_dir).name), encoding="utf-8")
    slides = build_slides(facts)
    return {"note": note, "slides_md": write_markdown(slides, out_dir / "slides.md"),
            "slides_pptx": write_pptx(slides, out_dir / "slides.pptx")}


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--reports", type=Path, default=settings().reports_dir,
                        help="folder of results.json, figures/, drift/, bench/ (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs",
                        help="where methodology.md, slides.md and slides.pptx go (default: %(default)s)")
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
                         local=not args.no_local, also=args.also)
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
