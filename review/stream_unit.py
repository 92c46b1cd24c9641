"""What a scoring process of review.stream_run runs on a unit of whole documents: score it
(review.stream.score_unit), spill the scored rows to Arrow IPC, format its JSONL/CSV bytes.

A module of its own so that the spawned processes import only this and what scoring needs,
not the reader, the Parquet writer and the engine of the main process (review.stream_run).
"""

from __future__ import annotations

import io
import os
import pickle
from dataclasses import dataclass, field

import polars as pl

from review.export.tabular import _nested_to_json, inert_cells
from review.schema import MAX_SEVERITY, SEVERITY_RANK
from review.stream import ScoreSettings, records, score_table, score_unit

BOM = b"\xef\xbb\xbf"


_SETTINGS: ScoreSettings | None = None


def init_worker(settings_bytes: bytes, threads: int | None) -> None:
    global _SETTINGS
    if threads:
        os.environ.setdefault("POLARS_MAX_THREADS", str(threads))
    _SETTINGS = pickle.loads(settings_bytes)


@dataclass
class UnitResult:
    rows: int
    keys: pl.DataFrame  # corpus_candidates
    worst: int  # highest severity rank of any flag, -1 for none
    spill: str  # Arrow IPC of the scored rows
    part: str | None  # the formatted JSONL/CSV bytes of the unit
    lines: list[int] | None = None  # lines of each row in `part` when some row has several
    totals: dict = field(default_factory=dict)  # metric statistics sums (review.score.add_metrics)


def score_spilled(unit: pl.DataFrame, index: int, folder: str, fmt: str,
                settings: ScoreSettings | None = None) -> UnitResult:
    settings = settings or _SETTINGS
    totals: dict = {}
    out, keys = score_unit(unit, settings, totals)
    spill = os.path.join(folder, f"{index:07d}.arrow")
    out.write_ipc(spill, compression="lz4")
    part, lines = None, None
    if fmt in ("jsonl", "csv"):
        part = os.path.join(folder, f"{index:07d}.{fmt}")
        data, lines = format_rows(out, fmt, first=index == 0)
        with open(part, "wb") as f:
            f.write(data)
    worst = out[MAX_SEVERITY].replace_strict(SEVERITY_RANK, default=-1, return_dtype=pl.Int64).max()
    return UnitResult(out.height, keys, -1 if worst is None else int(worst), spill, part, lines, totals)


def format_bytes(out: pl.DataFrame, fmt: str, first: bool) -> bytes:
    """A unit as `review score --format fmt` writes it; CSV has its BOM and header once, first."""
    return format_rows(out, fmt, first)[0]


def format_rows(out: pl.DataFrame, fmt: str, first: bool) -> tuple[bytes, list[int] | None]:
    """format_bytes, and the number of lines of each row when some row has more than one (a CSV
    cell holding a line break): what _patch needs to find a row's bytes again."""
    # Written to a buffer: polars' str result is these bytes decoded, which we would encode again.
    buffer = io.BytesIO()
    if fmt == "jsonl":  # JSON escapes line breaks: one line per row
        records(out).write_ndjson(buffer)
        return buffer.getvalue(), None
    table = inert_cells(_nested_to_json(score_table(out)))
    buffer.write(BOM if first else b"")
    table.write_csv(buffer, include_header=first)
    data = buffer.getvalue()
    if data.count(b"\n") == table.height + first:
        return data, None
    breaks = [pl.col(c).str.count_matches("\n", literal=True).fill_null(0)
              for c, t in table.schema.items() if t == pl.String]
    return data, table.select(pl.sum_horizontal(breaks) + 1).to_series().to_list()




def ready() -> None:
    """A task that does nothing: submitted once per process as the pool opens, it starts them
    all at once (importing this module) while the main process reads the first unit."""
