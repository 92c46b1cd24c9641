"""Reading text files: UTF-8 (BOM or not), UTF-16 with BOM, or Windows-1256 when the whole file is.

Decoding never guesses silently. Without a forced encoding or a byte-order mark:
1. valid UTF-8 is UTF-8;
2. a file whose non-ASCII bytes are mostly valid UTF-8 is UTF-8 with damage: refused with the
   file:line:column of the first bad byte (read it with --encoding to force something else);
3. otherwise Windows-1256 is used only when the whole file is consistent with it (see
   `_legacy_problem`), and an InputWarning says so (the CLI prints it on stderr; the encoding
   is stored with the document);
4. anything else is refused, naming the first byte UTF-8 cannot read.
"""

from __future__ import annotations

import codecs
import warnings
from dataclasses import dataclass
from pathlib import Path

from review.errors import InputError, InputWarning

# One line longer than this is not prose: refuse it rather than feed it to the splitter.
MAX_LINE_CHARS = 1_000_000
ENCODINGS = ("utf-8", "utf-16", "cp1256")

# What a Windows-1256 text may contain outside ASCII: Arabic letters and marks, the Persian
# letters, Arabic and typographic punctuation, the invisible joiners/direction marks, and the
# lowercase French accented letters of Maghreb texts. Decoding UTF-8 bytes as cp1256 gives
# pairs such as "ط§" or "ظ„": the second character is never in this set.
_ARABIC_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x064B))  # hamza .. yeh, tatweel
_LEGACY_PLAUSIBLE = _ARABIC_LETTERS | frozenset(
    [chr(c) for c in range(0x064B, 0x0653)]  # harakat, shadda, sukun
    + list("پچژگک،؛؟«»‘’“”–—…•×÷°àâçèéêëîïôùûü")
    + ["\u00a0", "\u200c", "\u200d", "\u200e", "\u200f"])
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


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
    """1-based line and character column of a byte offset (characters as UTF-8 reads them)."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", "replace")) + 1
    return line, col


def _text_position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _utf8_mostly(data: bytes) -> bool:
    """True when more non-ASCII characters decode as UTF-8 than fail to (damaged UTF-8)."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = sum(1 for ch in text if ord(ch) > 0x7F)
    good = non_ascii - bad
    return good > 0 and good >= bad


def _legacy_problem(text: str) -> tuple[int | None, str] | None:
    """Why `text` (decoded as Windows-1256) is not plausibly Windows-1256, or None.

    The rule: every non-ASCII character is in _LEGACY_PLAUSIBLE (Arabic letters and marks,
    Persian letters, Arabic/typographic punctuation, joiners and direction marks, French
    lowercase accents), at least half of the non-ASCII characters are Arabic letters, and there
    is no control character except tab, newline, carriage return, form feed and vertical tab
    (so no C0 controls; C1 controls cannot come out of cp1256, which maps 0x80-0x9F to text).
    """
    letters = others = 0
    for k, ch in enumerate(text):
        o = ord(ch)
        if o < 0x20 and ch not in _ALLOWED_CONTROLS or o == 0x7F:
            return k, f"control character U+{o:04X}"
        if o < 0x80:
            continue
        if ch not in _LEGACY_PLAUSIBLE:
            return k, f"unlikely character {ch!r} (U+{o:04X})"
        if ch in _ARABIC_LETTERS:
            letters += 1
        else:
            others += 1
    if letters < others:
        return None, "fewer Arabic letters than other non-ASCII characters"
    return None


def declared_encoding(data: bytes, declared: str, path, line: int | None = 1) -> str:
    """The encoding a file declares for itself (XML declaration, PO charset), checked.

    A declared encoding is obeyed, except a single-byte legacy one over bytes that are valid
    UTF-8 with multi-byte characters in them: that file was re-saved as UTF-8 and kept its old
    declaration, and obeying it would garble every non-ASCII character.
    """
    try:
        name = codecs.lookup(declared).name  # "windows-1256" -> "cp1256"
    except LookupError:
        raise InputError(path, f"unknown encoding {declared!r} declared in the file", line) from None
    if name in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        return name
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        return name
    if any(ord(ch) > 0x7F for ch in utf8):
        raise InputError(path, f"declares {declared} but is UTF-8 text; fix the declaration, or "
                         f"name the encoding with --encoding", line)
    return name


def _forced(encoding: str, path) -> str:
    enc = encoding.lower().replace("_", "-")
    if enc in ("utf8", "utf-8-sig"):
        enc = "utf-8"
    try:
        codecs.lookup(enc)
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r}") from None
    return enc


def decode(data: bytes, path: str | Path, encoding: str | None = None) -> Decoded:
    """Decode bytes: the forced encoding, else by BOM, else UTF-8 or (whole-file) Windows-1256.

    Raises InputError naming file:line:column of the first byte that cannot be read. Emits an
    InputWarning when the text was read as something other than UTF-8 without being told to.
    """
    bom = False
    if encoding:
        enc = _forced(encoding, path)
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
        if b"\x00" in data:
            raise InputError(path, "binary file (NUL bytes and no UTF-16 byte-order mark)",
                             *_position(data, data.index(b"\x00")))
        legacy = _guess(data, path)
        text, enc = (data.decode("utf-8"), "utf-8") if legacy is None else (legacy, "cp1256")
    else:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            raise InputError(path, f"cannot decode as {enc}: byte 0x{data[e.start]:02x} ({e.reason})",
                             *_position(data, e.start)) from None
        if text.startswith("\ufeff"):
            text, bom = text[1:], True
        if enc == "utf-16" and not encoding:
            warnings.warn(InputWarning(f"{path}: read as UTF-16 (byte-order mark), not UTF-8"), stacklevel=2)
    if "\x00" in text:
        off = text.index("\x00")
        raise InputError(path, "binary file (contains NUL characters)", *_text_position(text, off))
    return Decoded(text=text, encoding=enc, bom=bom)


def _guess(data: bytes, path) -> str | None:
    """None when `data` is UTF-8; the Windows-1256 text when the whole file is that; else refuse."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as e:
        first = e
    line, col = _position(data, first.start)
    bad = f"byte 0x{data[first.start]:02x}"
    if _utf8_mostly(data):
        n = data.decode("utf-8", "replace").count("\ufffd") - data.count("\ufffd".encode())
        raise InputError(path, f"not valid UTF-8: {bad} here is not UTF-8 ({n} bad sequence(s) in a file "
                         "that is otherwise UTF-8); fix the file, or name its encoding with --encoding",
                         line, col)
    text = data.decode("cp1256")  # cp1256 maps every byte; the question is whether it makes sense
    problem = _legacy_problem(text)
    if problem is not None:
        off, why = problem
        if off is not None:
            why += " at {}:{}".format(*_text_position(text, off))
        raise InputError(path, f"not UTF-8 ({bad} here) and not Windows-1256 Arabic text ({why}); "
                         "name the encoding with --encoding", line, col)
    warnings.warn(InputWarning(f"{path}: not UTF-8; read as Windows-1256 (cp1256), the whole file being "
                               "Arabic text in that encoding; use --encoding to choose another"), stacklevel=3)
    return text


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
