"""Speed of the checks and of `score` on 100,000 segment pairs (2-core machine: target < 10 s for
all form and consistency checks).

Pairs: NTREX-128 lines (../shared/data/ntrex128-dev) when present, otherwise the demo corpus's
lines; the first pairs are single lines, the rest joins of two random lines (seeded), so nearly all
pairs are distinct (no cache makes the numbers look better than real input). Documents of 100
segments. Printed: the normalised helper columns alone, each check family alone (helper columns
included, as run_checks computes them), all checks in one run, and the whole `score` without and
with metrics (back-translation chrF; `--ref` adds reference BLEU/chrF/TER).

    .venv/bin/python bench/score_speed.py [--n 100000] [--ref] [--no-metrics]
    .venv/bin/python bench/score_speed.py --stages [--bt]   # where the time of `score` goes
    .venv/bin/python bench/score_speed.py --check-segment   # re-checking one correction (a save)

Times are wall clock and process CPU (all threads; the machine may be shared: see the load
average printed first).
"""

from __future__ import annotations

import argparse
import os
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
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"  {label:<34} {dt:7.2f} s  cpu {cpu:7.2f} s  ({n / dt:,.0f} segments/s)")
    return out, dt


def stages(segments: pl.DataFrame, config, with_bt: bool) -> None:
    """The steps of `score` one by one (same calls, same order), then the JSONL export."""
    from review.checks import by_family, label_hits, run_family, selected_checks, suppress
    from review.export.scores import to_bytes
    from review.score import (Scored, _segment_table, add_metrics, add_scores, metric_passes,
                              source_words, summarize)

    n = segments.height
    table, _ = timed("segment table (conform)", lambda: _segment_table(segments), n)
    passes = metric_passes(table)
    (table, corpus), _ = timed(f"metrics {passes}", lambda: add_metrics(table, passes, lambda: None), n)
    frame, _ = timed("prepare (helper columns)", lambda: prepare(table), n)
    parts = []
    for fam, ids in by_family(selected_checks(config)).items():
        found, _ = timed(f"checks: {fam} ({len(ids)})", lambda: run_family(frame, ids, config, None), n)
        parts += found
    flags, _ = timed("label flags (concat, doc/seg, weight, sort)", lambda: label_hits(frame, parts, config), n)
    flags, _ = timed("suppress", lambda: suppress(flags), n)
    words, _ = timed("source words", lambda: source_words(table), n)
    scored, _ = timed("add_scores", lambda: add_scores(table, flags, config, words), n)
    summary, _ = timed("summarize", lambda: summarize(scored, flags, config, corpus, words), n)
    result = Scored(scored, flags, summary, config.signature())
    timed("worst_first", lambda: result.worst_first(), n)
    timed("JSONL bytes", lambda: to_bytes(result, "jsonl"), n)


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


def check_segment_speed(rounds: int = 3) -> None:
    """check_segment on every demo segment with a reviewer-like edit (the MT plus a word), warm;
    then the CPU time of each check family and of the runner around them, per call."""
    import statistics

    from review.checks import by_family, label_hits, run_family, selected_checks, suppress
    from review.inputs import load_pair
    from review.score import _segment_table, add_metrics, check_segment, resolve_glossary

    demo = ROOT / "corpora" / "musk-letter"
    corpus = load_pair(str(demo / "en.txt"), str(demo / "ar.mt.txt"), bt=str(demo / "ar.bt.txt"))
    config = load_config(glossary=demo / "glossary.tsv")
    glossary = resolve_glossary(None, config)
    rows = list(corpus.segments.iter_slices(1))
    edit = [(row, (row[TARGET][0] or "") + " أيضا") for row in rows]
    for row, text in edit[:5]:
        check_segment(row, text, config, glossary)
    wall, cpu = [], []
    for _ in range(rounds):
        for row, text in edit:
            t0, c0 = time.perf_counter(), time.process_time()
            check_segment(row, text, config, glossary)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    q = lambda xs, p: sorted(xs)[int(p * (len(xs) - 1))] * 1000  # noqa: E731
    print(f"check_segment, {len(edit)} demo segments x {rounds}: wall median {q(wall, .5):.1f} ms, "
          f"p90 {q(wall, .9):.1f}, max {max(wall) * 1000:.1f}; cpu median {q(cpu, .5):.1f} ms, "
          f"p90 {q(cpu, .9):.1f} (load average {os.getloadavg()[0]:.1f})")
    per: dict[str, float] = {}
    groups = by_family(selected_checks(config))
    c_all = time.process_time()
    for row, text in edit:
        t0 = time.process_time()
        one = _segment_table(row).with_columns(pl.lit(text).alias(TARGET), pl.lit(None, dtype=pl.String).alias(BT))
        frame = prepare(add_metrics(one, [], lambda: None)[0])
        per["runner: table, prepare"] = per.get("runner: table, prepare", 0) + time.process_time() - t0
        parts = []
        for fam, ids in groups.items():
            t0 = time.process_time()
            parts += run_family(frame, ids, config, glossary)
            per[fam] = per.get(fam, 0) + time.process_time() - t0
        t0 = time.process_time()
        suppress(label_hits(frame, parts, config))
        per["runner: label, suppress"] = per.get("runner: label, suppress", 0) + time.process_time() - t0
    total = time.process_time() - c_all
    print(f"  cpu per call by step (total {total / len(edit) * 1000:.1f} ms):")
    for name, dt in sorted(per.items(), key=lambda kv: -kv[1]):
        print(f"    {name:<26} {dt / len(edit) * 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--ref", action="store_true", help="also score against a reference (TER is slow)")
    parser.add_argument("--no-metrics", action="store_true", help="skip the runs with metrics")
    parser.add_argument("--score-only", action="store_true", help="only the whole-score runs")
    parser.add_argument("--stages", action="store_true", help="time each step of score, then stop")
    parser.add_argument("--bt", action="store_true", help="with --stages: keep the back-translation")
    parser.add_argument("--per-check", action="store_true",
                        help="time each check alone on a prepared frame, then stop")
    parser.add_argument("--check-segment", action="store_true",
                        help="time check_segment on the demo corpus (a reviewer's save), then stop")
    args = parser.parse_args()
    if args.check_segment:
        check_segment_speed()
        return
    segments, origin = build(args.n)
    print(f"{segments.height:,} pairs from {origin}; {segments[DOC].n_unique():,} documents; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    config = load_config()
    plain = segments.with_columns(pl.lit(None, dtype=pl.String).alias(BT),
                                  pl.lit(None, dtype=pl.String).alias(REFERENCE))
    bt_only = segments.with_columns(pl.lit(None, dtype=pl.String).alias(REFERENCE))
    if args.stages:
        stages(segments if args.bt else plain, config, args.bt)
        return
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
