"""Deterministic corpora of N segment pairs in several documents, built from the demo corpus's
aligned beads (tests of the streaming engine, bench/score_scale.py).

Each pair joins one to three demo beads (source with source, target with target) and a running
number, so nearly every pair is distinct, as in a real corpus; a few are made faulty on purpose
(empty or copied target, truncated target, a changed number) and about 1 in 50 repeats an
earlier source of another document with a different target (corpus-scope inconsistency).
Documents hold 50 to 1,500 segments.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "musk-letter"


@functools.cache
def demo_beads() -> tuple[tuple[str, str, str], ...]:
    from review.inputs import load_inputs

    seg = load_inputs([str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt")], bt=str(DEMO / "ar.bt.txt")).segments
    seg = seg.filter((pl.col("bead") == "1-1") & (pl.col("bt").is_not_null()))
    rows = zip(seg["source"].to_list(), seg["target"].to_list(), seg["bt"].to_list())
    return tuple((s.replace("\n", " "), t.replace("\n", " "), b.replace("\n", " ")) for s, t, b in rows)


def generate(n: int, seed: int = 7, bt: bool = False, doc_size: tuple[int, int] = (50, 1500)) -> pl.DataFrame:
    """doc, source, target (and bt): `n` pairs, documents of `doc_size` segments (bounds
    included) in order, deterministic for a seed."""
    beads = demo_beads()
    rng = random.Random(seed)
    docs, src, tgt, bts = [], [], [], []
    doc_no, left = 0, 0
    for k in range(n):
        if left == 0:
            doc_no += 1
            left = rng.randint(*doc_size)
        left -= 1
        picks = [beads[rng.randrange(len(beads))] for _ in range(rng.choice((1, 2, 2, 3)))]
        s = " ".join(p[0] for p in picks) + f" ({k + 1})"
        t = " ".join(p[1] for p in picks) + f" ({k + 1})"
        b = " ".join(p[2] for p in picks) + f" ({k + 1})"
        roll = rng.random()
        if roll < 0.01:
            t = ""
        elif roll < 0.02:
            t = s
        elif roll < 0.03:
            t = t[: len(t) // 2]
        elif roll < 0.04:
            t = t.replace(f"({k + 1})", f"({k + 2})")
        elif roll < 0.06 and k > 200:
            j = rng.randrange(k - 200)  # an earlier source, most likely of another document
            s = src[j]
            t = beads[rng.randrange(len(beads))][1] + " " + beads[rng.randrange(len(beads))][1]
        docs.append(f"news-{doc_no:05d}")
        src.append(s)
        tgt.append(t)
        bts.append(b)
    data = {"doc": docs, "source": src, "target": tgt}
    if bt:
        data["bt"] = bts
    return pl.DataFrame(data, schema={c: pl.String for c in data})


def write(frame: pl.DataFrame, path: str | Path, fmt: str) -> Path:
    """The pairs as a file `review score` reads: jsonl, tsv, csv or parquet."""
    path = Path(path)
    if fmt == "jsonl":
        frame.write_ndjson(path)
    elif fmt == "tsv":
        frame.write_csv(path, separator="\t", quote_style="never")
    elif fmt == "csv":
        frame.write_csv(path)
    elif fmt == "parquet":
        frame.write_parquet(path)
    else:
        raise ValueError(fmt)
    return path
