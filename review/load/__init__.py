"""Loading pre-aligned files into a Corpus: TSV/CSV, JSONL, Parquet, TMX, XLIFF 1.2/2.x, PO.

`load_file` picks the loader from the extension, or from the content when the extension says
nothing, and raises InputError (one line: file, position, what is wrong) on bad input.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from review.corpus import Corpus
from review.errors import InputError, InputWarning
from review.load import tabular
from review.load.encoding import decode, read_bytes
from review.load.po import load_po
from review.load.tabular import ID
from review.load.tmx import load_tmx
from review.load.xliff import load_xliff
from review.schema import BT, REFERENCE, SOURCE, TARGET

# Formats a user may name (--input-format); "xliff" covers 1.2 and 2.x (told apart by content).
INPUT_FORMATS = ("tsv", "csv", "jsonl", "parquet", "tmx", "xliff", "po")

EXTENSIONS = {
    ".tsv": "tsv", ".tab": "tsv",
    ".csv": "csv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
    ".tmx": "tmx",
    ".xlf": "xliff", ".xliff": "xliff", ".xlz": "xliff", ".sdlxliff": "xliff", ".mqxliff": "xliff",
    ".po": "po", ".pot": "po",
}

_XML_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)[\s/>]")


def detect_format(path: str | Path, data: bytes | None = None) -> str:
    """The input format of a file: by extension, else by sniffing its first few kilobytes."""
    ext = Path(path).suffix.lower()
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    if data is None:
        data = read_bytes(path)
    if not data.strip():
        raise InputError(path, "file is empty")
    if data.startswith(b"PAR1"):
        return "parquet"
    cut = min(len(data), 8192)
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    while not utf16 and 8188 < cut < len(data) and 0x80 <= data[cut] < 0xC0:
        cut -= 1  # not in the middle of a UTF-8 character
    with warnings.catch_warnings():  # the loader reports the encoding, once
        warnings.simplefilter("ignore", InputWarning)
        head = decode(data[:cut], path).text
    stripped = head.lstrip()
    if stripped.startswith("<"):
        for m in _XML_ROOT.finditer(stripped):
            name = m.group(1).split(":")[-1].lower()
            if name in ("tmx", "xliff"):
                return name
            if not m.group(0).startswith(("<?", "<!")):
                break
        raise InputError(path, "XML, but neither TMX nor XLIFF (root element not <tmx> or <xliff>)")
    if stripped.startswith(("{", "[{")):
        return "jsonl"
    if re.search(r'(?m)^msgid\s+"', head) and re.search(r'(?m)^msgstr(\[\d+\])?\s+"', head):
        return "po"
    lines = [ln for ln in head.split("\n")[:50] if ln.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    if lines and all("\t" in ln for ln in lines):
        return "tsv"
    first = lines[0].strip().lower() if lines else ""
    if re.fullmatch(r'"?(source|src)"?\s*[,;]\s*"?(target|tgt|mt)"?([,;].*)?', first):
        return "csv"
    raise InputError(path, "cannot tell the file format (not TSV/CSV with a header, JSONL, Parquet, "
                     "TMX, XLIFF or PO); name it with --input-format, or use `review align` for plain "
                     "documents")


def load_file(path: str | Path, fmt: str | None = None, src_lang: str | None = None,
              tgt_lang: str | None = None, encoding: str | None = None,
              source_col: str | None = None, target_col: str | None = None,
              ref_col: str | None = None, bt_col: str | None = None, id_col: str | None = None,
              doc: str | None = None) -> Corpus:
    """Load one pre-aligned file into a Corpus (one 1-1 bead per segment, confidence 1.0).

    `doc` names the document (default: the file's stem); a file with several documents (XLIFF
    <file>s) gets ids "doc:original"; table rows with their own `doc` column keep it.
    Column flags (tables only) take a header name or a 1-based column number.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a directory, not a file")
    if fmt is None:
        fmt = detect_format(path)
    fmt = fmt.lower()
    if fmt == "xliff2":
        fmt = "xliff"
    if fmt not in INPUT_FORMATS:
        raise InputError(path, f"unknown input format {fmt!r}; choose one of {', '.join(INPUT_FORMATS)}")
    common = dict(src_lang=src_lang, tgt_lang=tgt_lang, encoding=encoding, doc=doc)
    if fmt in ("tsv", "csv", "jsonl", "parquet"):
        flags = {SOURCE: source_col, TARGET: target_col, REFERENCE: ref_col, BT: bt_col, ID: id_col}
        if fmt in ("tsv", "csv"):
            return tabular.load_delimited(path, fmt, flags=flags, **common)
        loader = tabular.load_jsonl if fmt == "jsonl" else tabular.load_parquet
        return loader(path, flags=flags, **common)
    column_flags = [f for f, v in (("--source-col", source_col), ("--target-col", target_col),
                                   ("--ref-col", ref_col), ("--bt-col", bt_col), ("--id-col", id_col)) if v]
    if column_flags:
        raise InputError(path, f"{', '.join(column_flags)} only apply to tables (TSV, CSV, JSONL, Parquet), "
                         f"not to {fmt.upper()}")
    if fmt == "tmx":
        return load_tmx(path, **common)
    if fmt == "xliff":
        return load_xliff(path, **common)
    return load_po(path, **common)
