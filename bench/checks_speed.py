"""Time the reference-free form checks (form, script, numbers, markup, punctuation) on 100,000
synthetic segment pairs built from the demo corpus and, when present, NTREX-128 (../shared/data).

    .venv/bin/python bench/checks_speed.py [N] [--family names]

Prints the time of the shared normalisation pass, of every check, and of run_checks end to end.
--family runs one catalogue family instead (names: the three name checks, which share one
rendering table: the first of them pays for it).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import polars as pl

from review.checks import prepare, run_checks
from review.checks.base import CheckContext, catalogue, implementation
from review.checks.names_table import clear_memo
from review.config import load_config
from review.schema import BEAD, DOC, SEG, SEGMENT_SCHEMA, SOURCE, SRC_LANG, TARGET, TGT_LANG, conform

ROOT = Path(__file__).resolve().parent.parent
NTREX = ROOT.parent / "shared" / "data" / "ntrex128-dev"
FAMILIES = ("form", "script", "numbers", "markup", "punctuation")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _blocks(path: Path) -> list[str]:
    return [b for b in re.split(r"\n\s*\n", path.read_text("utf-8")) if b.strip()]


def base_pairs() -> list[tuple[str, str]]:
    demo = ROOT / "corpora" / "musk-letter"
    en, ar = _blocks(demo / "en.txt"), _blocks(demo / "ar.mt.txt")
    pairs = list(zip(en, ar))
    if NTREX.is_dir():
        src = (NTREX / "en.txt").read_text("utf-8").splitlines()
        tgt = (NTREX / "ar.txt").read_text("utf-8").splitlines()
        pairs += list(zip(src, tgt))
    return pairs


def synthetic(n: int) -> pl.DataFrame:
    """n pairs: the base pairs repeated, with every third target in Arabic-Indic digits and
    every seventh with a changed number, so the checks see both agreement and mismatch."""
    pairs = base_pairs()
    rows = []
    for i in range(n):
        s, t = pairs[i % len(pairs)]
        if i % 3 == 0:
            t = t.translate(ARABIC_DIGITS)
        if i % 7 == 0:
            s, t = f"{s} ({i})", f"{t} ({i + 1})"
        rows.append((f"doc{i // 200}", i % 200 + 1, s, t))
    df = pl.DataFrame(rows, schema=[DOC, SEG, SOURCE, TARGET], orient="row")
    df = df.with_columns(pl.lit("en").alias(SRC_LANG), pl.lit("ar").alias(TGT_LANG), pl.lit("1-1").alias(BEAD))
    return conform(df, SEGMENT_SCHEMA)


def main() -> None:
    args = sys.argv[1:]
    family = None
    if "--family" in args:
        i = args.index("--family")
        family = args[i + 1]
        del args[i:i + 2]
    n = int(args[0]) if args else 100_000
    segments = synthetic(n)
    chars = segments[SOURCE].str.len_chars().sum() + segments[TARGET].str.len_chars().sum()
    print(f"{n:,} segment pairs, {chars:,} characters"
          f"{'' if NTREX.is_dir() else ' (NTREX absent: demo pairs only)'}")
    config = load_config()
    families = (family,) if family else FAMILIES
    ids = [cid for cid, spec in catalogue().items() if spec.family in families]
    run_checks(segments.head(50), only=ids)  # import the modules, warm up

    # CPU time (all threads) is printed beside wall time: on a shared machine it is the steadier one.
    print(f"{'':28s} {'wall':>7s}   {'cpu':>7s}")
    t0, c0 = time.perf_counter(), time.process_time()
    frame = prepare(segments)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{'normalised columns (once)':28s} {wall:7.3f} s {cpu:7.3f} s")
    total_wall, total_cpu = wall, cpu
    for cid in ids:
        ctx = CheckContext(spec=catalogue()[cid], params=config.params(cid))
        t0, c0 = time.perf_counter(), time.process_time()
        found = implementation(cid)(frame, ctx)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"{cid:28s} {wall:7.3f} s {cpu:7.3f} s  {found.height:7,d} hits")
    print(f"{'sum':28s} {total_wall:7.3f} s {total_cpu:7.3f} s")

    clear_memo()  # the name checks would otherwise reuse the table built above
    t0, c0 = time.perf_counter(), time.process_time()
    flags = run_checks(segments, only=ids)
    print(f"{'run_checks end to end':28s} {time.perf_counter() - t0:7.3f} s {time.process_time() - c0:7.3f} s"
          f"  {flags.height:7,d} flags")


if __name__ == "__main__":
    main()
