"""Scoring in batches: constant memory, both cores, the same results as review.score.score().

The unit of work is a group of *complete documents*: most check families compare a segment with
its document (the length-ratio and metric medians, the names table, the next segment), so a
document is never split. Two checks compare a segment with every other segment of the corpus,
across documents (`inconsistent_target`, `inconsistent_source`); they run at the end, on the
few rows whose comparison key occurs more than once in the corpus (a hash per row is all that is
kept meanwhile), and the scores of the rows they flag are recomputed.

    score_documents(frame, settings)   the scored rows of complete documents (corpus-scope
                                       checks left out) with their flags as a list column
    score_unit(frame, settings)        the same and the rows' corpus_candidates
    corpus_candidates(frame)           per row, the hashes of the corpus-scope comparison keys
    corpus_flags(rows, settings)       the corpus-scope flags of the candidate rows
    finish_rows(out, extra, settings)  merge those flags and recompute the scores
    fixed_rows(out, extra, settings)   only the rows that change: positions, rows
    records(out) / score_table(out)    the JSONL / CSV-Parquet layouts of `review score`

The local engine (review.stream_run.stream_score) and the Ray engine share these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from review.checks import FLAG_ORDER, prepare, run_checks, run_prepared, selected_checks, suppress
from review.checks.consistency import coarse_key
from review.config import Config, load_config
from review.normalize import SRC_NORM, TGT_NORM, fold_digits_expr, normalize_expr
from review.schema import (BEAD, BT, CATEGORY, CHECK, DOC, END, FLAG_SCHEMA, FLAGGED, LOCATOR,
                           MAX_SEVERITY, MESSAGE, METRIC_COLUMNS, N_FLAGS, PENALTY, REFERENCE,
                           RISK, SEG, SEGMENT_SCHEMA, SEVERITY, SIDE, SOURCE, START, TARGET,
                           WEIGHT, conform)
from review.score import (SCORE_COLUMNS, _segment_table, add_metrics, add_scores, metric_passes,
                          resolve_glossary)

# Checks that compare a segment with the whole corpus (review/checks/consistency.py keys them
# on the segment text alone, not on the document).
CORPUS_SCOPE = ("inconsistent_target", "inconsistent_source")
FLAGS = "flags"
METRICS = "metrics"
FLAG_FIELDS = (CHECK, CATEGORY, SEVERITY, MESSAGE, SIDE, START, END, WEIGHT)
FLAG_STRUCT = pl.Struct({f: FLAG_SCHEMA[f] for f in FLAG_FIELDS})
RECORD_COLUMNS = (DOC, SEG, SOURCE, TARGET, BT, REFERENCE, BEAD, LOCATOR,
                  RISK, PENALTY, FLAGGED, N_FLAGS, MAX_SEVERITY)
SRC_KEY, TGT_KEY = "_src_key", "_tgt_key"


@dataclass(frozen=True)
class ScoreSettings:
    """What scoring a batch needs besides the rows; picklable (sent once to each worker)."""
    config: Config
    glossary: pl.DataFrame | None = None

    @classmethod
    def make(cls, config: Config | None = None,
             glossary: pl.DataFrame | str | Path | None = None) -> "ScoreSettings":
        config = config or load_config()
        return cls(config, resolve_glossary(glossary, config))

    def local_checks(self) -> list[str]:
        return [c for c in selected_checks(self.config) if c not in CORPUS_SCOPE]

    def corpus_checks(self) -> list[str]:
        return [c for c in selected_checks(self.config) if c in CORPUS_SCOPE]


def score_documents(frame: pl.DataFrame, settings: ScoreSettings,
                    totals: dict[str, dict[str, list]] | None = None) -> pl.DataFrame:
    """Score rows holding complete documents: segment columns + metrics + SCORE_COLUMNS + FLAGS,
    same rows, same order. Everything but the corpus-scope checks (see corpus_flags).
    `totals`: receives the metric statistics sums (review.score.add_metrics)."""
    return _scored(frame, settings, totals)[0]


def score_unit(frame: pl.DataFrame, settings: ScoreSettings,
               totals: dict[str, dict[str, list]] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """score_documents(frame) and corpus_candidates of its rows, from the same normalised text."""
    out, prepared = _scored(frame, settings, totals)
    return out, corpus_candidates(prepared)


def _scored(frame: pl.DataFrame, settings: ScoreSettings,
            totals: dict[str, dict[str, list]] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """score_documents, and the frame the checks ran on (review.checks.prepare)."""
    # One chunk per column: polars 2.1 can panic on string views of a sliced, concatenated frame
    # (a slice of a unit cut from several input batches) in pl.format.
    segments = _segment_table(frame).rechunk()
    segments, _ = add_metrics(segments, metric_passes(segments), lambda: None, totals)
    prepared = prepare(segments)
    flags = run_prepared(prepared, settings.config, settings.glossary, only=settings.local_checks())
    return _with_flag_lists(add_scores(segments, flags, settings.config), flags), prepared


def _with_flag_lists(scored: pl.DataFrame, flags: pl.DataFrame) -> pl.DataFrame:
    """FLAGS: the segment's flags as a list of structs, in the flag table's order."""
    per_seg = flags.group_by(DOC, SEG, maintain_order=True).agg(pl.struct(FLAG_FIELDS).alias(FLAGS))
    return (scored.join(per_seg, on=[DOC, SEG], how="left", maintain_order="left")
            .with_columns(pl.col(FLAGS).fill_null(pl.lit([], dtype=pl.List(FLAG_STRUCT)))))


def flag_table(out: pl.DataFrame) -> pl.DataFrame:
    """The FLAG_SCHEMA table of scored rows (inverse of the FLAGS column)."""
    f = out.select(DOC, SEG, FLAGS).explode(FLAGS).drop_nulls(FLAGS).unnest(FLAGS)
    return conform(f, FLAG_SCHEMA).select(list(FLAG_SCHEMA))


# --------------------------------------------------------------------------- corpus scope
def _key_hash(frame: pl.DataFrame, col: str, norm: str) -> pl.Series:
    # The hash of the comparison key of the corpus-scope checks (review.checks.consistency.
    # coarse_key) over the normalised text of review.normalize.add_normalized_columns (its column
    # when the frame has it): equal keys, equal hashes, so no candidate is missed; a collision only
    # adds a row, which the check itself then drops. Not the cheaper tail key (tail_keys): corpora
    # of joined or formulaic sentences ("..., he said.") share tails by the thousand, and every
    # row sharing one would be re-checked at the end, in the main process.
    text = pl.col(norm) if norm in frame.columns else normalize_expr(fold_digits_expr(pl.col(col).fill_null("")))
    return frame.select(coarse_key(text).hash(seed=0)).to_series()


def corpus_candidates(frame: pl.DataFrame) -> pl.DataFrame:
    """Per row (same order): SRC_KEY, TGT_KEY, hashes of keys that the corpus-scope comparison
    keys determine (a frame from review.checks.prepare: from its normalised columns)."""
    return pl.DataFrame({SRC_KEY: _key_hash(frame, SOURCE, SRC_NORM),
                         TGT_KEY: _key_hash(frame, TARGET, TGT_NORM)})


def duplicated_rows(keys: pl.DataFrame) -> pl.Series:
    """Row numbers (positions in `keys`, the whole corpus in order) whose source or target key
    occurs more than once: the only rows a corpus-scope check can flag or quote."""
    return keys.with_row_index("_i").filter(
        pl.col(SRC_KEY).is_duplicated() | pl.col(TGT_KEY).is_duplicated())["_i"]


def corpus_flags(rows: pl.DataFrame, settings: ScoreSettings) -> pl.DataFrame:
    """Flags (FLAG_SCHEMA) of the corpus-scope checks over the candidate rows, given in corpus
    order: the same flags as over the whole corpus, since every row sharing a key is there."""
    checks = settings.corpus_checks()
    if not checks or rows.height == 0:
        return pl.DataFrame(schema=FLAG_SCHEMA)
    return run_checks(_segment_table(rows), settings.config, settings.glossary, only=checks)


def finish_rows(out: pl.DataFrame, extra: pl.DataFrame, settings: ScoreSettings) -> pl.DataFrame:
    """`out` (score_documents rows) with the corpus-scope flags of `extra` merged in: the flags
    of each affected row re-suppressed and re-sorted, its scores recomputed. Order kept."""
    found = fixed_rows(out, extra, settings)
    if found is None:
        return out
    positions, fixed = found
    hit = pl.repeat(False, out.height, dtype=pl.Boolean, eager=True).scatter(positions, True)
    return (pl.concat([out.with_row_index("_i").filter(~hit).with_columns(pl.col("_i").cast(pl.Int64)),
                       fixed.with_columns(positions.alias("_i")).select("_i", *out.columns)])
            .sort("_i").drop("_i"))


def fixed_rows(out: pl.DataFrame, extra: pl.DataFrame,
               settings: ScoreSettings) -> tuple[pl.Series, pl.DataFrame] | None:
    """The rows of `out` that `extra` flags, finished as finish_rows does: their positions in
    `out` (ascending, Int64) and the rows in that order; None when `extra` flags none of them.
    Only these rows change, so a writer can patch its bytes instead of formatting all rows."""
    if extra.height == 0 or out.height == 0:
        return None
    keys = extra.select(DOC, SEG).unique().with_columns(pl.lit(True).alias("_hit"))
    hit = out.select(DOC, SEG).join(keys, on=[DOC, SEG], how="left", maintain_order="left")["_hit"]
    hit = hit.fill_null(False)
    if not hit.any():
        return None
    part = out.filter(hit)
    mine = extra.join(part.select(DOC, SEG), on=[DOC, SEG], how="semi")
    flags = suppress(pl.concat([flag_table(part), mine.select(list(FLAG_SCHEMA))])
                     .sort(FLAG_ORDER, nulls_last=False))
    segments = part.select(pl.exclude(FLAGS, *SCORE_COLUMNS))
    fixed = _with_flag_lists(add_scores(segments, flags, settings.config), flags).select(out.columns)
    positions = out.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("_i")).filter(hit)["_i"]
    return positions, fixed


# --------------------------------------------------------------------------- output layouts
def records(out: pl.DataFrame) -> pl.DataFrame:
    """The JSONL record of each segment (review.export.scores.segment_records)."""
    return out.select(*RECORD_COLUMNS, FLAGS, pl.struct(METRIC_COLUMNS).alias(METRICS))


def score_table(out: pl.DataFrame) -> pl.DataFrame:
    """The CSV / Parquet table (review.export.scores.score_table): flags as JSON text."""
    as_json = pl.concat_str(
        pl.lit("["), pl.col(FLAGS).list.eval(pl.element().struct.json_encode()).list.join(","),
        pl.lit("]"))
    segment_columns = [c for c in out.columns if c != FLAGS]
    return out.select(*segment_columns, as_json.alias(FLAGS))


def whole(frame: pl.DataFrame, settings: ScoreSettings) -> pl.DataFrame:
    """Every step on one in-memory frame (tests, small inputs): equals review.score.score()."""
    out, keys = score_unit(frame, settings)
    rows = duplicated_rows(keys)
    extra = corpus_flags(out.select(list(SEGMENT_SCHEMA))[rows], settings)
    return finish_rows(out, extra, settings)
