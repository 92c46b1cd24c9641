"""A review project: one SQLite file holding the corpus, its scores and the review record.

Every correction is an append-only revision. A save names the revision it was made on
(`base_rev`); when someone else saved meanwhile the save is refused with a ConflictError that
carries both texts. The compare and the insert run in one IMMEDIATE transaction, so this holds
across connections and processes as well as threads.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import polars as pl

from review.corpus import Corpus
from review.errors import ConflictError, InputError
from review.fileio import file_mode
from review.schema import (
    ANNOTATION_ID, CHECK, CURRENT, DOC, DOCUMENT_SCHEMA, END, FLAG_ID, FLAG_SCHEMA,
    FLAGGED, FROM_CORRECTION, MQM_CATEGORIES, N_FLAGS, REV, REVIEWER, RISK,
    SEG, SEGMENT_SCHEMA, SEVERITIES, SIDE, SOURCE, START, STATUS, STATUSES, TARGET, UPDATED,
    VERDICT, VERDICTS,
)
from review.store import opening
from review.store.opening import project_target
from review.store import search as query
from review.store.frames import frame as _frame
from review.store.frames import require_reviewer as _require_reviewer
from review.store.reviewlog import ReviewLog
from review.store.search import SEARCH_SIDES, require
from review.store.tables import (
    ANNOTATION_SCHEMA, APPLICATION_ID, CREATE_TABLES, RECHECKED, REVISION_SCHEMA,
    STORED_FLAG_SCHEMA, STORED_SEGMENT_SCHEMA, TEXT_INDEX, VERDICT_SCHEMA,
    build_deferred_indexes, build_text_index, doc_seg_filter, has_text_index, migrate, q,
)
from review.store.writes import (
    as_bytes, fill, glossary_items, insert_flags, replace_correction_flags, update_scores, write_meta,
)
from review.store.writes import now as timestamp

__all__ = ["Project", "SEARCH_SIDES"]

TO_REVIEW, CORRECTED, APPROVED = STATUSES
_SEG_COLS = ", ".join(f"s.{q(c)}" for c in STORED_SEGMENT_SCHEMA)
_FEW_ROWS = 5_000  # candidates of a regex search read from the file; more: from the cached texts
_TEXTS_SCHEMA = {"rowid": pl.Int64(), SOURCE: pl.String(), TARGET: pl.String(), CURRENT: pl.String()}


class Project(ReviewLog):
    """Open with Project.open(path) or build with Project.create(path, corpus, scored)."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self._conn = conn
        # Streamlit runs sessions in threads: they share this connection one call at a time.
        self._lock = threading.RLock()
        self._writes = 0  # our own commits; PRAGMA data_version counts the other connections'
        self._cache: dict[str, tuple[tuple, Any]] = {}
        self._text_frame: pl.DataFrame | None = None  # see _texts()
        self.read_only = False  # opened read-only (see open): every write is refused
        self._text_index = False  # known to exist (see ensure_text_index)

    # ------------------------------------------------------------------ opening and creating
    BUSY_TIMEOUT_S = 10.0  # how long a write waits for another writer's lock (then BusyError)

    @classmethod
    def _connect(cls, path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=cls.BUSY_TIMEOUT_S)
        cls._configure(conn)
        return conn

    @classmethod
    def _configure(cls, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(cls.BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")  # safe in WAL mode; a save stays cheap

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> "Project":
        """Open a project file, checked (review.store.opening: what it is, its layout, its
        integrity) and brought up to the newest layout. Read-only when asked, or when the file
        or its folder cannot be written (then export and report work; writes are refused)."""
        return cls._open(Path(path), read_only, integrity=True)

    @classmethod
    def _open(cls, p: Path, read_only: bool, integrity: bool) -> "Project":
        """open(); `integrity=False` skips the linear scan of PRAGMA quick_check, for the file
        create() has just built and renamed into place (0.3 s per 100,000 segments)."""
        problem = opening.file_problem(p)
        if problem:
            raise InputError(p, problem)
        try:
            conn, ro = opening.connect(p, read_only=read_only, timeout=cls.BUSY_TIMEOUT_S)
        except sqlite3.DatabaseError as e:
            raise opening.store_error(p, e) from None
        except UnicodeDecodeError:  # SQLite's message quotes damaged schema bytes Python cannot decode
            raise InputError(p, "damaged project file (its schema is not readable)") from None
        try:
            opening.check_project(p, conn, ro, integrity)
            cls._configure(conn)
            if not ro:
                conn.execute("PRAGMA journal_mode = WAL")
                migrate(conn)
        except BaseException as e:
            conn.close()
            if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.IntegrityError):
                raise opening.store_error(p, e) from None
            if isinstance(e, UnicodeDecodeError):
                raise InputError(p, "damaged project file (its schema is not readable)") from None
            raise
        project = cls(p, conn)
        project.read_only = ro
        return project

    @classmethod
    def create(cls, path: str | Path, corpus: Corpus, scored: Any = None, overwrite: bool = False,
               *, config_text: str | None = None, glossary: tuple[str, bytes] | None = None) -> "Project":
        """Write a new project file. It is built beside `path` and renamed into place at the end,
        so a failure leaves nothing behind (and an existing project untouched).

        `scored`: the result of a scoring run (segments with score columns, flags, summary,
        signature; see review.score.Scored). `config_text` (TOML) and the glossary file (its name
        and bytes) are kept inside the project, so that a rescore and the checks re-run on
        corrections use the same settings wherever the project moves."""
        given = Path(path)
        target = project_target(path, overwrite)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
            os.close(fd)
        except OSError as e:
            raise InputError(given, f"cannot create the project: {e.strerror or e}") from None
        tmp = Path(tmp_name)
        try:
            conn = cls._connect(tmp)
            try:
                # A temporary file nobody else sees yet: no need to journal or sync while filling.
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute("PRAGMA cache_size = -65536")  # 64 MB: the index builds sort in memory
                migrate(conn, CREATE_TABLES)
                fill(conn, corpus, scored, config_text, glossary_items(glossary))
                build_deferred_indexes(conn)
                conn.execute("PRAGMA journal_mode = WAL")
            finally:
                conn.close()
            # A stale WAL of a replaced project would be replayed into the new file: remove it.
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(str(target) + suffix)
            os.chmod(tmp, file_mode(target))
            os.replace(tmp, target)
        except BaseException as e:
            # Remove every trace of the attempt; a failure to remove is not the error to report.
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(str(tmp) + suffix)
            if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.IntegrityError):
                raise InputError(given, f"project not created: {opening.store_error(given, e).message}") from None
            if isinstance(e, OSError):
                raise InputError(given, f"project not created: {e.strerror or e}") from None
            raise
        return cls._open(target, read_only=False, integrity=False)

    def require_writable(self) -> None:
        """InputError now, before any work, if this project was opened read-only."""
        if self.read_only:
            raise InputError(self.path, opening.READ_ONLY)

    def text_index_ready(self) -> bool:
        """Whether a text search can use the full-text index now (else its first use builds it)."""
        with self._lock:
            self._text_index = self._text_index or has_text_index(self._conn)
            return self._text_index

    def ensure_text_index(self) -> bool:
        """Build the full-text index of the segment text if the project has none yet (a new
        project is created without it; the first text search builds it, once: about 0.2-0.4 s
        per 1,000 segments). True if it was built by this call."""
        if self._text_index:
            return False
        with self._lock:
            if self.read_only:
                if not has_text_index(self._conn):
                    raise InputError(self.path, "this project has no text index yet and is read-only: "
                                     "open it once where it can be written")
                self._text_index = True
                return False
            built = build_text_index(self._conn)
            self._text_index = True
            if built:
                self._writes += 1
        return built

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ internals
    @contextlib.contextmanager
    def _write(self):
        """One IMMEDIATE transaction: takes the write lock before reading, so read-compare-write
        cannot interleave with another writer."""
        if self.read_only:
            raise InputError(self.path, opening.READ_ONLY)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                # SQLite may have rolled back already (disk full): the first error is the one to report.
                with contextlib.suppress(sqlite3.Error):
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self._writes += 1

    def _cached(self, name: str, build, arg: Any = None):
        """`build()` once per state of the file (and `arg`): reused until any connection commits
        a change. One entry per name: a new `arg` replaces the previous one."""
        with self._lock:
            key = (*self._version(), arg)
            hit = self._cache.get(name)
            if hit is not None and hit[0] == key:
                return hit[1]
            value = build()
            self._cache[name] = (key, value)
            return value

    def _rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _meta(self, key: str) -> Any:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def _version(self) -> tuple[int, int]:
        """Changes whenever any connection commits to the file."""
        with self._lock:
            return self._conn.execute("PRAGMA data_version").fetchone()[0], self._writes

    def _state(self, c: sqlite3.Connection, doc: str, seg: int) -> tuple[int, str, str | None]:
        row = c.execute(f"SELECT {q(REV)}, {q(CURRENT)}, {q(REVIEWER)} FROM segments "
                        f"WHERE {q(DOC)} = ? AND {q(SEG)} = ?", (doc, seg)).fetchone()
        if row is None:
            raise InputError(self.path, f"no segment {doc} #{seg}")
        return row

    # ------------------------------------------------------------------ reading
    @property
    def signature(self) -> str | None:
        return self._meta("signature")

    @property
    def config_text(self) -> str | None:
        """The TOML configuration kept for rescoring (None: the defaults)."""
        return self._meta("config")

    @property
    def glossary(self) -> tuple[str, bytes] | None:
        """The glossary file kept in the project: (file name, content), or None."""
        content = self._meta("glossary")
        if content is None:
            return None
        return self._meta("glossary_name") or "glossary.tsv", as_bytes(content)

    def summary(self) -> dict:
        text = self._meta("summary")
        return json.loads(text) if text else {}

    def documents(self) -> pl.DataFrame:
        cols = ", ".join(q(c) for c in DOCUMENT_SCHEMA)
        return _frame(self._rows(f"SELECT {cols} FROM documents ORDER BY rowid"), DOCUMENT_SCHEMA)

    def doc_ids(self) -> list[str]:
        """The documents' ids in order (without their text, which documents() carries)."""
        return [r[0] for r in self._rows(f"SELECT {q(DOC)} FROM documents ORDER BY rowid")]

    def segments(self, columns: list[str] | None = None) -> pl.DataFrame:
        """Every segment in document order, with scores and review columns (cached until the
        project changes: the dashboard's overview asks often). `columns`: only these (read
        narrow, not cached), e.g. [RISK] for a histogram."""
        if columns is not None:
            unknown = [c for c in columns if c not in STORED_SEGMENT_SCHEMA]
            if unknown:
                raise ValueError(f"no segment column {', '.join(unknown)}")
            schema = {c: STORED_SEGMENT_SCHEMA[c] for c in columns}
            cols = ", ".join(f"s.{q(c)}" for c in schema) or "1"
            return _frame(self._rows(f"SELECT {cols} FROM segments s ORDER BY s.rowid"), schema)
        return self._cached("segments", lambda: _frame(
            self._rows(f"SELECT {_SEG_COLS} FROM segments s ORDER BY s.rowid"), STORED_SEGMENT_SCHEMA))

    def risk_histogram(self, bins: int = 30) -> pl.DataFrame:
        """Segments per equal-width risk bin, counted in SQL: columns from, to, segments (every
        bin, empty ones too; none when no segment has a risk). Cached until the project changes."""
        return self._cached(f"risk_histogram:{bins}", lambda: self._risk_histogram(bins))

    def _risk_histogram(self, bins: int) -> pl.DataFrame:
        schema = {"from": pl.Float64(), "to": pl.Float64(), "segments": pl.Int64()}
        lo, hi = self._rows(f"SELECT MIN({q(RISK)}), MAX({q(RISK)}) FROM segments")[0]
        if lo is None:
            return pl.DataFrame(schema=schema)
        if hi == lo:  # one value: one bin around it
            bins, width = 1, 1.0
        else:
            width = (hi - lo) / bins
        counts = dict(self._rows(
            f"SELECT MIN(CAST(({q(RISK)} - ?) / ? AS INTEGER), ?) AS b, COUNT(*) FROM segments "
            f"WHERE {q(RISK)} IS NOT NULL GROUP BY b", (lo, width, bins - 1)))
        return pl.DataFrame({"from": [lo + i * width for i in range(bins)],
                             "to": [lo + (i + 1) * width for i in range(bins)],
                             "segments": [counts.get(i, 0) for i in range(bins)]}, schema=schema)

    def metrics(self) -> pl.DataFrame:
        rows = self._rows("SELECT name, value, signature FROM metrics ORDER BY name")
        return _frame(rows, {"name": pl.String(), "value": pl.Float64(), "signature": pl.String()})

    def segment(self, doc: str, seg: int) -> dict:
        rows = self._rows(f"SELECT {_SEG_COLS} FROM segments s WHERE s.{q(DOC)} = ? AND s.{q(SEG)} = ?",
                          (doc, seg))
        if not rows:
            raise InputError(self.path, f"no segment {doc} #{seg}")
        return _frame(rows, STORED_SEGMENT_SCHEMA).row(0, named=True)

    def neighbours(self, doc: str, seg: int, k: int = 2) -> pl.DataFrame:
        """Segments doc #seg-k .. #seg+k (the segment itself included), in document order."""
        rows = self._rows(f"SELECT {_SEG_COLS} FROM segments s WHERE s.{q(DOC)} = ? "
                          f"AND s.{q(SEG)} BETWEEN ? AND ? ORDER BY s.{q(SEG)}", (doc, seg - k, seg + k))
        return _frame(rows, STORED_SEGMENT_SCHEMA)

    def queue(self, *, flagged_only: bool = True, checks=None, categories=None, severities=None,
              statuses=None, docs=None, search: str | None = None, regex: bool = False,
              search_side: str = "both", hide_approved: bool = False, offset: int = 0,
              limit: int = 50) -> tuple[pl.DataFrame, int]:
        """One page of segments, worst first (risk, then document order), and the total count.

        `search`: a substring (case ignored) or with `regex` a regular expression (see
        review.store.search: linear-time engine, time budget; a refused or too slow pattern
        raises InputError) on `search_side`."""
        if search and regex:
            require(search_side, SEARCH_SIDES, "search side")
        if search:  # both kinds of search narrow their candidates with the index
            self.ensure_text_index()
        where, params = query.queue_filter(flagged_only, checks, categories, severities, statuses, docs,
                                           None if regex else search, search_side, hide_approved)
        cond = " AND ".join(where) or "1"
        order = f"s.{q(RISK)} DESC, s.{q(DOC)}, s.{q(SEG)}"
        offset, limit = max(0, int(offset)), max(0, int(limit))
        if search and regex:
            # Matched outside the lock (another session's queries go on meanwhile); the other
            # filters run in SQL. The ordered result is kept while nothing changes: paging is free.
            hits = self._regex_hits(search, search_side)

            def ordered() -> list[int]:
                if not hits:
                    return []
                return [r[0] for r in self._conn.execute(
                    f"SELECT s.rowid FROM segments s WHERE {cond} ORDER BY {order}", params) if r[0] in hits]
            ids = self._cached("regex_matches", ordered, arg=(search, search_side, cond, tuple(params), id(hits)))
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT {_SEG_COLS} FROM segments s WHERE s.rowid IN (SELECT value FROM json_each(?)) "
                    f"ORDER BY {order}", (json.dumps(ids[offset:offset + limit]),)).fetchall()
            return _frame(rows, STORED_SEGMENT_SCHEMA), len(ids)
        with self._lock:
            total = self._conn.execute(f"SELECT COUNT(*) FROM segments s WHERE {cond}", params).fetchone()[0]
            # Pick the page's rows on the narrow keys first (index-only when possible), then read
            # just those rows: sorting whole rows with their text is what makes a page slow.
            rows = self._conn.execute(
                f"SELECT {_SEG_COLS} FROM segments s WHERE s.rowid IN ("
                f"SELECT s.rowid FROM segments s WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?) "
                f"ORDER BY {order}", [*params, limit, offset]).fetchall()
        return _frame(rows, STORED_SEGMENT_SCHEMA), total

    def _regex_hits(self, pattern: str, side: str) -> frozenset[int]:
        """The rowids of the segments whose text on `side` matches `pattern` (kept while the
        project does not change)."""
        query.check_pattern(pattern)
        version = self._version()
        with self._lock:
            hit = self._cache.get("regex_hits")
            if hit is not None and hit[0] == (version, pattern, side):
                return hit[1]
        deadline = time.monotonic() + query.REGEX_BUDGET_S
        cols = query.SEARCH_COLUMNS[side]
        mt_cols = [c for c in cols if c != CURRENT]
        literals = query.required_literals(pattern)
        candidates = None
        if literals:
            # Only the rows holding one of the literals (the index finds them) can match.
            candidates = [r[0] for r in self._rows(
                f"SELECT rowid FROM {TEXT_INDEX} WHERE {TEXT_INDEX} MATCH ?",
                (query.index_query(literals, cols),))]
        if candidates is not None and len(candidates) <= _FEW_ROWS:
            # Few: their text is read from the file (no need for every segment's text).
            texts = _frame(self._rows(
                f"SELECT s.rowid, s.{q(SOURCE)}, s.{q(TARGET)}, "
                f"CASE WHEN s.{q(REV)} > 0 THEN s.{q(CURRENT)} END FROM segments s "
                f"WHERE s.rowid IN (SELECT value FROM json_each(?))", (json.dumps(candidates),)), _TEXTS_SCHEMA)
            found = query.matching(texts, pattern, cols, deadline)
        else:
            mt, corrected = self._texts(), self._corrections_text()
            if candidates is not None:
                mt = mt.filter(pl.col("rowid").is_in(candidates))
                corrected = corrected.filter(pl.col("rowid").is_in(candidates))
            found = query.matching(mt, pattern, mt_cols, deadline)
            if CURRENT in cols:
                found = pl.concat([found, query.matching(corrected, pattern, [CURRENT], deadline)])
        hits = frozenset(found.to_list())
        with self._lock:
            self._cache["regex_hits"] = ((version, pattern, side), hits)
        return hits

    def _texts(self) -> pl.DataFrame:
        """(rowid, source, target) of every segment, read once: the MT and source never change."""
        with self._lock:
            if self._text_frame is None:
                self._text_frame = pl.DataFrame(
                    self._rows(f"SELECT rowid, {q(SOURCE)}, {q(TARGET)} FROM segments"),
                    schema={"rowid": pl.Int64(), SOURCE: pl.String(), TARGET: pl.String()}, orient="row")
            return self._text_frame

    def _corrections_text(self) -> pl.DataFrame:
        """(rowid, current) of the corrected segments (read again after any change)."""
        return self._cached("corrected_texts", lambda: pl.DataFrame(
            self._rows(f"SELECT rowid, {q(CURRENT)} FROM segments WHERE {q(REV)} > 0"),
            schema={"rowid": pl.Int64(), CURRENT: pl.String()}, orient="row"))

    def flags(self, doc: str | None = None, seg: int | None = None, *, which: str = "current") -> pl.DataFrame:
        """Flags with FLAG_ID and the reviewers' VERDICT.

        which="current": for a corrected segment whose correction was re-checked, the flags of the
        correction; otherwise those of the MT. "mt": the flags of the last scoring run only.
        "all": both.
        """
        where, params = [], []
        if which == "current":
            where.append(f"f.{q(FROM_CORRECTION)} = s.{RECHECKED}")
        elif which == "mt":
            where.append(f"f.{q(FROM_CORRECTION)} = 0")
        elif which != "all":
            raise ValueError(f"which must be current, mt or all, not {which!r}")
        doc_seg, params = doc_seg_filter(doc, seg, prefix="f.")
        where += doc_seg
        cols = ", ".join(f"f.{q(c)}" for c in [FLAG_ID, *FLAG_SCHEMA, FROM_CORRECTION])
        sql = (f"SELECT {cols}, v.{q(VERDICT)} FROM flags f "
               f"JOIN segments s ON s.{q(DOC)} = f.{q(DOC)} AND s.{q(SEG)} = f.{q(SEG)} "
               f"LEFT JOIN verdicts v ON {_verdict_join('f', 'v')} "
               f"WHERE {' AND '.join(where) or '1'} ORDER BY s.rowid, f.{q(FLAG_ID)}")
        return _frame(self._rows(sql, params), STORED_FLAG_SCHEMA)

    def revisions(self, doc: str, seg: int) -> pl.DataFrame:
        cols = ", ".join(q(c) for c in REVISION_SCHEMA)
        rows = self._rows(f"SELECT {cols} FROM revisions WHERE {q(DOC)} = ? AND {q(SEG)} = ? "
                          f"ORDER BY {q(REV)}", (doc, seg))
        return _frame(rows, REVISION_SCHEMA)

    def all_revisions(self) -> pl.DataFrame:
        cols = ", ".join(q(c) for c in REVISION_SCHEMA)
        return _frame(self._rows(f"SELECT {cols} FROM revisions ORDER BY rowid"), REVISION_SCHEMA)

    def annotations(self, doc: str | None = None, seg: int | None = None) -> pl.DataFrame:
        conditions, params = doc_seg_filter(doc, seg)
        where = " AND ".join(conditions) or "1"
        cols = ", ".join(q(c) for c in ANNOTATION_SCHEMA)
        rows = self._rows(f"SELECT {cols} FROM annotations WHERE {where} ORDER BY {q(ANNOTATION_ID)}", params)
        return _frame(rows, ANNOTATION_SCHEMA)

    def verdicts(self) -> pl.DataFrame:
        """Every verdict given, also on flags that a later rescore no longer raises."""
        cols = ", ".join(q(c) for c in VERDICT_SCHEMA)
        rows = self._rows(f"SELECT {cols} FROM verdicts ORDER BY rowid")
        return _frame(rows, VERDICT_SCHEMA).with_columns(
            pl.when(pl.col(c) < 0).then(None).otherwise(pl.col(c)).alias(c) for c in (START, END))

    def progress(self) -> dict:
        return dict(self._cached("progress", self._progress))

    def _progress(self) -> dict:
        row = self._rows(
            f"SELECT COUNT(*), SUM({q(STATUS)} != ?), SUM({q(STATUS)} = ?), SUM({q(STATUS)} = ?), "
            f"SUM({q(FLAGGED)} = 1) FROM segments", (TO_REVIEW, CORRECTED, APPROVED))[0]
        total, reviewed, corrected, approved, flagged = (int(v or 0) for v in row)
        return {"total": total, "reviewed": reviewed, "corrected": corrected, "approved": approved,
                "flagged": flagged}

    # ------------------------------------------------------------------ the review record
    def save(self, doc: str, seg: int, text: str, reviewer: str, base_rev: int,
             note: str | None = None, propagated_from: tuple[str, int] | None = None) -> int:
        """Append a revision made on `base_rev`; returns its number. Refused (ConflictError) when
        the segment's latest revision is no longer `base_rev`. `propagated_from`: (doc, seg) of
        the segment whose fix this revision repeats (review.propagate).

        Until its flags are stored (store_correction_flags; review.workflow.save_correction does
        both), the segment shows the flags of its MT."""
        reviewer = _require_reviewer(reviewer)
        if not isinstance(text, str):
            raise InputError(None, "the correction must be text")
        now = timestamp()
        with self._write() as c:
            rev, current, by = self._state(c, doc, seg)
            if rev != base_rev:
                raise ConflictError(
                    f"{doc} #{seg} was changed by {by or 'someone else'} (revision {rev}) after you "
                    f"opened revision {base_rev}; your text was not saved", mine=text, theirs=current,
                    theirs_by=by or "")
            new = rev + 1
            p_doc, p_seg = propagated_from if propagated_from is not None else (None, None)
            cols = ", ".join(q(x) for x in REVISION_SCHEMA)
            c.execute(f"INSERT INTO revisions ({cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (doc, seg, new, text, reviewer, now, note, p_doc, p_seg))
            c.execute(f"UPDATE segments SET {q(CURRENT)} = ?, {q(REV)} = ?, {q(STATUS)} = ?, "
                      f"{q(REVIEWER)} = ?, {q(UPDATED)} = ?, {RECHECKED} = 0 "
                      f"WHERE {q(DOC)} = ? AND {q(SEG)} = ?",
                      (text, new, CORRECTED, reviewer, now, doc, seg))
            c.execute("INSERT INTO status_log VALUES (?, ?, ?, ?, ?)", (doc, seg, CORRECTED, reviewer, now))
            c.execute(f"DELETE FROM flags WHERE {q(DOC)} = ? AND {q(SEG)} = ? AND {q(FROM_CORRECTION)} = 1",
                      (doc, seg))
        return new

    def latest(self, doc: str, seg: int) -> tuple[int, str]:
        """(revision number, text) of the segment's latest revision (0 and the MT: none yet)."""
        with self._lock:
            rev, text, _ = self._state(self._conn, doc, seg)
        return rev, text

    def corrections(self) -> list[tuple[str, int, int, str]]:
        """(doc, seg, revision, text) of every corrected segment's latest revision."""
        return self._rows(f"SELECT {q(DOC)}, {q(SEG)}, {q(REV)}, {q(CURRENT)} FROM segments "
                          f"WHERE {q(REV)} > 0 ORDER BY rowid")

    def loaded_segment(self, doc: str, seg: int) -> pl.DataFrame:
        """The segment as it was loaded (SEGMENT_SCHEMA, one row): what the checks read."""
        cols = ", ".join(q(c) for c in SEGMENT_SCHEMA)
        rows = self._rows(f"SELECT {cols} FROM segments WHERE {q(DOC)} = ? AND {q(SEG)} = ?", (doc, seg))
        if not rows:
            raise InputError(self.path, f"no segment {doc} #{seg}")
        return _frame(rows, SEGMENT_SCHEMA)

    def store_correction_flags(self, doc: str, seg: int, rev: int, flags: pl.DataFrame) -> bool:
        """Make `flags` (FLAG_SCHEMA, found on revision `rev`'s text) the segment's current flags.
        Not stored (False) when a later revision has landed meanwhile: its own flags win."""
        with self._write() as c:
            if self._state(c, doc, seg)[0] != rev:
                return False
            replace_correction_flags(c, doc, seg, flags)
        return True

    def approve(self, doc: str, seg: int, reviewer: str, base_rev: int) -> None:
        """Approve the text of revision `base_rev` (ConflictError if it is no longer the latest)."""
        reviewer = _require_reviewer(reviewer)
        now = timestamp()
        with self._write() as c:
            rev, current, by = self._state(c, doc, seg)
            if rev != base_rev:
                raise ConflictError(
                    f"{doc} #{seg} was changed by {by or 'someone else'} (revision {rev}) after you "
                    f"opened revision {base_rev}; not approved", mine="", theirs=current, theirs_by=by or "")
            self._set_status(c, doc, seg, APPROVED, reviewer, now)

    def set_status(self, doc: str, seg: int, status: str, reviewer: str) -> None:
        require(status, STATUSES, "status")
        reviewer = _require_reviewer(reviewer)
        with self._write() as c:
            self._state(c, doc, seg)
            self._set_status(c, doc, seg, status, reviewer, timestamp())

    @staticmethod
    def _set_status(c, doc, seg, status, reviewer, now) -> None:
        c.execute(f"UPDATE segments SET {q(STATUS)} = ?, {q(REVIEWER)} = ?, {q(UPDATED)} = ? "
                  f"WHERE {q(DOC)} = ? AND {q(SEG)} = ?", (status, reviewer, now, doc, seg))
        c.execute("INSERT INTO status_log VALUES (?, ?, ?, ?, ?)", (doc, seg, status, reviewer, now))

    def approve_unflagged(self, reviewer: str) -> int:
        """Approve every segment still to review that has no flag at all. Returns how many."""
        reviewer = _require_reviewer(reviewer)
        now = timestamp()
        cond = (f"{q(STATUS)} = '{TO_REVIEW}' AND COALESCE({q(FLAGGED)}, 0) = 0 "
                f"AND COALESCE({q(N_FLAGS)}, 0) = 0 AND {RECHECKED} = 0")
        with self._write() as c:
            c.execute(f"INSERT INTO status_log SELECT {q(DOC)}, {q(SEG)}, ?, ?, ? FROM segments WHERE {cond}",
                      (APPROVED, reviewer, now))
            n = c.execute(f"UPDATE segments SET {q(STATUS)} = ?, {q(REVIEWER)} = ?, {q(UPDATED)} = ? "
                          f"WHERE {cond}", (APPROVED, reviewer, now)).rowcount
        return n

    def annotate(self, doc: str, seg: int, category: str, severity: str, start: int | None,
                 end: int | None, comment: str | None, reviewer: str) -> int:
        """A reviewer's MQM annotation on the segment's current text; returns its id."""
        require(category, MQM_CATEGORIES, "MQM category")
        require(severity, SEVERITIES, "severity")
        reviewer = _require_reviewer(reviewer)
        with self._write() as c:
            rev, current, _ = self._state(c, doc, seg)
            if (start is None) != (end is None) or (
                    start is not None and not 0 <= start <= end <= len(current)):
                raise InputError(None, f"span [{start}, {end}) is not inside the text of {doc} #{seg}")
            cur = c.execute("INSERT INTO annotations VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (doc, seg, rev, category, severity, start, end, comment, reviewer, timestamp()))
            return cur.lastrowid

    def delete_annotation(self, annotation_id: int) -> None:
        with self._write() as c:
            c.execute(f"DELETE FROM annotations WHERE {q(ANNOTATION_ID)} = ?", (annotation_id,))

    def set_verdict(self, flag_id: int, verdict: str | None, reviewer: str) -> None:
        """Confirm an automatic flag or mark it a false alarm; None withdraws the verdict."""
        if verdict is not None:
            require(verdict, VERDICTS, "verdict")
        reviewer = _require_reviewer(reviewer)
        with self._write() as c:
            row = c.execute(f"SELECT {q(DOC)}, {q(SEG)}, {q(CHECK)}, COALESCE({q(SIDE)}, ''), "
                            f"COALESCE({q(START)}, -1), COALESCE({q(END)}, -1) FROM flags "
                            f"WHERE {q(FLAG_ID)} = ?", (flag_id,)).fetchone()
            if row is None:
                raise InputError(self.path, f"no flag {flag_id} (the project was rescored?)")
            if verdict is None:
                c.execute(f"DELETE FROM verdicts WHERE {q(DOC)} = ? AND {q(SEG)} = ? AND {q(CHECK)} = ? "
                          f"AND {q(SIDE)} = ? AND {q(START)} = ? AND {q(END)} = ?", row)
            else:
                c.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (*row, verdict, reviewer, timestamp()))

    # ------------------------------------------------------------------ scoring
    def corpus(self) -> Corpus:
        """The corpus as loaded (the MT, not the corrections)."""
        return Corpus(segments=self.segments().select(list(SEGMENT_SCHEMA)), documents=self.documents())

    def replace_scores(self, scored: Any, *, rechecked: dict[tuple[str, int, int], pl.DataFrame] | None = None,
                       config_text: str | None = None, glossary: tuple[str, bytes] | None = None) -> None:
        """Store the result of a scoring run of this project's corpus (segments' score columns,
        flags, summary, signature), in one transaction. Verdicts stay with the problems they judge.

        `rechecked`: {(doc, seg, rev): flags} of corrections checked with the same settings; a
        segment saved again meanwhile keeps the flags of its newer text. `config_text` and
        `glossary` (name, bytes), when given, replace the ones kept for the next runs."""
        with self._write() as c:
            update_scores(c, scored.segments)
            c.execute(f"DELETE FROM flags WHERE {q(FROM_CORRECTION)} = 0")
            insert_flags(c, scored.flags, from_correction=False)
            for (doc, seg, rev), flags in (rechecked or {}).items():
                if self._state(c, doc, seg)[0] == rev:
                    replace_correction_flags(c, doc, seg, flags)
            write_meta(c, scored, config_text)
            c.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", glossary_items(glossary))


# Every public method: an SQLite error met after opening (damage quick_check cannot see, a lock
# held past the busy timeout, a full disk) is one InputError naming the file, never a traceback.
for _name, _member in list(vars(Project).items()):
    if _name.startswith("_"):
        continue
    if isinstance(_member, property):
        setattr(Project, _name, property(opening.guarded(_member.fget)))
    elif callable(_member) and not isinstance(_member, (staticmethod, classmethod)):
        setattr(Project, _name, opening.guarded(_member))


# ---------------------------------------------------------------------- helpers used above
def _verdict_join(f: str, v: str) -> str:
    return (f"{v}.{q(DOC)} = {f}.{q(DOC)} AND {v}.{q(SEG)} = {f}.{q(SEG)} AND {v}.{q(CHECK)} = {f}.{q(CHECK)} "
            f"AND {v}.{q(SIDE)} = COALESCE({f}.{q(SIDE)}, '') AND {v}.{q(START)} = COALESCE({f}.{q(START)}, -1) "
            f"AND {v}.{q(END)} = COALESCE({f}.{q(END)}, -1)")
