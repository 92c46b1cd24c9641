"""Alignment speed: 10,000 x 10,000 sentences in one document (target: under 5 s on 2 cores).

The sentences are NTREX-128 pairs repeated (with the merges, splits, omissions and insertions of
align_eval.py) when ../shared/data/ntrex128-dev is present, else synthetic sentences of random
lengths. Features (anchor extraction) and the alignment itself are timed separately.

    .venv/bin/python bench/align_speed.py [--n 10000] [--paragraphs]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from align_eval import DATA, line_starts, perturb, read_ntrex, simulated_bt  # noqa: E402

from review.align import align_features, features  # noqa: E402


def synthetic(n: int, rng: random.Random):
    words = ["alpha", "beta", "gamma", "delta", "news", "report", "2023", "OpenAI", "board", "said"]
    ar = ["قال", "الشركة", "مجلس", "الإدارة", "تقرير", "أخبار", "٢٠٢٣", "OpenAI", "في", "من"]
    pairs = []
    for _ in range(n):
        k = rng.randint(4, 40)
        idx = [rng.randrange(len(words)) for _ in range(k)]
        pairs.append((" ".join(words[i] for i in idx) + ".", " ".join(ar[i] for i in idx) + "."))
    return pairs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--paragraphs", action="store_true", help="keep paragraph breaks (default: one paragraph)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--bt", action="store_true", help="with a simulated back-translation (word-overlap term)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if (DATA / "en.txt").exists():
        base = [p for doc in read_ntrex(DATA) for p in doc]
        origin = "NTREX-128 dev repeated"
    else:
        base = synthetic(1000, rng)
        origin = "synthetic"
    pairs = [base[k % len(base)] for k in range(args.n)]
    pool = base[:200]
    src, sp, tgt, tp, tgt_en, gold = perturb(pairs, rng, pool, args.paragraphs)
    vocab = [w for e, _ in base for w in e.split()]
    bt = [simulated_bt(e, rng, 0.3, vocab) for e in tgt_en] if args.bt else None
    t0 = time.perf_counter()
    fs = features(src, sp, line_starts(sp), lexical=src if bt else None)
    ft = features(tgt, tp, line_starts(tp), lexical=bt)
    t1 = time.perf_counter()
    beads = align_features(fs, ft)
    t2 = time.perf_counter()
    pred = {(tuple(range(a, b)), tuple(range(c, e)))
            for a, b, c, e in beads.select("src_from", "src_to", "tgt_from", "tgt_to").iter_rows()}
    gold_set = set(gold)
    ok = len(pred & gold_set)
    p, r = ok / len(pred), ok / len(gold_set)
    print(f"{origin}: {len(src):,} x {len(tgt):,} sentences in one document"
          f"{' (paragraphs kept)' if args.paragraphs else ' (no paragraph breaks)'}"
          f"{', with back-translation' if bt else ''}")
    print(f"features {t1 - t0:.2f} s, alignment {t2 - t1:.2f} s, total {t2 - t0:.2f} s (target < 5 s); "
          f"F1 {2 * p * r / (p + r):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
