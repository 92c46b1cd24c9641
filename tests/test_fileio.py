"""review.fileio: what an output path points at decides how it is written, and every failure is
a one-line InputError with the old file untouched and no temporary file left behind."""

from __future__ import annotations

import errno
import os
import pathlib
import socket
import stat
import threading

import pytest

from review import fileio
from review.errors import InputError
from review.fileio import IN_PLACE, REPLACE, atomic_path, make_folder, output_kind, write_bytes, write_text


def _leftovers(folder: pathlib.Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_regular_file_replaced_atomically_mode_kept(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old")
    out.chmod(0o640)
    write_text(out, "new")
    assert out.read_text() == "new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_new_file_gets_the_umask_mode_not_mkstemp_0600(tmp_path):
    out = tmp_path / "new.txt"
    write_bytes(out, b"x")
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~fileio._UMASK


def test_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert real.read_text() == "new" and stat.S_IMODE(real.stat().st_mode) == 0o600


def test_symlink_chain_into_another_folder(tmp_path):
    (tmp_path / "a").mkdir()
    real = tmp_path / "a" / "real.txt"
    real.write_text("old")
    (tmp_path / "mid").symlink_to(real)
    (tmp_path / "top").symlink_to(tmp_path / "mid")
    write_text(tmp_path / "top", "new")
    assert real.read_text() == "new"
    assert (tmp_path / "top").is_symlink() and (tmp_path / "mid").is_symlink()
    assert _leftovers(tmp_path) == [] and _leftovers(tmp_path / "a") == []


def test_dangling_symlink_refused_nothing_created(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to("nowhere/real.txt")
    with pytest.raises(InputError, match="symbolic link to 'nowhere/real.txt', which does not exist"):
        write_text(link, "x")
    assert link.is_symlink() and sorted(os.listdir(tmp_path)) == ["link.txt"]


def test_symlink_loop_refused(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(InputError, match="cannot be resolved"):
        write_text(tmp_path / "a", "x")


def _drain(path: pathlib.Path, got: list[bytes]) -> threading.Thread:
    def read():
        with open(path, "rb") as f:
            got.append(f.read())
    t = threading.Thread(target=read, daemon=True)
    t.start()
    return t


@pytest.mark.parametrize("via_atomic_path", [False, True])
def test_fifo_is_written_in_place(tmp_path, via_atomic_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    data = b"x" * 300_000  # more than a pipe buffer: really streamed
    if via_atomic_path:
        with atomic_path(fifo) as tmp:
            tmp.write_bytes(data)
    else:
        write_bytes(fifo, data)
    reader.join(10)
    assert got == [data]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["fifo"]


def test_dev_null_stays_a_device():
    # Guard first: a regression must fail here, not replace /dev/null (tests may run as root).
    assert output_kind("/dev/null") == (IN_PLACE, pathlib.Path("/dev/null"))
    write_bytes("/dev/null", b"data")
    with atomic_path("/dev/null") as tmp:
        tmp.write_bytes(b"data")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_disk_full_on_a_device_is_one_line():
    assert output_kind("/dev/full")[0] == IN_PLACE
    with pytest.raises(InputError, match="/dev/full: cannot write: No space left on device"):
        write_bytes("/dev/full", b"data")
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_disk_full_during_atomic_write_keeps_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("old")
    real_write_bytes = pathlib.Path.write_bytes

    def half_then_full(self, data):
        real_write_bytes(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pathlib.Path, "write_bytes", half_then_full)
    with pytest.raises(InputError, match="out.txt: cannot write: No space left on device"):
        write_bytes(out, b"new content")
    assert out.read_text() == "old" and _leftovers(tmp_path) == []


def test_failed_rename_removes_the_temporary_file(tmp_path, monkeypatch):
    out = tmp_path / "out.txt"
    out.write_text("old")

    def denied(src, dst):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(fileio.os, "replace", denied)
    with pytest.raises(InputError, match="cannot write: Permission denied"):
        write_text(out, "new")
    assert out.read_text() == "old" and _leftovers(tmp_path) == []


def test_unwritable_folder_is_one_line(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(fileio.tempfile, "mkstemp", denied)
    with pytest.raises(InputError, match="out.txt: cannot write: Permission denied"):
        write_text(tmp_path / "out.txt", "x")
    assert os.listdir(tmp_path) == []


def test_failure_inside_the_block_leaves_nothing(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old")
    with pytest.raises(ValueError):
        with atomic_path(out) as tmp:
            tmp.write_text("half")
            raise ValueError("encoder failed")
    assert out.read_text() == "old" and _leftovers(tmp_path) == []


@pytest.mark.parametrize("bad, message", [
    ("", "'': empty output path"),
    ("   ", "empty output path"),
])
def test_empty_path_refused(bad, message):
    with pytest.raises(InputError, match=message):
        write_text(bad, "x")


def test_directory_refused(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        write_text(tmp_path, "x")
    (tmp_path / "link").symlink_to(tmp_path)
    with pytest.raises(InputError, match="is a directory"):
        write_text(tmp_path / "link", "x")


def test_missing_parent_refused_not_created(tmp_path):
    with pytest.raises(InputError, match="folder '.*nope' does not exist"):
        write_text(tmp_path / "nope" / "out.txt", "x")
    assert not (tmp_path / "nope").exists()
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="is not a folder"):
        write_text(tmp_path / "file" / "out.txt", "x")


def test_socket_refused(tmp_path):
    path = tmp_path / "sock"
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(path))
        with pytest.raises(InputError, match="is a socket; not written"):
            write_text(path, "x")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        s.close()


def test_dash_is_standard_output(capfdbinary):
    assert output_kind("-")[0] == fileio.TO_STDOUT
    write_bytes("-", b"to stdout\n")
    assert capfdbinary.readouterr().out == b"to stdout\n"


def test_new_regular_output_kind(tmp_path):
    assert output_kind(tmp_path / "new.txt") == (REPLACE, tmp_path / "new.txt")


def test_make_folder(tmp_path):
    assert make_folder(tmp_path / "out") == tmp_path / "out" and (tmp_path / "out").is_dir()
    make_folder(tmp_path / "out")  # an existing folder is fine
    with pytest.raises(InputError, match="give a folder"):
        make_folder("-")
    with pytest.raises(InputError, match="empty output path"):
        make_folder("")
    (tmp_path / "f").write_text("")
    with pytest.raises(InputError, match="not a folder"):
        make_folder(tmp_path / "f")
    with pytest.raises(InputError, match="cannot create the folder"):
        make_folder(tmp_path / "missing" / "out")
