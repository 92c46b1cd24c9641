"""Pre-aligned files read in batches (JSONL, TSV, CSV, Parquet; TMX and XLIFF through
review.load.xmlstream): the rows review.load.load_file gives, in order, a batch at a time, so
that scoring a corpus never holds all of it.

`iter_segments(path, fmt, batch_rows, ...)` yields segment-table frames (SEG numbered per document
across batches, locators and origin as load_file gives them). Every batch goes through the same
row builder as the whole-file loaders (review.load.rows.build, review.load.tabular helpers).

Anything this reader does not reproduce exactly raises Unstreamable, and the caller loads the
file whole instead (which also gives its one-line error, if the file has one): another encoding
than UTF-8, a JSON array, TSV with quoted fields, a table without a header whose rows differ in
width, keys that first appear late in a JSONL file, any warning the loader would print, and any
error (reported by the whole-file loader, which finds the first one in the file's order).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import json.scanner
import re
import warnings
from itertools import chain
from pathlib import Path
from typing import Iterator

import polars as pl
import pyarrow.parquet as pq

from review.errors import InputError, Unstreamable
from review.load.encoding import MAX_LINE_CHARS
from review.load.xmlstream import XML_FORMATS, iter_xml
from review.load.rows import build
from review.load.tabular import (_DEFUSED_CELL, ID, MAX_JSON_DEPTH, _as_text, _check_widths,
                                 _header_detected, _json_depth_problem, _rows_frame, _select_roles,
                                 _unique, resolve_columns)
from review.schema import BT, DOC, PARA, REFERENCE, SEG, SOURCE, TARGET

BATCHED_FORMATS = ("jsonl", "tsv", "csv", "parquet", *XML_FORMATS)
_READ_HINT = 1 << 22  # bytes of lines read at a time


def iter_segments(path: str | Path, fmt: str, batch_rows: int, src_lang: str | None = None,
                  tgt_lang: str | None = None, encoding: str | None = None,
                  doc: str | None = None) -> Iterator[pl.DataFrame]:
    if fmt not in BATCHED_FORMATS:
        raise Unstreamable(f"{fmt} is read whole")
    if encoding is not None and codecs.lookup(encoding).name != "utf-8":
        raise Unstreamable("an encoding other than UTF-8")
    p = Path(path)
    if not p.is_file() or p.stat().st_size == 0:
        raise Unstreamable("not a regular, non-empty file")
    reader = {"jsonl": _jsonl, "tsv": _delimited, "csv": _delimited, "parquet": _parquet,
              "tmx": iter_xml, "xliff": iter_xml}[fmt]
    numbering = _Numbering()
    rows = 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # XLIFF names several <file>s "doc:original" only when `doc` is given: it gets it as is.
            for frame in reader(p, fmt, batch_rows, src_lang, tgt_lang, doc if fmt in XML_FORMATS else doc or p.stem):
                if caught:
                    raise Unstreamable(f"the loader warns: {caught[0].message}")
                rows += frame.height
                yield numbering(frame)
    except (InputError, ValueError, csv.Error, RecursionError) as e:  # ValueError: JSON, UTF-8
        raise Unstreamable(str(e)) from None
    if rows == 0:
        raise Unstreamable("no segments")


class _Numbering:
    """SEG (and PARA) per document, continued from one batch to the next."""

    def __init__(self):
        self.seen: dict[str, int] = {}

    def __call__(self, frame: pl.DataFrame) -> pl.DataFrame:
        counts = frame.group_by(DOC, maintain_order=True).len()
        base = pl.DataFrame({DOC: counts[DOC], "_base": [self.seen.get(d, 0) for d in counts[DOC].to_list()]},
                            schema={DOC: pl.String, "_base": pl.Int64})
        for d, n in counts.iter_rows():
            self.seen[d] = self.seen.get(d, 0) + n
        out = frame.join(base, on=DOC, how="left", maintain_order="left")
        return out.with_columns((pl.col(SEG) + pl.col("_base")).alias(SEG),
                                (pl.col(PARA) + pl.col("_base")).alias(PARA)).drop("_base")


def _line_chunks(path: Path, batch_rows: int) -> Iterator[tuple[int, str, bool]]:
    """(number of the chunk's first line, text of whole lines, file has a UTF-8 BOM)."""
    with open(path, "rb") as f:
        head = f.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise Unstreamable("UTF-16")
        bom = head.startswith(codecs.BOM_UTF8)
        f.seek(len(codecs.BOM_UTF8) if bom else 0)
        line_no = 1
        pending: list[bytes] = []
        while True:
            lines = f.readlines(_READ_HINT)
            if lines:
                pending += lines
            while pending and (len(pending) >= batch_rows or not lines):
                chunk, pending = pending[:batch_rows], pending[batch_rows:]
                data = b"".join(chunk)
                if b"\x00" in data:
                    raise Unstreamable("NUL bytes")
                text = data.decode("utf-8")  # UnicodeDecodeError: not UTF-8, loaded whole
                if line_no == 1 and text.startswith("\ufeff"):
                    raise Unstreamable("a second byte-order mark")
                if max(map(len, chunk)) > MAX_LINE_CHARS:  # bytes >= characters
                    if any(len(x) > MAX_LINE_CHARS for x in text.split("\n")):
                        raise Unstreamable("an overlong line")
                yield line_no, text, bom
                line_no += len(chunk)
            if not lines:
                return


# --------------------------------------------------------------------------- JSONL
def _jsonl(path, fmt, batch_rows, src_lang, tgt_lang, doc_id) -> Iterator[pl.DataFrame]:
    roles = None
    columns: list[str] = []
    for first_line, text, bom in _line_chunks(path, batch_rows):
        if first_line == 1 and text.lstrip().startswith("["):
            raise Unstreamable("a JSON array")
        numbered = [(n, line) for n, line in enumerate(text.split("\n"), first_line) if line.strip()]
        if not numbered:
            continue
        objects = _objects([line for _, line in numbered])
        locators = [f"line {n}" for n, _ in numbered]
        if roles is None:
            columns = list(dict.fromkeys(chain.from_iterable(objects)))  # in order of appearance
            roles = resolve_columns(columns, _flags(), path, src_lang, tgt_lang, positional=False)
        elif not set().union(*objects) <= set(columns):
            raise Unstreamable("a key first seen late in the file")
        # No "\ud..." escape in the text: no value can be a lone surrogate (the text itself is
        # valid UTF-8), so a column whose values are all text or null needs no per-value check.
        plain = _SURROGATE_ESCAPE.search(text) is None
        data = {}
        for role, c in roles.items():
            if c not in data:
                data[c] = _text_column([obj.get(c) for obj in objects]) if plain else None
                if data[c] is None:  # the loader's own conversion and errors, value by value
                    data[c] = [_as_text(obj.get(c), role, c, path, where) for obj, where in zip(objects, locators)]
        rows = _rows_frame(data, roles, locators, doc_id, src_lang, tgt_lang)
        yield build(rows, path, fmt, "utf-8", bom).segments


_SURROGATE_ESCAPE = re.compile(r"\\u[dD]")
_scan = json.scanner.make_scanner(json.JSONDecoder())  # json.loads without its Python wrapper
_JSON_SPACE = " \t\n\r"


def _objects(lines: list[str]) -> list[dict]:
    """json.loads of each line, which must give an object (else Unstreamable). The C scanner
    reads a line that is one object with at most JSON whitespace after it; any other line goes
    through json.loads itself, and so raises what the loader would."""
    if max(line.count("[") + line.count("{") for line in lines) > MAX_JSON_DEPTH:
        if any(_json_depth_problem(line) is not None for line in lines):
            raise Unstreamable("deep JSON")
    objects = []
    for line in lines:
        obj = None
        if line[0] == "{":
            try:
                obj, end = _scan(line, 0)
            except StopIteration:  # not JSON at 0: json.loads says why
                obj = None
            else:
                if end != len(line) and line[end:].strip(_JSON_SPACE):
                    obj = None
        if obj is None:
            obj = json.loads(line)  # JSONDecodeError is a ValueError: see iter_segments
        if not isinstance(obj, dict):
            raise Unstreamable("not an object per line")
        objects.append(obj)
    return objects


def _text_column(values: list) -> pl.Series | None:
    """The column when every value is text or null (what _as_text keeps as it is); None when
    some value needs _as_text (a number, a list, an object...)."""
    try:
        return pl.Series(values, dtype=pl.String, strict=True)
    except TypeError:
        return None


def _flags() -> dict[str, str | None]:
    return {SOURCE: None, TARGET: None, REFERENCE: None, BT: None, ID: None}


# --------------------------------------------------------------------------- TSV / CSV
def _delimited(path, fmt, batch_rows, src_lang, tgt_lang, doc_id) -> Iterator[pl.DataFrame]:
    """csv.reader over the whole file as one stream (quoted CSV fields may hold line breaks),
    with the whole-file loader's settings; TSV only when no field starts with a quote (the
    loader decides quoting from the whole text)."""
    with open(path, "rb") as raw:
        head = raw.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
            raise Unstreamable("UTF-16 or binary")
        bom = head.startswith(codecs.BOM_UTF8)
        raw.seek(len(codecs.BOM_UTF8) if bom else 0)
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="")
        first = text.readline()
        if fmt == "csv":
            line1 = first.split("\n", 1)[0]
            sep, quoted = (";" if ";" in line1 and "," not in line1 else ","), True
        else:
            sep, quoted = "\t", False
        reader = csv.reader(_chain(first, text), delimiter=sep,
                            quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
                            quotechar='"' if quoted else None, strict=quoted)
        header = columns = roles = None
        width = 0
        body: list[tuple[int, list[str]]] = []
        line = 1
        for fields in reader:
            n, line = line, reader.line_num + 1
            if not (fields and any(f != "" for f in fields)):
                continue
            if "\x00" in "".join(fields) or sum(len(f) + 1 for f in fields) > MAX_LINE_CHARS:
                raise Unstreamable("binary or overlong")
            if not quoted and any(f.startswith('"') for f in fields):
                raise Unstreamable("TSV with quoted fields")
            if header is None:
                header = _header_detected(fields, _flags(), src_lang, tgt_lang)
                if header:
                    columns = _unique([c if c.strip() else f"column {k}" for k, c in enumerate(fields, 1)])
                    continue
                width = len(fields)
                columns = [str(k) for k in range(1, width + 1)]
            if not header and len(fields) > width:
                raise Unstreamable("rows wider than the first one")
            body.append((n, fields))
            if len(body) >= batch_rows:
                roles = roles or resolve_columns(columns, _flags(), path, src_lang, tgt_lang, positional=not header)
                yield _delimited_frame(body, columns, roles, header, fmt, bom, path, doc_id, src_lang, tgt_lang)
                body = []
        if body:
            roles = roles or resolve_columns(columns, _flags(), path, src_lang, tgt_lang, positional=not header)
            yield _delimited_frame(body, columns, roles, header, fmt, bom, path, doc_id, src_lang, tgt_lang)


def _chain(first: str, rest) -> Iterator[str]:
    yield first
    yield from rest


def _delimited_frame(body, columns, roles, header, fmt, bom, path, doc_id, src_lang, tgt_lang):
    if header and any(len(f) > len(columns) for _, f in body):
        raise Unstreamable("a row wider than the header")  # the whole loader names it
    _check_widths(body, columns, roles, header, fmt, path)
    data: dict[str, list] = {c: [] for c in columns}
    for _, fields in body:
        for k, c in enumerate(columns):
            data[c].append(fields[k] if k < len(fields) else None)
    if fmt == "csv" and bom:
        data = {c: [_DEFUSED_CELL.sub("", v) if v else v for v in values] for c, values in data.items()}
    rows = _rows_frame(data, roles, [f"line {n}" for n, _ in body], doc_id, src_lang, tgt_lang)
    return build(rows, path, fmt, "utf-8", bom).segments


# --------------------------------------------------------------------------- Parquet
def _parquet(path, fmt, batch_rows, src_lang, tgt_lang, doc_id) -> Iterator[pl.DataFrame]:
    """Row groups through pyarrow's batch reader (review.load.tabular.load_parquet, batched)."""
    try:
        pf = pq.ParquetFile(path)
        schema = pl.from_arrow(pf.schema_arrow.empty_table()).schema
    except Exception as e:  # a damaged file: the whole loader gives the message
        raise Unstreamable(f"Parquet: {e}") from None
    roles = resolve_columns(list(schema), _flags(), path, src_lang, tgt_lang, positional=False)
    for role, c in roles.items():
        dtype = schema[c]
        text_like = dtype in (pl.String, pl.Null) or isinstance(dtype, (pl.Categorical, pl.Enum))
        if not (text_like or (role in (ID, DOC) and (dtype.is_numeric() or dtype == pl.Boolean))):
            raise Unstreamable("a column of another type")
    start = 1
    try:
        batches = pf.iter_batches(batch_size=batch_rows, columns=list(dict.fromkeys(roles.values())))
        for batch in batches:
            df = pl.from_arrow(batch)
            if not isinstance(df, pl.DataFrame) or df.height == 0:
                continue
            locator = pl.format("row {}", pl.int_range(start, start + pl.len()))
            start += df.height
            rows = _select_roles(df, roles, locator, doc_id, src_lang, tgt_lang)
            yield build(rows, path, fmt, None, False).segments
    except (OSError, ValueError) as e:
        raise Unstreamable(f"Parquet: {e}") from None
