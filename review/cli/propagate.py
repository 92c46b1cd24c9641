"""`review propagate PROJECT --from SEG`: repeat a saved fix in every other segment it applies to."""

from __future__ import annotations

import re

import click

from review import glossary_learn as gl
from review import propagate as prop
from review.diff import diff_marked
from review.errors import InputError
from review.store import Project


def parse_segment(project, spec: str) -> tuple[str, int]:
    """`DOC#SEG`, `DOC:SEG` or `SEG` (when the project has one document) -> (doc, seg)."""
    docs = project.doc_ids()
    m = re.fullmatch(r"(?:(.+)[#:])?([0-9]{1,9})", spec.strip())
    if not m:
        raise InputError(project.path, f"--from {spec!r}: expected DOC#SEG or a segment number")
    doc = m.group(1)
    if doc is None:
        if len(docs) != 1:
            raise InputError(project.path, f"--from {spec!r}: the project has {len(docs)} documents; "
                                           "name one as DOC#SEG")
        doc = docs[0]
    if doc not in docs:
        raise InputError(project.path, f"--from {spec!r}: no document {doc!r}")
    project.segment(doc, int(m.group(2)))  # InputError when there is no such segment
    return doc, int(m.group(2))


@click.command("propagate")
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--from", "origin", required=True, metavar="SEG",
              help="The corrected segment whose fixes to repeat: DOC#SEG, or SEG with one document.")
@click.option("--dry-run", is_flag=True, help="List the candidates with their diffs; change nothing.")
@click.option("--reviewer", default=None, help="Name stored with the new revisions (required unless --dry-run).")
@click.option("--only", "only", multiple=True, metavar="SEG", help="Accept only these candidates (repeatable).")
@click.option("--skip", "skips", multiple=True, metavar="SEG", help="Never offer this candidate again (repeatable).")
@click.option("--undo", is_flag=True, help="Undo every revision propagated from --from (a new revision each).")
def propagate(project, origin, dry_run, reviewer, only, skips, undo):
    """Find the other segments of PROJECT where a saved name or term fix applies (the source has
    the term, the text still has the old rendering, clitics included) and save the same fix
    there, each as a revision marked as propagated from SEG. Diffs: [-removed-] {+added+}."""
    p = Project.open(project)
    try:
        doc, seg = parse_segment(p, origin)
        if not dry_run and not (reviewer or "").strip():
            raise InputError(None, "--reviewer NAME is required (or use --dry-run)")
        if undo:
            undone = prop.undo_all(p, doc, seg, reviewer)
            for d, s, rev in undone:
                click.echo(f"{d} #{s}: undone (revision {rev})")
            click.echo(f"undid {len(undone)} propagated revision(s) from {doc} #{seg}")
            return
        for spec in skips:
            d, s = parse_segment(p, spec)
            prop.skip(p, doc, seg, d, s, reviewer)
            click.echo(f"{d} #{s}: skipped")
        edits = prop.origin_edits(p, doc, seg)
        if not edits:
            click.echo(f"{doc} #{seg}: no name or term fix to propagate", err=True)
            return
        click.echo("fixes: " + "; ".join(f"{e.term}: {e.old} → {e.new}" for e in edits), err=True)
        cands = prop.candidates(p, doc, seg)
        wanted = {parse_segment(p, s) for s in only} or None
        for row in cands.iter_rows(named=True):
            if wanted is not None and (row["doc"], row["seg"]) not in wanted:
                continue
            click.echo(f"{row['doc']} #{row['seg']} ({row['changes']}): {diff_marked(row['current'], row['proposed'])}")
        if dry_run:
            click.echo(f"{cands.height} candidate(s); dry run, nothing saved", err=True)
            return
        saved, refused = prop.accept(p, doc, seg, reviewer.strip(), only=sorted(wanted) if wanted else None)
        for message in refused:
            click.echo(f"warning: not saved: {message}", err=True)
        click.echo(f"saved {len(saved)} propagated revision(s) from {doc} #{seg}")
    finally:
        p.close()


@click.command("glossary")
@click.argument("project", type=click.Path(dir_okay=False))
@click.option("--accept", "accept", multiple=True, metavar="TERM",
              help="Accept the suggested form of TERM into the project glossary (repeatable).")
@click.option("--accept-all", is_flag=True, help="Accept every suggestion not yet in the glossary.")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the project glossary as TSV (the --glossary format).")
@click.option("--import", "import_from", type=click.Path(dir_okay=False), default=None,
              help="Replace the project glossary by this TSV/CSV file.")
def glossary(project, accept, accept_all, export_to, import_from):
    """Glossary learned from corrections: list the suggested entries of PROJECT (source term ->
    the form reviewers chose, with the segments that support it), accept them into the project
    glossary, export or import it. `review rescore PROJECT` then flags the old renderings."""
    p = Project.open(project)
    try:
        if import_from:
            n = gl.import_glossary(p, import_from)
            click.echo(f"imported {n} term(s) from {import_from}", err=True)
        sugg = gl.suggestions(p)
        for term, target in gl.accept_suggestions(p, accept, accept_all, sugg):
            click.echo(f"accepted: {term} -> {target}", err=True)
        if export_to:
            n = gl.export_glossary(p, export_to)
            click.echo(f"wrote {n} term(s) to {export_to}", err=True)
        if not (accept or accept_all or export_to or import_from):
            for row in sugg.iter_rows(named=True):
                state = "in glossary" if row["in_glossary"] else "suggested"
                click.echo(f"{row['term']}\t{row['target']}\t{state}\treplaces {row['old']}\t"
                           f"{row['n_segments']} segment(s) ({row['propagated']} propagated): {row['segments']}")
            if sugg.height == 0:
                click.echo("no name or term fix in the corrections yet", err=True)
    finally:
        p.close()
