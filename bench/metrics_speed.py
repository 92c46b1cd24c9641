"""Sentence-level BLEU and chrF for many pairs: review.metrics vs a sacrebleu `sentence_score` loop.

    .venv/bin/python bench/metrics_speed.py [--pairs 100000] [--workers 2]

Pairs: NTREX-128 Arabic references (../shared/data/ntrex128-dev/ar.txt, when present; otherwise
synthetic Arabic-like sentences) against a perturbed copy (see make_pairs), every pair distinct
so that the de-duplication in review.metrics does not flatter the result. The loop reuses one metric
object, as sacrebleu's docs advise (its tokenizer cache then serves the repeated references).

Prints, for BLEU (intl, effective order) and chrF: the loop's time, ours with all cores, ours
again in a child process pinned to ONE core (os.sched_setaffinity, so polars' thread pool and
everything else get one core too), the speed-ups, and whether every number is identical.
Wall-clock times, then CPU times (this process's, or the child's): the CPU figures hold even
when other work shares the machine; run it quiet anyway (load average printed before/after).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

NTREX = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ntrex128-dev" / "ar.txt"
METRICS = ("bleu", "chrf")


def base_sentences() -> list[str]:
    if NTREX.is_file():
        return [s for s in NTREX.read_text("utf-8").splitlines() if s.strip()]
    rng = random.Random(1)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 8))) for _ in range(3000)]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(8, 40))) + "." for _ in range(2000)]


def make_pairs(n: int) -> tuple[list[str], list[str]]:
    """Every pair distinct: one or two words dropped and two neighbours swapped, at random
    places; the rare repeat gets its row number appended."""
    rng = random.Random(0)
    base = base_sentences()
    hyps, refs, seen = [], [], set()
    for i in range(n):
        ref = base[i % len(base)]
        words = ref.split()
        for _ in range(rng.choice((1, 2)) if len(words) > 4 else int(len(words) > 2)):
            del words[rng.randrange(len(words))]
        if len(words) > 1:
            j = rng.randrange(len(words) - 1)
            words[j], words[j + 1] = words[j + 1], words[j]
        hyp = " ".join(words)
        if (hyp, ref) in seen:
            hyp += f" {i}"
        seen.add((hyp, ref))
        hyps.append(hyp)
        refs.append(ref)
    return hyps, refs


def digest(scores: list) -> str:
    return hashlib.sha256(repr(scores).encode()).hexdigest()


def time_ours(hyps: list[str], refs: list[str], workers: int) -> dict[str, tuple[float, float, str]]:
    """Per metric: wall time, CPU time (all threads of this process), digest of the scores."""
    from review.metrics import sentence_metrics

    out = {}
    for name in METRICS:
        t0, c0 = time.perf_counter(), time.process_time()
        scores = sentence_metrics(hyps, refs, which=(name,), workers=workers)[name].to_list()
        out[name] = (time.perf_counter() - t0, time.process_time() - c0, digest(scores))
    return out


def one_core(pairs: int) -> dict[str, tuple[float, float, str]]:
    """time_ours with one worker in a child process restricted to one CPU."""
    out = subprocess.run([sys.executable, __file__, "--pairs", str(pairs), "--child-one-core"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--child-one-core", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    hyps, refs = make_pairs(args.pairs)
    if args.child_one_core:
        # before polars is imported: its thread pool sizes itself from the allowed CPUs
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        print(json.dumps(time_ours(hyps, refs, workers=1)))
        return
    from sacrebleu.metrics import BLEU, CHRF

    print(f"{len(hyps):,} pairs ({len(set(zip(hyps, refs))):,} distinct), "
          f"source: {'NTREX-128 ar' if NTREX.is_file() else 'synthetic'}, "
          f"load average before start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    makers = {"bleu": lambda: BLEU(tokenize="intl", effective_order=True), "chrf": CHRF}
    loop = {}
    for name in METRICS:
        metric = makers[name]()
        t0, c0 = time.perf_counter(), time.process_time()
        scores = [metric.sentence_score(h, [r]).score for h, r in zip(hyps, refs)]
        loop[name] = (time.perf_counter() - t0, time.process_time() - c0, digest(scores))
    ours = time_ours(hyps, refs, args.workers)
    single = one_core(args.pairs)
    for name in METRICS:
        t_loop, c_loop, want = loop[name]
        (t_ours, c_ours, got), (t_one, c_one, got_one) = ours[name], single[name]
        print(f"{name:5s} wall: sentence_score loop {t_loop:5.1f} s | review.metrics {t_ours:5.1f} s "
              f"(workers={args.workers}) {t_loop / t_ours:5.2f}x | one core {t_one:5.1f} s "
              f"{t_loop / t_one:5.2f}x | identical: {got == want and got_one == want}")
        print(f"{'':5s} CPU:  sentence_score loop {c_loop:5.1f} s | review.metrics {c_ours:5.1f} s "
              f"{'':11s} {c_loop / c_ours:5.2f}x | one core {c_one:5.1f} s {c_loop / c_one:5.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
