"""Opening a project file safely (and choosing the file a new one is written to), and SQLite's
errors as one-line InputErrors naming the file.

What can be wrong with a file given as a project, and what it becomes:
- missing, a folder, a FIFO or device, empty, not SQLite: "no such project file", "is a folder",
  "empty file", "not a review project (not an SQLite database)";
- another program's SQLite file (other application id): "made by another program";
- ours but damaged: flipped bytes (PRAGMA quick_check), a dropped table or renamed column (the
  layout is compared with the one the migrations build for its schema version), a schema
  version of 0: "damaged project file (...)";
- on a read-only folder or mount: opened read-only (SQLite URI `mode=ro`, and `immutable=1`
  when even the WAL index cannot be opened: nobody can write there), so that export and report
  work; writes are refused with "project file is read-only";
- locked by another writer past the busy timeout: BusyError ("project is busy").
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
from pathlib import Path

from review.errors import BusyError, InputError
from review.fileio import link_target
from review.store.tables import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, TEXT_INDEX, migrate, q

SQLITE_HEADER = b"SQLite format 3\x00"
NOT_OURS = "not a review project"
READ_ONLY = "project file is read-only (read-only file, folder or mount): nothing was changed"

# Primary SQLite result codes (sqlite3.h) used below.
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def file_problem(p: Path) -> str | None:
    """Why `p` cannot be a project file, judged without SQLite (which would block on a FIFO, and
    take an empty file for an empty database); None when it may be one."""
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return "no such project file"
    except OSError as e:
        return f"cannot read the project file ({e.strerror or e})"
    if stat.S_ISDIR(st.st_mode):
        return "is a folder, not a project file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file, not a project file"
    if st.st_size == 0:
        return f"empty file, {NOT_OURS}"
    try:
        with open(p, "rb") as f:
            head = f.read(100)
    except OSError as e:
        return f"cannot read the project file ({e.strerror or e})"
    if not head.startswith(SQLITE_HEADER):
        return f"{NOT_OURS} (not an SQLite database)"
    if len(head) < 100:
        return "damaged project file (truncated)"
    return None


def writable(p: Path) -> bool:
    """Can SQLite write here? The file, and its folder for the WAL and its index. (os.access
    also answers for a read-only mount, even for root.)"""
    return os.access(p, os.W_OK) and os.access(p.parent, os.W_OK)


def connect(p: Path, *, read_only: bool, timeout: float) -> tuple[sqlite3.Connection, bool]:
    """(connection, read_only). Read-write where the file can be written and `read_only` is not
    asked; else read-only: `mode=ro`, or `immutable=1` where the WAL index cannot be opened."""
    def open_(target: str, uri: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False,
                               timeout=timeout)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # really opens the file
        except BaseException:
            conn.close()
            raise
        return conn

    if not read_only and writable(p):
        return open_(str(p), False), False
    base = p.resolve().as_uri()
    try:
        return open_(f"{base}?mode=ro", True), True
    except sqlite3.OperationalError as e:
        if _code(e) != _CANTOPEN:
            raise
    return open_(f"{base}?immutable=1", True), True


@functools.cache
def expected_layout(version: int) -> dict[str, frozenset[str]]:
    """{table: columns} that the migrations build up to `version` (built in memory once)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn, MIGRATIONS[:version])
        return layout(conn)
    finally:
        conn.close()


def layout(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: frozenset(r[1] for r in conn.execute(f"PRAGMA table_info({q(t)})")) for t in tables}


def layout_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """What differs from our layout at `version` (missing tables or columns; extra ones are
    tolerated), or None."""
    have, want = layout(conn), expected_layout(version)
    if version >= 5:  # since v5 the text index is built on the first text search: it may be absent
        want = {t: cols for t, cols in want.items() if not t.startswith(TEXT_INDEX)}
    missing = sorted(set(want) - set(have))
    if missing:
        return f"table {', '.join(missing)} missing"
    for table in sorted(want):
        gone = sorted(want[table] - have[table])
        if gone:
            return f"table {table} has no column {', '.join(gone)}"
    return None


def integrity_problem(conn: sqlite3.Connection) -> str | None:
    """PRAGMA quick_check's first complaint (a linear scan: 0.3 s on a 130 MB project), or None."""
    rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    return None if rows == [("ok",)] else one_line(str(rows[0][0]))


def one_line(text: str, limit: int = 200) -> str:
    """SQLite's messages may span lines ("*** in database main ***\nPage 48: ..."): one line."""
    text = " ".join(text.replace("***", " ").split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def check_project(p: Path, conn: sqlite3.Connection, read_only: bool, integrity: bool = True) -> None:
    """Refuse what is not one of our projects, or is one damaged (InputError naming `p`).
    `integrity=False`: no PRAGMA quick_check (a file this process has just built)."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise InputError(p, f"{NOT_OURS} (made by another program)")
    if version > SCHEMA_VERSION:
        raise InputError(p, f"project schema version {version} is newer than this program "
                            f"understands ({SCHEMA_VERSION}): upgrade mt-review")
    if version == 0:  # ours, yet never built: a creation cut short, or the version wiped
        raise InputError(p, "damaged project file (schema version 0)")
    problem = (integrity and integrity_problem(conn)) or layout_problem(conn, version)
    if problem:
        raise InputError(p, f"damaged project file ({problem})")
    if read_only and version < SCHEMA_VERSION:
        raise InputError(p, f"project schema version {version} must be upgraded to {SCHEMA_VERSION}, "
                            "which needs write access: open it once where it can be written")


def project_target(path: str | Path, overwrite: bool) -> Path:
    """The file a new project at `path` is written to, or InputError. A symbolic link is
    followed (as `-o` does): the file it points to is replaced (with `overwrite`), the link
    stays; a dangling link or a loop is refused. `-`, an empty path, a folder, a FIFO or a device
    are refused: a project is a regular file."""
    text = str(path)
    if text == "-":
        raise InputError("-", "a project is a file: standard input/output ('-') is not supported; give a file name")
    if not text.strip():
        raise InputError(repr(text), "empty project path")
    given = Path(text)
    target = link_target(given, "created")
    if os.path.lexists(target):
        if not target.is_file():
            what = "a folder" if target.is_dir() else "not a regular file"
            raise InputError(given, f"is {what}; not replaced by a project")
        if not overwrite:
            raise InputError(given, "project already exists (use --force to replace it)")
    folder = target.parent
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):  # said before any scoring
        raise InputError(given, "project not created: its folder cannot be written (read-only?)")
    return target


def _code(e: sqlite3.Error) -> int:
    return (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF


def lock_holders(p: Path) -> list[int]:
    """Processes holding a POSIX lock on the project or its WAL index (Linux /proc/locks; [] where
    it cannot be read). SQLite's locks are POSIX locks; in WAL mode the writer's is on `-shm`."""
    inodes = set()
    for f in (p, Path(str(p) + "-shm"), Path(str(p) + "-wal")):
        try:
            st = os.stat(f)
        except OSError:
            continue
        inodes.add((os.major(st.st_dev), os.minor(st.st_dev), st.st_ino))
    pids: list[int] = []
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) < 6 or parts[1] != "POSIX":
                    continue
                try:
                    major, minor, ino = parts[5].split(":")
                    key, pid = (int(major, 16), int(minor, 16), int(ino)), int(parts[4])
                except ValueError:
                    continue
                if key in inodes and pid != os.getpid() and pid not in pids:
                    pids.append(pid)
    except OSError:
        return []
    return pids


def store_error(path: Path | str, e: sqlite3.Error) -> InputError:
    """An SQLite error met on the project file at `path`, as one line a user can act on."""
    code, e = _code(e), one_line(str(e))
    if code in (_BUSY, _LOCKED):
        pids = lock_holders(Path(path))
        by = f"process {', '.join(map(str, pids))}" if pids else "another process"
        return BusyError(path, f"project is busy (locked by {by}), try again; nothing was changed")
    if code == _READONLY:
        return InputError(path, READ_ONLY)
    if code == _FULL:
        return InputError(path, f"disk full ({e}); nothing was changed")
    if code in (_CORRUPT, _NOTADB):
        return InputError(path, f"damaged project file ({e})")
    if code == _IOERR:
        return InputError(path, f"cannot read or write the project file ({e})")
    if code == _CANTOPEN:
        return InputError(path, f"cannot open the project file ({e})")
    return InputError(path, f"damaged or foreign project file ({e})")


def guarded(method):
    """Wrap a Project method: an SQLite error (damage found late, a lock, a full disk) becomes
    store_error's InputError naming the file. Integrity errors are the callers' own (bugs)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.DatabaseError as e:
            raise store_error(self.path, e) from None
    return wrapper
