"""Sentence-level BLEU and chrF for many pairs: review.metrics vs a sacrebleu `sentence_score` loop.

    .venv/bin/python bench/metrics_speed.py [--pairs 100000] [--workers 2]

Pairs: NTREX-128 Arabic references (../shared/data/ntrex128-dev/ar.txt, when present; otherwise
synthetic Arabic-like sentences) against a perturbed copy (a word dropped, the first words
shuffled, differently in every repetition, so that almost every pair is distinct and the
de-duplication in review.metrics does not flatter the result). Prints pairs/s, the speed-up and
whether every number is identical.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

from sacrebleu.metrics import BLEU, CHRF

from review.metrics import sentence_metrics

NTREX = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ntrex128-dev" / "ar.txt"


def base_sentences() -> list[str]:
    if NTREX.is_file():
        return [s for s in NTREX.read_text("utf-8").splitlines() if s.strip()]
    rng = random.Random(1)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 8))) for _ in range(3000)]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(8, 40))) + "." for _ in range(2000)]


def make_pairs(n: int) -> tuple[list[str], list[str]]:
    rng = random.Random(0)
    base = base_sentences()
    hyps, refs = [], []
    for i in range(n):
        ref = base[i % len(base)]
        words = ref.split()
        if len(words) > 3:
            del words[rng.randrange(len(words))]
            head = words[:3]
            rng.shuffle(head)
            words[:3] = head
        hyps.append(" ".join(words))
        refs.append(ref)
    return hyps, refs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    hyps, refs = make_pairs(args.pairs)
    print(f"{len(hyps):,} pairs ({len(set(zip(hyps, refs))):,} distinct), "
          f"source: {'NTREX-128 ar' if NTREX.is_file() else 'synthetic'}, workers={args.workers}, "
          f"load average before start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, make in (("bleu", lambda: BLEU(tokenize="intl", effective_order=True)), ("chrf", CHRF)):
        metric = make()
        t0 = time.perf_counter()
        loop = [metric.sentence_score(h, [r]).score for h, r in zip(hyps, refs)]
        t_loop = time.perf_counter() - t0
        t0 = time.perf_counter()
        ours = sentence_metrics(hyps, refs, which=(name,), workers=args.workers)[name].to_list()
        t_ours = time.perf_counter() - t0
        same = loop == ours
        print(f"{name:5s} sentence_score loop {t_loop:6.1f} s ({len(hyps) / t_loop:7.0f}/s)   "
              f"review.metrics {t_ours:6.1f} s ({len(hyps) / t_ours:7.0f}/s)   "
              f"speed-up {t_loop / t_ours:4.2f}x   identical: {same}")


if __name__ == "__main__":
    main()
