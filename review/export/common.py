"""What every export needs: the text to ship per segment and small XML helpers."""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape, quoteattr

import polars as pl

from review.schema import (ANNOTATION_ID, CATEGORY, CHECK, COMMENT, CURRENT, DOC, END, MESSAGE, NOTE, REV, REVIEWER,
                           SEG, SEVERITY, START, STATUS, STATUSES, TAG_PLACEHOLDER_RE, TARGET, UPDATED, VERDICT)

TO_REVIEW, CORRECTED, APPROVED = STATUSES
OUTPUT = "output"  # column added by final_text: the text an export writes for the segment
# Wrapped around segments nobody reviewed when asked (--mark-unreviewed): visible, rare in text.
UNREVIEWED_MARK = ("⟪", "⟫")

# Characters XML 1.0 cannot carry at all (C0 controls except tab, LF, CR; surrogates; U+FFFE/F).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PLACEHOLDER = re.compile(f"({TAG_PLACEHOLDER_RE})")


def final_text(segments: pl.DataFrame, approved_only: bool = False,
               mark_unreviewed: bool = False) -> pl.DataFrame:
    """Add OUTPUT: the correction (CURRENT), or with `approved_only` the correction of approved
    segments and the MT of the others; optionally wrapped in UNREVIEWED_MARK where nobody looked."""
    text = pl.col(CURRENT).fill_null(pl.col(TARGET)).fill_null("")
    if approved_only:
        text = pl.when(pl.col(STATUS) == APPROVED).then(text).otherwise(pl.col(TARGET).fill_null(""))
    if mark_unreviewed:
        opening, closing = UNREVIEWED_MARK
        text = pl.when(pl.col(STATUS) == TO_REVIEW).then(
            pl.concat_str(pl.lit(opening), text, pl.lit(closing))).otherwise(text)
    return segments.with_columns(text.alias(OUTPUT))


def xml_text(text: str | None) -> str:
    """Escaped character data; characters XML cannot hold are dropped. A carriage return (the
    CRLF of a broken line in a Windows document) is written as a reference: a parser would turn a
    literal one into a line feed, and the text would come back changed."""
    return escape(_XML_INVALID.sub("", text or ""), {"\r": "&#13;"})


def xml_attr(value: object) -> str:
    return quoteattr(_XML_INVALID.sub("", str(value)))


def with_tags(text: str | None, tags_json: str | None) -> str:
    """Escaped text with each inline-tag placeholder put back as the markup it stood for.

    The markup comes from our own loader (serialised from a parsed element, so well-formed);
    placeholders it does not know stay as (escaped) text."""
    tags = json.loads(tags_json) if tags_json else {}
    if not tags:
        return xml_text(text)
    parts = _PLACEHOLDER.split(text or "")
    return "".join(tags.get(p, xml_text(p)) if i % 2 else xml_text(p) for i, p in enumerate(parts))


def segment_notes(flags: pl.DataFrame, annotations: pl.DataFrame) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """(doc, seg) -> [(kind, text)]: the automatic flags of the MT (with the reviewers' verdict)
    and the reviewers' own MQM annotations. kind is "flag" or "annotation"."""
    notes: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for f in flags.iter_rows(named=True):
        text = f"{f[CHECK]} [{f[CATEGORY]}, {f[SEVERITY]}]: {f[MESSAGE]}"
        if f.get(VERDICT):
            text += f" (reviewer verdict: {f[VERDICT]})"
        notes.setdefault((f[DOC], f[SEG]), []).append(("flag", text))
    for a in annotations.iter_rows(named=True):
        text = f"{a[REVIEWER]}: {a[CATEGORY]} ({a[SEVERITY]})"
        if a[COMMENT]:
            text += f": {a[COMMENT]}"
        notes.setdefault((a[DOC], a[SEG]), []).append(("annotation", text))
    return notes


def with_propagation_notes(annotations: pl.DataFrame, propagated: pl.DataFrame) -> pl.DataFrame:
    """`annotations` (Project.annotations()) plus one note-only row per revision propagated from
    another segment's fix (Project.propagated()), so that every format's notes carry it as
    "<reviewer>: propagated fix (revision N): propagated from DOC #SEG: old → new"."""
    if propagated.height == 0:
        return annotations
    rows = propagated.select(
        pl.lit(None, dtype=pl.Int64).alias(ANNOTATION_ID), DOC, SEG, REV,
        pl.lit("propagated fix").alias(CATEGORY), pl.format("revision {}", pl.col(REV)).alias(SEVERITY),
        pl.lit(None, dtype=pl.Int64).alias(START), pl.lit(None, dtype=pl.Int64).alias(END),
        pl.col(NOTE).alias(COMMENT), REVIEWER, UPDATED)
    return pl.concat([annotations, rows.select(annotations.columns).cast(annotations.schema)])
