"""`review export PROJECT --format F -o OUT` and `review report PROJECT -o report.html`."""

from __future__ import annotations

import click

from review.cli.messages import info, verbosity_options
from review.cli.output import refuse_binary_terminal
from review.export.project import export_project
from review.export.report import DEFAULT_THRESHOLD, write_report
from review.fileio import check_output, is_stdout
from review.store import Project

EXPORT_FORMATS = ("text", "tmx", "xliff", "xliff2", "po", "csv", "jsonl", "parquet")


@click.command("export")
@click.argument("project")  # a plain string: review.store refuses bad paths in one line
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="text", show_default=True,
              help="text: the corrected document in its original layout; tmx; xliff (1.2); xliff2 "
                   "(2.1); po (gettext); csv/jsonl/parquet: the full segment and review table.")
@click.option("-o", "--out", "out", required=True, metavar="FILE",
              help="Output file (`-`: standard output; a folder for --format text with several "
                   "documents).")
@click.option("--approved-only", is_flag=True,
              help="Use corrections of approved segments only; the others keep the MT.")
@click.option("--mark-unreviewed", is_flag=True,
              help="Text: wrap segments nobody reviewed in ⟪ ⟫ so that they stand out.")
@verbosity_options
def export(project, fmt, out, approved_only, mark_unreviewed):
    """Export PROJECT: the corrected translation or an interchange file. Written atomically."""
    if fmt != "text":  # text may be a folder of documents: checked when written
        check_output(out)
    refuse_binary_terminal(fmt, out)
    with Project.open(project) as p:
        paths = export_project(p, fmt, out, approved_only=approved_only, mark_unreviewed=mark_unreviewed)
    for path in paths:
        if not is_stdout(path):
            info(f"wrote {path}")


@click.command("report")
@click.argument("project")  # a plain string: review.store refuses bad paths in one line
@click.option("-o", "--out", "out", required=True, metavar="FILE",
              help="Output file (`-`: standard output).")
@click.option("--format", "fmt", type=click.Choice(("html", "json")), default="html", show_default=True)
@click.option("--threshold", type=float, default=None,
              help="MQM pass mark: penalty points per 1,000 source words (default 10).")
@verbosity_options
def report(project, out, fmt, threshold):
    """Write the QA report of PROJECT: one self-contained HTML file (or JSON with the same data)."""
    check_output(out)
    with Project.open(project) as p:
        write_report(p, out, fmt, DEFAULT_THRESHOLD if threshold is None else threshold)
    if not is_stdout(out):
        info(f"wrote {out}")
