"""A glossary learned from corrections: every name or term fix a reviewer saved (or accepted as a
propagation) becomes a suggested glossary entry, source term -> the chosen target form, with the
segments that support it. Accepting one writes it into the project's glossary (kept inside the
project, same TSV format as corpora/*/glossary.tsv), which the next `review rescore` and every
re-check use; exported, it is the `--glossary` of `review score` on the next document from the
same MT engine, where the old rendering is then a glossary violation.

Workflow layer: reads the review record through review.propagate's edit alignment.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from review import workflow
from review.checks.consistency import TARGETS, TERM, load_glossary
from review.errors import InputError
from review.fileio import write_bytes
from review.propagate import term_edits
from review.schema import CURRENT, DOC, REV, SEG, SOURCE, TARGET

__all__ = ["SUGGESTION_SCHEMA", "accept", "export_glossary", "glossary_frame", "glossary_tsv",
           "import_glossary", "suggestions"]

GLOSSARY_NAME = "glossary.tsv"
SUGGESTION_SCHEMA = {TERM: pl.String(), "target": pl.String(), "old": pl.String(), "segments": pl.String(),
                     "n_segments": pl.Int64(), "propagated": pl.Int64(), "in_glossary": pl.Boolean()}


def glossary_frame(project) -> pl.DataFrame:
    """The project's glossary (TERM, TARGETS), empty when it has none."""
    frame = workflow.project_glossary(project)
    return frame if frame is not None else pl.DataFrame(schema={TERM: pl.String(), TARGETS: pl.List(pl.String())})


def suggestions(project) -> pl.DataFrame:
    """One row per (source term, chosen target form) found in the corrections (SUGGESTION_SCHEMA),
    most supported first: the old renderings replaced, the supporting segments, how many of them
    were propagated, and whether the glossary already allows that form."""
    glossary = glossary_frame(project)
    segs = project.segments().filter(pl.col(REV) > 0).select(DOC, SEG, SOURCE, TARGET, CURRENT)
    propagated = {(d, s) for d, s in project.propagated().select(DOC, SEG).iter_rows()} if segs.height else set()
    found: dict[tuple[str, str], dict] = {}
    for doc, seg, source, mt, current in segs.iter_rows():
        for e in term_edits(source or "", mt or "", current or "", glossary):
            entry = found.setdefault((e.term, e.new), {"old": {}, "segs": {}, "prop": 0})
            entry["old"][e.old] = None
            if (doc, seg) not in entry["segs"]:
                entry["segs"][(doc, seg)] = None
                entry["prop"] += (doc, seg) in propagated
    allowed = {t: set(forms or [t]) for t, forms in glossary.select(TERM, TARGETS).iter_rows()}
    rows = [(term, new, " | ".join(v["old"]), ", ".join(f"{d} #{s}" for d, s in v["segs"]), len(v["segs"]),
             v["prop"], new in allowed.get(term, ()))
            for (term, new), v in found.items()]
    return (pl.DataFrame(rows, schema=SUGGESTION_SCHEMA, orient="row")
            .sort(["in_glossary", "n_segments", TERM], descending=[False, True, False]))


def glossary_tsv(frame: pl.DataFrame) -> str:
    """The glossary as TSV text: a `source<TAB>target` header, forms joined by `|`."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["source", "target"])
    for term, forms in frame.select(TERM, TARGETS).iter_rows():
        w.writerow([term, "|".join(forms or [term])])
    return buf.getvalue()


def accept(project, term: str, target: str) -> pl.DataFrame:
    """Put `target` first among `term`'s allowed forms in the project's glossary (a new entry when
    the term has none); returns the new glossary. The next rescore and re-checks use it."""
    if not term.strip() or not target.strip() or "\t" in term + target or "|" in target:
        raise InputError(None, f"not a glossary entry: {term!r} -> {target!r}")
    frame = glossary_frame(project)
    if term in frame[TERM].to_list():
        forms = frame.filter(pl.col(TERM) == term)[TARGETS][0].to_list()
        forms = [target] + [f for f in forms if f != target]
        frame = frame.with_columns(pl.when(pl.col(TERM) == term).then(pl.lit(forms, dtype=pl.List(pl.String)))
                                   .otherwise(pl.col(TARGETS)).alias(TARGETS))
    else:
        frame = pl.concat([frame, pl.DataFrame({TERM: [term], TARGETS: [[target]]}, schema=frame.schema)])
    name = (project.glossary or (GLOSSARY_NAME, b""))[0]
    project.set_glossary(name, glossary_tsv(frame).encode("utf-8"))
    return frame


def accept_suggestions(project, terms: list[str] | tuple[str, ...] = (), every_new: bool = False,
                       suggested: pl.DataFrame | None = None) -> list[tuple[str, str]]:
    """Accept suggestions into the project glossary: those of `terms` (each must have one), or with
    `every_new` all not yet in the glossary; a term with several suggested forms gets its best
    supported one. Returns the (term, target) pairs accepted, in suggestion order."""
    sugg = suggested if suggested is not None else suggestions(project)
    missing = [t for t in terms if t not in sugg[TERM].to_list()]
    if missing:
        raise InputError(None, f"no suggestion for {', '.join(missing)}")
    chosen = sugg.filter(~pl.col("in_glossary")) if every_new else sugg.filter(pl.col(TERM).is_in(list(terms)))
    done = []
    for term, target in chosen.unique(TERM, keep="first", maintain_order=True).select(TERM, "target").iter_rows():
        accept(project, term, target)
        done.append((term, target))
    return done


def export_glossary(project, out: str | Path) -> int:
    """Write the project's glossary as TSV (atomically); returns the number of terms."""
    frame = glossary_frame(project)
    write_bytes(out, glossary_tsv(frame).encode("utf-8"))
    return frame.height


def import_glossary(project, path: str | Path) -> int:
    """Replace the project's glossary by the file at `path` (checked like `--glossary`)."""
    frame = load_glossary(path)
    project.set_glossary(Path(path).name, Path(path).read_bytes())
    return frame.height

