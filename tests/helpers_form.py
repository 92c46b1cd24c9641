"""Small segment tables for the form-check tests, and the demo corpus paired by paragraph."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from review.checks import run_checks
from review.schema import (BEAD, DOC, END, MESSAGE, SEG, SEGMENT_SCHEMA, SOURCE, SRC_LANG, START,
                           TARGET, TGT_LANG, conform)

DEMO = Path(__file__).resolve().parent.parent / "corpora" / "musk-letter"


def frame(pairs, tgt_lang: str = "ar", bead: str = "1-1", doc: str = "d") -> pl.DataFrame:
    rows = [{DOC: doc, SEG: i + 1, SOURCE: s, TARGET: t, SRC_LANG: "en", TGT_LANG: tgt_lang, BEAD: bead}
            for i, (s, t) in enumerate(pairs)]
    return conform(pl.DataFrame(rows), SEGMENT_SCHEMA)


def flags(pairs, check: str, **kw) -> pl.DataFrame:
    return run_checks(frame(pairs, **kw), only=[check])


def fired(pairs, check: str, **kw) -> list[tuple[int, str | None, str]]:
    """(seg, target[start:end] or None, message) for every flag of `check`."""
    df = flags(pairs, check, **kw)
    out = []
    for r in df.iter_rows(named=True):
        target = pairs[r[SEG] - 1][1]
        frag = None if r[START] is None else target[r[START]:r[END]]
        out.append((r[SEG], frag, r[MESSAGE]))
    return out


def quiet(pairs, check: str, **kw) -> bool:
    return flags(pairs, check, **kw).height == 0


def _blocks(path: Path) -> list[str]:
    return [b for b in re.split(r"\n\s*\n", path.read_text("utf-8")) if b.strip()]


def demo_frame() -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """The demo MT paired paragraph by paragraph with en.txt; the trailing boilerplate is 0-1."""
    en, ar = _blocks(DEMO / "en.txt"), _blocks(DEMO / "ar.mt.txt")
    pairs = [(en[i] if i < len(en) else "", ar[i]) for i in range(len(ar))]
    df = frame(pairs).with_columns(
        pl.when(pl.col(SEG) > len(en)).then(pl.lit("0-1")).otherwise(pl.col(BEAD)).alias(BEAD))
    return df, pairs
