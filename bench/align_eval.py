"""Alignment quality on NTREX-128 (line-aligned professional EN->AR news): precision, recall, F1.

Documents are rebuilt from doc_ids.txt and cut into paragraphs of 1-4 sentences (the same on both
sides, as an MT keeps the paragraphs). Then, seeded, on the target side: neighbouring sentences of
a paragraph are merged (gold bead 2-1), sentences are split in two at the space nearest their middle
(gold 1-2), deleted (gold 1-0), and sentences from another document are inserted (gold 0-1); a few
source sentences are deleted too (gold 0-1). Everything else is gold 1-1.

The target F1 >= 0.97 is for the merges-and-splits case; the run with omissions and
insertions as well is printed to show where the length-and-anchor model is weaker.

Each case is aligned without and with a back-translation of the target. NTREX has none, so it is
simulated from the English sentence behind each target sentence (what a perfect back-translation
would say), with each word dropped or replaced by a random corpus word with probability `noise`.
At noise 0.3 the content-word overlap (median Dice 0.77) is that of the demo corpus's real
back-translation (0.76); 0.5 is a looser one (0.58).

A predicted bead counts as correct when it is exactly a gold bead (same source and target sentence
sets). Precision = correct / predicted, recall = correct / gold. Printed for the layout above and
for the harder case without paragraph breaks (each document one paragraph).

    .venv/bin/python bench/align_eval.py [--seed N] [--bt-noise 0.3 0.5] [--data ../shared/data/ntrex128-dev]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align_hard import read_docs  # noqa: E402  (the NTREX reader, beside this script)
from review.align import align  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ntrex128-dev"
RATES = {"merge": 0.05, "split": 0.05, "drop_tgt": 0.02, "insert_tgt": 0.02, "drop_src": 0.02}


def read_ntrex(data: Path):
    """The NTREX documents as lists of (en, ar) lines (the reader of align_hard.py, beside this script)."""
    return list(read_docs(data).values())


def split_middle(text: str) -> tuple[str, str] | None:
    mid = len(text) // 2
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return None
    i = min(spaces, key=lambda k: abs(k - mid))
    return text[:i], text[i + 1:]


def simulated_bt(text: str, rng: random.Random, noise: float, vocab: list[str]) -> str:
    """What a back-translation of a faithful translation of `text` could look like: the source
    words, each dropped or replaced by a random corpus word with probability `noise`."""
    out = []
    for word in text.split():
        r = rng.random()
        if r < noise / 2:
            continue
        out.append(rng.choice(vocab) if r < noise else word)
    return " ".join(out)


def perturb(pairs, rng: random.Random, pool: list[tuple[str, str]], para_breaks: bool):
    """Source and target sentence lists with paragraph ids, the English text behind each target
    sentence (for a simulated back-translation), and the gold beads as (source index tuple,
    target index tuple). `pool`: (English, Arabic) pairs of other documents to insert."""
    paras, p, left = [], 0, 0
    for _ in pairs:
        if left == 0:
            p, left = p + 1, rng.randint(1, 4)
        paras.append(p if para_breaks else 1)
        left -= 1
    src, src_para, tgt, tgt_para, tgt_en, gold = [], [], [], [], [], []
    k = 0
    n = len(pairs)
    while k < n:
        e, a = pairs[k]
        para = paras[k]
        r = rng.random()
        if r < RATES["insert_tgt"]:
            e_ins, a_ins = rng.choice(pool)
            tgt.append(a_ins)
            tgt_en.append(e_ins)
            tgt_para.append(para)
            gold.append(((), (len(tgt) - 1,)))
        r = rng.random()
        if r < RATES["merge"] and k + 1 < n and paras[k + 1] == para:
            e2, a2 = pairs[k + 1]
            src += [e, e2]
            src_para += [para, para]
            tgt.append(f"{a} {a2}")
            tgt_en.append(f"{e} {e2}")
            tgt_para.append(para)
            gold.append(((len(src) - 2, len(src) - 1), (len(tgt) - 1,)))
            k += 2
            continue
        r -= RATES["merge"]
        halves = split_middle(a)
        if 0 <= r < RATES["split"] and halves:
            src.append(e)
            src_para.append(para)
            tgt += list(halves)
            tgt_en += list(split_middle(e) or (e, ""))
            tgt_para += [para, para]
            gold.append(((len(src) - 1,), (len(tgt) - 2, len(tgt) - 1)))
        elif 0 <= (r := r - RATES["split"]) < RATES["drop_tgt"]:
            src.append(e)
            src_para.append(para)
            gold.append(((len(src) - 1,), ()))
        elif 0 <= (r := r - RATES["drop_tgt"]) < RATES["drop_src"]:
            tgt.append(a)
            tgt_en.append(e)
            tgt_para.append(para)
            gold.append(((), (len(tgt) - 1,)))
        else:
            src.append(e)
            src_para.append(para)
            tgt.append(a)
            tgt_en.append(e)
            tgt_para.append(para)
            gold.append(((len(src) - 1,), (len(tgt) - 1,)))
        k += 1
    return src, src_para, tgt, tgt_para, tgt_en, gold


def line_starts(paras: list[int]) -> list[bool]:
    """Each paragraph is one line of running text: only its first sentence starts a line."""
    return [k == 0 or paras[k] != paras[k - 1] for k in range(len(paras))]


def evaluate(docs, seed: int, para_breaks: bool, params=None, bt_noise: float | None = None):
    """Without `bt_noise` the aligner sees only the two sides; with it, also a simulated
    back-translation of each target sentence (see simulated_bt)."""
    rng = random.Random(seed)
    bt_rng = random.Random(seed + 1_000_003)  # its own stream: the perturbations stay the same
    vocab = [w for pairs in docs for e, _ in pairs for w in e.split()]
    correct = n_pred = n_gold = 0
    by_type: dict[str, list[int]] = {}
    seconds = 0.0
    for d, pairs in enumerate(docs):
        pool = [pair for other, ps in enumerate(docs) if other != d for pair in ps[:3]]
        src, sp, tgt, tp, tgt_en, gold = perturb(pairs, rng, pool, para_breaks)
        bt = None if bt_noise is None else [simulated_bt(e, bt_rng, bt_noise, vocab) for e in tgt_en]
        t0 = time.perf_counter()
        beads = align(src, tgt, sp, tp, line_starts(sp), line_starts(tp), tgt_bt=bt,
                      **({"params": params} if params else {}))
        seconds += time.perf_counter() - t0
        pred = {(tuple(range(a, b)), tuple(range(c, e)))
                for a, b, c, e in beads.select("src_from", "src_to", "tgt_from", "tgt_to").iter_rows()}
        gold_set = set(gold)
        correct += len(pred & gold_set)
        n_pred += len(pred)
        n_gold += len(gold_set)
        for g in gold_set:
            kind = f"{len(g[0])}-{len(g[1])}"
            stats = by_type.setdefault(kind, [0, 0])
            stats[0] += g in pred
            stats[1] += 1
    p = correct / n_pred if n_pred else 0.0
    r = correct / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1, by_type, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--bt-noise", type=float, nargs="*", default=[0.3, 0.5],
                    help="also align with a simulated back-translation at these noise levels "
                         "(0.3: word overlap with the source like the demo corpus's real one)")
    args = ap.parse_args()
    if not (args.data / "en.txt").exists():
        print(f"align_eval: {args.data} not found; nothing to measure (third-party data, not in the repo)")
        return 0
    docs = read_ntrex(args.data)
    print(f"NTREX-128 dev: {len(docs)} documents, {sum(map(len, docs))} sentence pairs; seed {args.seed}")
    full = dict(RATES)
    scenarios = (("merges + splits", dict(full, drop_tgt=0.0, insert_tgt=0.0, drop_src=0.0)),
                 ("+ omissions/insertions", full))
    for name, rates in scenarios:
        RATES.update(rates)
        print(f"{name}: rates {rates}")
        for bt_noise in (None, *args.bt_noise):
            for label, breaks in (("paragraphs kept", True), ("no paragraph breaks", False)):
                p, r, f1, by_type, secs = evaluate(docs, args.seed, breaks, bt_noise=bt_noise)
                found = "  ".join(f"{k} {ok}/{n}" for k, (ok, n) in sorted(by_type.items()))
                with_bt = "no BT" if bt_noise is None else f"BT noise {bt_noise}"
                print(f"  {with_bt:>12}, {label:>19}: precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}   "
                      f"(gold found by type: {found}; aligning {secs:.2f} s)")
    RATES.update(full)
    return 0


if __name__ == "__main__":
    sys.exit(main())
