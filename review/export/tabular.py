"""Tables out: JSONL, CSV and Parquet of any frame (segments, flags, scores)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import polars as pl

from review.fileio import atomic_path

TABULAR_FORMATS = ("jsonl", "csv", "parquet")


def _nested_to_json(df: pl.DataFrame) -> pl.DataFrame:
    """CSV cannot hold lists or structs: store them as JSON text."""
    nested = [c for c, t in df.schema.items() if isinstance(t, (pl.List, pl.Struct, pl.Array))]
    if not nested:
        return df
    return df.with_columns(
        pl.Series(c, [None if v is None else json.dumps(v, ensure_ascii=False) for v in df[c].to_list()],
                  dtype=pl.String)
        for c in nested
    )


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); some
# also read the full-width forms (＝ ＋ － ＠) as their ASCII twins.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def inert_cells(df: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe
    (review.load.tabular removes it again when it reads our CSV back). So do cells that
    already look defused ('=x), so that reading back gives them unchanged."""
    text = [c for c, t in df.schema.items() if t == pl.String]
    risky = "^'*[" + "".join(re.escape(c) for c in FORMULA_STARTS) + "]"
    return df.with_columns(
        pl.when(pl.col(c).str.contains(risky)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text)


def frame_to_bytes(df: pl.DataFrame, fmt: str) -> bytes:
    """CSV, whichever command writes it, is for spreadsheets: UTF-8 with a BOM (so that Excel
    reads Arabic right, and so that our reader knows to undo the defusing) and formula-like
    cells made inert."""
    if fmt == "jsonl":
        return df.write_ndjson().encode("utf-8")
    if fmt == "csv":
        return b"\xef\xbb\xbf" + inert_cells(_nested_to_json(df)).write_csv().encode("utf-8")
    if fmt == "parquet":
        buf = io.BytesIO()
        df.write_parquet(buf, compression="zstd")
        return buf.getvalue()
    raise ValueError(f"unknown table format {fmt!r}; choose one of {', '.join(TABULAR_FORMATS)}")


def write_frame(df: pl.DataFrame, path: str | Path, fmt: str) -> None:
    """Write atomically: readers never see half a file."""
    data = frame_to_bytes(df, fmt)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
