"""Command line of the pipeline: ``python -m ml <command> [options]``.

Each command lives in a module that provides ``add_arguments(parser, command)`` and
``run(args) -> int`` (``args.command`` names the command); modules are imported only when their command runs, so ``--help``
stays fast. Errors of the pipeline (``MLError``) print one line and exit with status 2.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from ml.errors import MLError

COMMANDS: dict[str, tuple[str, str]] = {
    "synth": ("ml.data.synthetic", "generate synthetic Home Credit tables (all seven)"),
    "validate": ("ml.data.load", "validate the seven raw tables of a data directory"),
    "features": ("ml.features.build", "build the feature tables and the feature dictionary"),
    "leakage": ("ml.training.leakage", "check the features for target leakage"),
    "train": ("ml.training.train", "train, compare and register the candidate models"),
    "policy-cost": ("ml.training.compare", "AUC and business cost with and without the input policy (repeated CV)"),
    "models": ("ml.model.registry", "list registered model versions and aliases"),
    "promote": ("ml.model.registry", "move the champion alias (fairness gate, --justify) or set the challenger"),
    "drift": ("ml.monitoring.drift", "data-drift report, application_train vs application_test"),
    "outcomes": ("ml.monitoring.outcomes", "import known loan outcomes (defaulted 0/1) into the API"),
    "simulate-production": ("ml.monitoring.replay", "replay application_test through the running "
                            "API, faithful or degraded, with outcomes from the true risk"),
    "score-batch": ("ml.batch.run", "score a whole portfolio with reason codes"),
    "real-sample": ("ml.data.real_sample", "data directory from the small real Kaggle sample"),
    "report": ("reporting.generate", "methodology note and slides from the measured results"),
    "config": ("ml.config", "the pipeline's settings, their environment variables and values"),
}


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ml", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        subparser = subparsers.add_parser(name, help=help_text, description=help_text)
        if argv and argv[0] == name:
            importlib.import_module(module_name).add_arguments(subparser, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args) or 0)
    except MLError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `python -m ml ... | head`: the reader left, nothing to report
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (Python flushes it at exit)
        return 0


if __name__ == "__main__":
    sys.exit(main())
