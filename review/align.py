"""Monotonic sentence alignment of a source and a target document (Gale-Church plus anchors).

The cost of each bead (length, anchors, names, back-translation, layout, omission) is computed in
review.align_cost; this module finds the cheapest path and the confidence of each bead.

The dynamic programme runs over a band around the diagonal of cumulative character positions,
row by row with numpy; the 0-1 moves inside a row are a running minimum (`minimum.accumulate`).
When the best path comes close to the band's edge the band is doubled and the search repeated.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import polars as pl

from review.align_cost import (BEAD_NAMES, BEAD_SHAPES, BIG, CONF_FEATURES, DEFAULT_PARAMS,  # noqa: F401
                               LOW_CONF_THRESHOLD, Params, SideFeatures, _CostModel, features, lexical_masks)
from review.arabic import name_skeletons, word_skeletons  # noqa: F401  (re-exported for callers)


# --------------------------------------------------------------------------- dynamic programme

def _band_lows(src: SideFeatures, tgt: SideFeatures, width: int) -> np.ndarray:
    """First target column of each row's band, centred on the diagonal of character positions."""
    n, m = len(src.lengths), len(tgt.lengths)
    cs = np.concatenate([[0.0], np.cumsum(src.lengths + 1)])
    ct = np.concatenate([[0.0], np.cumsum(tgt.lengths + 1)])
    scale = ct[-1] / cs[-1] if cs[-1] > 0 else 1.0
    centre = np.searchsorted(ct, cs * scale)
    centre[-1] = m
    lo = np.clip(centre - width // 2, 0, max(0, m + 1 - width))
    return np.maximum.accumulate(lo).astype(np.int64)


def _run(model: _CostModel, n: int, m: int, lo: np.ndarray, width: int):
    W = width
    D = np.full((n + 1, W), BIG)
    bp = np.full((n + 1, W), -1, dtype=np.int8)
    pad = [np.full(3 * W, BIG), np.full(3 * W, BIG)]  # rows i-1 and i-2, data at [W, 2W)
    cand = np.empty((5, W))
    block = max(1, min(n + 1, 2_000_000 // (6 * W) or 1))
    ks = np.arange(W)
    for r0 in range(0, n + 1, block):
        r1 = min(n + 1, r0 + block)
        I = np.arange(r0, r1)[:, None]
        J = lo[r0:r1, None] + ks[None, :]
        C = [model.cost(t, I, J) for t in range(6)]
        # The first column's 0-1 cost is never used (nothing lies to its left); zeroing it and
        # capping the rest keeps the running sums small enough for exact comparisons.
        c01 = np.minimum(C[5], 1e6)
        c01[:, 0] = 0.0
        cum01 = np.cumsum(c01, axis=1)
        for i in range(r0, r1):
            r = i - r0
            if i == 0:
                X = np.full(W, BIG)
                X[0] = 0.0  # lo[0] == 0: the empty alignment
                best_t = np.full(W, 4, dtype=np.int8)
            else:
                p1 = pad[0]
                p2 = pad[1]
                s1 = W + lo[i] - lo[i - 1]
                s2 = W + lo[i] - lo[i - 2] if i >= 2 else 3 * W
                for t, (src_p, dj) in enumerate(((p1, 1), (p1, 2), (p2, 1), (p2, 2), (p1, 0))):
                    sh = s1 if src_p is p1 else s2
                    a = sh - dj
                    if 0 <= a <= 2 * W:
                        np.add(src_p[a:a + W], C[t][r], out=cand[t])
                    else:
                        cand[t].fill(BIG)
                best_t = cand.argmin(axis=0)
                X = cand.min(axis=0)
            # 0-1 moves within the row: D[k] = min_{k0<=k} X[k0] + sum(c01[k0+1..k]).
            cum = cum01[r]
            scanned = cum + np.minimum.accumulate(X - cum)
            from_left = scanned < X - 1e-7
            row = np.minimum(scanned, X)
            row = np.minimum(row, BIG)
            D[i] = row
            bp[i] = np.where(from_left, 5, best_t)
            pad[1], pad[0] = pad[0], pad[1]
            pad[0][W:2 * W] = row
    return D, bp


def _traceback(bp: np.ndarray, lo: np.ndarray, n: int, m: int) -> list[tuple[int, int, int, int, int]]:
    beads = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(bp[i, j - lo[i]])
        if t < 0:
            raise RuntimeError("alignment band lost the path")
        ns, nt = BEAD_SHAPES[t]
        beads.append((i - ns, i, j - nt, j, t))
        i, j = i - ns, j - nt
    beads.reverse()
    return beads


def _near_edge(beads, lo: np.ndarray, W: int, m: int, margin: int = 2) -> bool:
    for a, b, c, d, _ in beads:
        for i, j in ((a, c), (b, d)):
            k = j - lo[i]
            if (k < margin and lo[i] > 0) or (k > W - 1 - margin and lo[i] + W - 1 < m):
                return True
    return False


def _confidence_features(model: _CostModel, D: np.ndarray, lo: np.ndarray, W: int, beads) -> np.ndarray:
    """Per bead, what says it may be wrong (one row per bead, CONF_FEATURES columns): the margin by
    which its end cell is reached by this bead rather than by another bead type (the smaller of
    its own and the next bead's: a close alternative alignment), its own cost (a bead that is itself
    unlikely), its type, its length and whether a back-translation took part."""
    if not beads:
        return np.zeros((0, len(CONF_FEATURES)))
    ends_i = np.array([b[1] for b in beads])
    ends_j = np.array([b[3] for b in beads])
    chosen = np.array([b[4] for b in beads])
    n = D.shape[0] - 1

    def dval(i, j):
        k = j - lo[np.clip(i, 0, n)]
        ok = (i >= 0) & (j >= 0) & (k >= 0) & (k < W)
        return np.where(ok, D[np.clip(i, 0, n), np.clip(k, 0, W - 1)], BIG)

    alts = np.empty((6, len(beads)))
    for t, (ns, nt) in enumerate(BEAD_SHAPES):
        alts[t] = dval(ends_i - ns, ends_j - nt) + model.cost(t, ends_i, ends_j)
    best = alts[chosen, np.arange(len(beads))]
    alts[chosen, np.arange(len(beads))] = np.inf
    margin = np.clip(alts.min(axis=0) - best, 0, None)
    nxt = np.concatenate([margin[1:], [np.inf]])
    own_cost = best - dval(np.array([b[0] for b in beads]), np.array([b[2] for b in beads]))
    shapes = np.array([BEAD_SHAPES[t] for t in chosen])
    skip = (shapes.min(axis=1) == 0).astype(float)
    multi = (shapes.max(axis=1) == 2).astype(float)
    s_len = np.concatenate([[0.0], np.cumsum(model.s[1].length[1:])])
    t_len = np.concatenate([[0.0], np.cumsum(model.t[1].length[1:])])
    chars = (s_len[ends_i] - s_len[[b[0] for b in beads]]) + (t_len[ends_j] - t_len[[b[2] for b in beads]])
    return np.column_stack([
        np.ones(len(beads)),
        np.log1p(np.minimum(np.minimum(margin, nxt), 50.0)),
        np.clip(own_cost, -5.0, 40.0),
        skip, multi,
        np.log1p(chars),
        np.full(len(beads), float(model.lexical)),
    ])


def _confidence(features: np.ndarray, p: Params) -> np.ndarray:
    """Probability that a bead is right: a logistic model of its features, fitted on the tune
    split of bench/align_hard.py (bench/align_hard.py --fit-confidence prints the weights)."""
    z = features @ np.asarray(p.confidence_weights, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def align_features(src: SideFeatures, tgt: SideFeatures, params: Params = DEFAULT_PARAMS,
                   width: int | None = None) -> pl.DataFrame:
    beads, conf_x = solve(src, tgt, params, width)
    return _frame(beads, _confidence(conf_x, params))


def solve(src: SideFeatures, tgt: SideFeatures, params: Params = DEFAULT_PARAMS,
          width: int | None = None) -> tuple[list[tuple[int, int, int, int, int]], np.ndarray]:
    """The best path as (src_from, src_to, tgt_from, tgt_to, shape index) beads, and each bead's
    confidence features (bench/align_hard.py fits the confidence weights on them)."""
    n, m = len(src.lengths), len(tgt.lengths)
    if n == 0 and m == 0:
        return [], np.zeros((0, len(CONF_FEATURES)))
    model = _CostModel(src, tgt, params)
    # The drift of sentence positions from the character diagonal grows like sqrt(n): a band of
    # sqrt(n + m) rarely needs widening (the search is repeated, twice as wide, when it does).
    W = width or max(64, int(np.sqrt(n + m)))
    while True:
        W = min(W, m + 1)
        lo = _band_lows(src, tgt, W)
        D, bp = _run(model, n, m, lo, W)
        beads = _traceback(bp, lo, n, m)
        if W >= m + 1 or not _near_edge(beads, lo, W, m):
            break
        W *= 2
    return beads, _confidence_features(model, D, lo, W, beads)


def _frame(beads, conf) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "src_from": [b[0] for b in beads],
            "src_to": [b[1] for b in beads],
            "tgt_from": [b[2] for b in beads],
            "tgt_to": [b[3] for b in beads],
            "bead": [BEAD_NAMES[b[4]] for b in beads],
            "conf": np.asarray(conf, dtype=np.float64),
        },
        schema={"src_from": pl.Int64, "src_to": pl.Int64, "tgt_from": pl.Int64, "tgt_to": pl.Int64,
                "bead": pl.String, "conf": pl.Float64},
    ).with_columns(low_conf=pl.col("conf") < LOW_CONF_THRESHOLD)


def align(src: Sequence[str], tgt: Sequence[str], src_para=None, tgt_para=None, src_line_start=None,
          tgt_line_start=None, src_kinds=None, tgt_kinds=None, tgt_bt=None, params: Params = DEFAULT_PARAMS,
          width: int | None = None) -> pl.DataFrame:
    """Align two lists of sentences. One row per bead, in order: the half-open sentence ranges
    [src_from, src_to) and [tgt_from, tgt_to) (0-based), the bead type, a confidence in [0, 1]
    and `low_conf`. Every sentence of each side is in exactly one bead.

    `tgt_bt`: a back-translation into the source language, one text (or None) per target
    sentence; the word overlap of source and back-translation then counts in each bead's cost."""
    lexical = tgt_bt is not None and any(tgt_bt)
    return align_features(features(src, src_para, src_line_start, src_kinds, src if lexical else None),
                          features(tgt, tgt_para, tgt_line_start, tgt_kinds, tgt_bt if lexical else None),
                          params, width)
