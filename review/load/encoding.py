"""Reading text files whose encoding we must guess: UTF-8 (BOM or not), UTF-16 with BOM, cp1256."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from review.errors import InputError

# One line longer than this is not prose: refuse it rather than feed it to the splitter.
MAX_LINE_CHARS = 1_000_000
ENCODINGS = ("utf-8", "utf-16", "cp1256")


@dataclass(frozen=True)
class Decoded:
    text: str  # newlines exactly as in the file (\n or \r\n); BOM removed
    encoding: str  # "utf-8", "utf-16" or "cp1256"
    bom: bool


def read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    if not p.exists():
        raise InputError(p, "no such file")
    if p.is_dir():
        raise InputError(p, "is a directory, not a file")
    try:
        return p.read_bytes()
    except OSError as e:
        raise InputError(p, f"cannot read: {e.strerror or e}") from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def decode(data: bytes, path: str | Path, encoding: str | None = None) -> Decoded:
    """Decode bytes, guessing the encoding unless one is forced. Raises InputError."""
    bom = False
    if encoding:
        enc = encoding.lower().replace("_", "-")
        if enc in ("utf8", "utf-8-sig"):
            enc = "utf-8"
        try:
            codecs.lookup(enc)
        except LookupError:
            raise InputError(path, f"unknown encoding {encoding!r}") from None
    elif data.startswith(codecs.BOM_UTF8):
        enc = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    else:
        enc = None
    if enc == "utf-8" and data.startswith(codecs.BOM_UTF8):
        data, bom = data[len(codecs.BOM_UTF8):], True
    if enc in ("utf-16", "utf-16-le", "utf-16-be") and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        bom = True
    if enc is None:
        if b"\x00" in data[:4096]:
            raise InputError(path, "binary file (NUL bytes and no UTF-16 byte-order mark)",
                             *_position(data, data.index(b"\x00")))
        try:
            text = data.decode("utf-8")
            enc = "utf-8"
        except UnicodeDecodeError as e:
            # Arabic text that is not UTF-8 is almost always Windows-1256.
            try:
                text = data.decode("cp1256")
                enc = "cp1256"
            except UnicodeDecodeError:
                raise InputError(path, f"not UTF-8, UTF-16 or Windows-1256 text ({e.reason})",
                                 *_position(data, e.start)) from None
    else:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            raise InputError(path, f"cannot decode as {enc}: {e.reason}", *_position(data, e.start)) from None
        if text.startswith("\ufeff"):
            text, bom = text[1:], True
    if "\x00" in text:
        off = text.index("\x00")
        line = text.count("\n", 0, off) + 1
        raise InputError(path, "binary file (contains NUL characters)", line)
    return Decoded(text=text, encoding=enc, bom=bom)


def check_line_lengths(text: str, path: str | Path, limit: int = MAX_LINE_CHARS) -> None:
    start = 0
    n = 1
    while True:
        end = text.find("\n", start)
        stop = len(text) if end < 0 else end
        if stop - start > limit:
            raise InputError(path, f"line is {stop - start:,} characters long (limit {limit:,}); "
                             "is this really a text document?", n)
        if end < 0:
            return
        start, n = end + 1, n + 1


def read_text(path: str | Path, encoding: str | None = None, allow_empty: bool = False) -> Decoded:
    """Read a whole text file with its newlines untouched. Raises InputError on bad input."""
    data = read_bytes(path)
    decoded = decode(data, path, encoding)
    if not allow_empty and not decoded.text.strip():
        raise InputError(path, "file is empty")
    check_line_lengths(decoded.text, path)
    return decoded


def encode(text: str, encoding: str, bom: bool) -> bytes:
    """Inverse of read_text: what export writes to give back the same bytes."""
    if encoding == "utf-16":
        return text.encode("utf-16")  # always writes a BOM, as read_text required one
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = codecs.BOM_UTF8 + data
    return data
