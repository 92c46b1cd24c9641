"""The cost of a bead for review.align: features of each side's sentences and the cost model.

A bead joins 0-2 consecutive source sentences with 0-2 consecutive target sentences. Its cost adds:

- a length term: how far the target length is from the source length times the document's own
  target/source character ratio, in standard deviations (Gale & Church 1993), squared;
- a prior for the bead type (1-1 cheapest; 1-0 and 0-1 dearest);
- anchors that survive translation: numbers in any digit system, URLs, e-mails, `?`/`؟`, quotes,
  heading and bullet markers must appear on both sides; Latin-script tokens left in a non-Latin
  target must appear in the source. Anchors are hashed into 64-bit masks so that a bead's cost is
  a few vectorised bit operations;
- names: a bonus per capitalised source word whose consonant skeleton (review.arabic; Trump ~ ترامب:
  t-r-m-b) appears among the target words' skeletons (matched sparsely near the diagonal);
- with a back-translation of the target (`tgt_bt`): the content-word overlap (Dice of hashed stem
  masks) of the bead's source and back-translation, a bonus above `lex_centre` and a charge below.
  This is what finds most sentences that exist on one side only;
- layout: a bead whose sentences straddle a paragraph break pays; a bead that starts a paragraph on
  one side only pays; two sentences of one side on consecutive lines of one paragraph (how MT breaks
  a sentence across lines) are cheap to join, cheaper still when the first one has no final stop;
  a 1-0 or 0-1 bead next to a paragraph break that the missing sentence moved takes back part of
  the charge its neighbour pays for it (`skip_refund`);
- omission, explicitly: each sentence of a bead that joins two sentences of one side (2-1, 1-2,
  2-2) must earn its place (`_omission`): how much better the pair's length fits than its
  partner's alone, its own numbers and Latin words and its names found on the other side, its
  content words in the back-translation, a sentence cut inside a line. The weaker of the two pays
  for missing evidence, so a dropped sentence next to a translated one becomes a 1-0 bead instead of
  half of a 2-1 "merge", and a boilerplate line next to a sentence a 0-1 bead instead of half of a
  1-2 "broken line". Tuned on the tune split of bench/align_hard.py.
"""

from __future__ import annotations

import functools
import re
import zlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from review.arabic import DIGIT_MAP, NON_ASCII_DIGIT_RE, name_skeletons, word_skeletons
from review.schema import BEADS

# Bead types in the order of the DP's candidate rows: (source count, target count).
BEAD_SHAPES = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 0), (0, 1))
BEAD_NAMES = tuple(f"{a}-{b}" for a, b in BEAD_SHAPES)
assert set(BEAD_NAMES) == set(BEADS)

LOW_CONF_THRESHOLD = 0.5
BIG = 1e12  # "impossible" as a finite number, so that sums and differences never turn into NaN


@dataclass(frozen=True)
class Params:
    variance: float = 4.5  # per-character variance of the length difference (2.9 on NTREX; MT varies more)
    prior_12: float = 2.5  # -log prior of 1-2 and 2-1 beads
    prior_22: float = 5.0
    prior_skip: float = 3.25  # 1-0 and 0-1
    skip_per_char: float = 0.0  # tuned on NTREX: charging long skipped sentences more hurt F1
    anchor_miss: float = 2.0  # per anchor present on one side only
    anchor_hit: float = 0.5  # bonus per shared anchor (at most two per bead)
    cross_para: float = 8.0  # two sentences of one side in different paragraphs
    para_cut: float = 6.0  # bead starts and ends at a paragraph break on one side only
    line_join: float = 1.0  # bonus: the two sentences are on consecutive lines of a paragraph
    open_join: float = 3.0  # extra bonus when the first of them has no final stop
    lex_weight: float = 12.0  # back-translation given: weight of the word overlap (Dice) of a bead
    lex_centre: float = 0.25  # Dice at which the overlap term is neutral (above: bonus, below: penalty)
    name_hit: float = 1.5  # bonus per source name whose consonant skeleton the target has (at most 2)
    name_miss: float = 0.0  # per source name not found (most names are translated or spelled otherwise)
    name_none: float = 1.0  # charge when a side has at least name_none_min names and none is found
    name_none_min: int = 3
    name_window: int = 400  # names are matched only this many sentences around the diagonal
    omit_weight: float = 4.0  # per unit of missing evidence that a sentence of a 2-1/2-2 bead is translated
    omit_weight_t: float = 4.0  # the same for a target sentence of a 1-2/2-2 bead
    omit_margin: float = 1.0  # evidence (cost units) a joined sentence needs to be free of charge
    omit_margin_t: float = 2.0  # the same for a target sentence
    omit_anchor: float = 1.0  # evidence per own anchor found on the other side (at most two)
    omit_name: float = 0.5  # evidence per name found on the other side (at most two)
    omit_open: float = 2.0  # evidence for both when the first stops without a final stop mid-line
    omit_lex: float = 4.0  # back-translation: evidence per share of own content words found
    omit_lex_centre: float = 0.3  # share of own content words found at which that is neutral
    skip_refund: float = 0.3  # share of a neighbour's paragraph-cut charge a 1-0/0-1 bead takes back
    # Logistic weights of review.align._confidence over CONF_FEATURES (fitted on the tune split).
    confidence_weights: tuple[float, ...] = (-3.639, 2.378, -0.035, 0.506, 0.203, 0.742, -0.147)


CONF_FEATURES = ("bias", "log1p_margin", "own_cost", "skip", "multi", "log1p_chars", "back_translation")
DEFAULT_PARAMS = Params()

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"“”«»]+[^\s<>\"“”«».,;:!?،؛؟)\]]|"
                    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
DIGITS = str.maketrans(DIGIT_MAP)
THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
NUMBER_RE = re.compile(r"[0-9]+")
NON_ASCII_DIGIT = re.compile(NON_ASCII_DIGIT_RE)
LATIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
NAME_RE = re.compile(r"\b[a-z]*[A-Z][A-Za-z0-9]*")  # a word with a capital: names, acronyms
QUOTE_RE = re.compile(r"[\"“”«»]")
WORD_RE = re.compile(r"[^\W_]+")
LEX_WORDS = 8  # 512-bit word masks: two unrelated 15-word sentences share ~0.4 bits by chance
STEM = 5  # a crude stem: the first letters of a lower-cased word (letter/letters, merge/merger)
STOP_WORDS = frozenset(
    "a an the and or but of to in on at by for with from as into about over after before than "
    "that this these those it its is are was were be been being has have had do does did not no "
    "he she they them his her their we our you your i my me him who whom which what when where "
    "while also will would can could may might must shall should there here then so such very "
    "more most some any all one two said says".split())
STOPS = tuple(".?!؟…:\"'”’»)]")


# --------------------------------------------------------------------------- features

@dataclass
class SideFeatures:
    lengths: np.ndarray  # float, characters per sentence
    para: np.ndarray  # int paragraph ids
    line_start: np.ndarray  # bool: first sentence on its line
    open_end: np.ndarray  # bool: the sentence has no final stop
    must: np.ndarray  # uint64 hashed anchors the other side must have (numbers, URLs, Latin in Arabic)
    can: np.ndarray  # uint64 hashed tokens that satisfy the other side's `must` (adds names in English)
    lex: np.ndarray | None = None  # (n, LEX_WORDS) uint64: hashed content-word stems, for the overlap term
    latin: bool = True  # the side is written in Latin script
    skeletons: list[frozenset[str]] | None = None  # consonant skeletons: of names (Latin side), of all words


@functools.lru_cache(maxsize=1 << 16)
def _bit(token: str) -> int:
    return 1 << (zlib.crc32(token.encode("utf-8")) & 63)


def _is_latin_text(texts: Sequence[str]) -> bool:
    sample = "".join(texts[:200])
    latin = len(re.findall(r"[A-Za-z]", sample))
    letters = sum(ch.isalpha() for ch in sample)
    return letters == 0 or latin / letters > 0.5


def _anchors(text: str, kind: str | None, latin_side: bool) -> tuple[int, int]:
    must = 0
    if "://" in text or "www." in text or "@" in text:
        for url in URL_RE.findall(text):
            must |= _bit("u:" + url.lower().rstrip("/"))
        text = URL_RE.sub(" ", text)
    digits = text.translate(DIGITS) if NON_ASCII_DIGIT.search(text) else text
    if "," in digits:
        digits = THOUSANDS_RE.sub("", digits)
    for num in NUMBER_RE.findall(digits):
        must |= _bit("n:" + (num.lstrip("0") or "0")[:18])
    if "?" in text or "؟" in text:
        must |= _bit("p:?")
    if QUOTE_RE.search(text):
        must |= _bit("p:quote")
    if kind in ("heading", "bullet"):
        must |= _bit("k:" + kind)
    can = must
    if latin_side:
        for word in NAME_RE.findall(text):
            can |= _bit("w:" + word.lower())
    else:
        for word in LATIN_RE.findall(text):
            must |= _bit("w:" + word.lower())
        can = must
    return must, can


def features(texts: Sequence[str], para: Sequence[int] | None = None,
             line_start: Sequence[bool] | None = None, kinds: Sequence[str] | None = None,
             lexical: Sequence[str | None] | None = None) -> SideFeatures:
    """Per-sentence features of one side. Without `para` every sentence is one paragraph.
    `lexical`: one text per sentence in the language of the other side's `lexical` (the source
    itself, the back-translation of the target), for the word-overlap term."""
    n = len(texts)
    latin_side = _is_latin_text(texts)
    pairs = [_anchors(t, kinds[k] if kinds is not None else None, latin_side) for k, t in enumerate(texts)]
    stripped = [t.rstrip() for t in texts]
    return SideFeatures(
        lengths=np.array([len(t) for t in texts], dtype=np.float64),
        para=np.asarray(para if para is not None else np.zeros(n), dtype=np.int64),
        line_start=np.asarray(line_start if line_start is not None else np.zeros(n), dtype=bool),
        open_end=np.array([not t.endswith(STOPS) for t in stripped], dtype=bool),
        must=np.array([m for m, _ in pairs], dtype=np.uint64).reshape(n),
        can=np.array([c for _, c in pairs], dtype=np.uint64).reshape(n),
        lex=lexical_masks(lexical) if lexical is not None else None,
        latin=latin_side,
        skeletons=[name_skeletons(t) if latin_side else word_skeletons(t) for t in texts],
    )


def lexical_masks(texts: Sequence[str | None]) -> np.ndarray:
    """(n, LEX_WORDS) uint64 masks of the hashed stems of each text's content words (stop words
    dropped). A missing text (None) gets an empty mask, which the overlap term ignores."""
    rows, bits = [], []
    for k, text in enumerate(texts):
        if not text:
            continue
        for word in set(WORD_RE.findall(text.lower())):
            if word not in STOP_WORDS and (len(word) > 2 or word.isdigit()):
                rows.append(k)
                bits.append(_lex_bit(word[:STEM]))
    masks = np.zeros((len(texts), LEX_WORDS), dtype=np.uint64)
    if rows:
        bits_a = np.array(bits, dtype=np.uint64)
        np.bitwise_or.at(masks, (np.array(rows), (bits_a >> np.uint64(6)).astype(np.int64)),
                         np.left_shift(np.uint64(1), bits_a & np.uint64(63)))
    return masks


@functools.lru_cache(maxsize=1 << 16)
def _lex_bit(stem: str) -> int:
    return zlib.crc32(stem.encode("utf-8")) % (64 * LEX_WORDS)


def _name_hits(src: SideFeatures, tgt: SideFeatures, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse (source, target) sentence pairs sharing name skeletons near the diagonal: sorted keys
    i * (m + 1) + j, their hit counts, and the number of names per source sentence."""
    n, m = len(src.lengths), len(tgt.lengths)
    names = src.skeletons if src.latin else tgt.skeletons
    words = tgt.skeletons if src.latin else src.skeletons
    counts = np.array([len(x) for x in names], dtype=np.float64)
    where: dict[str, list[int]] = {}
    for k, sk in enumerate(words):
        for x in sk:
            where.setdefault(x, []).append(k)
    scale = len(words) / max(len(names), 1)
    keys: dict[int, int] = {}
    for a, sk in enumerate(names):
        centre = a * scale
        for x in sk:
            for b in where.get(x, ()):
                if abs(b - centre) <= window:
                    i, j = (a, b) if src.latin else (b, a)
                    key = i * (m + 1) + j
                    keys[key] = keys.get(key, 0) + 1
    order = np.array(sorted(keys), dtype=np.int64)
    return order, np.array([keys[k] for k in order.tolist()], dtype=np.float64), counts


@dataclass
class _Group:
    """Features of the groups of k (1 or 2) sentences ending at each position e (0..n)."""
    length: np.ndarray  # NaN where no group of k sentences ends at e
    must: np.ndarray
    cant: np.ndarray  # ~can: tokens this group cannot match
    can: np.ndarray
    pair: np.ndarray  # for k = 2: paragraph-crossing cost minus line-join bonus; else 0
    lex: np.ndarray | None = None  # (n + 1, LEX_WORDS) word masks of the group
    lex_count: np.ndarray | None = None  # bits set in `lex`


def _groups(f: SideFeatures, p: Params) -> tuple[_Group, _Group, np.ndarray]:
    n = len(f.lengths)
    z = np.zeros(1, dtype=np.uint64)
    one = _Group(np.concatenate([[np.nan], f.lengths]), np.concatenate([z, f.must]),
                 ~np.concatenate([z, f.can]), np.concatenate([z, f.can]), np.zeros(n + 1))
    if n >= 2:
        cross = f.para[1:] != f.para[:-1]
        newline = f.line_start[1:] & ~cross
        join = np.where(newline, p.line_join + np.where(f.open_end[:-1], p.open_join, 0.0), 0.0)
        can2 = np.concatenate([z, z, f.can[:-1] | f.can[1:]])
        two = _Group(np.concatenate([[np.nan, np.nan], f.lengths[:-1] + f.lengths[1:]]),
                     np.concatenate([z, z, f.must[:-1] | f.must[1:]]), ~can2, can2,
                     np.concatenate([[0.0, 0.0], p.cross_para * cross - join]))
    else:
        two = _Group(np.full(n + 1, np.nan), np.zeros(n + 1, np.uint64), np.zeros(n + 1, np.uint64),
                     np.zeros(n + 1, np.uint64), np.zeros(n + 1))
    if f.lex is not None:
        zl = np.zeros((1, LEX_WORDS), dtype=np.uint64)
        one.lex = np.concatenate([zl, f.lex])
        two.lex = np.concatenate([zl, zl, f.lex[:-1] | f.lex[1:]]) if n >= 2 else np.zeros_like(one.lex)
        for g in (one, two):
            g.lex_count = np.bitwise_count(g.lex).sum(axis=1, dtype=np.int64).astype(np.float64)
    cut = np.ones(n + 1)
    cut[1:n] = f.para[1:] != f.para[:-1]
    return one, two, cut


class _CostModel:
    def __init__(self, src: SideFeatures, tgt: SideFeatures, p: Params):
        self.p = p
        self.n, self.m = len(src.lengths), len(tgt.lengths)
        s1, s2, self.s_cut = _groups(src, p)
        t1, t2, self.t_cut = _groups(tgt, p)
        # cut[e]: sentence e - 2 has no final stop and sentence e - 1 goes on on the same line: a
        # sentence cut in two inside a line (an abbreviation, a colon), not a line of its own.
        self.cut_inside = {k: np.concatenate([[False, False], f.open_end[:-1] & ~f.line_start[1:]])
                           if len(f.lengths) >= 2 else np.zeros(len(f.lengths) + 1, dtype=bool)
                           for k, f in ((0, src), (1, tgt))}
        # wrap[e]: sentence e - 2 has no final stop and sentence e - 1 starts the next line. On one
        # side that is a wrapped sentence or a boilerplate line before one; on both sides of a 2-2
        # bead at once it is one sentence wrapped the same way in the source and the translation.
        self.wrap = {k: np.concatenate([[False, False], f.open_end[:-1] & f.line_start[1:]])
                     if len(f.lengths) >= 2 else np.zeros(len(f.lengths) + 1, dtype=bool)
                     for k, f in ((0, src), (1, tgt))}
        self.s = {1: s1, 2: s2}
        self.t = {1: t1, 2: t2}
        total_s, total_t = src.lengths.sum(), tgt.lengths.sum()
        self.ratio = float(np.clip(total_t / total_s, 0.3, 3.0)) if total_s > 0 and total_t > 0 else 1.0
        self.lexical = src.lex is not None and tgt.lex is not None
        self.names = (src.latin != tgt.latin and src.skeletons is not None and tgt.skeletons is not None
                      and (p.name_hit or p.name_miss))
        if self.names:
            self.hit_keys, self.hit_counts, per = _name_hits(src, tgt, p.name_window)
            self.names_latin_src = src.latin
            self.name_count = {1: np.concatenate([[0.0], per]),
                               2: np.concatenate([[0.0, 0.0], per[:-1] + per[1:]]) if len(per) >= 2
                               else np.zeros(len(per) + 1)}
        prior = {(1, 2): p.prior_12, (2, 1): p.prior_12, (2, 2): p.prior_22}
        self.prior = [prior.get(shape, 0.0) for shape in BEAD_SHAPES]

    def cost(self, shape: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Cost of the bead of type `shape` ending at cell (i, j) (0 <= i <= n, 0 <= j <= m);
        i and j broadcast together. Impossible beads cost BIG."""
        p = self.p
        ns, nt = BEAD_SHAPES[shape]
        if ns and nt:
            gs, gt = self.s[ns], self.t[nt]
            expected = gs.length[i] * self.ratio
            lt = gt.length[j]
            length = (lt - expected) ** 2 / (p.variance * (expected + lt) + 2.0)  # (delta^2) / 2
            c = length
            must_t, must_s = gt.must[j], gs.must[i]
            miss = np.bitwise_count(must_t & gs.cant[i]) + np.bitwise_count(must_s & gt.cant[j])
            hit = np.minimum(np.bitwise_count(must_t & gs.can[i]), 2)
            c = c + (p.anchor_miss * miss - p.anchor_hit * hit)
            # Paragraphs correspond: a bead that starts or ends at a paragraph break on one side
            # only pays (half at each end, so that a 0-1 or 1-0 next to a break costs half).
            c = c + (p.para_cut / 2) * (np.abs(self.s_cut[np.maximum(i - ns, 0)] - self.t_cut[np.maximum(j - nt, 0)])
                                        + np.abs(self.s_cut[i] - self.t_cut[j]))
            if self.lexical:
                c = c + self._overlap(gs, gt, i, j)
            # hits[a, b]: names shared by source sentence i - a and target sentence j - b
            hits = ({(a, b): self._hits(i - a, j - b) for a in range(1, ns + 1) for b in range(1, nt + 1)}
                    if self.names else None)
            if self.names:
                c = c + self._name_cost(ns, nt, i, j, hits)
            if (ns == 2 and p.omit_weight) or (nt == 2 and p.omit_weight_t):
                c = c + self._omission(ns, nt, i, j, length, hits)
            if ns == 2:
                c = c + gs.pair[i]
            if nt == 2:
                c = c + gt.pair[j]
            c = c + self.prior[shape]
        else:
            g, idx = (self.s[1], i) if ns else (self.t[1], j)
            c = p.prior_skip + p.skip_per_char * g.length[idx]
            # A sentence missing at the end (or start) of its paragraph moves the other side's
            # paragraph break next to it: the bead before (after) it then ends (starts) at a
            # break on the other side only and pays para_cut / 2. The gap is where that break
            # belongs: when one end of the 1-0 (0-1) bead is a break on both sides and the other
            # a break on the other side only, the bead takes that charge back.
            if ns:
                other = self.t_cut[j]
                a, b = self.s_cut[np.maximum(i - 1, 0)], self.s_cut[i]
            else:
                other = self.s_cut[i]
                a, b = self.t_cut[np.maximum(j - 1, 0)], self.t_cut[j]
            moved = (other == 1) & (a != b)
            c = c - p.skip_refund * (p.para_cut / 2) * moved
        c = np.where(np.isnan(c), BIG, c)
        return np.broadcast_to(c, np.broadcast_shapes(np.shape(i), np.shape(j)))


    def _len(self, ls: np.ndarray, lt: np.ndarray) -> np.ndarray:
        expected = ls * self.ratio
        return (lt - expected) ** 2 / (self.p.variance * (expected + lt) + 2.0)

    def _omission(self, ns: int, nt: int, i: np.ndarray, j: np.ndarray, pair: np.ndarray,
                  hits: dict | None) -> np.ndarray:
        """Omission made explicit: in a bead that joins two sentences of one side, each of them
        must earn its place. Its evidence is how much better the pair's length fits the other
        side than its partner's length alone does, plus its own anchors (numbers, URLs, Latin
        words) and names found on the other side, plus (with a back-translation) the share of
        its content words the other side has. The weaker of the two pays for the evidence it
        lacks below `omit_margin`: a sentence that adds little is a 1-0 (0-1) bead, not half of
        a merge (split)."""
        p = self.p
        out = 0.0
        sides = ((0,) if ns == 2 else ()) + ((1,) if nt == 2 else ())
        for side in sides:
            if side == 0:  # two source sentences, ending at i
                mine, theirs, k, q, weight, margin = self.s[1], self.t[nt], i, j, p.omit_weight, p.omit_margin
            else:  # two target sentences, ending at j
                mine, theirs, k, q, weight, margin = self.t[1], self.s[ns], j, i, p.omit_weight_t, p.omit_margin_t
            if not weight:
                continue
            layout = p.omit_open * self.cut_inside[side][k]
            if ns == nt == 2:
                layout = layout + p.omit_open * (self.wrap[0][i] & self.wrap[1][j])
            worst = None
            for back, x, other in ((2, np.maximum(k - 1, 0), k), (1, k, np.maximum(k - 1, 0))):
                if side == 0:
                    gain = self._len(mine.length[other], theirs.length[q]) - pair
                else:
                    gain = self._len(theirs.length[q], mine.length[other]) - pair
                own = mine.must[x] & ~mine.must[other]
                ev = gain + p.omit_anchor * np.minimum(np.bitwise_count(own & theirs.can[q]), 2)
                if hits is not None:  # names of this sentence found in the other side's group
                    found = sum(h for (a, b), h in hits.items() if (a if side == 0 else b) == back)
                    ev = ev + p.omit_name * np.minimum(found, 2)
                if self.lexical:
                    shared = np.zeros(np.broadcast_shapes(np.shape(x), np.shape(q)))
                    for w in range(LEX_WORDS):
                        shared += np.bitwise_count(mine.lex[x, w] & theirs.lex[q, w])
                    counted = (mine.lex_count[x] > 0) & (theirs.lex_count[q] > 0)
                    cover = shared / np.maximum(mine.lex_count[x], 1.0)
                    ev = ev + np.where(counted, p.omit_lex * (cover - p.omit_lex_centre), 0.0)
                worst = ev if worst is None else np.minimum(worst, ev)
            out = out + weight * np.maximum(margin - worst - layout, 0.0)
        return out

    def _hits(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Shared name skeletons of source sentence a and target sentence b (0-based)."""
        if not len(self.hit_keys):
            return np.zeros(np.broadcast_shapes(np.shape(a), np.shape(b)))
        key = a * (self.m + 1) + b
        pos = np.clip(np.searchsorted(self.hit_keys, key), 0, len(self.hit_keys) - 1)
        return np.where((self.hit_keys[pos] == key) & (a >= 0) & (b >= 0), self.hit_counts[pos], 0.0)

    def _name_cost(self, ns: int, nt: int, i: np.ndarray, j: np.ndarray, hits: dict) -> np.ndarray:
        """Names of the bead's Latin-script side found (as consonant skeletons) on the other side:
        a bonus per name found, a charge per name not found."""
        hits = sum(hits.values())
        total = self.name_count[ns if self.names_latin_src else nt][i if self.names_latin_src else j]
        hits = np.minimum(hits, total)
        return (self.p.name_miss * (total - hits) - self.p.name_hit * np.minimum(hits, 2)
                + self.p.name_none * ((hits == 0) & (total >= self.p.name_none_min)))

    def _overlap(self, gs: _Group, gt: _Group, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Word overlap of a bead's source and back-translation (Dice of the stem masks), as a
        cost centred on `lex_centre`; 0 where either side has no words (no back-translation)."""
        shared = np.zeros(np.broadcast_shapes(np.shape(i), np.shape(j)))
        for w in range(LEX_WORDS):
            shared += np.bitwise_count(gs.lex[i, w] & gt.lex[j, w])
        total = gs.lex_count[i] + gt.lex_count[j]
        counted = (gs.lex_count[i] > 0) & (gt.lex_count[j] > 0)
        dice = 2 * shared / np.maximum(total, 1.0)
        return np.where(counted, self.p.lex_weight * (self.p.lex_centre - dice), 0.0)
