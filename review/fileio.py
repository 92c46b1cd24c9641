"""Writing output files safely, whatever the output path points at.

- a regular file (or a new one): all-or-nothing, a temporary file beside it then one rename, its
  mode kept;
- a symbolic link: written through, the atomic replace happens on the file the link resolves to
  and the link stays a link; a dangling link or a loop is refused with the reason;
- a FIFO or a character device (/dev/null, a terminal): opened and written in place, never
  replaced;
- `-`: standard output;
- a directory, a missing folder, an empty path, a socket or a block device: refused.
Every refusal and every failure while writing (disk full, permission denied) is an InputError
naming the path; a failed write removes its temporary file and leaves the old file untouched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from review.errors import InputError

STDOUT = "-"

# What to do with an output path (see `output_kind`).
REPLACE = "replace"    # a regular file, existing or new: temporary file + rename
IN_PLACE = "in place"  # a FIFO or character device: open and write
TO_STDOUT = "stdout"


def _umask() -> int:
    # The only portable way to read the umask is to set it; done once, at import.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def file_mode(target: Path) -> int:
    """The mode a new file would get (mkstemp makes 0600 files), or the replaced file's mode."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def is_stdout(path: str | Path | None) -> bool:
    return path is not None and str(path) == STDOUT


def _reason(e: OSError) -> str:
    return e.strerror or str(e)


def link_target(given: Path, what: str = "written") -> Path:
    """`given`, or the file its symbolic link (chain) points to; InputError for a dangling link
    or a loop, saying the file was not `what` (written, created)."""
    if not given.is_symlink():
        return given
    try:
        return Path(os.path.realpath(given, strict=True))
    except FileNotFoundError:
        raise InputError(given, f"is a symbolic link to {os.readlink(given)!r}, which does not "
                         f"exist; not {what} (give the real path to create it)") from None
    except OSError as e:
        raise InputError(given, f"symbolic link cannot be resolved ({_reason(e)}); not {what}") from None


def output_kind(path: str | Path) -> tuple[str, Path]:
    """(REPLACE | IN_PLACE | TO_STDOUT, the path to write). A symlink gives its resolved target.
    Raises InputError for anything that cannot be written safely."""
    text = str(path)
    if text == STDOUT:
        return TO_STDOUT, Path(text)
    if not text.strip():
        raise InputError(repr(text), "empty output path")
    given = Path(text)
    target = link_target(given, "written")
    try:
        st = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        parent = target.parent
        if not parent.is_dir():
            what = "is not a folder" if parent.exists() else "does not exist"
            raise InputError(given, f"cannot write: folder {str(parent)!r} {what}") from None
        return REPLACE, target
    except OSError as e:
        raise InputError(given, f"cannot write: {_reason(e)}") from None
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return REPLACE, target
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return IN_PLACE, target
    if stat.S_ISDIR(mode):
        raise InputError(given, "is a directory; give a file name")
    kind = "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
    raise InputError(given, f"is {kind}; not written")


def check_output(path: str | Path) -> None:
    """Refuse an output path before any work is done (same rules as writing)."""
    output_kind(path)


@contextlib.contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path to fill; on success it becomes `path` (see the module doc for links,
    FIFOs, devices and `-`). On failure nothing is left behind and the old file is untouched."""
    kind, target = output_kind(path)
    folder = target.parent if kind == REPLACE else None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as e:
        raise InputError(path, f"cannot write: {_reason(e)}") from None
    os.close(fd)
    try:
        try:
            yield Path(tmp)
            if kind == REPLACE:
                os.chmod(tmp, file_mode(target))
                os.replace(tmp, target)
            else:
                with open(tmp, "rb") as src:
                    _stream(src, kind, target)
        except BrokenPipeError:
            raise  # the reader of our standard output left: the CLI ends quietly
        except OSError as e:
            raise InputError(path, f"cannot write: {_reason(e)}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _stream(src, kind: str, target: Path) -> None:
    if kind == TO_STDOUT:
        shutil.copyfileobj(src, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with open(target, "wb", buffering=0) as dst:
        shutil.copyfileobj(src, dst)


def make_folder(path: str | Path) -> Path:
    """An output folder (several files): created if missing; its parent must exist."""
    folder = Path(path)
    if not str(path).strip():
        raise InputError(repr(str(path)), "empty output path")
    if is_stdout(path):
        raise InputError(path, "several files to write: give a folder")
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError:
        raise InputError(folder, "exists and is not a folder") from None
    except OSError as e:
        raise InputError(folder, f"cannot create the folder: {_reason(e)}") from None
    return folder


def write_bytes(path: str | Path, data: bytes) -> None:
    kind, target = output_kind(path)
    if kind == REPLACE:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        return
    try:
        if kind == TO_STDOUT:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        with open(target, "wb", buffering=0) as dst:
            view = memoryview(data)
            while view:
                view = view[dst.write(view):]
    except BrokenPipeError:
        raise  # the reader of our standard output left: the CLI ends quietly
    except OSError as e:
        raise InputError(path, f"cannot write: {_reason(e)}") from None


def write_text(path: str | Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))
