"""Sentence- and corpus-level sacrebleu metrics (BLEU, chrF, chrF++, TER) for many pairs at once.

Numbers are sacrebleu's own: each metric's sufficient statistics are computed once per distinct
(hypothesis, reference) pair, then turned into a sentence score per row and, from the column
sums, into the corpus score. BLEU and chrF statistics come from a vectorised re-implementation
of sacrebleu's n-gram counting (`clipped_matches`: sorting packed integer n-gram keys with numpy
instead of building a Counter per sentence) that yields the same integers; TER uses sacrebleu's
own extraction. Sentence chrF is computed from the statistics with numpy, repeating sacrebleu's
floating-point operations one by one so that every float is identical; BLEU sentence scores and
all corpus scores come from sacrebleu's `_compute_score_from_stats`. Large inputs may be split
over a pool of processes.

`_compute_score_from_stats`, `_extract_corpus_statistics`, `_remove_punctuation` and the
statistics layout are private sacrebleu API: pyproject pins sacrebleu to 2.6.x and
tests/test_metrics.py checks the parity.
"""

from __future__ import annotations

import functools
import math
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from itertools import chain
from multiprocessing import get_context
from typing import Sequence

import numpy as np
import polars as pl
from sacrebleu.metrics import BLEU, CHRF, TER

from review.schema import BT, BT_CHRF, REF_BLEU, REF_CHRF, REF_TER, REFERENCE, SOURCE, TARGET

METRICS = ("bleu", "chrf", "chrf++", "ter")
DEFAULT_METRICS = ("bleu", "chrf", "ter")
# Metrics computed by sacrebleu itself, pair by pair, which a process pool speeds up. Below
# PARALLEL_MIN_PAIRS distinct pairs the pool costs more (start-up, pickling) than it saves.
POOLED_METRICS = ("ter",)
PARALLEL_MIN_PAIRS = 6000
# Rows per vectorised batch (and per pool task): bounds memory and keeps the row number small
# enough to share a 64-bit key with a 6-character n-gram (see clipped_matches).
CHUNK = 8192


# --------------------------------------------------------------------------- n-gram engine
def _ids(flat_h: list, flat_r: list) -> tuple[np.ndarray, np.ndarray]:
    """Integer ids (equal units, equal ids) of the units of both sides."""
    vocab = dict.fromkeys(flat_h)
    vocab.update(dict.fromkeys(flat_r))
    vocab = dict(zip(vocab, range(len(vocab))))
    return (np.fromiter(map(vocab.__getitem__, flat_h), np.uint64, len(flat_h)),
            np.fromiter(map(vocab.__getitem__, flat_r), np.uint64, len(flat_r)))


def _char_ids(stripped_h: list[str], stripped_r: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Dense ids of the characters of both sides (code points through a lookup table)."""
    def codepoints(lines: list[str]) -> np.ndarray:
        return np.frombuffer("".join(lines).encode("utf-32-le", "surrogatepass"), np.uint32)

    ch, cr = codepoints(stripped_h), codepoints(stripped_r)
    present = np.zeros(0x110000, np.uint64)
    present[ch] = 1
    present[cr] = 1
    table = np.cumsum(present) - np.uint64(1)
    return table[ch], table[cr]


def _rows_of(lens: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(lens.shape[0], dtype=np.uint64), lens)


def _row_dense(ids_h, rows_h, ids_r, rows_r, nrows):
    """Renumber ids from 0 within each row (a row pair rarely has more than a few hundred
    distinct units, while a batch can have tens of thousands), and count them per row."""
    keys = np.concatenate([(rows_h << np.uint64(32)) | ids_h, (rows_r << np.uint64(32)) | ids_r])
    uniq, inverse = np.unique(keys, return_inverse=True)
    inverse = inverse.reshape(-1).astype(np.uint64)
    urows = (uniq >> np.uint64(32)).astype(np.int64)
    first = np.searchsorted(urows, np.arange(nrows)).astype(np.uint64)
    per_row = np.bincount(urows, minlength=nrows)
    dense = inverse - first[np.concatenate([rows_h, rows_r]).astype(np.int64)]
    return dense[:ids_h.shape[0]], dense[ids_h.shape[0]:], per_row


def clipped_matches(ids_h: np.ndarray, lens_h: np.ndarray, ids_r: np.ndarray, lens_r: np.ndarray,
                    max_order: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row and order n = 1..max_order, the clipped n-gram matches between two sequences.

    Row i's hypothesis is ids_h[sum(lens_h[:i]) : sum(lens_h[:i+1])] (likewise the reference);
    its order-n result is the sum over distinct n-grams g of min(count of g in the hypothesis,
    count of g in the reference), the number sacrebleu computes with Counters. Every n-gram
    occurrence becomes one 64-bit key `0 | row | n-gram | side` (ids packed `bits` apiece); one
    sort of the keys of both sides puts equal n-grams of a row next to each other, hypothesis
    first. Returns (matches, ok): rows whose units do not fit in the key (ok False) are left to
    the caller.
    """
    nrows = lens_h.shape[0]
    out = np.zeros((nrows, max_order), np.int64)
    ok = np.ones(nrows, bool)
    n_h = ids_h.shape[0]
    if not nrows or not n_h or not ids_r.shape[0]:
        return out, ok
    rows_h, rows_r = _rows_of(lens_h), _rows_of(lens_r)
    # bits for the n-gram: 64 minus the row, the side and a top bit kept 0 (see `none` below)
    budget = 62 - (nrows - 1).bit_length()
    bits = int(max(ids_h.max(), ids_r.max())).bit_length() or 1
    if bits * max_order > budget:
        bits = budget // max_order
        ids_h, ids_r, per_row = _row_dense(ids_h, rows_h, ids_r, rows_r, nrows)
        ok = per_row <= (1 << bits)
        if not ok.all():  # keep the others' ids within `bits`: their keys must not reach other rows
            mask = np.uint64((1 << bits) - 1)
            ids_h, ids_r = ids_h & mask, ids_r & mask
    # both sides in one array: hypothesis units, then reference units
    ids = np.concatenate([ids_h, ids_r])
    row_shift = np.uint64(max_order * bits + 1)
    base = np.concatenate([rows_h << row_shift, (rows_r << row_shift) | np.uint64(1)])
    # units left in the row after each position: an n-gram starts where at least n - 1 are left;
    # elsewhere the key becomes `none`, a reference-side key above every real one (top bit set),
    # so that it never meets a hypothesis n-gram
    lens = np.concatenate([lens_h, lens_r])
    left = np.repeat(np.cumsum(lens), lens) - np.arange(1, ids.shape[0] + 1)
    near_end = np.flatnonzero(left < max_order - 1)
    near_end_left = left[near_end]
    none = np.uint64(2 ** 64 - 1)
    shift, one = np.uint64(bits), np.uint64(1)
    gram = ids.copy()
    keys = np.empty_like(ids)
    for n in range(1, max_order + 1):
        if n > 1:  # extend every n-gram by the next unit (garbage where there is none: `none`)
            head = gram[:-n + 1]
            np.left_shift(head, shift, out=head)
            np.bitwise_or(head, ids[n - 1:], out=head)
        np.left_shift(gram, one, out=keys)
        np.bitwise_or(keys, base, out=keys)
        keys[near_end[near_end_left < n - 1]] = none
        keys.sort()
        grams = keys >> one
        starts = np.concatenate([[0], np.flatnonzero(grams[1:] != grams[:-1]) + 1])
        in_ref = np.add.reduceat(keys & one, starts).astype(np.int64)
        in_hyp = np.diff(np.append(starts, keys.shape[0])) - in_ref
        matched = np.minimum(in_hyp, in_ref)
        hit = matched > 0
        if not hit.any():
            break  # no n-gram in common: no longer one either
        rows = (keys[starts[hit]] >> row_shift).astype(np.int64)
        out[:, n - 1] = np.bincount(rows, weights=matched[hit], minlength=nrows).astype(np.int64)
    return out, ok


def _ngram_counts(n_h: np.ndarray, max_order: int) -> np.ndarray:
    """Number of n-grams, n = 1..max_order, in sequences of the given lengths (rows x orders)."""
    return np.maximum(n_h[:, None] - np.arange(max_order)[None, :], 0)


def _matches(h: list, r: list) -> int:
    """Sum over shared items of min(count in h, count in r) (clipped n-gram matches)."""
    sh, sr = set(h), set(r)
    common = sh & sr
    if not common:
        return 0
    if len(sh) == len(h) and len(sr) == len(r):  # no repeated n-gram: every count is 1
        return len(common)
    hc, rc = Counter(h), Counter(r)
    return sum(map(min, map(hc.__getitem__, common), map(rc.__getitem__, common)))


def _grams(units: Sequence, n: int) -> list:
    return [tuple(units[i:i + n]) for i in range(len(units) - n + 1)]


def _slow_matches(h: Sequence, r: Sequence, max_order: int) -> list[int]:
    """clipped_matches of one row, in plain Python (rows the vectorised keys cannot hold)."""
    return [_matches(_grams(h, n), _grams(r, n)) for n in range(1, max_order + 1)]


def _batch_matches(units_h: list[Sequence], units_r: list[Sequence], max_order: int,
                   chars: bool = False) -> np.ndarray:
    """clipped_matches of each pair of unit sequences (strings of characters, or token lists)."""
    lens_h = np.fromiter(map(len, units_h), np.int64, len(units_h))
    lens_r = np.fromiter(map(len, units_r), np.int64, len(units_r))
    if chars:
        ids_h, ids_r = _char_ids(units_h, units_r)
    else:
        ids_h, ids_r = _ids(list(chain.from_iterable(units_h)), list(chain.from_iterable(units_r)))
    out, ok = clipped_matches(ids_h, lens_h, ids_r, lens_r, max_order)
    for i in np.flatnonzero(~ok):
        out[i] = _slow_matches(units_h[i], units_r[i], max_order)
    return out


def _chunks(n: int):
    return [(a, min(a + CHUNK, n)) for a in range(0, n, CHUNK)]


# --------------------------------------------------------------------------- metric classes
def _array(stats) -> np.ndarray:
    """Statistics as a 2-D array; lists (sacrebleu's form) keep their Python numbers (object)."""
    return stats if isinstance(stats, np.ndarray) else np.array(stats, dtype=object).reshape(len(stats), -1)


class Metric:
    """One metric: per-pair statistics, sentence scores and corpus score from them, signature.

    `sentence` is the sacrebleu object whose sentence_score we reproduce, `corpus` the one whose
    corpus_score (and CLI output) we reproduce; they differ only for BLEU (effective order).
    Statistics are a 2-D numpy array, one row per pair, in sacrebleu's layout.
    """

    name: str

    def __init__(self, sentence, corpus):
        self.sentence = sentence
        self.corpus = corpus
        # sacrebleu sets num_refs while caching references; we always have exactly one stream.
        self.sentence.num_refs = self.corpus.num_refs = 1

    def _batch_stats(self, hyps: list[str], refs: list[str]) -> np.ndarray:
        # TER: sacrebleu's own extraction; object dtype keeps its ints and floats as they are.
        return np.array(self.sentence._extract_corpus_statistics(hyps, [refs]), dtype=object)

    def stats_array(self, hyps: Sequence[str], refs: Sequence[str]) -> np.ndarray:
        """Sufficient statistics of every pair (rows), as sacrebleu's _extract_corpus_statistics."""
        hyps, refs = list(hyps), list(refs)
        if not hyps:
            return np.zeros((0, 0), np.int64)
        return np.concatenate([self._batch_stats(hyps[a:b], refs[a:b]) for a, b in _chunks(len(hyps))])

    def stats(self, hyps: Sequence[str], refs: Sequence[str]) -> list[list]:
        """The statistics as the lists sacrebleu's `_extract_corpus_statistics` returns."""
        return self.stats_array(hyps, refs).tolist()

    def pair_stats(self, hyp: str, ref: str) -> list:
        return self.stats([hyp], [ref])[0]

    def sentence_scores(self, stats: np.ndarray) -> list[float]:
        compute = self.sentence._compute_score_from_stats
        return [compute(s).score for s in _array(stats).tolist()]

    def corpus_score(self, stats: np.ndarray):
        """sacrebleu Score object of the whole corpus (what `corpus_score` returns)."""
        return self.score_totals(self.totals(stats))

    @staticmethod
    def totals(stats: np.ndarray) -> list:
        """Column sums of the statistics, in Python ints (floats for TER, whole numbers), as
        sacrebleu's sum_of_lists. Whole numbers add exactly in any grouping: the totals of parts
        of a corpus (scored in batches) add up to the corpus's own."""
        return _array(stats).sum(axis=0).tolist()

    def score_totals(self, totals: list):
        """sacrebleu Score object from column sums (Metric.totals, possibly added over batches)."""
        return self.corpus._compute_score_from_stats(totals)

    def signature(self, sentence_level: bool = False) -> str:
        """As sacrebleu prints it, e.g. `nrefs:1|case:mixed|eff:no|tok:intl|smooth:exp|version:2.6.0`."""
        return str((self.sentence if sentence_level else self.corpus).get_signature())

    def describe(self, stats: np.ndarray) -> str:
        """The corpus line exactly as `sacrebleu -f text` prints it (default width 1)."""
        return self.corpus_score(stats).format(signature=self.signature())


class BleuMetric(Metric):
    """BLEU, `intl` tokenizer: effective order at sentence level (as `sacrebleu -sl`), not corpus."""

    name = "bleu"

    def __init__(self):
        super().__init__(BLEU(tokenize="intl", effective_order=True), BLEU(tokenize="intl"))
        self._tok = self.sentence.tokenizer
        self._order = self.sentence.max_ngram_order
        # sentence_scores below reproduces compute_bleu for exactly this configuration
        assert self.sentence.smooth_method == "exp" and self.sentence.effective_order

    def tokenize(self, lines: Sequence[str]) -> list[list[str]]:
        """Tokens of each line as sacrebleu's BLEU sees them (rstrip, then the intl tokenizer).

        Each distinct line is tokenized once (duplicates share the token list).
        """
        lines = [line.rstrip() for line in lines]
        distinct = list(dict.fromkeys(lines))
        tokens = dict(zip(distinct, _intl_tokens(distinct, self._tok)))
        return list(map(tokens.__getitem__, lines))

    def _batch_stats(self, hyps: list[str], refs: list[str]) -> np.ndarray:
        # BLEU._compute_segment_statistics with one reference: [hyp len, ref len, correct
        # n-grams per order, hypothesis n-grams per order]
        toks_h, toks_r = self.tokenize(hyps), self.tokenize(refs)
        len_h = np.fromiter(map(len, toks_h), np.int64, len(toks_h))
        len_r = np.fromiter(map(len, toks_r), np.int64, len(toks_r))
        correct = _batch_matches(toks_h, toks_r, self._order)
        return np.column_stack([len_h, len_r, correct, _ngram_counts(len_h, self._order)])

    def sentence_scores(self, stats: np.ndarray) -> list[float]:
        """BLEU.compute_bleu (exp smoothing, effective order) of every row, without building a
        BLEUScore per row: the same float operations in the same order, hence the same floats."""
        order = self._order
        exp, log = math.exp, math.log
        out = []
        for row in _array(stats).tolist():
            correct = row[2:2 + order]
            if not any(correct):
                out.append(0.0)
                continue
            sys_len, ref_len = row[0], row[1]
            bp = 1.0
            if sys_len < ref_len:
                bp = exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
            smooth = 1.
            logs = []
            for c, t in zip(correct, row[2 + order:]):
                if t == 0:
                    break
                if c == 0:
                    smooth *= 2
                    p = 100. / (smooth * t)
                else:
                    p = 100. * c / t
                logs.append(log(p) if p else _LOG_ZERO)  # sacrebleu.utils.my_log
            # effective order: the orders before the first with no hypothesis n-gram
            out.append(bp * exp(sum(logs) / len(logs)))
        return out


def _intl_tokens(lines: list[str], tok) -> list[list[str]]:
    """sacrebleu's intl tokenization of each line, split into tokens, computed in batch.

    The tokenizer is three `regex` substitutions. polars runs the same three patterns with Rust's
    regex engine several times faster; the two engines' Unicode tables differ only on recently
    encoded characters (_RUST_REGEX_DISAGREES, checked by tests/test_metrics.py), so a batch
    containing one of those, or a lone surrogate (not UTF-8), takes the Python route.
    """
    if not lines:
        return []
    try:
        series = pl.Series(lines, dtype=pl.String)
    except UnicodeError:
        series = None
    if series is not None and not series.str.contains(_RUST_REGEX_DISAGREES).any():
        for pattern, repl in _INTL_RUST:
            series = series.str.replace_all(pattern, repl)
        return list(map(str.split, series.to_list()))
    if any(_SEP_MARK in line for line in lines):
        return [tok(line).split() for line in lines]
    # Python route: the three substitutions once over all lines joined by _SEP give the same
    # tokens (see _SEP) at a fraction of the per-call cost.
    big = _SEP.join(lines)
    for pattern, repl in tok._re:
        big = pattern.sub(repl, big)
    return list(map(str.split, big.split(_SEP)))


# TokenizerV14International._re in Rust regex syntax.
_INTL_RUST = ((r"(\P{N})(\p{P})", "${1} ${2} "), (r"(\p{P})(\P{N})", " ${1} ${2}"), (r"(\p{S})", " ${1} "))
# Code points whose membership in \p{P}, \p{S} or \p{N} differs between the `regex` module
# (Unicode 17) and polars' Rust regex (older Unicode): characters encoded in Unicode 17.
_RUST_REGEX_DISAGREE_RANGES = (
    (0x20C1, 0x20C4), (0x2B96, 0x2B96), (0x2E60, 0x2E63), (0xFBC3, 0xFBD2), (0xFD90, 0xFD91),
    (0xFDC8, 0xFDCE), (0x10EC9, 0x10ECA), (0x10ED0, 0x10ED8), (0x11DE0, 0x11DE9),
    (0x1246F, 0x1246F), (0x12475, 0x1247F), (0x12550, 0x12686), (0x16FF4, 0x16FF6),
    (0x1CCFA, 0x1CCFC), (0x1CEBA, 0x1CED0), (0x1CED2, 0x1CED4), (0x1CEDD, 0x1CEFD),
    (0x1D1EB, 0x1D1FF), (0x1D253, 0x1D25A), (0x1D25D, 0x1D25E), (0x1D260, 0x1D27F),
    (0x1DB00, 0x1DB1C), (0x1F1AE, 0x1F1AE), (0x1F6D8, 0x1F6D9), (0x1F777, 0x1F77A),
    (0x1F7DA, 0x1F7DB), (0x1F7F1, 0x1F7FF), (0x1F8D0, 0x1F8D8), (0x1FA54, 0x1FA57),
    (0x1FA8A, 0x1FA8E), (0x1FAC8, 0x1FAC8), (0x1FACC, 0x1FACD), (0x1FADD, 0x1FADD),
    (0x1FAEA, 0x1FAEB), (0x1FAEF, 0x1FAEF), (0x1FAF9, 0x1FAFA), (0x1FBFA, 0x1FBFA),
)
_RUST_REGEX_DISAGREES = "[" + "".join(f"\\x{{{a:X}}}-\\x{{{z:X}}}" for a, z in _RUST_REGEX_DISAGREE_RANGES) + "]"

# Separator for the Python route: digit, private-use character, digit. None of the three intl
# patterns can match across it (a digit is neither \P{N} nor \p{P}; U+E000 is neither
# punctuation nor symbol), so each line is tokenized exactly as on its own, where the string
# start/end likewise offers no character to match.
_SEP_MARK = "\ue000"
# what sacrebleu.utils.my_log returns for 0.0
_LOG_ZERO = -9999999999
_SEP = "0" + _SEP_MARK + "0"


class ChrfMetric(Metric):
    """chrF (word_order=0) or chrF++ (word_order=2), sacrebleu defaults otherwise."""

    def __init__(self, word_order: int = 0):
        super().__init__(CHRF(word_order=word_order), CHRF(word_order=word_order))
        self.name = "chrf++" if word_order else "chrf"
        self._char_order = self.sentence.char_order
        self._word_order = word_order

    @staticmethod
    def _triples(units_h: list, units_r: list, order: int, chars: bool) -> np.ndarray:
        # per order: [hyp n-grams (0 when the reference has none of this order), ref n-grams,
        # clipped matches], as CHRF._get_match_statistics
        len_h = np.fromiter(map(len, units_h), np.int64, len(units_h))
        len_r = np.fromiter(map(len, units_r), np.int64, len(units_r))
        hyp, ref = _ngram_counts(len_h, order), _ngram_counts(len_r, order)
        hyp[ref == 0] = 0
        match = _batch_matches(units_h, units_r, order, chars=chars)
        return np.stack([hyp, ref, match], axis=2).reshape(len(units_h), 3 * order)

    def _batch_stats(self, hyps: list[str], refs: list[str]) -> np.ndarray:
        # characters without whitespace (sacrebleu: "".join(line.split()))
        parts = [self._triples([*map("".join, map(str.split, hyps))],
                               [*map("".join, map(str.split, refs))], self._char_order, chars=True)]
        if self._word_order:
            words = self.sentence._remove_punctuation
            parts.append(self._triples([*map(words, hyps)], [*map(words, refs)],
                                       self._word_order, chars=False))
        return np.concatenate(parts, axis=1)

    def sentence_scores(self, stats: np.ndarray) -> list[float]:
        """CHRF._compute_f_score of every row, the same float operations in the same order."""
        stats = _array(stats)
        if stats.shape[0] == 0:
            return []
        if self.sentence.eps_smoothing:  # pragma: no cover - not a setting we use
            return super().sentence_scores(stats)
        factor = float(self.sentence.beta ** 2)
        avg_prec = np.zeros(stats.shape[0])
        avg_rec = np.zeros(stats.shape[0])
        effective = np.zeros(stats.shape[0], np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            for i in range(self.sentence.order):
                n_hyp, n_ref, n_match = (stats[:, 3 * i + k].astype(np.float64) for k in range(3))
                both = (n_hyp > 0) & (n_ref > 0)
                # sacrebleu adds prec and rec only where both counts are positive
                avg_prec = np.where(both, avg_prec + n_match / n_hyp, avg_prec)
                avg_rec = np.where(both, avg_rec + n_match / n_ref, avg_rec)
                effective += both
            avg_prec = np.where(effective > 0, avg_prec / effective, 0.0)
            avg_rec = np.where(effective > 0, avg_rec / effective, 0.0)
            score = (1 + factor) * avg_prec * avg_rec
            score = score / ((factor * avg_prec) + avg_rec)
            score = np.where((avg_prec + avg_rec) != 0, 100 * score, 0.0)
        return score.tolist()


class TerMetric(Metric):
    """TER with sacrebleu defaults (its own statistics: edit distance with shifts)."""

    name = "ter"

    def __init__(self):
        super().__init__(TER(), TER())


def make_metric(name: str) -> Metric:
    if name == "bleu":
        return BleuMetric()
    if name == "chrf":
        return ChrfMetric(0)
    if name == "chrf++":
        return ChrfMetric(2)
    if name == "ter":
        return TerMetric()
    raise ValueError(f"unknown metric {name!r} (known: {', '.join(METRICS)})")


@functools.cache
def _metric(name: str) -> Metric:
    return make_metric(name)


# --------------------------------------------------------------------------- batch engine
def _chunk(which: tuple[str, ...], hyps: list[str], refs: list[str],
           sentence: bool) -> dict[str, tuple[np.ndarray, list | None]]:
    """Statistics (and sentence scores) of every pair of one chunk per metric; runs in a worker."""
    out = {}
    for name in which:
        metric = _metric(name)
        stats = metric.stats_array(hyps, refs)
        out[name] = (stats, metric.sentence_scores(stats) if sentence else None)
    return out


def _mp_context():
    try:
        return get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return get_context("spawn")


def _run(which: tuple[str, ...], hyps: list[str], refs: list[str], sentence: bool,
         workers: int | None) -> dict[str, tuple[np.ndarray, list | None]]:
    """Statistics and sentence scores per metric. BLEU and chrF are vectorised and run here;
    TER (sacrebleu's pure-Python edit distance) is split over a process pool when large."""
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    pooled = tuple(name for name in which if name in POOLED_METRICS)
    if workers <= 1 or len(hyps) < PARALLEL_MIN_PAIRS or not pooled:
        return _chunk(which, hyps, refs, sentence)
    out = _chunk(tuple(name for name in which if name not in pooled), hyps, refs, sentence)
    stats: dict[str, list] = {name: [] for name in pooled}
    scores: dict[str, list] = {name: [] for name in pooled}
    # fork: spawn/forkserver would re-run the caller's __main__ (a Streamlit script, a notebook
    # cell). The workers only run sacrebleu's TER and plain Python, never polars, so the
    # polars thread pool copied by fork is never touched in the child.
    with ProcessPoolExecutor(workers, mp_context=_mp_context()) as pool:
        futures = [pool.submit(_chunk, pooled, hyps[a:b], refs[a:b], sentence)
                   for a, b in _chunks(len(hyps))]
        for fut in futures:
            for name, (st, sc) in fut.result().items():
                stats[name].append(st)
                if sentence:
                    scores[name] += sc
    out.update({name: (np.concatenate(stats[name]), scores[name] if sentence else None)
                for name in pooled})
    return out


def _pairs(hyps: Sequence[str | None], refs: Sequence[str | None]):
    """Rows that can be scored (hyp not null, ref not null/blank) and their distinct pairs."""
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
    rows = [i for i, (h, r) in enumerate(zip(hyps, refs))
            if h is not None and r is not None and r.strip()]
    index: dict[tuple[str, str], int] = {}
    uniq_of_row = [index.setdefault((hyps[i], refs[i]), len(index)) for i in rows]
    uniq = list(index)
    return rows, uniq_of_row, [h for h, _ in uniq], [r for _, r in uniq]


def _check(which) -> tuple[str, ...]:
    which = (which,) if isinstance(which, str) else tuple(which)
    for name in which:
        if name not in METRICS:
            raise ValueError(f"unknown metric {name!r} (known: {', '.join(METRICS)})")
    return which


def score_pairs(hyps: Sequence[str | None], refs: Sequence[str | None],
                which: Sequence[str] = DEFAULT_METRICS, workers: int | None = None,
                corpus: bool = True, sentence: bool = True, totals: bool = False) -> tuple[dict[str, list], dict]:
    """Sentence scores per row (None where not scorable) and the corpus Score per metric (with
    `totals`: the statistics' column sums instead, see Metric.totals)."""
    which = _check(which)
    rows, uniq_of_row, uh, ur = _pairs(hyps, refs)
    results = _run(which, uh, ur, sentence, workers)
    per_row: dict[str, list] = {}
    corpus_scores: dict = {}
    for name in which:
        metric = _metric(name)
        stats, uniq_scores = results[name]
        if sentence:
            col: list = [None] * len(hyps)
            for row, u in zip(rows, uniq_of_row):
                col[row] = uniq_scores[u]
            per_row[name] = col
        if corpus and rows:
            # Sum in row order, duplicates included: the same floats as sacrebleu's corpus_score.
            picked = stats[uniq_of_row]
            corpus_scores[name] = metric.totals(picked) if totals else metric.corpus_score(picked)
    return per_row, corpus_scores


def _column(name: str) -> str:
    return name.replace("++", "pp")


def sentence_metrics(hyps: Sequence[str | None], refs: Sequence[str | None],
                     which: Sequence[str] = DEFAULT_METRICS, workers: int | None = None) -> pl.DataFrame:
    """One row per pair, one Float64 column per metric (bleu, chrf, chrfpp, ter), 0-100 scale.

    Null where the hypothesis is null or the reference is null or blank; an empty hypothesis
    against a real reference is scored (BLEU 0, chrF 0, TER 100), as sacrebleu does.
    """
    per_row, _ = score_pairs(hyps, refs, which, workers, corpus=False)
    return pl.DataFrame({_column(n): pl.Series(_column(n), per_row[n], dtype=pl.Float64)
                         for n in _check(which)}, height=len(hyps))


def corpus_metrics(hyps: Sequence[str | None], refs: Sequence[str | None],
                   which: Sequence[str] = DEFAULT_METRICS, workers: int | None = None) -> dict:
    """Corpus scores over the scorable rows, with sacrebleu's signatures.

    Keys per metric m: `m` (score), `m_signature` (as in `sacrebleu -f json`), `m_text` (the line
    `sacrebleu -f text` prints, width 1). Empty dict entries when nothing is scorable.
    """
    which = _check(which)
    _, scores = score_pairs(hyps, refs, which, workers, sentence=False)
    out: dict = {}
    for name, score in scores.items():
        metric = _metric(name)
        out[name] = score.score
        out[f"{name}_signature"] = metric.signature()
        out[f"{name}_text"] = score.format(signature=metric.signature())
    return out


# --------------------------------------------------------------------------- segment table
def _present(col: str) -> pl.Expr:
    return pl.col(col).is_not_null() & (pl.col(col).str.strip_chars() != "")


def segment_metrics(segments: pl.DataFrame, workers: int | None = None) -> pl.DataFrame:
    """The metric columns of review.schema (BT_CHRF, REF_BLEU, REF_CHRF, REF_TER), one row per segment.

    BT_CHRF: chrF of the back-translation against the source; REF_*: the target against the
    reference. Null where the needed text is absent.
    """
    n = segments.height
    cols = segments.columns

    def nulls(name: str) -> pl.Series:
        return pl.Series(name, [None] * n, dtype=pl.Float64)

    out = {name: nulls(name) for name in (BT_CHRF, REF_BLEU, REF_CHRF, REF_TER)}
    if BT in cols and SOURCE in cols and n:
        usable = segments.select(_present(BT) & _present(SOURCE)).to_series()
        if usable.any():
            bt = segments[BT].to_list()
            src = segments[SOURCE].to_list()
            keep = usable.to_list()
            hyps = [b if k else None for b, k in zip(bt, keep)]
            per_row, _ = score_pairs(hyps, src, ("chrf",), workers, corpus=False)
            out[BT_CHRF] = pl.Series(BT_CHRF, per_row["chrf"], dtype=pl.Float64)
    if REFERENCE in cols and TARGET in cols and n:
        if segments.select(_present(REFERENCE).any()).item():
            per_row, _ = score_pairs(segments[TARGET].to_list(), segments[REFERENCE].to_list(),
                                     ("bleu", "chrf", "ter"), workers, corpus=False)
            out[REF_BLEU] = pl.Series(REF_BLEU, per_row["bleu"], dtype=pl.Float64)
            out[REF_CHRF] = pl.Series(REF_CHRF, per_row["chrf"], dtype=pl.Float64)
            out[REF_TER] = pl.Series(REF_TER, per_row["ter"], dtype=pl.Float64)
    return pl.DataFrame(list(out.values()))


def with_segment_metrics(segments: pl.DataFrame, workers: int | None = None) -> pl.DataFrame:
    """`segments` with the metric columns added, unless they are already there (computed once)."""
    missing = [c for c in (BT_CHRF, REF_BLEU, REF_CHRF, REF_TER) if c not in segments.columns]
    if not missing:
        return segments
    return segments.with_columns(segment_metrics(segments, workers).select(missing))
