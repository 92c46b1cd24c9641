"""Rows read from SQLite as typed polars frames, and the reviewer-name rule: shared by
review.store.project and review.store.reviewlog."""

from __future__ import annotations

import polars as pl

from review.errors import InputError


def frame(rows: list[tuple], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows from sqlite3 into a typed frame (SQLite has no booleans: 0/1 become False/True)."""
    cols = list(zip(*rows)) if rows else [()] * len(schema)
    series = []
    for (name, dtype), values in zip(schema.items(), cols):
        if dtype == pl.Boolean:
            s = pl.Series(name, values, dtype=pl.Int64, strict=False).cast(pl.Boolean)
        else:
            s = pl.Series(name, values, dtype=dtype, strict=False)
        series.append(s)
    return pl.DataFrame(series)


def require_reviewer(reviewer: str) -> str:
    name = (reviewer or "").strip()
    if not name:
        raise InputError(None, "a reviewer name is required")
    return name
