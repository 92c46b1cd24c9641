"""The harder alignment benchmark: NTREX-128 dev documents damaged the way MT and page scraping
damage them, aligned, scored on links, omissions and confidence.

Each document (the English source and its professional Arabic translation, line-aligned) is cut
into paragraphs of 1-3 sentences (the title, its first line, one of its own), the same on both
sides. Then, per document, with a seed derived
from `--seed` and the document id (so a document's damage does not depend on which others run):

- 8% of target sentences are merged with the next sentence of their paragraph (gold bead 2-1), the
  full stop between them turned into "، و" (a sentence splitter would have cut at a full stop);
- 8% are broken across two lines at a space near their middle (gold 1-2; the first half has no
  final stop and the second starts a new line, as when an MT or a web page wraps a sentence);
- 4% are dropped from the target (gold 1-0: an omission);
- boilerplate lines (5% of the sentence count) are inserted into the target, on their own line,
  at a paragraph break or inside a paragraph (gold 0-1): short page texts such as "اقرأ أيضاً".

Counts are rounded stochastically (floor(rate * n + u)) so that the rates hold on average also
for short documents; the damaged sentences are disjoint.

Documents are split by a stable hash of their id (crc32 of "align:" + id, % 100 < 45: tune,
29 of the 62 documents; else
held-out, 33). Parameters of review.align are tuned on `--split tune` only; the README
reports `--split heldout`.

`--bt`: align with a back-translation of every target sentence. NTREX has none; as a perfect
back-translation we use the English source of the target sentence (the concatenation for a merge,
the matching part of the English for each half of a broken sentence, an English rendering of the
boilerplate). Real back-translations are noisier (bench/align_eval.py simulates the noise).

Scores:
- links: every (source sentence, target sentence) pair inside a bead, plus (i, -) for a source
  sentence in a 1-0 bead and (-, j) for a target sentence in a 0-1 bead; precision, recall, F1
  against the gold links. An omission absorbed into a neighbour's 2-1 bead costs a wrong link.
- dropped sentences: the share that come out as their own 1-0 bead, and the share absorbed into a
  bead with target text (a 2-1 or 2-2 with a neighbour, or wrongly paired);
- spurious 1-0 beads: 1-0 beads whose source sentence was not dropped, as % of all beads;
- bead precision by confidence bucket: a bead is right when it is exactly a gold bead.

    .venv/bin/python bench/align_hard.py [--split tune|heldout|all] [--bt] [--seed 7] [--reps 5]
    .venv/bin/python bench/align_hard.py --split tune --fit-confidence   # weights for Params
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review.align import CONF_FEATURES, DEFAULT_PARAMS, align, features, solve  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ntrex128-dev"
RATES = {"merge": 0.08, "broken": 0.08, "drop": 0.04, "boiler": 0.05}
TUNE_SHARE = 45  # percent of documents (by hash of the id) in the tune split
BUCKETS = (0.0, 0.5, 0.8, 0.9, 0.95, 1.0001)
# Page boilerplate (our own wording), with the English a back-translation would give.
BOILERPLATE = (
    ("اقرأ أيضاً", "Read also"),
    ("شارك هذا المقال", "Share this article"),
    ("اشترك في نشرتنا الإخبارية", "Subscribe to our newsletter"),
    ("جميع الحقوق محفوظة", "All rights reserved"),
    ("الصورة: وكالات", "Photo: agencies"),
    ("إعلان", "Advertisement"),
    ("تابعونا على وسائل التواصل الاجتماعي", "Follow us on social media"),
    ("مواضيع ذات صلة", "Related topics"),
    ("اضغط هنا لمشاهدة الفيديو", "Click here to watch the video"),
    ("آخر تحديث قبل ساعتين", "Last updated two hours ago"),
    ("المزيد من الأخبار", "More news"),
    ("التعليقات مغلقة", "Comments are closed"),
)


def read_docs(data: Path) -> dict[str, list[tuple[str, str]]]:
    en = (data / "en.txt").read_text(encoding="utf-8").splitlines()
    ar = (data / "ar.txt").read_text(encoding="utf-8").splitlines()
    ids = (data / "doc_ids.txt").read_text(encoding="utf-8").splitlines()
    if not (len(en) == len(ar) == len(ids)):
        raise SystemExit(f"{data}: en/ar/doc_ids have different line counts")
    docs: dict[str, list[tuple[str, str]]] = {}
    for e, a, d in zip(en, ar, ids):
        docs.setdefault(d, []).append((e, a))
    return docs


def split_of(doc_id: str) -> str:
    return "tune" if zlib.crc32(("align:" + doc_id).encode("utf-8")) % 100 < TUNE_SHARE else "heldout"


@dataclass
class Case:
    src: list[str] = field(default_factory=list)
    src_para: list[int] = field(default_factory=list)
    src_line: list[bool] = field(default_factory=list)
    tgt: list[str] = field(default_factory=list)
    tgt_para: list[int] = field(default_factory=list)
    tgt_line: list[bool] = field(default_factory=list)
    bt: list[str] = field(default_factory=list)
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    dropped: set[int] = field(default_factory=set)


def _count(rate: float, n: int, rng: random.Random) -> int:
    return math.floor(rate * n + rng.random())


def _break_point(text: str) -> int | None:
    mid = len(text) // 2
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    return min(spaces, key=lambda k: abs(k - mid)) if spaces else None


def merged(a: str, b: str) -> str:
    """Two Arabic sentences run into one, as MT does ("X. Y." -> "X، وY."): the target sentence
    splitter would cut "X. Y." in two, so a merge the aligner sees has no full stop inside."""
    if a.endswith("."):
        return f"{a[:-1]}، و{b}"
    return f"{a} {b}"


def damage(pairs: list[tuple[str, str]], rng: random.Random) -> Case:
    n = len(pairs)
    paras, p, left = [1], 1, 0  # the first line of an NTREX document is its title: a paragraph
    for _ in range(n - 1):
        if left == 0:
            p, left = p + 1, rng.randint(1, 3)
        paras.append(p)
        left -= 1
    # Disjoint damage: merges take k and k + 1 of one paragraph; the rest take single sentences.
    free = set(range(n))
    merge_at: set[int] = set()
    starts = [k for k in range(n - 1) if paras[k] == paras[k + 1]]
    rng.shuffle(starts)
    want_merge = _count(RATES["merge"], n, rng)
    for k in starts:
        if len(merge_at) >= want_merge:
            break
        if k in free and k + 1 in free:
            merge_at.add(k)
            free -= {k, k + 1}
    rest = sorted(free)
    rng.shuffle(rest)
    n_drop, n_broken = _count(RATES["drop"], n, rng), _count(RATES["broken"], n, rng)
    drop = set(rest[:n_drop])
    broken = {k for k in rest[n_drop:n_drop + n_broken] if _break_point(pairs[k][1])}
    n_boiler = _count(RATES["boiler"], n, rng)
    boiler_before = {}
    for _ in range(n_boiler):
        boiler_before.setdefault(rng.randrange(n + 1), []).append(rng.choice(BOILERPLATE))

    c = Case()
    new_line = True  # the next target sentence starts a line

    def add_tgt(text: str, para: int, bt: str, line_start: bool) -> int:
        c.tgt.append(text)
        c.tgt_para.append(para)
        c.tgt_line.append(line_start)
        c.bt.append(bt)
        return len(c.tgt) - 1

    k = 0
    while k <= n:
        for ar, en in boiler_before.get(k, ()):
            # At a paragraph break it is a paragraph of its own; inside one, a line of its own.
            at_break = k == 0 or k == n or paras[k] != paras[k - 1]
            if at_break:
                para = -len(c.tgt) - 1  # a paragraph id no sentence of the source has
            else:
                para = paras[k]
            j = add_tgt(ar, para, en, True)
            c.gold.append(((), (j,)))
            new_line = True
        if k == n:
            break
        e, a = pairs[k]
        para = paras[k]
        first_of_para = k == 0 or paras[k - 1] != para
        line_start = first_of_para or new_line
        new_line = False
        if k in merge_at:
            e2, a2 = pairs[k + 1]
            for text in (e, e2):
                c.src.append(text)
                c.src_para.append(para)
                c.src_line.append(len(c.src_para) == 1 or c.src_para[-2] != para)
            j = add_tgt(merged(a, a2), para, f"{e} {e2}", line_start)
            c.gold.append(((len(c.src) - 2, len(c.src) - 1), (j,)))
            k += 2
            continue
        c.src.append(e)
        c.src_para.append(para)
        c.src_line.append(first_of_para)
        i = len(c.src) - 1
        if k in drop:
            c.gold.append(((i,), ()))
            c.dropped.add(i)
            new_line = line_start  # the next sentence takes the dropped one's place on the line
        elif k in broken:
            cut = _break_point(a)
            ecut = _break_point(e) or len(e)
            j1 = add_tgt(a[:cut].rstrip(" ،,"), para, e[:ecut], line_start)
            j2 = add_tgt(a[cut + 1:], para, e[ecut + 1:], True)
            c.gold.append(((i,), (j1, j2)))
            new_line = True
        else:
            j = add_tgt(a, para, e, line_start)
            c.gold.append(((i,), (j,)))
        k += 1
    # Boilerplate paragraphs got negative ids; renumber target paragraphs 1, 2, ... in order.
    renum, out = {}, []
    for q in c.tgt_para:
        renum.setdefault(q, len(renum) + 1)
        out.append(renum[q])
    c.tgt_para = out
    return c


def links(beads) -> set[tuple[int, int]]:
    out = set()
    for s, t in beads:
        if not t:
            out |= {(i, -1) for i in s}
        elif not s:
            out |= {(-1, j) for j in t}
        else:
            out |= {(i, j) for i in s for j in t}
    return out


@dataclass
class Tally:
    link_ok: int = 0
    link_pred: int = 0
    link_gold: int = 0
    beads: int = 0
    drops: int = 0
    drop_own: int = 0
    drop_absorbed: int = 0
    spurious_10: int = 0
    buckets: list[list[float]] = field(default_factory=lambda: [[0, 0, 0.0] for _ in BUCKETS[:-1]])
    conf_right: list[float] = field(default_factory=list)
    conf_wrong: list[float] = field(default_factory=list)
    by_kind: dict[str, list[int]] = field(default_factory=dict)
    seconds: float = 0.0

    def f1(self) -> tuple[float, float, float]:
        p = self.link_ok / max(self.link_pred, 1)
        r = self.link_ok / max(self.link_gold, 1)
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_case(c: Case, beads_df, t: Tally) -> None:
    pred = [(tuple(range(a, b)), tuple(range(x, y))) for a, b, x, y in
            beads_df.select("src_from", "src_to", "tgt_from", "tgt_to").iter_rows()]
    conf = beads_df["conf"].to_list()
    gold = set(c.gold)
    pl_, gl = links(pred), links(c.gold)
    t.link_ok += len(pl_ & gl)
    t.link_pred += len(pl_)
    t.link_gold += len(gl)
    t.beads += len(pred)
    t.drops += len(c.dropped)
    for (s, tg), x in zip(pred, conf):
        right = (s, tg) in gold
        for b in range(len(BUCKETS) - 1):
            if BUCKETS[b] <= x < BUCKETS[b + 1]:
                t.buckets[b][0] += right
                t.buckets[b][1] += 1
                t.buckets[b][2] += x
        (t.conf_right if right else t.conf_wrong).append(x)
        if s and not tg:
            if s[0] in c.dropped:
                t.drop_own += 1
            else:
                t.spurious_10 += 1
        elif tg and any(i in c.dropped for i in s):
            t.drop_absorbed += 1
    for g in gold:
        kind = f"{len(g[0])}-{len(g[1])}"
        st = t.by_kind.setdefault(kind, [0, 0])
        st[0] += g in set(pred)
        st[1] += 1


def cases(docs: dict[str, list[tuple[str, str]]], split: str, seed: int, reps: int):
    for rep in range(reps):
        for doc_id, pairs in docs.items():
            if split != "all" and split_of(doc_id) != split:
                continue
            yield doc_id, damage(pairs, random.Random(f"{seed + rep}:{doc_id}"))


def evaluate(docs, split: str, seed: int, reps: int, bt: bool, params=DEFAULT_PARAMS,
             prepared=None) -> Tally:
    t = Tally()
    for _, c in prepared if prepared is not None else cases(docs, split, seed, reps):
        t0 = time.perf_counter()
        df = align(c.src, c.tgt, c.src_para, c.tgt_para, c.src_line, c.tgt_line,
                   tgt_bt=c.bt if bt else None, params=params)
        t.seconds += time.perf_counter() - t0
        score_case(c, df, t)
    return t


def auc(right: list[float], wrong: list[float]) -> float:
    """Probability that a right bead has a higher confidence than a wrong one (ties count half)."""
    if not right or not wrong:
        return float("nan")
    import numpy as np

    r, w = np.sort(np.array(right)), np.array(wrong)
    below = np.searchsorted(r, w, side="left")
    equal = np.searchsorted(r, w, side="right") - below
    return float(((len(r) - below - equal).sum() + 0.5 * equal.sum()) / (len(r) * len(w)))


def report(label: str, t: Tally) -> None:
    p, r, f1 = t.f1()
    d = max(t.drops, 1)
    print(f"  {label}: link precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}")
    print(f"    dropped sentences {t.drops}: own 1-0 bead {t.drop_own / d:.1%}, absorbed into a bead with "
          f"target text {t.drop_absorbed / d:.1%};  spurious 1-0 beads {t.spurious_10} of {t.beads} "
          f"beads ({t.spurious_10 / max(t.beads, 1):.2%})")
    print("    gold beads found by type: " + "  ".join(f"{k} {ok}/{n}" for k, (ok, n) in sorted(t.by_kind.items())))
    cells = []
    for (lo, hi), (ok, n, total) in zip(zip(BUCKETS, BUCKETS[1:]), t.buckets):
        if n:
            cells.append(f"[{lo:.2f},{min(hi, 1):.2f}{']' if hi > 1 else ')'} {ok}/{n} = {ok / n:.3f} "
                         f"(mean conf {total / n:.3f})")
    print("    bead precision by confidence: " + ";  ".join(cells))
    conf = t.conf_right + t.conf_wrong
    brier = (sum((1 - x) ** 2 for x in t.conf_right) + sum(x * x for x in t.conf_wrong)) / max(len(conf), 1)
    print(f"    Brier score {brier:.4f}; low-confidence beads (< 0.5): {sum(x < 0.5 for x in conf)}, of them wrong "
          f"{sum(x < 0.5 for x in t.conf_wrong)}; wrong beads at >= 0.5: {sum(x >= 0.5 for x in t.conf_wrong)}")
    print(f"    confidence AUC (right vs wrong beads) {auc(t.conf_right, t.conf_wrong):.3f}; "
          f"aligning {t.seconds:.2f} s")


def fit_confidence(prepared, params=DEFAULT_PARAMS) -> tuple[float, ...]:
    """Logistic regression (Newton's method, a little L2) of "the bead is exactly a gold bead" on
    review.align's confidence features, over the given cases aligned without and with the
    back-translation. Run on the tune split; the weights go into Params.confidence_weights."""
    import numpy as np

    xs, ys = [], []
    for _, c in prepared:
        gold = set(c.gold)
        for bt in (False, True):
            beads, x = solve(features(c.src, c.src_para, c.src_line, lexical=c.src if bt else None),
                             features(c.tgt, c.tgt_para, c.tgt_line, lexical=c.bt if bt else None), params)
            xs.append(x)
            ys += [(tuple(range(a, b)), tuple(range(q, r))) in gold for a, b, q, r, _ in beads]
    x, y = np.vstack(xs), np.array(ys, dtype=float)
    w = np.zeros(x.shape[1])
    for _ in range(50):
        prob = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (prob - y) + 1e-2 * w
        hess = (x * (prob * (1 - prob))[:, None]).T @ x + 1e-2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return tuple(round(float(v), 3) for v in w)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--split", choices=("tune", "heldout", "all"), default="heldout")
    ap.add_argument("--bt", action="store_true", help="also align with the English source as a perfect "
                    "back-translation of each target sentence")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reps", type=int, default=5, help="damage every document this many times (seeds "
                    "seed, seed+1, ...) for more omissions to count")
    ap.add_argument("--fit-confidence", action="store_true", help="fit the confidence weights on this "
                    "split (use --split tune) and print them instead of scoring")
    args = ap.parse_args()
    if not all((args.data / f).is_file() for f in ("en.txt", "ar.txt", "doc_ids.txt")):
        print(f"align_hard: {args.data} not found; nothing to measure (third-party data, not in the repo)")
        return 0
    docs = read_docs(args.data)
    chosen = [d for d in docs if args.split == "all" or split_of(d) == args.split]
    prepared = list(cases(docs, args.split, args.seed, args.reps))
    if args.fit_confidence:
        weights = fit_confidence(prepared)
        print(f"confidence weights over {CONF_FEATURES} fitted on split {args.split}:\n{weights}")
        return 0
    print(f"NTREX-128 dev, split {args.split}: {len(chosen)} of {len(docs)} documents, "
          f"{sum(len(docs[d]) for d in chosen)} sentence pairs, damaged {args.reps}x (seed {args.seed}); "
          f"rates {RATES}, paragraphs of 1-3 sentences")
    report("no back-translation", evaluate(docs, args.split, args.seed, args.reps, False, prepared=prepared))
    if args.bt:
        report("with back-translation (English source as a perfect BT)",
               evaluate(docs, args.split, args.seed, args.reps, True, prepared=prepared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
