"""NTREX-128 EN->AR (professional news translations) as a pre-aligned segment table.

Shared by bench/false_alarms.py, bench/inject_errors.py and bench/score_speed.py. The data is
third-party and lives outside the repository (../shared/data/ntrex128-dev); callers exit cleanly
when it is absent.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from review.schema import (ALIGN_CONF, BEAD, DOC, LOCATOR, LOW_CONF, ORIGIN, PARA, SEG,  # noqa: E402
                           SEGMENT_SCHEMA, SOURCE, SRC_LANG, TARGET, TGT_LANG, conform)

DATA = ROOT.parent / "shared" / "data" / "ntrex128-dev"
SPLITS = ("tune", "heldout", "all")
# A document is in the tune split when its id's SHA-256 (a stable hash, unlike Python's hash())
# falls in the first TUNE_BUCKETS of 100 buckets: 29 of the 62 documents, 435 of 988 lines (44%).
# Rules are tuned on "tune"; accuracy is reported on "heldout".
TUNE_BUCKETS = 51


def split_of(doc: str) -> str:
    return "tune" if int(hashlib.sha256(doc.encode("utf-8")).hexdigest(), 16) % 100 < TUNE_BUCKETS else "heldout"


def available(data: Path = DATA) -> bool:
    return all((data / name).is_file() for name in ("en.txt", "ar.txt", "doc_ids.txt"))


def load_segments(data: Path = DATA, split: str = "all") -> pl.DataFrame:
    """One 1-1 segment per line; DOC from doc_ids.txt, SEG numbered within each document.

    split: "tune" or "heldout" keeps the documents of that split (see split_of), "all" keeps all."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
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
    if split != "all":
        df = df.filter(pl.col(DOC).is_in([d for d in set(ids) if split_of(d) == split]))
    return conform(df, SEGMENT_SCHEMA)


def add_split_argument(parser) -> None:
    parser.add_argument("--split", choices=SPLITS, default="heldout",
                        help="NTREX documents to use: tune (rules are tuned on it), heldout (reported), all")


def require(data: Path = DATA) -> None:
    if not available(data):
        print(f"NTREX data not found at {data}: nothing to measure.")
        raise SystemExit(0)
