"""The corrected target document in its original layout.

For documents loaded as plain text each bead knows its span [TGT_START, TGT_END) in the target
document; the export puts the segment's text in place of that span and leaves every other
character (blank lines, headings, bullets, line breaks between sentences) as it was. Untouched
segments therefore come out byte-identical, in the file's encoding, BOM and newline style.
Pre-aligned inputs (TMX, XLIFF, tables) have no layout: one target per line.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import polars as pl

from review.errors import InputError
from review.export.common import OUTPUT, final_text
from review.fileio import make_folder, write_bytes
from review.schema import (
    BOM, DOC, ENCODING, SEG, TARGET, TARGET_PATH, TARGET_TEXT, TGT_END, TGT_START,
)

_LONE_LF = re.compile(r"(?<!\r)\n")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def rebuild(target_text: str, segments: pl.DataFrame) -> str:
    """`target_text` with each segment's span replaced by its OUTPUT (segments of one document)."""
    crlf = "\r\n" in target_text
    rows = segments.select(TGT_START, TGT_END, TARGET, OUTPUT).rows()
    pieces: list[str] = []
    cursor = len(target_text)
    last_end = 0
    spans: list[tuple[int, int, str, str]] = []
    for start, end, mt, out in rows:
        if start is None or end is None:
            # A bead with no place in the target (source sentence the MT dropped): a reviewer's
            # translation goes right after the previous bead.
            start = end = last_end
            out = (" " + out) if out and start > 0 and not target_text[start - 1].isspace() else out
            mt = ""
        last_end = max(last_end, end)
        spans.append((start, end, mt or "", out or ""))
    # From the end, so that earlier offsets stay valid.
    for start, end, mt, out in sorted(spans, key=lambda s: (s[0], s[1]), reverse=True):
        original = target_text[start:end]
        if out == original or out == mt:  # untouched: the file's own bytes
            replacement = original
        else:
            replacement = _LONE_LF.sub("\r\n", out) if crlf else out
        pieces.append(target_text[end:cursor])
        pieces.append(replacement)
        cursor = start
    pieces.append(target_text[:cursor])
    return "".join(reversed(pieces))


def one_per_line(segments: pl.DataFrame) -> str:
    """Pre-aligned input: one segment per line (line breaks inside a segment become spaces)."""
    lines = [_LINE_BREAK.sub(" ", t or "") for t in segments[OUTPUT].to_list()]
    return "".join(line + "\n" for line in lines)


def encode(text: str, encoding: str | None, bom: bool | None, where: str) -> bytes:
    """Bytes in the document's own encoding and BOM."""
    enc = (encoding or "utf-8").lower()
    try:
        if enc in ("utf-8", "utf8"):
            return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
        if enc == "utf-16":
            return text.encode("utf-16") if bom or bom is None else text.encode("utf-16-le")
        return text.encode(enc)
    except UnicodeEncodeError as e:
        raise InputError(where, f"the corrected text has {text[e.start:e.end]!r}, which {encoding} "
                                "cannot encode; export to UTF-8 instead") from None


def document_bytes(document: dict, segments: pl.DataFrame) -> bytes:
    """The exported file of one document (segments: that document's rows with OUTPUT)."""
    segments = segments.sort(SEG)
    target_text = document.get(TARGET_TEXT)
    if target_text is not None and segments.height and segments[TGT_START].is_not_null().any():
        return encode(rebuild(target_text, segments), document.get(ENCODING), document.get(BOM),
                      document[DOC])
    return encode(one_per_line(segments), document.get(ENCODING) or "utf-8", document.get(BOM), document[DOC])


def export_text(documents: pl.DataFrame, segments: pl.DataFrame, out: str | Path,
                approved_only: bool = False, mark_unreviewed: bool = False) -> list[Path]:
    """Write the corrected documents. One document: `out` is the file; several: `out` is a
    folder with one file per document (named like its target file). Returns the paths."""
    segments = final_text(segments, approved_only, mark_unreviewed)
    docs = documents.to_dicts()
    data = [document_bytes(d, segments.filter(pl.col(DOC) == d[DOC])) for d in docs]
    if len(docs) == 1 and not Path(out).is_dir():
        targets = [Path(out)]
    else:
        targets = [make_folder(out) / name for name in file_names(docs)]
    for path, blob in zip(targets, data):  # everything encoded first: a failure writes nothing
        write_bytes(path, blob)
    return targets


def file_names(docs: list[dict]) -> list[str]:
    """A distinct, safe file name per document: its target file's name, else `<doc>.txt`."""
    names: list[str] = []
    for d in docs:
        base = Path(d.get(TARGET_PATH) or "").name or f"{d[DOC]}.txt"
        base = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", base)
        name, k = base, 2
        while name in names:
            stem, dot, ext = base.rpartition(".")
            name = f"{stem}-{k}.{ext}" if dot else f"{base}-{k}"
            k += 1
        names.append(name)
    return names
