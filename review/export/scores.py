"""A scoring result as files: JSONL / JSON records per segment, CSV / Parquet score tables.

JSONL: one object per segment (input order) with doc, seg, source, target, bt, reference, bead,
locator, risk, penalty, flagged, n_flags, max_severity, flags (list of {check, category, severity,
message, side, start, end, weight}) and metrics ({bt_chrf, ref_bleu, ref_chrf, ref_ter}).
JSON: {"segments": [those objects], "summary": {...}, "signature": "..."}.
CSV / Parquet: the segment table with the score and metric columns, flags as JSON text.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from review.export.tabular import frame_to_bytes
from review.fileio import write_bytes
from review.schema import (BEAD, BT, CATEGORY, CHECK, DOC, END, FLAGGED, LOCATOR, MAX_SEVERITY,
                           MESSAGE, METRIC_COLUMNS, N_FLAGS, PENALTY, REFERENCE, RISK, SEG,
                           SEVERITY, SIDE, SOURCE, START, TARGET, WEIGHT)
from review.score import Scored

FLAG_FIELDS = (CHECK, CATEGORY, SEVERITY, MESSAGE, SIDE, START, END, WEIGHT)
RECORD_COLUMNS = (DOC, SEG, SOURCE, TARGET, BT, REFERENCE, BEAD, LOCATOR,
                  RISK, PENALTY, FLAGGED, N_FLAGS, MAX_SEVERITY)
FLAGS = "flags"
METRICS = "metrics"
SCORE_FORMATS = ("jsonl", "json", "csv", "parquet")


def flag_lists(scored: Scored) -> pl.DataFrame:
    """One row per segment of `scored.segments` (same order): its flags as a list of structs."""
    flag_struct = pl.Struct({f: scored.flags.schema[f] for f in FLAG_FIELDS})
    per_seg = scored.flags.group_by(DOC, SEG, maintain_order=True).agg(
        pl.struct(FLAG_FIELDS).alias(FLAGS))
    return (scored.segments.select(DOC, SEG)
            .join(per_seg, on=[DOC, SEG], how="left", maintain_order="left")
            .with_columns(pl.col(FLAGS).fill_null(pl.lit([], dtype=pl.List(flag_struct)))))


def segment_records(scored: Scored) -> pl.DataFrame:
    """The per-segment records of the JSONL / JSON exports, as a frame (input order)."""
    return pl.concat([
        scored.segments.select(RECORD_COLUMNS),
        flag_lists(scored).select(FLAGS),
        scored.segments.select(pl.struct(METRIC_COLUMNS).alias(METRICS)),
    ], how="horizontal")


def score_table(scored: Scored) -> pl.DataFrame:
    """The segment table with score and metric columns, flags as a JSON array in text."""
    as_json = pl.concat_str(
        pl.lit("["), pl.col(FLAGS).list.eval(pl.element().struct.json_encode()).list.join(","),
        pl.lit("]"))
    flags = flag_lists(scored).select(as_json.alias(FLAGS))
    return pl.concat([scored.segments, flags], how="horizontal")


def to_bytes(scored: Scored, fmt: str) -> bytes:
    if fmt == "jsonl":
        return segment_records(scored).write_ndjson().encode("utf-8")
    if fmt == "json":
        doc = {
            "segments": json.loads(segment_records(scored).write_json()),
            "summary": scored.summary,
            "signature": scored.signature,
        }
        return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt in ("csv", "parquet"):
        return frame_to_bytes(score_table(scored), fmt)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(SCORE_FORMATS)}")


def write_scored(scored: Scored, path: str | Path, fmt: str) -> None:
    """Write atomically: nothing half-written if anything fails."""
    write_bytes(path, to_bytes(scored, fmt))
