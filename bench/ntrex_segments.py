"""NTREX-128 EN->AR (professional news translations) as a pre-aligned segment table.

Shared by bench/false_alarms.py, bench/inject_errors.py and bench/score_speed.py. The data is
third-party and lives outside the repository (../shared/data/ntrex128-dev); callers exit cleanly
when it is absent.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from review.schema import (ALIGN_CONF, BEAD, DOC, LOCATOR, LOW_CONF, ORIGIN, PARA, SEG,  # noqa: E402
                           SEGMENT_SCHEMA, SOURCE, SRC_LANG, TARGET, TGT_LANG, conform)

DATA = ROOT.parent / "shared" / "data" / "ntrex128-dev"


def available(data: Path = DATA) -> bool:
    return all((data / name).is_file() for name in ("en.txt", "ar.txt", "doc_ids.txt"))


def load_segments(data: Path = DATA) -> pl.DataFrame:
    """One 1-1 segment per line; DOC from doc_ids.txt, SEG numbered within each document."""
    en = (data / "en.txt").read_text(encoding="utf-8").splitlines()
    ar = (data / "ar.txt").read_text(encoding="utf-8").splitlines()
    ids = (data / "doc_ids.txt").read_text(encoding="utf-8").splitlines()
    if not (len(en) == len(ar) == len(ids)):
        raise SystemExit(f"{data}: en/ar/doc_ids have different line counts")
    df = pl.DataFrame({DOC: ids, SOURCE: en, TARGET: ar})
    seg = pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(DOC)
    df = df.with_columns(
        seg.alias(SEG), seg.alias(PARA),
        pl.lit("1-1").alias(BEAD), pl.lit(1.0).alias(ALIGN_CONF), pl.lit(False).alias(LOW_CONF),
        pl.lit(str(data / "ar.txt")).alias(ORIGIN),
        pl.format("line {}", pl.int_range(1, pl.len() + 1)).alias(LOCATOR),
        pl.lit("en").alias(SRC_LANG), pl.lit("ar").alias(TGT_LANG),
    )
    return conform(df, SEGMENT_SCHEMA)


def require(data: Path = DATA) -> None:
    if not available(data):
        print(f"NTREX data not found at {data}: nothing to measure.")
        raise SystemExit(0)
