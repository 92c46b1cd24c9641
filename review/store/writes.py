"""Writing a corpus, its scores and flags and the project's metadata into the tables (inside the
caller's transaction); review.store.project decides when."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime, timezone
from typing import Any

import polars as pl

from review.corpus import Corpus
from review.errors import InputError
from review.schema import (
    CURRENT, DOC, DOCUMENT_SCHEMA, FLAG_SCHEMA, FLAGGED, FROM_CORRECTION, N_FLAGS, PENALTY, RISK, SEG,
    SEGMENT_SCHEMA, TARGET, conform,
)
from review.store.tables import BASE_RISK, RECHECKED, SCORE_SCHEMA, q

FLAG_COLUMNS = [c for c in FLAG_SCHEMA if c not in (DOC, SEG)]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sql_value(v: Any) -> Any:
    return int(v) if isinstance(v, bool) else v


def placeholders(n: int) -> str:
    return ", ".join("?" * n)


def insert_flags(c: sqlite3.Connection, flags: pl.DataFrame, from_correction: bool) -> None:
    if flags is None or flags.height == 0:
        return
    cols = [DOC, SEG, *FLAG_COLUMNS]
    rows = conform(flags, FLAG_SCHEMA).select(cols).iter_rows()
    names = ", ".join(q(x) for x in [*cols, FROM_CORRECTION])
    c.executemany(f"INSERT INTO flags ({names}) VALUES ({placeholders(len(cols) + 1)})",
                  ((*r, int(from_correction)) for r in rows))


def replace_correction_flags(c: sqlite3.Connection, doc: str, seg: int, flags: pl.DataFrame) -> None:
    c.execute(f"DELETE FROM flags WHERE {q(DOC)} = ? AND {q(SEG)} = ? AND {q(FROM_CORRECTION)} = 1", (doc, seg))
    insert_flags(c, flags, from_correction=True)
    c.execute(f"UPDATE segments SET {RECHECKED} = 1 WHERE {q(DOC)} = ? AND {q(SEG)} = ?", (doc, seg))


def score_frame(segments: pl.DataFrame) -> pl.DataFrame:
    """The score columns of `segments`, defaults where the scorer left them out."""
    defaults = {RISK: 0.0, PENALTY: 0.0, FLAGGED: False, N_FLAGS: 0}
    exprs = []
    for name, dtype in SCORE_SCHEMA.items():
        if name in segments.columns:
            exprs.append(pl.col(name).cast(dtype))
        else:
            exprs.append(pl.lit(defaults.get(name), dtype=dtype).alias(name))
    return segments.select(pl.col(DOC), pl.col(SEG), *exprs)


def update_scores(c: sqlite3.Connection, segments: pl.DataFrame) -> None:
    scores = score_frame(segments)
    sets = ", ".join(f"{q(n)} = ?" for n in SCORE_SCHEMA)
    c.executemany(f"UPDATE segments SET {sets} WHERE {q(DOC)} = ? AND {q(SEG)} = ?",
                  ((*(sql_value(v) for v in r[2:]), r[0], r[1]) for r in scores.iter_rows()))
    # A new scoring run: its risk is the base the verdict calibration starts from again.
    c.execute(f"UPDATE segments SET {BASE_RISK} = {q(RISK)}")


def write_meta(c: sqlite3.Connection, scored: Any, config_text: str | None) -> None:
    items = {}
    if scored is not None:
        items["signature"] = getattr(scored, "signature", None)
        items["summary"] = json.dumps(getattr(scored, "summary", {}) or {}, ensure_ascii=False, default=str)
    if config_text is not None:
        items["config"] = config_text
    items["scored_at"] = now() if scored is not None else None
    c.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", items.items())
    if scored is not None:
        c.execute("DELETE FROM metrics")
        c.executemany("INSERT INTO metrics VALUES (?, ?, ?)", corpus_metrics(items["summary"]))


def corpus_metrics(summary_json: str) -> list[tuple]:
    """Corpus metric scores of the summary as (name, score, sacrebleu signature) rows.

    review.score puts them under corpus.metrics as {pair: {metric: score, metric_signature: ...}},
    e.g. "target_vs_reference.chrf"."""
    summary = json.loads(summary_json)
    metrics = (summary.get("corpus") or {}).get("metrics") or {}
    rows = []
    for pair, scores in metrics.items() if isinstance(metrics, dict) else ():
        if not isinstance(scores, dict):
            continue
        for name, value in scores.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                rows.append((f"{pair}.{name}", float(value), scores.get(f"{name}_signature")))
    return rows


def as_bytes(v: Any) -> bytes:
    return v if isinstance(v, bytes) else str(v).encode("utf-8")


def glossary_items(glossary: tuple[str, bytes] | None) -> list[tuple[str, Any]]:
    if glossary is None:
        return []
    name, content = glossary
    return [("glossary_name", name), ("glossary", content)]


def fill(c: sqlite3.Connection, corpus: Corpus, scored: Any, config_text: str | None,
          extra_meta: list[tuple[str, Any]] = ()) -> None:
    segments = scored.segments if scored is not None else corpus.segments
    segments = conform(segments, SEGMENT_SCHEMA)
    documents = conform(corpus.documents, DOCUMENT_SCHEMA)
    known = set(documents[DOC].to_list())
    missing = [d for d in segments[DOC].unique(maintain_order=True).to_list() if d not in known]
    if missing:
        documents = pl.concat([documents, conform(pl.DataFrame({DOC: missing}), DOCUMENT_SCHEMA)])
    # SQLite has no booleans; casting here keeps the per-value Python work out of the insert.
    # The scorer's risk is the base the verdict calibration starts from (written with the row:
    # an UPDATE afterwards would rewrite every row of the table once more).
    with_scores = pl.concat([segments.select(list(SEGMENT_SCHEMA)),
                             score_frame(segments).drop(DOC, SEG)], how="horizontal").with_columns(
        pl.col(TARGET).fill_null("").alias(CURRENT), pl.col(RISK).alias(BASE_RISK))
    with_scores = with_scores.with_columns(pl.col(c).cast(pl.Int64) for c, t in with_scores.schema.items()
                                           if t == pl.Boolean)
    documents = documents.with_columns(pl.col(c).cast(pl.Int64) for c, t in documents.schema.items()
                                       if t == pl.Boolean)
    c.execute("BEGIN")
    try:
        c.executemany(f"INSERT INTO documents VALUES ({placeholders(len(DOCUMENT_SCHEMA))})",
                      documents.iter_rows())
        # Columns null on every row are left out of the INSERT (null is their default: the rows
        # are the same), which saves binding a value per row and column; the rows' tuples are
        # zipped from whole columns rather than built row by row.
        cols = [x for x in (*SEGMENT_SCHEMA, *SCORE_SCHEMA, CURRENT, BASE_RISK)
                if with_scores[x].null_count() < with_scores.height]
        if cols:  # none: no rows
            names = ", ".join(q(x) for x in cols)
            c.executemany(f"INSERT INTO segments ({names}) VALUES ({placeholders(len(cols))})",
                          zip(*(with_scores[x].to_list() for x in cols)))
        if scored is not None:
            insert_flags(c, scored.flags, from_correction=False)
        c.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                      [("created", now()), ("program", "mt-review"), *extra_meta])
        write_meta(c, scored, config_text)
        c.execute("COMMIT")
    except sqlite3.IntegrityError as e:
        _rollback(c)
        raise InputError(None, f"the corpus cannot be stored: {e} (duplicate document/segment ids?)") from None
    except BaseException:
        _rollback(c)
        raise


def _rollback(c: sqlite3.Connection) -> None:
    """Roll back if SQLite has not already (it has after a full disk): never hide the first error."""
    with contextlib.suppress(sqlite3.Error):
        if c.in_transaction:
            c.execute("ROLLBACK")
