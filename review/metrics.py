"""Sentence- and corpus-level sacrebleu metrics (BLEU, chrF, chrF++, TER) for many pairs at once.

Numbers are sacrebleu's own: each metric's sufficient statistics are computed once per distinct
(hypothesis, reference) pair, then turned into a sentence score per row and, from the column
sums, into the corpus score, with sacrebleu's `_compute_score_from_stats`. BLEU and chrF
statistics come from a faster re-implementation of sacrebleu's n-gram counting (C-level
Counter/set operations instead of Python loops) that yields the same integers; TER uses
sacrebleu's own extraction. Large inputs are split over a pool of processes.

`_compute_score_from_stats`, `_extract_corpus_statistics` and the statistics layout are private
sacrebleu API: pyproject pins sacrebleu to 2.6.x and tests/test_metrics.py checks the parity.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Sequence

import polars as pl
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.utils import sum_of_lists

from review.schema import BT, BT_CHRF, REF_BLEU, REF_CHRF, REF_TER, REFERENCE, SOURCE, TARGET

METRICS = ("bleu", "chrf", "chrf++", "ter")
DEFAULT_METRICS = ("bleu", "chrf", "ter")
# Below this many distinct pairs a process pool costs more (start-up, pickling) than it saves.
PARALLEL_MIN_PAIRS = 6000
CHUNK = 4000


# --------------------------------------------------------------------------- metric classes
class Metric:
    """One metric: per-pair statistics, sentence scores and corpus score from them, signature.

    `sentence` is the sacrebleu object whose sentence_score we reproduce, `corpus` the one whose
    corpus_score (and CLI output) we reproduce; they differ only for BLEU (effective order).
    """

    name: str

    def __init__(self, sentence, corpus):
        self.sentence = sentence
        self.corpus = corpus
        # sacrebleu sets num_refs while caching references; we always have exactly one stream.
        self.sentence.num_refs = self.corpus.num_refs = 1

    def pair_stats(self, hyp: str, ref: str) -> list:
        return self.stats([hyp], [ref])[0]

    def stats(self, hyps: Sequence[str], refs: Sequence[str]) -> list[list]:
        """Sufficient statistics per pair (subclasses may compute them faster, identically)."""
        if not hyps:
            return []
        return self.sentence._extract_corpus_statistics(list(hyps), [list(refs)])

    def sentence_scores(self, stats: Sequence[list]) -> list[float]:
        compute = self.sentence._compute_score_from_stats
        return [compute(list(s)).score for s in stats]

    def corpus_score(self, stats: Sequence[list]):
        """sacrebleu Score object of the whole corpus (what `corpus_score` returns)."""
        return self.corpus._compute_score_from_stats(sum_of_lists([list(s) for s in stats]))

    def signature(self, sentence_level: bool = False) -> str:
        """As sacrebleu prints it, e.g. `nrefs:1|case:mixed|eff:no|tok:intl|smooth:exp|version:2.6.0`."""
        return str((self.sentence if sentence_level else self.corpus).get_signature())

    def describe(self, stats: Sequence[list]) -> str:
        """The corpus line exactly as `sacrebleu -f text` prints it (default width 1)."""
        return self.corpus_score(stats).format(signature=self.signature())


class BleuMetric(Metric):
    """BLEU, `intl` tokenizer: effective order at sentence level (as `sacrebleu -sl`), not corpus."""

    name = "bleu"

    def __init__(self):
        super().__init__(BLEU(tokenize="intl", effective_order=True), BLEU(tokenize="intl"))
        self._tok = self.sentence.tokenizer
        self._order = self.sentence.max_ngram_order

    def tokenize(self, lines: Sequence[str]) -> list[list[str]]:
        """Tokens of each line as sacrebleu's BLEU sees them (rstrip, then the intl tokenizer)."""
        lines = [line.rstrip() for line in lines]
        if not lines or any(_SEP_MARK in line for line in lines):
            return [self._tok(line).split() for line in lines]
        # The intl tokenizer is three regex substitutions; running them once over all lines
        # joined by _SEP gives the same tokens (see _SEP) at a fraction of the per-call cost.
        big = _SEP.join(lines)
        for pattern, repl in self._tok._re:
            big = pattern.sub(repl, big)
        out = [part.split() for part in big.split(_SEP)]
        if len(out) != len(lines):  # pragma: no cover - cannot happen without _SEP_MARK in a line
            return [self._tok(line).split() for line in lines]
        return out

    def _counts(self, ht: list[str], rt: list[str]) -> list[int]:
        # Same statistics as BLEU._compute_segment_statistics with one reference.
        hl, rl = len(ht), len(rt)
        correct, total = [], []
        for n in range(1, self._order + 1):
            if hl < n:
                correct.append(0)
                total.append(0)
                continue
            total.append(hl - n + 1)
            if rl < n:
                correct.append(0)
                continue
            if n > 1 and correct[-1] == 0:  # no (n-1)-gram matched: no n-gram can
                correct.append(0)
                continue
            correct.append(_matches(list(zip(*(ht[i:] for i in range(n)))),
                                    list(zip(*(rt[i:] for i in range(n))))))
        return [hl, rl, *correct, *total]

    def stats(self, hyps: Sequence[str], refs: Sequence[str]) -> list[list]:
        return list(map(self._counts, self.tokenize(hyps), self.tokenize(refs)))


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


# Separator for batch tokenization: digit, private-use character, digit. None of the three
# intl patterns can match across it (a digit is neither \P{N} nor \p{P}; U+E000 is neither
# punctuation nor symbol), so each line is tokenized exactly as on its own, where the string
# start/end likewise offers no character to match.
_SEP_MARK = "\ue000"
_SEP = "0" + _SEP_MARK + "0"


class ChrfMetric(Metric):
    """chrF (word_order=0) or chrF++ (word_order=2), sacrebleu defaults otherwise."""

    def __init__(self, word_order: int = 0):
        super().__init__(CHRF(word_order=word_order), CHRF(word_order=word_order))
        self.name = "chrf++" if word_order else "chrf"
        self._char_order = self.sentence.char_order
        self._word_order = word_order

    @staticmethod
    def _triple(h: list, r: list, possible: bool = True) -> list[int]:
        # [hyp count (0 when the reference has no n-gram of this order), ref count, matches]
        if not r:
            return [0, 0, 0]
        if not h:
            return [0, len(r), 0]
        return [len(h), len(r), _matches(h, r) if possible else 0]

    def pair_stats(self, hyp: str, ref: str) -> list[int]:
        h = "".join(hyp.split())
        r = "".join(ref.split())
        lh, lr = len(h), len(r)
        out: list[int] = []
        possible = True
        for n in range(1, self._char_order + 1):
            if not possible or lh < n or lr < n:
                # counts only: no n-gram on one side, or no (n-1)-gram matched so none of order n can
                out += [max(lh - n + 1, 0) if lr >= n else 0, max(lr - n + 1, 0), 0]
                continue
            out += self._triple([h[i:i + n] for i in range(lh - n + 1)], [r[i:i + n] for i in range(lr - n + 1)])
            possible = out[-1] > 0
        if self._word_order:
            hw = self.sentence._remove_punctuation(hyp)
            rw = self.sentence._remove_punctuation(ref)
            for n in range(1, self._word_order + 1):
                out += self._triple([" ".join(hw[i:i + n]) for i in range(len(hw) - n + 1)],
                                    [" ".join(rw[i:i + n]) for i in range(len(rw) - n + 1)])
        return out

    def stats(self, hyps: Sequence[str], refs: Sequence[str]) -> list[list]:
        return list(map(self.pair_stats, hyps, refs))


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
           sentence: bool) -> dict[str, tuple[list, list | None]]:
    """Statistics (and sentence scores) of every pair of one chunk per metric; runs in a worker."""
    out = {}
    for name in which:
        metric = _metric(name)
        stats = metric.stats(hyps, refs)
        out[name] = (stats, metric.sentence_scores(stats) if sentence else None)
    return out


def _mp_context():
    try:
        return get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return get_context("spawn")


def _run(which: tuple[str, ...], hyps: list[str], refs: list[str], sentence: bool,
         workers: int | None) -> dict[str, tuple[list, list | None]]:
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    if workers <= 1 or len(hyps) < PARALLEL_MIN_PAIRS:
        return _chunk(which, hyps, refs, sentence)
    spans = [(i, min(i + CHUNK, len(hyps))) for i in range(0, len(hyps), CHUNK)]
    stats: dict[str, list] = {name: [] for name in which}
    scores: dict[str, list] = {name: [] for name in which}
    # fork: spawn/forkserver would re-run the caller's __main__ (a Streamlit script, a notebook
    # cell). The workers only run sacrebleu and plain Python, never polars, so the polars
    # thread pool copied by fork is never touched in the child.
    with ProcessPoolExecutor(workers, mp_context=_mp_context()) as pool:
        futures = [pool.submit(_chunk, which, hyps[a:b], refs[a:b], sentence) for a, b in spans]
        for fut in futures:
            for name, (st, sc) in fut.result().items():
                stats[name] += st
                if sentence:
                    scores[name] += sc
    return {name: (stats[name], scores[name] if sentence else None) for name in which}


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
                corpus: bool = True, sentence: bool = True) -> tuple[dict[str, list], dict]:
    """Sentence scores per row (None where not scorable) and the corpus Score per metric."""
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
            corpus_scores[name] = metric.corpus_score([stats[u] for u in uniq_of_row])
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
