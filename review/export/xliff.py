"""XLIFF 1.2 and 2.1 with the review in them: the state of each unit follows its review status,
the flags and the reviewers' annotations become notes, and the original MT stays alongside
(<alt-trans> in 1.2, a note in 2.1)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from review.export.common import (
    APPROVED, CORRECTED, OUTPUT, TO_REVIEW, segment_notes, with_tags, xml_attr, xml_text,
)
from review.export.tmx import PROGRAM, languages
from review.fileio import write_bytes
from review.schema import BASE_REV_NOTE, DOC, FLAGGED, FORMAT, REV, SEG, SOURCE, STATUS, TAGS, TARGET

# Review status -> XLIFF 1.2 <target state>, and -> XLIFF 2.1 <segment state>. Only a segment
# nobody reviewed that the checks flagged asks for review: CAT tools and translate-toolkit read
# `approved="yes"` as "not fuzzy", so every other unit carries it (the MT of an unflagged
# segment is as usable as a translation; the flags stay in the notes either way).
STATE_12 = {TO_REVIEW: "translated", CORRECTED: "translated", APPROVED: "signed-off"}
FLAGGED_STATE_12 = "needs-review-translation"
STATE_21 = {TO_REVIEW: "translated", CORRECTED: "reviewed", APPROVED: "final"}


def state_12(status: str, flagged: bool | None) -> tuple[str, bool]:
    """(XLIFF 1.2 target state, approved attribute) of a segment."""
    if status == TO_REVIEW and flagged:
        return FLAGGED_STATE_12, False
    return STATE_12[status], True
NS_12 = "urn:oasis:names:tc:xliff:document:1.2"
NS_2 = "urn:oasis:names:tc:xliff:document:2.0"


def _by_document(documents: pl.DataFrame, segments: pl.DataFrame):
    order = documents[DOC].to_list()
    order += [d for d in segments[DOC].unique(maintain_order=True).to_list() if d not in order]
    fmt = dict(documents.select(DOC, FORMAT).rows())
    for doc in order:
        rows = segments.filter(pl.col(DOC) == doc)
        if rows.height:
            yield doc, fmt.get(doc), rows


def xliff12_text(documents: pl.DataFrame, segments: pl.DataFrame, flags: pl.DataFrame,
                 annotations: pl.DataFrame) -> str:
    src, tgt = languages(segments)
    notes = segment_notes(flags, annotations)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<xliff version="1.2" xmlns="{NS_12}">']
    for doc, fmt, rows in _by_document(documents, segments):
        native = fmt == "xliff"
        out.append(f'  <file original={xml_attr(doc)} source-language={xml_attr(src)} '
                   f'target-language={xml_attr(tgt)} datatype="plaintext" tool-id="{PROGRAM}">')
        out.append(f'    <header><tool tool-id="{PROGRAM}" tool-name="{PROGRAM}"/></header>')
        out.append('    <body>')
        for row in rows.iter_rows(named=True):
            tags = row[TAGS] if native else None
            state, approved = state_12(row[STATUS], row.get(FLAGGED))
            yes = ' approved="yes"' if approved else ""
            out.append(f'      <trans-unit id={xml_attr(row[SEG])}{yes}>')
            out.append(f'        <source xml:space="preserve">{with_tags(row[SOURCE], tags)}</source>')
            out.append(f'        <target xml:space="preserve" state="{state}">'
                       f'{with_tags(row[OUTPUT], tags)}</target>')
            if (row[TARGET] or "") != (row[OUTPUT] or ""):
                out.append(f'        <alt-trans origin="machine-translation"><target xml:space="preserve">'
                           f'{with_tags(row[TARGET], tags)}</target></alt-trans>')
            out.append(f'        <note from="{BASE_REV_NOTE}" annotates="general">{row[REV] or 0}</note>')
            for kind, text in notes.get((doc, row[SEG]), []):
                who = PROGRAM if kind == "flag" else text.split(":", 1)[0]
                out.append(f'        <note from={xml_attr(who)} annotates="target">{xml_text(text)}</note>')
            out.append('      </trans-unit>')
        out += ['    </body>', '  </file>']
    out += ['</xliff>', '']
    return "\n".join(out)


def xliff21_text(documents: pl.DataFrame, segments: pl.DataFrame, flags: pl.DataFrame,
                 annotations: pl.DataFrame) -> str:
    src, tgt = languages(segments)
    notes = segment_notes(flags, annotations)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<xliff xmlns="{NS_2}" version="2.1" srcLang={xml_attr(src)} trgLang={xml_attr(tgt)}>']
    for k, (doc, fmt, rows) in enumerate(_by_document(documents, segments), 1):
        native = fmt == "xliff2"
        out.append(f'  <file id="f{k}" original={xml_attr(doc)}>')
        for row in rows.iter_rows(named=True):
            tags = row[TAGS] if native else None
            out.append(f'    <unit id="u{row[SEG]}" name={xml_attr(row[SEG])}>')
            unit_notes = [(f"{PROGRAM}:{kind}", text) for kind, text in notes.get((doc, row[SEG]), [])]
            if (row[TARGET] or "") != (row[OUTPUT] or ""):
                unit_notes.append((f"{PROGRAM}:original-mt", row[TARGET] or ""))
            out.append('      <notes>')
            out.append(f'        <note category="{BASE_REV_NOTE}">{row[REV] or 0}</note>')
            for category, text in unit_notes:
                out.append(f'        <note category={xml_attr(category)} appliesTo="target">'
                           f'{xml_text(text)}</note>')
            out.append('      </notes>')
            out.append(f'      <segment state="{STATE_21[row[STATUS]]}" subState="{PROGRAM}:{row[STATUS]}">')
            out.append(f'        <source xml:space="preserve">{with_tags(row[SOURCE], tags)}</source>')
            out.append(f'        <target xml:space="preserve">{with_tags(row[OUTPUT], tags)}</target>')
            out += ['      </segment>', '    </unit>']
        out.append('  </file>')
    out += ['</xliff>', '']
    return "\n".join(out)


def export_xliff(documents, segments, flags, annotations, out: str | Path, version: str = "1.2") -> None:
    writer = xliff12_text if version == "1.2" else xliff21_text
    write_bytes(out, writer(documents, segments, flags, annotations).encode("utf-8"))
