"""Pre-aligned tables: TSV, CSV, JSONL and Parquet, one segment per row.

Columns are found by header name (`source`/`src`, `target`/`tgt`/`mt`, `reference`/`ref`, `bt`,
`id`, `doc`, ...), or by flags (a name or a 1-based column number); a table without a recognised
header takes its first two columns as source and target.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from pathlib import Path

import polars as pl

from review.corpus import Corpus
from review.errors import InputError, InputWarning
from review.load.encoding import MAX_LINE_CHARS, read_bytes, read_text
from review.load.rows import DEFAULT_SRC_LANG, DEFAULT_TGT_LANG, ROW_COLUMNS, build
from review.schema import (
    BT, DOC, LOCATOR, NOTE, REFERENCE, SOURCE, SRC_LANG, STATE, TAGS, TARGET, TGT_LANG,
)

ID = "id"  # not a segment column: it goes into the locator

# Header names recognised for each role, compared case-insensitively.
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    SOURCE: ("source", "src", "source_text", "source text"),
    TARGET: ("target", "tgt", "mt", "translation", "target_text", "target text", "hyp"),
    REFERENCE: ("reference", "ref"),
    BT: ("bt", "back_translation", "back-translation", "backtranslation"),
    ID: ("id", "seg_id", "segid", "segment_id"),
    DOC: ("doc", "doc_id", "docid", "document"),
    NOTE: ("note", "notes", "comment"),
    STATE: ("state", "status"),
    SRC_LANG: ("src_lang", "source_lang", "source_language"),
    TGT_LANG: ("tgt_lang", "target_lang", "target_language"),
    TAGS: ("tags",),
}

# Spreadsheet-bound CSV (UTF-8 with a BOM, as ours and Excel's are) defuses formula cells with a
# leading apostrophe: '=SUM(..). Reading such a file back, that apostrophe is not part of the text.
# Without a BOM the file is taken literally. (The characters are those of
# review.export.tabular.FORMULA_STARTS, full-width forms included.)
_DEFUSED_CELL = re.compile("^'(?='*[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20])")


def _find(columns: list[str], wanted: str) -> str | None:
    """A column by exact name, then case-insensitive name, then 1-based number."""
    if wanted in columns:
        return wanted
    lower = {c.strip().lower(): c for c in reversed(columns)}
    if wanted.strip().lower() in lower:
        return lower[wanted.strip().lower()]
    if wanted.isdigit() and 1 <= int(wanted) <= len(columns):
        return columns[int(wanted) - 1]
    return None


def _by_name(columns: list[str], role: str, extra: tuple[str, ...] = ()) -> str | None:
    names = ROLE_NAMES[role] + extra
    return next((c for c in columns if c.strip().lower() in names), None)


def _lang_names(src_lang: str | None, tgt_lang: str | None) -> dict[str, tuple[str, ...]]:
    # A header "en<TAB>ar" names the languages: accept the language codes as column names.
    return {SOURCE: ((src_lang or DEFAULT_SRC_LANG).lower(),),
            TARGET: ((tgt_lang or DEFAULT_TGT_LANG).lower(),)}


def resolve_columns(columns: list[str], flags: dict[str, str | None], path: str | Path,
                    src_lang: str | None, tgt_lang: str | None,
                    positional: bool) -> dict[str, str]:
    """Role -> column name. `positional`: no header, so source/target default to columns 1 and 2."""
    langs = _lang_names(src_lang, tgt_lang)
    roles: dict[str, str] = {}
    for role in ROLE_NAMES:
        asked = flags.get(role)
        if asked is not None:
            found = _find(columns, asked)
            if found is None:
                shown = ", ".join(columns) if not positional else f"1-{len(columns)} (the file has no header)"
                raise InputError(path, f"no column {asked!r}; available columns: {shown}")
            roles[role] = found
        elif not positional:
            found = _by_name(columns, role, langs.get(role, ()))
            if found is not None:
                roles[role] = found
    taken = set(roles.values())
    free = [c for c in columns if c not in taken]
    guessed = []
    for role in (SOURCE, TARGET):
        if role not in roles:
            if not free:
                raise InputError(path, f"cannot tell which column is the {role}: the file has "
                                 f"{len(columns)} column(s) ({', '.join(columns)}); use --{role}-col")
            roles[role] = free.pop(0)
            guessed.append(role)
    if guessed and not positional:  # a named column read by position: the user must know
        said = ", ".join(f"{roles[r]!r} as the {r}" for r in guessed)
        warnings.warn(InputWarning(f"{path}: no column named {' or '.join(guessed)}; reading {said} "
                                   f"(name them with --source-col/--target-col)"), stacklevel=2)
    return roles


def _header_detected(first: list[str], flags: dict[str, str | None],
                     src_lang: str | None, tgt_lang: str | None) -> bool:
    # One known word is not enough: a software-string table may well start with the row
    # "Source<TAB>المصدر". A header names both sides, or only known columns, or what flags ask for.
    cells = {c.strip().lower() for c in first if c.strip()}
    langs = _lang_names(src_lang, tgt_lang)
    names = {role: set(ROLE_NAMES[role]) | set(langs.get(role, ())) for role in ROLE_NAMES}
    known = set().union(*names.values())
    asked = {v.strip().lower() for v in flags.values() if v is not None and not v.isdigit()}
    both_sides = bool(cells & names[SOURCE]) and bool(cells & names[TARGET])
    return both_sides or (bool(cells) and cells <= known) or bool(asked and asked <= cells)


def _rows_frame(data: dict[str, list], roles: dict[str, str], locators: list[str],
                doc_id: str, src_lang: str | None, tgt_lang: str | None) -> pl.DataFrame:
    """Column lists + role mapping -> the loader row frame (ROW_COLUMNS)."""
    df = pl.DataFrame({c: data[c] for c in dict.fromkeys(roles.values())},
                      schema={c: pl.String for c in dict.fromkeys(roles.values())})
    return _select_roles(df, roles, pl.Series(LOCATOR, locators, dtype=pl.String), doc_id, src_lang, tgt_lang)


def _select_roles(df: pl.DataFrame, roles: dict[str, str], locator: pl.Series | pl.Expr,
                  doc_id: str, src_lang: str | None, tgt_lang: str | None) -> pl.DataFrame:
    def col(role: str, default=None) -> pl.Expr:
        if role in roles:
            return pl.col(roles[role]).cast(pl.String)
        return pl.lit(default, dtype=pl.String)

    def optional(role: str) -> pl.Expr:  # an empty cell means "none", not an empty reference
        c = col(role)
        return pl.when(c == "").then(None).otherwise(c)

    loc = locator if isinstance(locator, pl.Expr) else pl.lit(locator)
    if ID in roles:
        ident = pl.col(roles[ID]).cast(pl.String)
        loc = pl.when(ident.is_null() | (ident == "")).then(loc).otherwise(
            pl.format("{} (id {})", loc, ident))
    doc = col(DOC)
    doc = pl.when(doc.is_null() | (doc.str.strip_chars() == "")).then(pl.lit(doc_id)).otherwise(doc)
    # Flags win over language columns in the file; the file's columns win over the defaults.
    src = pl.lit(src_lang) if src_lang else col(SRC_LANG)
    tgt = pl.lit(tgt_lang) if tgt_lang else col(TGT_LANG)
    out = df.select(
        doc.alias(DOC), col(SOURCE).alias(SOURCE), col(TARGET).alias(TARGET),
        optional(REFERENCE).alias(REFERENCE), optional(BT).alias(BT),
        src.cast(pl.String).alias(SRC_LANG), tgt.cast(pl.String).alias(TGT_LANG),
        loc.alias(LOCATOR), optional(NOTE).alias(NOTE), optional(STATE).alias(STATE),
        optional(TAGS).alias(TAGS),
    )
    return out.select(ROW_COLUMNS)


# ----------------------------------------------------------------------------- TSV / CSV

csv.field_size_limit(MAX_LINE_CHARS + 1)


def _records(text: str, sep: str, quoted: bool, path) -> list[tuple[int, list[str]]]:
    """(first line number, fields) per record; blank lines skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep,
                        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
                        quotechar='"' if quoted else None, strict=quoted)
    out = []
    line = 1
    try:
        for fields in reader:
            if fields and any(f != "" for f in fields):
                out.append((line, fields))
            line = reader.line_num + 1
    except csv.Error as e:
        raise InputError(path, f"malformed {'TSV' if sep == chr(9) else 'CSV'}: {e}", reader.line_num) from None
    return out


def _consistent(records: list[tuple[int, list[str]]]) -> bool:
    return len({len(f) for _, f in records}) <= 1


def _delimited_records(text: str, fmt: str, path) -> list[tuple[int, list[str]]]:
    if fmt == "csv":
        first = text.split("\n", 1)[0]
        sep = ";" if ";" in first and "," not in first else ","
        return _records(text, sep, True, path)
    # TSV from spreadsheets and polars quotes fields with tabs, quotes or newlines; TSV from
    # scripts does not quote at all, and a field such as `"Yes," he said` must stay as written.
    if not re.search(r'(?m)(^|\t)"', text):
        return _records(text, "\t", False, path)
    try:
        records = _records(text, "\t", True, path)
        if _consistent(records):
            return records
    except InputError:
        records = None
    plain = _records(text, "\t", False, path)
    if _consistent(plain) or records is None:
        return plain
    return records


def load_delimited(path: str | Path, fmt: str, src_lang=None, tgt_lang=None, encoding=None,
                   flags: dict[str, str | None] | None = None, doc: str | None = None) -> Corpus:
    flags = flags or {}
    decoded = read_text(path, encoding)
    records = _delimited_records(decoded.text, fmt, path)
    if not records:
        raise InputError(path, "file is empty")
    header = _header_detected(records[0][1], flags, src_lang, tgt_lang)
    width = max(len(f) for _, f in records)
    if header:
        columns = [c if c.strip() else f"column {k}" for k, c in enumerate(records[0][1], 1)]
        columns = _unique(columns)
        body = records[1:]
        if not body:
            raise InputError(path, "only a header line, no segments")
        if width > len(columns):
            line, fields = next((n, f) for n, f in body if len(f) > len(columns))
            raise InputError(path, f"{len(fields)} fields but the header has {len(columns)} "
                             f"(a stray {'tab' if fmt == 'tsv' else 'separator'} in the text?)", line)
    else:
        columns = [str(k) for k in range(1, width + 1)]
        body = records
    roles = resolve_columns(columns, flags, path, src_lang, tgt_lang, positional=not header)
    _check_widths(body, columns, roles, header, fmt, path)
    data: dict[str, list] = {c: [] for c in columns}
    for _, fields in body:
        for k, c in enumerate(columns):
            data[c].append(fields[k] if k < len(fields) else None)
    if fmt == "csv" and decoded.bom:
        data = {c: [_DEFUSED_CELL.sub("", v) if v else v for v in values] for c, values in data.items()}
    locators = [f"line {n}" for n, _ in body]
    rows = _rows_frame(data, roles, locators, doc or Path(path).stem, src_lang, tgt_lang)
    return build(rows, path, fmt, decoded.encoding, decoded.bom)


def _check_widths(body: list[tuple[int, list[str]]], columns: list[str], roles: dict[str, str],
                  header: bool, fmt: str, path) -> None:
    """A row too short to hold its source and target is an error (a line break inside a
    segment, usually); a short row missing only optional cells, and columns nobody reads in a
    file without a header, are warnings: never silent."""
    need = max(columns.index(roles[SOURCE]), columns.index(roles[TARGET])) + 1
    short = next(((n, f) for n, f in body if len(f) < need), None)
    if short is not None:
        n, fields = short
        raise InputError(path, f"{len(fields)} field(s), but the source and target are in columns "
                         f"{columns.index(roles[SOURCE]) + 1} and {columns.index(roles[TARGET]) + 1} "
                         f"(a line break inside a segment?)", n)
    used = max(columns.index(c) for c in roles.values()) + 1
    short = next(((n, f) for n, f in body if len(f) < used), None)
    if short is not None:
        count = sum(1 for _, f in body if len(f) < used)
        warnings.warn(InputWarning(f"{path}:{short[0]}: {len(short[1])} field(s) where the file has "
                                   f"{len(columns)} columns; missing cells read as empty ({count} row(s))"),
                      stacklevel=3)
    unused = [k + 1 for k, c in enumerate(columns) if c not in roles.values()]
    if not header and unused:
        first = next(n for n, f in body if len(f) >= unused[0])
        cols = f"column {unused[0]}" if len(unused) == 1 else f"columns {unused[0]}-{unused[-1]}"
        warnings.warn(InputWarning(f"{path}:{first}: no header line, so {cols} not read (add a header "
                                   f"naming them, or pick them with --ref-col/--bt-col/--id-col)"),
                      stacklevel=3)


def _unique(columns: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in columns:
        seen[c] = seen.get(c, 0) + 1
        out.append(c if seen[c] == 1 else f"{c}_{seen[c]}")
    return out


# ----------------------------------------------------------------------------- JSONL

# Deepest JSON nesting we read (objects and arrays). A segment row is an object of strings; the
# limit keeps Python's recursive JSON reader and writer far from a RecursionError.
MAX_JSON_DEPTH = 100
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)

# Roles whose cells must be text (or null); ids and document names may also be numbers or
# booleans; tags may be a JSON object (kept as JSON text).
TEXT_ROLES = (SOURCE, TARGET, REFERENCE, BT, NOTE, STATE, SRC_LANG, TGT_LANG)


def _json_depth_problem(text: str) -> tuple[int, int] | None:
    """(line, column) where `text` nests deeper than MAX_JSON_DEPTH, or None. Cheap unless the
    text has that many brackets at all."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return None
    depth, k, n = 0, 0, len(text)
    while k < n:
        ch = text[k]
        if ch == '"':
            m = _JSON_STRING.match(text, k)
            k = m.end() if m else n
            continue
        if ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = text.count("\n", 0, k) + 1
                return line, k - (text.rfind("\n", 0, k) + 1) + 1
        elif ch in "]}":
            depth -= 1
        k += 1
    return None


def _json_loads(text: str, path, first_line: int = 1):
    where = _json_depth_problem(text)
    if where is not None:
        line, col = where
        raise InputError(path, f"JSON nested more than {MAX_JSON_DEPTH} deep; refused",
                         first_line + line - 1, col)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(path, f"not JSON: {e.msg}", first_line + e.lineno - 1, e.colno) from None
    except RecursionError:  # only if the Python stack is already deep: still one line
        raise InputError(path, "JSON nested too deep to read", first_line) from None


def _as_text(value, role: str, column: str, path, where: str) -> str | None:
    if value is None:
        return value
    if isinstance(value, str):
        if _SURROGATE.search(value):  # "\\ud800" escapes decode to what no file can hold
            raise InputError(path, f"column {column!r} ({role}) holds a lone surrogate "
                             f"(\\u{ord(_SURROGATE.search(value).group()):04x}), not text", where=where)
        return value
    kind = {bool: "a boolean", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)
    if role == TAGS and isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if role in (ID, DOC) and isinstance(value, (bool, int, float)):
        return json.dumps(value)
    raise InputError(path, f"column {column!r} ({role}) holds {kind}, not text", where=where)


def load_jsonl(path: str | Path, src_lang=None, tgt_lang=None, encoding=None,
               flags: dict[str, str | None] | None = None, doc: str | None = None) -> Corpus:
    flags = flags or {}
    decoded = read_text(path, encoding)
    objects: list[dict] = []
    lines: list[int] = []
    if decoded.text.lstrip().startswith("["):
        objects, locators = _json_array(decoded.text, path)
        return _json_corpus(objects, locators, path, decoded, flags, src_lang, tgt_lang, doc)
    for n, line in enumerate(decoded.text.split("\n"), 1):
        if not line.strip():
            continue
        obj = _json_loads(line, path, n)
        if not isinstance(obj, dict):
            raise InputError(path, f"expected a JSON object per line, got {type(obj).__name__}", n)
        objects.append(obj)
        lines.append(n)
    return _json_corpus(objects, [f"line {n}" for n in lines], path, decoded, flags, src_lang, tgt_lang, doc)


def _json_array(text: str, path) -> tuple[list[dict], list[str]]:
    """A .json file holding one array of objects (what many scripts write instead of JSONL)."""
    items = _json_loads(text, path)
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise InputError(path, "expected a JSON array of objects (or one JSON object per line)")
    return items, [f"item {k}" for k in range(1, len(items) + 1)]


def _json_corpus(objects: list[dict], locators: list[str], path, decoded, flags, src_lang, tgt_lang,
                 doc) -> Corpus:
    columns = list(dict.fromkeys(k for obj in objects for k in obj))
    roles = resolve_columns(columns, flags, path, src_lang, tgt_lang, positional=False)
    data: dict[str, list] = {}
    for role, c in roles.items():
        if c not in data:
            data[c] = [_as_text(obj.get(c), role, c, path, where)
                       for obj, where in zip(objects, locators)]
    rows = _rows_frame(data, roles, locators, doc or Path(path).stem, src_lang, tgt_lang)
    return build(rows, path, "jsonl", decoded.encoding, decoded.bom)


# ----------------------------------------------------------------------------- Parquet

# A damaged file can also make polars' Rust side panic: PanicException is a BaseException, not an
# Exception, and would otherwise end in a traceback.
PARQUET_READ_ERRORS = (Exception, pl.exceptions.PanicException)

def load_parquet(path: str | Path, src_lang=None, tgt_lang=None, encoding=None,
                 flags: dict[str, str | None] | None = None, doc: str | None = None) -> Corpus:
    flags = flags or {}
    data = read_bytes(path)
    if not data:
        raise InputError(path, "file is empty")
    try:
        df = pl.read_parquet(io.BytesIO(data))
    except PARQUET_READ_ERRORS as e:  # polars raises several error types for a corrupt file
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(path, f"not a readable Parquet file: {first}") from None
    roles = resolve_columns(df.columns, flags, path, src_lang, tgt_lang, positional=False)
    for role, c in roles.items():
        dtype = df.schema[c]
        text_like = dtype in (pl.String, pl.Null) or isinstance(dtype, (pl.Categorical, pl.Enum))
        number_ok = role in (ID, DOC) and (dtype.is_numeric() or dtype == pl.Boolean)
        if not (text_like or number_ok):
            raise InputError(path, f"column {c!r} ({role}) holds {dtype}, not text")
    locator = pl.format("row {}", pl.int_range(1, pl.len() + 1))
    rows = _select_roles(df, roles, locator, doc or Path(path).stem, src_lang, tgt_lang)
    return build(rows, path, "parquet", None, False)
