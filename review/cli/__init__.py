"""The `review` command. Thin: parse options, call review/, present results.

Each subcommand lives in its own module here and is imported only when it runs, so that
`review --help` stays fast (polars, sacrebleu and streamlit are slow to import).
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings

import click

from review.cli.messages import verbosity_options
from review.errors import InputError, InputWarning

# command name -> (module, attribute, one-line help shown by `review --help`)
COMMANDS = {
    "align": ("review.cli.align", "align", "Split and align a source and a target document."),
    "load": ("review.cli.load", "load", "Load a pre-aligned file (TSV/CSV, JSONL, Parquet, TMX, XLIFF, PO)."),
    "score": ("review.cli.score", "score", "Run the checks and metrics; list flagged segments worst first."),
    "checks": ("review.cli.score", "checks", "List the catalogue of checks."),
    "init": ("review.cli.project", "init", "Create a review project (SQLite) from inputs, scored."),
    "rescore": ("review.cli.project", "rescore", "Re-run checks and metrics on a project."),
    "export": ("review.cli.export", "export", "Export a project: corrected text, TMX, XLIFF, CSV, ..."),
    "apply": ("review.cli.apply", "apply", "Apply corrections made in a CAT tool or spreadsheet to a project."),
    "report": ("review.cli.export", "report", "Write the QA report (HTML or JSON) of a project."),
    "propagate": ("review.cli.propagate", "propagate", "Repeat a saved name/term fix in every segment it applies to."),
    "glossary": ("review.cli.propagate", "glossary", "Glossary learned from corrections: suggest, accept, export, import."),
    "app": ("review.cli.app", "app", "Open the review dashboard (Streamlit)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        try:
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as e:
            if e.name == module:
                return None
            raise

    def format_commands(self, ctx, formatter):
        rows = [(name, help_) for name, (_, _, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx):
        def show(message, category, *args, **kwargs):  # input warnings: one line on stderr
            if issubclass(category, InputWarning):
                click.echo(f"warning: {message}", err=True)
            else:
                shown(message, category, *args, **kwargs)

        with warnings.catch_warnings():
            warnings.simplefilter("always", InputWarning)
            shown, warnings.showwarning = warnings.showwarning, show
            try:
                return super().invoke(ctx)
            except InputError as e:
                click.echo(f"error: {e}", err=True)
                ctx.exit(2)
            except BrokenPipeError:
                # The reader of our output left (`review score - --format jsonl | head`): stop
                # quietly, as `cat` would. Later flushes of stdout go nowhere instead of raising.
                _silence_stdout()
                ctx.exit(SIGPIPE_EXIT)


SIGPIPE_EXIT = 128 + 13  # what a shell reports for a command ended by SIGPIPE


def _silence_stdout() -> None:
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mt-review", prog_name="review")
@verbosity_options
def main():
    """mt-review: find, fix and report the bad segments of a machine translation."""


def run():  # console-script entry point
    sys.exit(main(standalone_mode=True))
