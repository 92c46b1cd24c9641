"""TMX 1.4b: source and corrected target per unit; the original MT, review status and flags as
<prop>/<note> so that nothing of the review is lost on the way to a translation memory."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import polars as pl

from review.export.common import OUTPUT, segment_notes, with_tags, xml_attr, xml_text
from review.fileio import write_bytes
from review.schema import (
    DOC, FORMAT, REV, REVIEWER, SEG, SOURCE, SRC_LANG, STATUS, TAGS, TARGET, TGT_LANG, UPDATED,
)

PROGRAM = "mt-review"


def _version() -> str:
    try:
        return metadata.version("mt-review")
    except metadata.PackageNotFoundError:
        return "unknown"


def languages(segments: pl.DataFrame) -> tuple[str, str]:
    src = segments[SRC_LANG].drop_nulls().head(1).to_list() if SRC_LANG in segments.columns else []
    tgt = segments[TGT_LANG].drop_nulls().head(1).to_list() if TGT_LANG in segments.columns else []
    return (src[0] if src else "en"), (tgt[0] if tgt else "ar")


def tmx_text(documents: pl.DataFrame, segments: pl.DataFrame, flags: pl.DataFrame,
             annotations: pl.DataFrame) -> str:
    """segments: the review table with OUTPUT (see export.common.final_text)."""
    src, tgt = languages(segments)
    native = {d for d, f in documents.select(DOC, FORMAT).rows() if f == "tmx"}
    notes = segment_notes(flags, annotations)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<tmx version="1.4">',
           f'  <header creationtool="{PROGRAM}" creationtoolversion={xml_attr(_version())} '
           f'segtype="sentence" o-tmf="{PROGRAM}" adminlang="en" srclang={xml_attr(src)} '
           'datatype="plaintext"/>',
           '  <body>']
    for row in segments.iter_rows(named=True):
        key = (row[DOC], row[SEG])
        tags = row[TAGS] if row[DOC] in native else None
        out.append(f'    <tu tuid={xml_attr(f"{row[DOC]}#{row[SEG]}")}>')
        props = [("x-doc", row[DOC]), ("x-seg", row[SEG]), ("x-status", row[STATUS]),
                 ("x-revision", row[REV])]
        if row[REVIEWER]:
            props += [("x-reviewer", row[REVIEWER]), ("x-updated", row[UPDATED])]
        if (row[TARGET] or "") != (row[OUTPUT] or ""):
            props.append(("x-original-mt", row[TARGET] or ""))
        for kind, value in props:
            out.append(f'      <prop type="{kind}">{xml_text(str(value))}</prop>')
        for kind, text in notes.get(key, []):
            out.append(f'      <note>{xml_text(f"{kind}: {text}")}</note>')
        out.append(f'      <tuv xml:lang={xml_attr(src)}><seg>{with_tags(row[SOURCE], tags)}</seg></tuv>')
        out.append(f'      <tuv xml:lang={xml_attr(tgt)}><seg>{with_tags(row[OUTPUT], tags)}</seg></tuv>')
        out.append('    </tu>')
    out += ['  </body>', '</tmx>', '']
    return "\n".join(out)


def export_tmx(documents, segments, flags, annotations, out: str | Path) -> None:
    write_bytes(out, tmx_text(documents, segments, flags, annotations).encode("utf-8"))
