"""`review apply PROJECT FILE --reviewer NAME [--dry-run]`: corrections made elsewhere, back in."""

from __future__ import annotations

import click

from review.apply import apply_file
from review.cli.messages import info, verbosity_options
from review.cli.stdin import stdin_inputs
from review.store import Project


def _diff_lines(change) -> list[str]:
    head = f"{change.doc} #{change.seg}" + (" (approve)" if change.approve else "")
    if change.new == change.old:
        return [head]
    return [head, *(f"- {line}" for line in change.old.split("\n")),
            *(f"+ {line}" for line in change.new.split("\n"))]


@click.command("apply")
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--reviewer", required=True, help="Who made the corrections (stored with each revision).")
@click.option("--dry-run", is_flag=True, help="Print the changes that would be applied; write nothing.")
@click.option("--input-format", type=click.Choice(("xliff", "tmx", "po", "csv", "jsonl", "parquet")), default=None,
              help="Format of FILE (default: from its extension or content).")
@verbosity_options
def apply(project, file, reviewer, dry_run, input_format):
    """Apply FILE (`-`: standard input), an export of PROJECT corrected in another tool (XLIFF 1.2/2.x, TMX, PO, CSV,
    JSONL, Parquet), as revisions by REVIEWER. Segments revised in the project since the export are
    conflicts and keep the project's text (exit code 1)."""
    with Project.open(project) as p, stdin_inputs([file]) as (path,):  # `-`: standard input
        result = apply_file(p, path, reviewer, dry_run=dry_run, fmt=input_format)
    if dry_run:
        for change in result.applied:
            click.echo("\n".join(_diff_lines(change)))
    for change in result.conflicts:
        info(f"conflict: {change.doc} #{change.seg} ({change.where}): {change.reason}")
    for change in result.refused:
        info(f"refused: {change.doc} #{change.seg} ({change.where}): {change.reason}")
    click.echo(result.summary(), err=dry_run)
    if result.conflicts:
        raise SystemExit(1)
