"""Export a review project in any format, to a file (CLI) or to bytes (dashboard downloads)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl

from review.errors import InputError
from review.export.common import OUTPUT, final_text, with_propagation_notes
from review.export.po import po_text
from review.export.tabular import frame_to_bytes
from review.export.text import document_bytes, export_text, file_names
from review.export.tmx import tmx_text
from review.export.xliff import xliff12_text, xliff21_text
from review.fileio import write_bytes
from review.schema import DOC

EXPORT_FORMATS = ("text", "tmx", "xliff", "xliff2", "po", "csv", "jsonl", "parquet")
EXTENSIONS = {"text": ".txt", "tmx": ".tmx", "xliff": ".xlf", "xliff2": ".xlf", "po": ".po", "csv": ".csv",
              "jsonl": ".jsonl", "parquet": ".parquet"}
MIME = {"text": "text/plain", "tmx": "application/x-tmx+xml", "xliff": "application/x-xliff+xml",
        "xliff2": "application/xliff+xml", "po": "text/x-gettext-translation", "csv": "text/csv", "jsonl": "application/x-ndjson",
        "parquet": "application/vnd.apache.parquet", "zip": "application/zip"}


def _check(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise InputError(None, f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")


def export_bytes(project, fmt: str, approved_only: bool = False,
                 mark_unreviewed: bool = False) -> tuple[bytes, str, str]:
    """(content, file name, MIME type). Text of several documents comes as a zip of files."""
    _check(fmt)
    name = Path(project.path).stem
    segments = project.segments()
    if fmt in ("csv", "jsonl", "parquet"):
        data = frame_to_bytes(segments, fmt)
        return data, name + EXTENSIONS[fmt], MIME[fmt]
    documents = project.documents()
    if fmt == "text":
        rows = final_text(segments, approved_only, mark_unreviewed)
        docs = documents.to_dicts()
        files = [(n, document_bytes(d, rows.filter(pl.col(DOC) == d[DOC])))
                 for n, d in zip(file_names(docs), docs)]
        if len(files) == 1:
            return files[0][1], files[0][0], MIME["text"]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for n, blob in files:
                z.writestr(n, blob)
        return buf.getvalue(), name + ".zip", MIME["zip"]
    rows = final_text(segments, approved_only, False)
    flags, annotations = project.flags(which="mt"), with_propagation_notes(project.annotations(), project.propagated())
    if fmt == "tmx":
        text = tmx_text(documents, rows, flags, annotations)
    elif fmt == "po":
        text = po_text(documents, rows, flags, annotations)
    else:
        writer = xliff12_text if fmt == "xliff" else xliff21_text
        text = writer(documents, rows, flags, annotations)
    suffix = ".xliff2.xlf" if fmt == "xliff2" else EXTENSIONS[fmt]
    return text.encode("utf-8"), name + suffix, MIME[fmt]


def export_project(project, fmt: str, out: str | Path, approved_only: bool = False,
                   mark_unreviewed: bool = False) -> list[Path]:
    """Write the export atomically. Text of several documents: `out` is a folder, one file per
    document. Returns the paths written."""
    _check(fmt)
    if fmt == "text":
        return export_text(project.documents(), project.segments(), out, approved_only, mark_unreviewed)
    data, _, _ = export_bytes(project, fmt, approved_only, mark_unreviewed)
    write_bytes(out, data)
    return [Path(out)]


__all__ = ["EXPORT_FORMATS", "OUTPUT", "export_bytes", "export_project"]
