"""The SQLite layout of a project file and the migrations that build and upgrade it.

The schema version is SQLite's `user_version`; `MIGRATIONS[i]` takes a file from version i to
version i + 1. Add a function at the end to change the layout; never edit a released one.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable

import polars as pl

from review.schema import (
    ANNOTATION_ID, CATEGORY, CHECK, COMMENT, CURRENT, DOC, DOCUMENT_SCHEMA, END, FLAG_ID, FLAG_SCHEMA,
    FLAGGED, FROM_CORRECTION, MAX_SEVERITY, METRIC_COLUMNS, N_FLAGS, NOTE, PENALTY, PROPAGATED_DOC, PROPAGATED_SEG,
    REV, REVIEWER, RISK,
    SEG, SEGMENT_SCHEMA, SEVERITY, SIDE, SOURCE, START, STATUS, STATUSES, TARGET, UPDATED, VERDICT,
)

# "MTRV": marks a SQLite file as one of our projects.
APPLICATION_ID = 0x4D545256

SCORE_SCHEMA: dict[str, pl.DataType] = {
    RISK: pl.Float64(),
    PENALTY: pl.Float64(),
    FLAGGED: pl.Boolean(),
    N_FLAGS: pl.Int64(),
    MAX_SEVERITY: pl.String(),
    **{m: pl.Float64() for m in METRIC_COLUMNS},
}
REVIEW_SCHEMA: dict[str, pl.DataType] = {
    CURRENT: pl.String(),
    REV: pl.Int64(),
    STATUS: pl.String(),
    REVIEWER: pl.String(),
    UPDATED: pl.String(),
}
# What Project.segments() returns, in this column order.
STORED_SEGMENT_SCHEMA = {**SEGMENT_SCHEMA, **SCORE_SCHEMA, **REVIEW_SCHEMA}
# Internal: 1 when the segment's current flags are those of its correction (see Project.save).
RECHECKED = "rechecked"

STORED_FLAG_SCHEMA = {FLAG_ID: pl.Int64(), **FLAG_SCHEMA, FROM_CORRECTION: pl.Boolean(),
                      VERDICT: pl.String()}
REVISION_SCHEMA = {DOC: pl.String(), SEG: pl.Int64(), REV: pl.Int64(), CURRENT: pl.String(),
                   REVIEWER: pl.String(), UPDATED: pl.String(), NOTE: pl.String(),
                   PROPAGATED_DOC: pl.String(), PROPAGATED_SEG: pl.Int64()}
# Internal: the risk the scorer computed, before the verdict calibration (review.calibrate) moved it.
BASE_RISK = "base_risk"
SKIP_SCHEMA = {DOC: pl.String(), SEG: pl.Int64(), PROPAGATED_DOC: pl.String(), PROPAGATED_SEG: pl.Int64(),
               "old": pl.String(), "new": pl.String(), REVIEWER: pl.String(), UPDATED: pl.String()}
ANNOTATION_SCHEMA = {ANNOTATION_ID: pl.Int64(), DOC: pl.String(), SEG: pl.Int64(), REV: pl.Int64(),
                     CATEGORY: pl.String(), SEVERITY: pl.String(), START: pl.Int64(), END: pl.Int64(),
                     COMMENT: pl.String(), REVIEWER: pl.String(), UPDATED: pl.String()}
VERDICT_SCHEMA = {DOC: pl.String(), SEG: pl.Int64(), CHECK: pl.String(), SIDE: pl.String(),
                  START: pl.Int64(), END: pl.Int64(), VERDICT: pl.String(), REVIEWER: pl.String(),
                  UPDATED: pl.String()}


def q(name: str) -> str:
    """Quote an identifier: some of our column names (end, check) are SQL keywords."""
    return '"' + name.replace('"', '""') + '"'


def _sql_type(dtype: pl.DataType) -> str:
    if dtype == pl.String:
        return "TEXT"
    if dtype == pl.Float64:
        return "REAL"
    return "INTEGER"  # Int64 and Boolean


def _columns(schema: dict[str, pl.DataType]) -> str:
    return ", ".join(f"{q(c)} {_sql_type(t)}" for c, t in schema.items())


def run_script(c: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction (executescript would commit it)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            c.execute(buf)
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement: {buf.strip()[:60]}")


def _v1(c: sqlite3.Connection) -> None:
    """The first layout: every table, with only the primary keys as indexes."""
    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    flag_cols = {k: v for k, v in FLAG_SCHEMA.items() if k not in (DOC, SEG)}
    run_script(c, f"""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE documents ({_columns(DOCUMENT_SCHEMA)}, PRIMARY KEY ({q(DOC)}));
        CREATE TABLE segments (
            {_columns(SEGMENT_SCHEMA)},
            {_columns(SCORE_SCHEMA)},
            {q(CURRENT)} TEXT NOT NULL,
            {q(REV)} INTEGER NOT NULL DEFAULT 0,
            {q(STATUS)} TEXT NOT NULL DEFAULT 'to_review' CHECK ({q(STATUS)} IN ({statuses})),
            {q(REVIEWER)} TEXT,
            {q(UPDATED)} TEXT,
            {RECHECKED} INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY ({q(DOC)}, {q(SEG)}),
            FOREIGN KEY ({q(DOC)}) REFERENCES documents({q(DOC)})
        );
        CREATE TABLE flags (
            {q(FLAG_ID)} INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: ids go stale on rescore
            {q(DOC)} TEXT NOT NULL, {q(SEG)} INTEGER NOT NULL,
            {_columns(flag_cols)},
            {q(FROM_CORRECTION)} INTEGER NOT NULL DEFAULT 0,
            FOREIGN KEY ({q(DOC)}, {q(SEG)}) REFERENCES segments({q(DOC)}, {q(SEG)})
        );
        CREATE TABLE metrics (name TEXT PRIMARY KEY, value REAL, signature TEXT);
        CREATE TABLE revisions (
            {q(DOC)} TEXT NOT NULL, {q(SEG)} INTEGER NOT NULL, {q(REV)} INTEGER NOT NULL,
            {q(CURRENT)} TEXT NOT NULL, {q(REVIEWER)} TEXT NOT NULL, {q(UPDATED)} TEXT NOT NULL,
            {q(NOTE)} TEXT,
            PRIMARY KEY ({q(DOC)}, {q(SEG)}, {q(REV)}),
            FOREIGN KEY ({q(DOC)}, {q(SEG)}) REFERENCES segments({q(DOC)}, {q(SEG)})
        );
        CREATE TRIGGER revisions_append_only_u BEFORE UPDATE ON revisions
            BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
        CREATE TRIGGER revisions_append_only_d BEFORE DELETE ON revisions
            BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
        CREATE TABLE status_log (
            {q(DOC)} TEXT NOT NULL, {q(SEG)} INTEGER NOT NULL, {q(STATUS)} TEXT NOT NULL,
            {q(REVIEWER)} TEXT NOT NULL, {q(UPDATED)} TEXT NOT NULL,
            FOREIGN KEY ({q(DOC)}, {q(SEG)}) REFERENCES segments({q(DOC)}, {q(SEG)})
        );
        CREATE TABLE annotations (
            {q(ANNOTATION_ID)} INTEGER PRIMARY KEY AUTOINCREMENT,
            {q(DOC)} TEXT NOT NULL, {q(SEG)} INTEGER NOT NULL, {q(REV)} INTEGER NOT NULL,
            {q(CATEGORY)} TEXT NOT NULL, {q(SEVERITY)} TEXT NOT NULL,
            {q(START)} INTEGER, {q(END)} INTEGER, {q(COMMENT)} TEXT,
            {q(REVIEWER)} TEXT NOT NULL, {q(UPDATED)} TEXT NOT NULL,
            FOREIGN KEY ({q(DOC)}, {q(SEG)}) REFERENCES segments({q(DOC)}, {q(SEG)})
        );
        -- A verdict belongs to the problem (segment, check, side, span), not to a flag row: flag
        -- rows are replaced on every rescore and the same problem found again keeps its verdict.
        -- Null spans are stored as -1 so that the key is unique.
        CREATE TABLE verdicts (
            {q(DOC)} TEXT NOT NULL, {q(SEG)} INTEGER NOT NULL, {q(CHECK)} TEXT NOT NULL,
            {q(SIDE)} TEXT NOT NULL, {q(START)} INTEGER NOT NULL, {q(END)} INTEGER NOT NULL,
            {q(VERDICT)} TEXT NOT NULL, {q(REVIEWER)} TEXT NOT NULL, {q(UPDATED)} TEXT NOT NULL,
            PRIMARY KEY ({q(DOC)}, {q(SEG)}, {q(CHECK)}, {q(SIDE)}, {q(START)}, {q(END)})
        );
    """)


def _v2(c: sqlite3.Connection) -> None:
    """Indexes for the review queue (worst first, filters) on 100,000-segment projects.

    They are covering: every column a non-text queue filter reads is in the index, so counting
    the matches reads the narrow index, never the wide rows with their text."""
    filters = f"{q(STATUS)}, {RECHECKED}"
    run_script(c, f"""
        CREATE INDEX segments_queue ON segments({q(FLAGGED)}, {q(RISK)} DESC, {q(DOC)}, {q(SEG)}, {filters});
        CREATE INDEX segments_order ON segments({q(RISK)} DESC, {q(DOC)}, {q(SEG)}, {q(FLAGGED)}, {filters});
        CREATE INDEX segments_status ON segments({q(STATUS)}, {q(FLAGGED)}, {q(RISK)} DESC, {q(DOC)}, {q(SEG)},
                                                 {RECHECKED});
        CREATE INDEX flags_segment ON flags({q(DOC)}, {q(SEG)}, {q(FROM_CORRECTION)});
        CREATE INDEX flags_filter ON flags({q(CHECK)}, {q(CATEGORY)}, {q(SEVERITY)}, {q(DOC)}, {q(SEG)},
                                           {q(FROM_CORRECTION)});
        CREATE INDEX annotations_segment ON annotations({q(DOC)}, {q(SEG)});
        CREATE INDEX status_log_segment ON status_log({q(DOC)}, {q(SEG)});
    """)


# The full-text index of the segment text (FTS5, trigram tokenizer: any substring of 3 or more
# characters, in any script, is found through the index; matching ignores case).
TEXT_INDEX = "segments_text"
TEXT_COLUMNS = (SOURCE, TARGET, CURRENT)


def _v3(c: sqlite3.Connection, build: tuple[tuple[str, int], ...] = ()) -> None:
    """A trigram full-text index over source, MT and current text, for the queue's search.

    External content (the text stays in `segments` only), keyed on the segments' rowid, which
    is stable: segments are never deleted and VACUUM keeps rowids. Triggers keep it in step
    with every insert and every correction. The current text is indexed only where it differs
    from the MT (a correction): otherwise the MT would be indexed twice. The index is used for
    MATCH only (never to read text back), so the content table's `current` may differ.

    `build`: FTS5 configuration options set before the index is filled (see build_text_index)."""
    cols = ", ".join(q(x) for x in TEXT_COLUMNS)

    def values(row: str) -> str:
        return f"{row}.{q(SOURCE)}, {row}.{q(TARGET)}, NULLIF({row}.{q(CURRENT)}, {row}.{q(TARGET)})"

    t = TEXT_INDEX
    run_script(c, f"""
        CREATE VIRTUAL TABLE {t} USING fts5({cols}, content='segments', content_rowid='rowid',
                                            tokenize='trigram');
    """)
    c.executemany(f"INSERT INTO {t}({t}, rank) VALUES (?, ?)", build)
    run_script(c, f"""
        INSERT INTO {t}(rowid, {cols}) SELECT s.rowid, {values('s')} FROM segments s;
        CREATE TRIGGER {t}_ai AFTER INSERT ON segments BEGIN
            INSERT INTO {t}(rowid, {cols}) VALUES (new.rowid, {values('new')});
        END;
        CREATE TRIGGER {t}_ad AFTER DELETE ON segments BEGIN
            INSERT INTO {t}({t}, rowid, {cols}) VALUES ('delete', old.rowid, {values('old')});
        END;
        CREATE TRIGGER {t}_au AFTER UPDATE OF {cols} ON segments BEGIN
            INSERT INTO {t}({t}, rowid, {cols}) VALUES ('delete', old.rowid, {values('old')});
            INSERT INTO {t}(rowid, {cols}) VALUES (new.rowid, {values('new')});
        END;
    """)


def _v4(c: sqlite3.Connection) -> None:
    """Fix propagation and calibrated risk: a revision records the segment whose fix it repeats;
    a reviewer's "skip" of a proposed repetition is kept (not offered again); the scorer's own
    risk is kept beside the calibrated one the queue orders by."""
    run_script(c, f"""
        ALTER TABLE revisions ADD COLUMN {q(PROPAGATED_DOC)} TEXT;
        ALTER TABLE revisions ADD COLUMN {q(PROPAGATED_SEG)} INTEGER;
        CREATE TABLE propagation_skips (
            {q(DOC)} TEXT NOT NULL, {q(SEG)} INTEGER NOT NULL,
            {q(PROPAGATED_DOC)} TEXT NOT NULL, {q(PROPAGATED_SEG)} INTEGER NOT NULL,
            old TEXT NOT NULL, new TEXT NOT NULL, {q(REVIEWER)} TEXT NOT NULL, {q(UPDATED)} TEXT NOT NULL,
            PRIMARY KEY ({q(DOC)}, {q(SEG)}, {q(PROPAGATED_DOC)}, {q(PROPAGATED_SEG)}, old, new)
        );
        CREATE INDEX revisions_propagated ON revisions({q(PROPAGATED_DOC)}, {q(PROPAGATED_SEG)});
        ALTER TABLE segments ADD COLUMN {BASE_RISK} REAL;
        UPDATE segments SET {BASE_RISK} = {q(RISK)};
    """)


def _v5(c: sqlite3.Connection) -> None:
    """The text index may be absent: a new project is created without it (building it is most
    of the cost of `review init` on a large corpus) and it is built on the first text search
    (`build_text_index`). Existing files keep theirs; nothing to do."""


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5]
SCHEMA_VERSION = len(MIGRATIONS)


def _later(c: sqlite3.Connection) -> None:
    """In place of _v2 and _v3 when creating a project: their indexes are built after the bulk
    insert (build_deferred_indexes) or, for the text index, on the first text search (see _v5)."""


# Creating a project: every table and column at the newest version (v1, v4, v5), then the caller's
# bulk insert, then build_deferred_indexes: each index is built once over the filled table, which
# is several times faster than keeping it in step with every insert.
CREATE_TABLES = [_v1, _later, _later, *MIGRATIONS[3:]]
assert len(CREATE_TABLES) == len(MIGRATIONS)


def build_deferred_indexes(c: sqlite3.Connection) -> None:
    """The queue indexes of _v2, built once after a new project's bulk insert."""
    with write_transaction(c):
        _v2(c)


def doc_seg_filter(doc: str | None, seg: int | None, doc_col: str = DOC, seg_col: str = SEG,
                   prefix: str = "") -> tuple[list[str], list]:
    """SQL conditions (and their parameters) for "this document" and "this segment", each only
    when given; `prefix` qualifies the columns (e.g. "f.")."""
    where, params = [], []
    for column, value in ((doc_col, doc), (seg_col, seg)):
        if value is not None:
            where.append(f"{prefix}{q(column)} = ?")
            params.append(value)
    return where, params


def has_text_index(c: sqlite3.Connection) -> bool:
    return c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                     (TEXT_INDEX,)).fetchone() is not None


# Building the text index of a whole project at once. FTS5 gathers the postings of a
# transaction in an in-memory hash and writes them out as a segment each time the hash passes
# `hashsize` (1 MB by default), merging segments as they accumulate (`automerge`): on 100,000
# segments (about 48 million trigrams) that is hundreds of small segments merged over and over,
# twice the work of writing them out once. So for the build: a large hash, no merging, one
# `optimize` at the end (one segment; nothing to merge when the hash held it all), a large page
# cache. The defaults are set back afterwards: a correction's few postings are written as FTS5
# always writes them, and the index is the same one the defaults build (same terms, same
# positions: a search finds the same rows).
_BUILD_HASH_BYTES = 256 << 20
_BUILD_CACHE_KIB = 256 << 10
_FTS_DEFAULTS = (("automerge", 4), ("hashsize", 1 << 20))


def build_text_index(c: sqlite3.Connection) -> bool:
    """Build the text index (v3's layout, filled from the segments as they are now) unless it
    exists; one write transaction, so two processes never both build it. True if built here."""
    cache = c.execute("PRAGMA cache_size").fetchone()[0]
    c.execute(f"PRAGMA cache_size = {-_BUILD_CACHE_KIB}")
    try:
        with write_transaction(c):
            if has_text_index(c):
                return False
            _v3(c, build=(("automerge", 0), ("hashsize", _BUILD_HASH_BYTES)))
            t = TEXT_INDEX
            c.execute(f"INSERT INTO {t}({t}) VALUES ('optimize')")
            c.executemany(f"INSERT INTO {t}({t}, rank) VALUES (?, ?)", _FTS_DEFAULTS)
            return True
    finally:
        c.execute(f"PRAGMA cache_size = {cache}")


@contextlib.contextmanager
def write_transaction(c: sqlite3.Connection):
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error. SQLite may have rolled back already
    (disk full): the first error is the one reported, not the rollback's."""
    c.execute("BEGIN IMMEDIATE")
    try:
        yield
        c.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            if c.in_transaction:
                c.execute("ROLLBACK")
        raise


def migrate(c: sqlite3.Connection, migrations: list | None = None, start: int = 0) -> int:
    """Bring the file up to the newest layout, one transaction per step. Returns the new version.
    `migrations[i]` takes the file from version start + i to start + i + 1."""
    steps = [None] * start + list(MIGRATIONS if migrations is None else migrations)
    version = c.execute("PRAGMA user_version").fetchone()[0]
    while version < len(steps):
        with write_transaction(c):
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version < len(steps):
                steps[version](c)
                version += 1
                c.execute(f"PRAGMA user_version = {version}")
    return version
