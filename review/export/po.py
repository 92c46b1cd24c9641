"""Gettext PO: one message per segment, for translators who work in Poedit, Weblate or Lokalize.

`msgctxt` is "doc#seg" (the id `review apply` matches on, and what keeps two equal sources
apart); the base revision, the review status and the flags are extracted comments (`#.`), which
PO editors show and keep; a segment nobody reviewed that the checks flagged is `fuzzy`, like the
XLIFF 1.2 export's needs-review units.
"""

from __future__ import annotations

import polars as pl

from review.export.common import OUTPUT, TO_REVIEW, segment_notes
from review.export.tmx import PROGRAM, languages
from review.schema import BASE_REV_NOTE, DOC, FLAGGED, REV, SEG, SEG_KEY_SEP, SOURCE, STATUS, TARGET

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _quote(text: str) -> str:
    """A PO string: one quoted line per line of the text, so that editors show it as written."""
    escaped = "".join(_ESCAPES.get(ch, ch) for ch in text)
    lines = escaped.split("\\n")
    if len(lines) == 1:
        return f'"{escaped}"'
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


def _comment(text: str) -> list[str]:
    return [f"#. {line}".rstrip() for line in text.split("\n")]


def po_text(documents: pl.DataFrame, segments: pl.DataFrame, flags: pl.DataFrame,
            annotations: pl.DataFrame) -> str:
    """segments: the review table with OUTPUT (see export.common.final_text)."""
    del documents  # one catalogue for every document: the context names the document
    src, tgt = languages(segments)
    notes = segment_notes(flags, annotations)
    out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
           '"Content-Transfer-Encoding: 8bit\\n"', f'"Language: {tgt}\\n"',
           f'"X-Source-Language: {src}\\n"', f'"X-Generator: {PROGRAM}\\n"', ""]
    for row in segments.iter_rows(named=True):
        out += _comment(f"{BASE_REV_NOTE}: {row[REV] or 0}")
        out += _comment(f"{PROGRAM}:status: {row[STATUS]}")
        if (row[TARGET] or "") != (row[OUTPUT] or ""):
            out += _comment(f"{PROGRAM}:original-mt: {row[TARGET] or ''}")
        for kind, text in notes.get((row[DOC], row[SEG]), []):
            out += _comment(f"{kind}: {text}")
        if row[STATUS] == TO_REVIEW and row.get(FLAGGED):
            out.append("#, fuzzy")
        out.append(f"msgctxt {_quote(f'{row[DOC]}{SEG_KEY_SEP}{row[SEG]}')}")
        out.append(f"msgid {_quote(row[SOURCE] or '')}")
        out.append(f"msgstr {_quote(row[OUTPUT] or '')}")
        out.append("")
    return "\n".join(out)
