"""Speed of the checks and of `score` on 100,000 segment pairs (2-core machine: target < 10 s for
all form and consistency checks).

Pairs: NTREX-128 lines (../shared/data/ntrex128-dev) when present, otherwise the demo corpus's
lines; the first pairs are single lines, the rest joins of two random lines (seeded), so nearly all
pairs are distinct (no cache makes the numbers look better than real input). Documents of 100
segments. Printed: the normalised helper columns alone, each check family alone (helper columns
included, as run_checks computes them), all checks in one run, and the whole `score` without and
with metrics (back-translation chrF; `--ref` adds reference BLEU/chrF/TER).

    .venv/bin/python bench/score_speed.py [--n 100000] [--ref] [--no-metrics]
"""

from __future__ import annotations

import argparse
import random
import time

from ntrex_segments import DATA, ROOT, available

import polars as pl

from review.checks import families, prepare, run_checks
from review.checks.base import CheckContext, catalogue, implementation
from review.config import load_config
from review.schema import (ALIGN_CONF, BEAD, BT, DOC, LOW_CONF, REFERENCE, SEG, SEGMENT_SCHEMA, SOURCE,
                           SRC_LANG, TARGET, TGT_LANG, conform)
from review.score import score

FAST_FAMILIES = ("form", "script", "numbers", "markup", "punctuation", "boundary", "consistency")


def base_lines() -> tuple[list[str], list[str], str]:
    if available():
        en = (DATA / "en.txt").read_text(encoding="utf-8").splitlines()
        ar = (DATA / "ar.txt").read_text(encoding="utf-8").splitlines()
        return en, ar, "NTREX-128"
    demo = ROOT / "corpora" / "musk-letter"
    en = [x for x in (demo / "en.txt").read_text(encoding="utf-8").splitlines() if x.strip()]
    ar = [x for x in (demo / "ar.mt.txt").read_text(encoding="utf-8").splitlines() if x.strip()]
    n = min(len(en), len(ar))
    return en[:n], ar[:n], "demo corpus lines"


def build(n: int, seed: int = 7) -> tuple[pl.DataFrame, str]:
    en, ar, origin = base_lines()
    rng = random.Random(seed)
    src, tgt, bt, ref = [], [], [], []
    for k in range(n):
        if k < len(en):
            i = k
            s, t = en[i], ar[i]
        else:
            i, j = rng.randrange(len(en)), rng.randrange(len(en))
            s, t = f"{en[i]} {en[j]}", f"{ar[i]} {ar[j]}"
        words = s.split()
        rng.shuffle(words)  # a stand-in back-translation: same words, another order
        src.append(s)
        tgt.append(t)
        bt.append(" ".join(words))
        twords = t.split()
        rng.shuffle(twords)  # a stand-in reference, equally costly for TER
        ref.append(" ".join(twords))
    df = pl.DataFrame({SOURCE: src, TARGET: tgt, BT: bt, REFERENCE: ref}).with_row_index("_k").with_columns(
        pl.format("doc{}", pl.col("_k") // 100).alias(DOC),
        (pl.col("_k") % 100 + 1).cast(pl.Int64).alias(SEG),
        pl.lit("1-1").alias(BEAD), pl.lit(1.0).alias(ALIGN_CONF), pl.lit(False).alias(LOW_CONF),
        pl.lit("en").alias(SRC_LANG), pl.lit("ar").alias(TGT_LANG),
    ).drop("_k")
    return conform(df, SEGMENT_SCHEMA), origin


def timed(label: str, fn, n: int):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"  {label:<34} {dt:7.2f} s  ({n / dt:,.0f} segments/s)")
    return out, dt


def per_check(frame: pl.DataFrame, config) -> None:
    """Each check's own cost (helper columns computed once, as in a real run), slowest first."""
    import importlib

    rows = []
    for cid, spec in catalogue().items():
        if not config.enabled(cid):
            continue
        importlib.import_module(f"review.checks.{spec.family}")
        ctx = CheckContext(spec=spec, params=config.params(cid))
        t0 = time.perf_counter()
        implementation(cid)(frame, ctx)
        rows.append((time.perf_counter() - t0, spec.family, cid))
    for dt, fam, cid in sorted(rows, reverse=True):
        print(f"    {fam:<12} {cid:<22} {dt:7.2f} s")
    fast = sum(dt for dt, fam, _ in rows if fam in FAST_FAMILIES)
    print(f"  form/script/numbers/markup/punctuation/boundary/consistency checks: {fast:.2f} s "
          f"(+ helper columns)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--ref", action="store_true", help="also score against a reference (TER is slow)")
    parser.add_argument("--no-metrics", action="store_true", help="skip the runs with metrics")
    parser.add_argument("--score-only", action="store_true", help="only the whole-score runs")
    parser.add_argument("--per-check", action="store_true",
                        help="time each check alone on a prepared frame, then stop")
    args = parser.parse_args()
    segments, origin = build(args.n)
    print(f"{segments.height:,} pairs from {origin}; {segments[DOC].n_unique():,} documents")
    config = load_config()
    plain = segments.with_columns(pl.lit(None, dtype=pl.String).alias(BT),
                                  pl.lit(None, dtype=pl.String).alias(REFERENCE))
    bt_only = segments.with_columns(pl.lit(None, dtype=pl.String).alias(REFERENCE))
    prepared, _ = timed("normalised helper columns", lambda: prepare(plain), plain.height)
    if args.per_check:
        per_check(prepared, config)
        return
    if not args.score_only:
        families_and_checks(plain, config)
    timed("score(), no back-translation", lambda: score(plain, config), plain.height)
    if not args.no_metrics:
        timed("score(), back-translation chrF", lambda: score(bt_only, config), segments.height)
        if args.ref:
            timed("score(), BT + reference metrics", lambda: score(segments, config), segments.height)


def families_and_checks(plain: pl.DataFrame, config) -> None:
    fast_total = 0.0
    for fam in families():
        ids = [cid for cid, spec in catalogue().items() if spec.family == fam and config.enabled(cid)]
        try:
            flags, dt = timed(f"family {fam} ({len(ids)} checks)", lambda: run_checks(plain, config, only=ids),
                              plain.height)
        except ModuleNotFoundError as e:
            print(f"  family {fam}: not available ({e.name})")
            continue
        if fam in FAST_FAMILIES:
            fast_total += dt
    print(f"  sum of form/script/numbers/markup/punctuation/boundary/consistency families: {fast_total:.2f} s"
          f"  (target < 10 s; each includes its own helper columns)")
    fast_ids = [cid for cid, spec in catalogue().items() if spec.family in FAST_FAMILIES and config.enabled(cid)]
    timed("those families in one run", lambda: run_checks(plain, config, only=fast_ids), plain.height)
    timed("all checks in one run", lambda: run_checks(plain, config), plain.height)


if __name__ == "__main__":
    main()
