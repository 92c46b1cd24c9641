"""Segment rows of a pre-aligned file -> Corpus (shared by every pre-aligned loader)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from review.corpus import Corpus
from review.errors import InputError
from review.load.encoding import MAX_LINE_CHARS
from review.schema import (
    ALIGN_CONF, BEAD, BOM, BT, DOC, ENCODING, FORMAT, LOCATOR, LOW_CONF, NOTE, ORIGIN, PARA,
    REFERENCE, SEG, SOURCE, SOURCE_PATH, SRC_LANG, STATE, TAGS, TARGET, TARGET_PATH, TGT_LANG,
)

DEFAULT_SRC_LANG = "en"
DEFAULT_TGT_LANG = "ar"

# Columns a loader may fill; everything else comes from the pre-aligned defaults below.
ROW_COLUMNS = (DOC, SOURCE, TARGET, REFERENCE, BT, SRC_LANG, TGT_LANG, LOCATOR, NOTE, STATE, TAGS)


def new_rows() -> dict[str, list]:
    return {c: [] for c in ROW_COLUMNS}


def add_row(rows: dict[str, list], **values) -> None:
    for c in ROW_COLUMNS:
        rows[c].append(values.get(c))


def build(rows: dict[str, list] | pl.DataFrame, path: str | Path, fmt: str, encoding: str | None,
          bom: bool, doc_order: list[str] | None = None) -> Corpus:
    """Rows in file order -> Corpus: SEG numbered per document, pre-aligned defaults filled in.

    `doc_order` lists the documents in file order (those without segments included);
    by default the documents are those that have rows.
    """
    df = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(
        rows, schema={c: pl.String for c in ROW_COLUMNS})
    if df.height == 0:
        raise InputError(path, "no segments found in the file")
    df = df.with_columns(
        pl.col(SOURCE).fill_null(""),
        pl.col(TARGET).fill_null(""),
        pl.col(SRC_LANG).fill_null(DEFAULT_SRC_LANG),
        pl.col(TGT_LANG).fill_null(DEFAULT_TGT_LANG),
    )
    _refuse_overlong(df, path)
    seg = pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(DOC)
    segments = df.with_columns(
        seg.alias(SEG),
        seg.alias(PARA),
        pl.lit("1-1").alias(BEAD),
        pl.lit(1.0).alias(ALIGN_CONF),
        pl.lit(False).alias(LOW_CONF),
        pl.lit(str(path)).alias(ORIGIN),
    )
    langs = df.group_by(DOC, maintain_order=True).agg(pl.col(SRC_LANG).first(), pl.col(TGT_LANG).first())
    if doc_order is not None:
        langs = pl.DataFrame({DOC: doc_order}, schema={DOC: pl.String}).join(
            langs, on=DOC, how="left", maintain_order="left")
    documents = langs.with_columns(
        pl.lit(fmt).alias(FORMAT),
        pl.lit(str(path)).alias(SOURCE_PATH),
        pl.lit(str(path)).alias(TARGET_PATH),
        pl.lit(encoding, dtype=pl.String).alias(ENCODING),
        pl.lit(bom).alias(BOM),
    )
    return Corpus(segments=segments, documents=documents)


def _refuse_overlong(df: pl.DataFrame, path: str | Path) -> None:
    for col in (SOURCE, TARGET):
        bad = df.with_row_index("_i").filter(pl.col(col).str.len_chars() > MAX_LINE_CHARS).head(1)
        if bad.height:
            where = bad[LOCATOR][0] or f"segment {bad['_i'][0] + 1}"
            n = bad[col].str.len_chars()[0]
            raise InputError(path, f"{col} text is {n:,} characters long (limit {MAX_LINE_CHARS:,}); "
                             "is this really a translation file?", where=where)
