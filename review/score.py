"""Score a segment table: checks + metrics -> per-segment risk, worst first, and a summary.

Risk is the segment's MQM penalty (sum of its flags' weights) plus a term for each metric that
falls below its check's threshold (back-translation chrF, reference chrF). The metric term grows
linearly from 0 at the threshold to `TAIL_MAJORS` major errors at 0, so a segment whose meaning
drifted far ranks with one that has several major flags, and a metric just under the threshold
adds little. Segments with fewer source words than the meaning checks' MIN_WORDS get no metric
term (one paraphrased word moves their chrF too much). A tiny tie-breaker (at most 0.1) puts lower-metric segments first among equals.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import polars as pl

from review.checks import by_family, run_checks, selected_checks
from review.checks.base import catalogue
from review.checks.consistency import load_glossary
from review.checks.meaning import MIN_WORDS
from review.config import Config, load_config
from review.corpus import Corpus
from review.metrics import make_metric, score_pairs
from review.schema import (BT, BT_CHRF, CATEGORY, CHECK, DOC, FLAGGED, MAX_SEVERITY, METRIC_COLUMNS,
                           N_FLAGS, PENALTY, REF_BLEU, REF_CHRF, REF_TER, REFERENCE, RISK, SEG,
                           SEGMENT_SCHEMA, SEVERITIES, SEVERITY, SEVERITY_RANK, SOURCE, START,
                           TARGET, WEIGHT, conform)

# Metric column -> the check whose `threshold` parameter marks its low tail.
METRIC_CHECKS = {BT_CHRF: "bt_low_chrf", REF_CHRF: "ref_low_chrf"}
TAIL_MAJORS = 2.0  # a metric at 0 weighs as much as this many major flags
SCORE_COLUMNS = (RISK, PENALTY, FLAGGED, N_FLAGS, MAX_SEVERITY)
SOURCE_WORDS = "source_words"

Progress = Callable[[int, int], None]


@dataclass
class Scored:
    segments: pl.DataFrame  # segment table + metric columns + SCORE_COLUMNS, in input order
    flags: pl.DataFrame  # FLAG_SCHEMA
    summary: dict[str, Any]  # JSON-serialisable, see summarize()
    signature: str

    def worst_first(self, flagged_only: bool = True) -> pl.DataFrame:
        df = self.segments.filter(pl.col(FLAGGED)) if flagged_only else self.segments
        return df.sort(RISK, descending=True, maintain_order=True)


def score(corpus_or_segments: Corpus | pl.DataFrame, config: Config | None = None,
          glossary: pl.DataFrame | str | Path | None = None,
          progress: Progress | None = None) -> Scored:
    """Run metrics and all enabled checks over a corpus; rank and summarise.

    `glossary` is a loaded glossary frame or a path; by default the configuration's glossary.
    `progress(done, total)` is called as work advances (for a progress bar).
    """
    config = config or load_config()
    segments = _segment_table(corpus_or_segments)
    glossary_frame = resolve_glossary(glossary, config)

    # Steps of the progress bar: each metric pass that applies, then each family of checks.
    passes = metric_passes(segments)
    total, done = len(passes) + max(1, len(by_family(selected_checks(config)))), 0

    def advance() -> None:
        nonlocal done
        done = min(done + 1, total)
        if progress is not None:
            progress(done, total)

    segments, corpus_metrics = add_metrics(segments, passes, advance)
    flags = run_checks(segments, config, glossary_frame, advance=advance)
    if done < total and progress is not None:  # no check enabled: the bar still completes
        progress(total, total)
    words = source_words(segments)
    scored = add_scores(segments, flags, config, words)
    return Scored(scored, flags, summarize(scored, flags, config, corpus_metrics, words), config.signature())


def check_segment(segment_row: pl.DataFrame, new_target: str, config: Config | None = None,
                  glossary: pl.DataFrame | str | Path | None = None) -> pl.DataFrame:
    """Flags of a reviewer's corrected text for one segment (FLAG_SCHEMA).

    The back-translation described the old MT, not the correction, so it is dropped; a reference
    still applies. Checks of document scope (consistency across segments) are left to the next
    rescore: on one segment alone they have nothing to say.
    """
    config = config or load_config()
    row = _segment_table(segment_row.head(1)).with_columns(
        pl.lit(new_target, dtype=pl.String).alias(TARGET),
        pl.lit(None, dtype=pl.String).alias(BT),
    )
    # One row: which metric pass applies is read off the row itself (no query); without a
    # reference there is none (the back-translation was dropped above).
    reference = row[REFERENCE][0] if row.height else None
    passes = ["target_vs_reference"] if reference is not None and reference.strip() else []
    row, _ = add_metrics(row, passes, lambda: None)
    own = [cid for cid, spec in catalogue().items() if spec.scope == "segment" and config.enabled(cid)]
    return run_checks(row, config, resolve_glossary(glossary, config), only=own)


def resolve_glossary(glossary: pl.DataFrame | str | Path | None, config: Config) -> pl.DataFrame | None:
    if isinstance(glossary, pl.DataFrame):
        return glossary
    path = glossary if glossary is not None else config.glossary
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:  # load_glossary reports it
        stat = None
    if stat is None:
        return load_glossary(path)
    return _load_glossary_cached(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_glossary_cached(path: str, mtime_ns: int, size: int) -> pl.DataFrame:
    """A glossary file is parsed once per version (re-checking a correction on every save)."""
    return load_glossary(path)


# --------------------------------------------------------------------------- metrics
def _segment_table(obj: Corpus | pl.DataFrame) -> pl.DataFrame:
    df = obj.segments if isinstance(obj, Corpus) else obj
    stale = [c for c in (*METRIC_COLUMNS, *SCORE_COLUMNS) if c in df.columns]
    # One chunk per column: polars 2.1 panics in some string expressions (truncated, length_short)
    # on a table of several chunks (pl.concat, several Parquet files); a no-op when already one.
    return conform(df.drop(stale), SEGMENT_SCHEMA).rechunk()


# Metric passes: name in the summary -> (hypothesis column, reference column, metrics, the
# segment columns filled from the sentence scores). Sentence and corpus scores come from one
# statistics pass (review.metrics.score_pairs), so the corpus scores cost nothing extra.
PASSES = {
    "bt_vs_source": (BT, SOURCE, ("chrf", "bleu"), {"chrf": BT_CHRF}),
    "target_vs_reference": (TARGET, REFERENCE, ("bleu", "chrf", "ter"),
                            {"bleu": REF_BLEU, "chrf": REF_CHRF, "ter": REF_TER}),
}


def _present(col: str) -> pl.Expr:
    return pl.col(col).is_not_null() & (pl.col(col).str.strip_chars() != "")


def _scorable(hyp: str, ref: str) -> pl.Expr:
    """Rows a pass scores: the reference side has text; a back-translation must have text too
    (a blank one says nothing), while an empty target against a reference scores 0."""
    return _present(ref) & (_present(hyp) if hyp == BT else pl.col(hyp).is_not_null())


def metric_passes(segments: pl.DataFrame) -> list[str]:
    """The metric passes that apply: a back-translation and/or a reference is present somewhere."""
    found = segments.select(_scorable(hyp, ref).any().alias(name)
                            for name, (hyp, ref, _, _) in PASSES.items()).row(0, named=True)
    return [name for name in PASSES if found[name]]


def add_metrics(segments: pl.DataFrame, passes: list[str], advance: Callable[[], None],
                totals: dict[str, dict[str, list]] | None = None) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Metric columns (null where the back-translation / reference is absent) and the sacrebleu
    corpus scores with their signatures, per pass. `totals`, when given, receives each pass's
    statistics sums ({pass: {metric: sums}}): batches of a corpus add theirs up and
    corpus_metrics_from gives the corpus scores."""
    columns = {c: pl.lit(None, dtype=pl.Float64).alias(c) for c in METRIC_COLUMNS}
    found: dict[str, dict[str, list]] = {}
    for name in passes:
        hyp, ref, which, targets = PASSES[name]
        hyps = segments.select(pl.when(_scorable(hyp, ref)).then(pl.col(hyp))).to_series().to_list()
        per_row, found[name] = score_pairs(hyps, segments[ref].to_list(), which, totals=True)
        for metric, col in targets.items():
            columns[col] = pl.Series(col, per_row[metric], dtype=pl.Float64)
        advance()
    if totals is not None:
        totals.update(found)
    return segments.with_columns(columns.values()), corpus_metrics_from(found)


def corpus_metrics_from(totals: dict[str, dict[str, list]]) -> dict[str, Any]:
    """The corpus scores with their signatures, per pass, from statistics sums (add_metrics)."""
    corpus: dict[str, Any] = {}
    for name in PASSES:
        block = {}
        for metric, sums in (totals.get(name) or {}).items():
            m = make_metric(metric)
            result, signature = m.score_totals(sums), m.signature()
            block.update({metric: result.score, f"{metric}_signature": signature,
                          f"{metric}_text": result.format(signature=signature)})
        if block:
            corpus[name] = block
    return corpus


def add_totals(into: dict[str, dict[str, list]], more: dict[str, dict[str, list]]) -> None:
    """Add one batch's statistics sums (add_metrics `totals`) into `into`, in place."""
    for name, metrics in more.items():
        mine = into.setdefault(name, {})
        for metric, sums in metrics.items():
            mine[metric] = [a + b for a, b in zip(mine[metric], sums)] if metric in mine else list(sums)


# --------------------------------------------------------------------------- risk
def metric_thresholds(config: Config) -> dict[str, float]:
    """Metric column -> threshold, for the metrics whose check is enabled."""
    return {m: float(config.params(cid)["threshold"]) for m, cid in METRIC_CHECKS.items()
            if config.enabled(cid)}


def source_words(segments: pl.DataFrame) -> pl.Series:
    """Source words per segment (whitespace-separated runs): computed once per scoring run."""
    return segments.select(pl.col(SOURCE).fill_null("").str.count_matches(r"\S+").alias(SOURCE_WORDS)).to_series()


def add_scores(segments: pl.DataFrame, flags: pl.DataFrame, config: Config,
               words: pl.Series | None = None) -> pl.DataFrame:
    """PENALTY, N_FLAGS, MAX_SEVERITY, RISK and FLAGGED per segment (order kept). `words`:
    source_words(segments), when the caller has it already."""
    rank_to_severity = {i: s for s, i in SEVERITY_RANK.items()}
    per_seg = flags.group_by(DOC, SEG).agg(
        pl.col(WEIGHT).sum().alias(PENALTY),
        pl.len().cast(pl.Int64).alias(N_FLAGS),
        pl.col(SEVERITY).replace_strict(SEVERITY_RANK, return_dtype=pl.Int64).max().alias("_rank"),
    )
    df = segments.join(per_seg, on=[DOC, SEG], how="left", maintain_order="left").with_columns(
        pl.col(PENALTY).fill_null(0.0),
        pl.col(N_FLAGS).fill_null(0),
    )
    tails, below = [pl.lit(0.0)], [pl.lit(False)]
    major = float(config.weights["major"])
    # A metric that is null everywhere (no back-translation / reference) adds nothing: skip it,
    # and with it the word count.
    thresholds = {m: t for m, t in metric_thresholds(config).items()
                  if m in df.columns and df[m].null_count() < df.height}
    if thresholds:
        words = words if words is not None else source_words(segments)
        df = df.with_columns(words.alias("_words"))
    # chrF of a short segment swings with one paraphrased word: same guard as the meaning checks.
    long_enough = pl.col("_words") >= MIN_WORDS
    for metric, threshold in thresholds.items():
        gap = ((threshold - pl.col(metric)) / threshold).clip(0.0, 1.0)
        tails.append(pl.when(long_enough).then(gap * TAIL_MAJORS * major).otherwise(0.0).fill_null(0.0))
        tails.append(((100.0 - pl.col(metric)) / 1000.0).fill_null(0.0))
        below.append(((pl.col(metric) < threshold) & long_enough).fill_null(False))
    metric_flag = bool(config.score.get("metric_flag", True))
    severe = (pl.col("_rank") >= SEVERITY_RANK["major"]).fill_null(False)
    df = df.with_columns(
        (pl.col(PENALTY) + pl.sum_horizontal(tails)).alias(RISK),
        (severe | (pl.any_horizontal(below) & metric_flag)).alias(FLAGGED),
        pl.col("_rank").replace_strict(rank_to_severity, default=None, return_dtype=pl.String)
        .alias(MAX_SEVERITY),
    )
    return df.select(pl.exclude("_rank", "_words", *SCORE_COLUMNS), *SCORE_COLUMNS)


# --------------------------------------------------------------------------- summary
def summarize(segments: pl.DataFrame, flags: pl.DataFrame, config: Config,
              corpus_metrics: dict[str, Any] | None = None, words: pl.Series | None = None) -> dict[str, Any]:
    """Per document and for the corpus: segments, flagged, source words, MQM penalty (total and
    per 1,000 source words), flag counts by category / check / severity, metric means; for the
    corpus also sacrebleu corpus scores with their signatures; and the configuration signature."""
    words = words if words is not None else source_words(segments)
    means = [pl.col(m).mean().alias(f"mean_{m}") for m in METRIC_COLUMNS if m in segments.columns]
    stats = segments.with_columns(words.alias(SOURCE_WORDS)).group_by(DOC, maintain_order=True).agg(
        pl.len().alias("segments"),
        pl.col(FLAGGED).sum().alias("flagged"),
        pl.col(SOURCE_WORDS).sum(),
        pl.col(PENALTY).sum().alias("penalty"),
        *means,
    )
    counts = {key: _counts(flags, key) for key in (CATEGORY, CHECK, SEVERITY)}
    documents = []
    for row in stats.iter_rows(named=True):
        doc = row[DOC]
        documents.append(_block(row, {key: counts[key].get(doc, {}) for key in counts}))
    total = stats.select(pl.col("segments", "flagged", SOURCE_WORDS, "penalty").sum()).row(0, named=True)
    corpus_means = segments.select(means).row(0, named=True) if means and segments.height else {}
    corpus_counts = {key: _counts(flags, key, by_doc=False) for key in (CATEGORY, CHECK, SEVERITY)}
    corpus = _block({**total, **corpus_means}, corpus_counts)
    corpus["metrics"] = corpus_metrics if corpus_metrics is not None else corpus_scores(segments)
    return {"corpus": corpus, "documents": documents, "thresholds": metric_thresholds(config),
            "signature": config.signature()}


def _block(row: dict[str, Any], counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    words = row[SOURCE_WORDS] or 0
    penalty = float(row["penalty"] or 0.0)
    block = {k: v for k, v in row.items() if k not in ("penalty",)}
    block.update({
        "flagged": int(row["flagged"] or 0),
        "penalty": round(penalty, 3),
        "penalty_per_1000_words": round(penalty * 1000 / words, 3) if words else None,
        "by_category": counts[CATEGORY],
        "by_check": counts[CHECK],
        "by_severity": {s: counts[SEVERITY].get(s, 0) for s in SEVERITIES},
    })
    for key, value in list(block.items()):
        if key.startswith("mean_"):
            if value is None:  # the metric does not apply (no back-translation / reference)
                del block[key]
            else:
                block[key] = round(value, 3)
    return block


def _counts(flags: pl.DataFrame, key: str, by_doc: bool = True) -> dict:
    """{doc: {value: n}} (or {value: n}), most frequent first."""
    keys = [DOC, key] if by_doc else [key]
    grouped = flags.group_by(keys).len().sort([*keys[:-1], "len", key], descending=[*([False] * (len(keys) - 1)), True, False])
    out: dict = {}
    for row in grouped.iter_rows():
        if by_doc:
            out.setdefault(row[0], {})[row[1]] = row[2]
        else:
            out[row[0]] = row[1]
    return out


def corpus_scores(segments: pl.DataFrame) -> dict[str, Any]:
    """sacrebleu corpus scores with signatures: back-translation vs source, target vs reference."""
    return add_metrics(segments, metric_passes(segments), lambda: None)[1]


# --------------------------------------------------------------------------- helpers for callers
def meets(flags: pl.DataFrame, level: str) -> bool:
    """True when some flag is at least as severe as `level` (for `--fail-on`)."""
    ranks = flags[SEVERITY].replace_strict(SEVERITY_RANK, return_dtype=pl.Int64)
    return bool((ranks >= SEVERITY_RANK[level]).any())


def catalogue_frame(config: Config | None = None) -> pl.DataFrame:
    """The catalogue of checks with the severity, parameters and enabled state under `config`."""
    config = config or load_config()
    rows = [{
        "id": spec.id, "family": spec.family, "category": spec.category,
        "severity": config.severity(spec.id), "title": spec.title, "description": spec.description,
        "params": json.dumps(config.params(spec.id), ensure_ascii=False, sort_keys=True),
        "enabled": config.enabled(spec.id),
    } for spec in catalogue().values()]
    return pl.DataFrame(rows)
