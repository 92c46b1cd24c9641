"""Tables out: JSONL, CSV and Parquet of any frame (segments, flags, scores)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from review.export.atomic import atomic_path

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


def frame_to_bytes(df: pl.DataFrame, fmt: str) -> bytes:
    if fmt == "jsonl":
        return df.write_ndjson().encode("utf-8")
    if fmt == "csv":
        return _nested_to_json(df).write_csv().encode("utf-8")
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
