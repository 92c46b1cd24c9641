"""The store when the machine says no: a full disk, another writer's lock, a read-only folder.

Disk full and read-only use a real tmpfs mount (mount -t tmpfs -o size=...), remounted read-only
for the latter; both skip cleanly where mounting is not permitted (not root, no CAP_SYS_ADMIN).
chmod alone proves nothing as root (root writes anyway): the read-only paths are also tested
through SQLite's own read-only open (`read_only=True`: URI mode=ro, then immutable=1).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from review.errors import BusyError, InputError
from review.schema import REV
from review.store import Project
from review.store.opening import READ_ONLY
from store_corpus import make_corpus, make_scored

DEMO = Path(__file__).resolve().parent.parent / "corpora" / "musk-letter"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(r, *fragments: str) -> None:
    assert r.exit_code == 2, r.output
    assert r.output.count("\n") == 1 and r.output.startswith("error: "), r.output
    assert "Traceback" not in r.output
    for fragment in fragments:
        assert fragment in r.output, r.output


def _mount(folder: Path, size: str) -> None:
    folder.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({p.stderr.strip() or p.returncode}): needs root")


def _umount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str = "200k"):
    _mount(folder, size)
    try:
        yield folder
    finally:
        _umount(folder)


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the mount until at most `leave` bytes are free."""
    with open(folder / "filler", "wb") as f:
        with contextlib.suppress(OSError):
            while True:
                st = os.statvfs(folder)
                free = st.f_bavail * st.f_frsize - leave
                if free <= 0:
                    break
                f.write(b"\0" * min(free, 65536))
                f.flush()


def small_project(path: Path) -> Path:
    Project.create(path, make_corpus(), make_scored(make_corpus())).close()
    return path


# ------------------------------------------------------------------ disk full
def test_init_on_a_full_disk_rolls_back_and_reports_the_disk(tmp_path):
    with tmpfs(tmp_path / "small") as small:
        target = small / "demo.review"
        r = run("-q", "init", target, DEMO / "en.txt", DEMO / "ar.mt.txt", "--bt", DEMO / "ar.bt.txt")
        one_line_error(r, str(target), "disk full", "project not created")
        assert list(small.iterdir()) == []  # no project, no temporary file, no journal


def test_init_force_on_a_full_disk_leaves_the_old_project(tmp_path):
    with tmpfs(tmp_path / "small", "400k") as small:
        old = small_project(small / "p.review")
        before = old.read_bytes()
        fill(small, leave=8192)
        r = run("-q", "init", old, DEMO / "en.txt", DEMO / "ar.mt.txt", "--force")
        one_line_error(r, "disk full")
        assert old.read_bytes() == before
        assert sorted(p.name for p in small.iterdir()) == ["filler", "p.review"]
        (small / "filler").unlink()  # opening a WAL project needs room for its index
        with Project.open(old) as p:
            assert p.segment("a", 1)[REV] == 0


@pytest.mark.parametrize("args", [["export", "{p}", "--format", "csv", "-o", "{out}"],
                                  ["export", "{p}", "--format", "parquet", "-o", "{out}"],
                                  ["report", "{p}", "-o", "{out}"],
                                  ["load", str(DEMO.parent.parent / "tests" / "fixtures" / "formats" / "header.tsv"),
                                   "--format", "jsonl", "-o", "{out}"]])
def test_export_report_and_load_on_a_full_disk(tmp_path, args):
    project = small_project(tmp_path / "p.review")
    with tmpfs(tmp_path / "small") as small:
        out = small / "out"
        out.write_bytes(b"old")
        fill(small)
        r = run(*[a.format(p=project, out=out) for a in args])
        one_line_error(r, str(out), "No space left on device")
        assert out.read_bytes() == b"old"
        assert sorted(p.name for p in small.iterdir()) == ["filler", "out"]


def test_a_save_on_a_full_disk_is_refused_and_the_project_stays_usable(tmp_path):
    with tmpfs(tmp_path / "small", "1m") as small:
        p = Project.open(small_project(small / "p.review"))
        fill(small)
        with pytest.raises(InputError, match="disk full") as e:
            for _ in range(200):  # the WAL may have room for a few pages still
                p.save("a", 1, "نص طويل " * 2000, "amal", p.latest("a", 1)[0])
        assert e.value.path == str(small / "p.review")
        (small / "filler").unlink()
        rev = p.latest("a", 1)[0]
        assert p.save("a", 1, "واحد.", "amal", rev) == rev + 1
        p.close()


# ------------------------------------------------------------------ another writer's lock
@pytest.fixture
def locked(tmp_path, monkeypatch):
    """A project held under BEGIN EXCLUSIVE by a second connection; a 0.3 s busy timeout."""
    monkeypatch.setattr(Project, "BUSY_TIMEOUT_S", 0.3)
    path = small_project(tmp_path / "p.review")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield path
    holder.execute("ROLLBACK")
    holder.close()


def test_rescore_of_a_locked_project_says_busy_and_changes_nothing(locked, tmp_path):
    r = run("rescore", locked)
    one_line_error(r, str(locked), "project is busy (locked by", "try again")


def test_a_save_on_a_locked_project_is_a_busy_error(locked):
    with Project.open(locked) as p:
        with pytest.raises(BusyError, match="project is busy"):
            p.save("a", 1, "واحد!", "amal", 0)
        assert p.segment("a", 1)[REV] == 0  # reading still works under another writer's lock


def test_export_and_report_read_a_locked_project(locked, tmp_path):
    assert run("export", locked, "--format", "jsonl", "-o", tmp_path / "x.jsonl").exit_code == 0
    assert run("report", locked, "-o", tmp_path / "x.html").exit_code == 0


# ------------------------------------------------------------------ read-only locations
def _check_read_only(p: Project, tmp_path: Path) -> None:
    assert p.read_only
    assert p.segments().height == 6 and p.flags().height > 0
    with pytest.raises(InputError) as e:
        p.save("a", 1, "واحد!", "amal", 0)
    assert e.value.message == READ_ONLY


def test_read_only_open_through_sqlite_uri(tmp_path):
    path = small_project(tmp_path / "p.review")
    before = path.read_bytes()
    with Project.open(path, read_only=True) as p:
        _check_read_only(p, tmp_path)
    assert path.read_bytes() == before


@pytest.fixture
def read_only_mount(tmp_path):
    """A project on a tmpfs remounted read-only (no -wal, no -shm: SQLite needs immutable=1)."""
    folder = tmp_path / "ro"
    _mount(folder, "2m")
    try:
        small_project(tmp_path / "p.review")
        shutil.copy(tmp_path / "p.review", folder / "p.review")
        p = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True, text=True)
        if p.returncode != 0:
            pytest.skip(f"cannot remount read-only: {p.stderr.strip()}")
        yield folder / "p.review"
    finally:
        _umount(folder)


def test_a_project_on_a_read_only_mount_opens_read_only(read_only_mount, tmp_path):
    with Project.open(read_only_mount) as p:
        _check_read_only(p, tmp_path)


def test_export_and_report_work_on_a_read_only_mount_and_writes_say_read_only(read_only_mount, tmp_path):
    r = run("export", read_only_mount, "--format", "text", "-o", tmp_path / "ar.txt")
    assert r.exit_code == 0, r.output
    r = run("report", read_only_mount, "-o", tmp_path / "r.html", "--format", "json")
    assert r.exit_code == 0, r.output
    one_line_error(run("rescore", read_only_mount), "read-only")
    one_line_error(run("-q", "init", read_only_mount, DEMO / "en.txt", DEMO / "ar.mt.txt", "--force"),
                   "project not created", "read-only")


def test_chmod_read_only_folder_and_file(tmp_path):
    """0555 folder, 0444 file: read-only for a normal user (root writes anyway: see the module doc)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    path = small_project(folder / "p.review")
    with sqlite3.connect(path) as c:  # no -wal/-shm left beside it
        c.execute("PRAGMA journal_mode = DELETE")
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        with Project.open(path) as p:
            if os.geteuid() == 0:
                assert not p.read_only  # root may write: SQLite opens it read-write
            else:
                _check_read_only(p, tmp_path)
    finally:
        folder.chmod(0o755)
