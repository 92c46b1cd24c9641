"""A small hand-made corpus and scoring run for the store, workflow and report tests."""

from __future__ import annotations

import polars as pl

from review.corpus import Corpus
from review.score import Scored
from review.schema import (
    CATEGORY, CHECK, DOC, END, FLAG_SCHEMA, FLAGGED, FORMAT, MAX_SEVERITY, N_FLAGS, PENALTY, RISK, SEG,
    SEVERITY, SOURCE, START, TARGET,
)


def flag_frame(rows: list[tuple]) -> pl.DataFrame:
    """Flags by hand: (doc, seg, check, category, severity, start, end, weight[, message]) rows,
    target side; the message defaults to "<check> here"."""
    return pl.DataFrame(
        [{DOC: d, SEG: s, CHECK: c, CATEGORY: cat, SEVERITY: sev, "message": msg[0] if msg else f"{c} here",
          "side": "target", START: a, END: b, "weight": w} for d, s, c, cat, sev, a, b, w, *msg in rows],
        schema=FLAG_SCHEMA)


FLAG_ROWS = [
    ("a", 2, "numbers", "Accuracy/Mistranslation", "major", 0, 4, 5.0),
    ("a", 2, "punct", "Fluency/Punctuation", "minor", 7, 8, 0.1),
    ("a", 3, "untranslated", "Non-translation", "critical", None, None, 25.0),
    ("b", 1, "numbers", "Accuracy/Mistranslation", "major", 3, 5, 5.0),
]


def make_corpus() -> Corpus:
    segs = pl.DataFrame({
        DOC: ["a", "a", "a", "a", "b", "b"],
        SEG: [1, 2, 3, 4, 1, 2],
        SOURCE: ["One.", "In 2024 we grew.", "Hello there, my good old friend.", "Fine.", "Call 911 now.", "<b>bold</b>"],
        TARGET: ["واحد.", "في 2025 نمونا.", "Hello there, my good old friend.", "حسنا.", "اتصل بـ 991 الآن.",
                 "<img src=x onerror=alert(1)>"],
    })
    docs = pl.DataFrame({DOC: ["a", "b"], FORMAT: ["text", "text"]})
    return Corpus(segments=segs, documents=docs)


SUMMARY = {"corpus": {"metrics": {"bt_vs_source": {"chrf": 50.0, "chrf_signature": "x"}}}}


def make_scored(corpus: Corpus, flag_rows=FLAG_ROWS, summary: dict | None = None,
                signature: str = "test-signature") -> Scored:
    """A scoring run by hand: penalty and risk are the flags' weights, `flagged` any flag worse
    than minor; `summary` defaults to SUMMARY with the segment count."""
    flags = flag_frame(flag_rows)
    per_seg = flags.group_by(DOC, SEG).agg(pl.col("weight").sum().alias(PENALTY), pl.len().alias(N_FLAGS),
                                           (pl.col(SEVERITY) != "minor").any().alias(FLAGGED))
    segs = corpus.segments.join(per_seg, on=[DOC, SEG], how="left").with_columns(
        pl.col(PENALTY).fill_null(0.0), pl.col(N_FLAGS).fill_null(0).cast(pl.Int64),
        pl.col(FLAGGED).fill_null(False), pl.col(PENALTY).fill_null(0.0).alias(RISK),
        pl.lit(None, dtype=pl.String).alias(MAX_SEVERITY))
    return Scored(segs, flags, {"segments": segs.height, **SUMMARY} if summary is None else summary, signature)
