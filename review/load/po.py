"""Gettext PO files: one segment per message (per plural form for plural messages).

Our own small parser (translate-toolkit is a test-only dependency). Skipped: the header entry,
obsolete (`#~`) entries, and the credit entries of the GNOME and KDE conventions, whose
"translation" is a list of translators' names, not a translation of the msgid. Translator (`# `) and extracted (`#.`) comments and the context
(`msgctxt`) become the NOTE; the `fuzzy` flag becomes STATE "fuzzy".
"""

from __future__ import annotations

import codecs
import functools
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from review.corpus import Corpus
from review.errors import InputError
from review.load.encoding import check_line_lengths, declared_encoding, decode, read_bytes
from review.load.rows import DEFAULT_SRC_LANG, add_row, build, new_rows
from review.schema import DOC, LOCATOR, NOTE, SOURCE, SRC_LANG, STATE, TARGET, TGT_LANG


# Languages have at most 6 plural forms (Arabic); a file claiming thousands is damaged, and
# would make us emit a row per form.
MAX_PLURAL_FORMS = 20


@dataclass
class Entry:
    line: int  # line of the first line of the entry
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)  # translator comments
    extracted: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


_ESCAPE = re.compile(r'\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)', re.S)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
           "f": "\f", "v": "\v", "'": "'", "?": "?"}


def _unescape(s: str) -> str:
    def sub(m: re.Match) -> str:
        e = m.group(1)
        if e in _SIMPLE:
            return _SIMPLE[e]
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e[0] in "01234567":
            return chr(int(e, 8))
        return "\\" + e  # unknown escape: keep it as written
    return _ESCAPE.sub(sub, s)


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s*(".*)$')


def _string(rest: str, path, n: int) -> str:
    rest = rest.strip()
    if len(rest) < 2 or not rest.startswith('"') or not rest.endswith('"') or _unbalanced(rest):
        raise InputError(path, f"malformed PO string {rest[:40]!r}", n)
    return _unescape(rest[1:-1])


def _unbalanced(quoted: str) -> bool:
    """True when the closing quote is escaped (`"abc\\"`): the string never ends."""
    body = quoted[1:-1]
    trailing = len(body) - len(body.rstrip("\\"))
    return trailing % 2 == 1


def parse_po(text: str, path: str | Path) -> list[Entry]:
    entries: list[Entry] = []
    cur: Entry | None = None
    last: tuple[str, int | None] | None = None  # which field continuation lines extend

    def finish():
        nonlocal cur, last
        if cur is not None and (cur.msgid is not None or cur.obsolete):
            entries.append(cur)
        cur, last = None, None

    # Lines end at \n (a \r before it goes with strip()); not at the form feeds, U+2028 and other
    # breaks str.splitlines() knows, which a message may hold unescaped.
    for n, raw in enumerate(text.split("\n" if "\n" in text else "\r"), 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if cur is not None and cur.msgstr:  # a comment after msgstr starts a new entry
                finish()
            if cur is None:
                cur = Entry(line=n)
            if line.startswith("#~"):
                cur.obsolete = True
            elif line.startswith("#."):
                cur.extracted.append(line[2:].strip())
            elif line.startswith("#,"):
                cur.flags.update(f.strip() for f in line[2:].split(","))
            elif line.startswith(("#:", "#|")):
                pass  # source references and previous msgid: not needed for review
            else:
                cur.comments.append(line[1:].strip())
            continue
        if line.startswith('"'):
            if cur is None or last is None:
                raise InputError(path, "string continuation outside of an entry", n)
            _append(cur, last, _string(line, path, n))
            continue
        m = _KEYWORD.match(line)
        if not m:
            raise InputError(path, f"not a PO line: {line[:40]!r}", n)
        keyword, index, rest = m.group(1), m.group(2), m.group(3)
        if cur is not None and cur.msgstr and keyword in ("msgctxt", "msgid"):
            finish()
        if cur is None:
            cur = Entry(line=n)
        value = _string(rest, path, n)
        if keyword.startswith("msgstr"):
            last = ("msgstr", int(index) if index is not None else 0)
        else:
            last = (keyword, None)
        _append(cur, last, value, start=True)
    finish()
    return entries


def _append(e: Entry, where: tuple[str, int | None], value: str, start: bool = False) -> None:
    name, index = where
    if name == "msgstr":
        e.msgstr[index] = value if start else e.msgstr.get(index, "") + value
    else:
        setattr(e, name, value if start else (getattr(e, name) or "") + value)


CREDIT_MSGIDS = {"translator-credits"}
CREDIT_CONTEXTS = {"NAME OF TRANSLATORS", "EMAIL OF TRANSLATORS"}


def _is_credits(entry) -> bool:
    return entry.msgid in CREDIT_MSGIDS or entry.msgctxt in CREDIT_CONTEXTS


def _header_field(header: str, name: str) -> str | None:
    m = re.search(rf"^{name}\s*:\s*(.*)$", header, re.M | re.I)
    return m.group(1).strip() if m else None


@functools.lru_cache(maxsize=32)
def plural_sources(plural_forms: str | None, nplurals: int) -> tuple[bool, ...]:
    """For each target plural form k: True when its English source is the singular msgid.

    Form k stands for the numbers n the language's plural formula sends to k; the English form for
    those numbers is the singular only when n == 1 (Arabic form 1 is n == 1; forms 0, 2-5 plural).
    """
    fallback = tuple(k == 0 for k in range(nplurals))
    m = re.search(r"plural\s*=\s*([^;]+)", plural_forms or "")
    if not m:
        return fallback
    try:
        formula = gettext.c2py(m.group(1).strip())  # stdlib: a checked C-expression compiler
        first_n: dict[int, int] = {}
        for number in range(1000):
            first_n.setdefault(formula(number), number)
    except (ValueError, SyntaxError, RecursionError, ZeroDivisionError):
        return fallback
    return tuple(first_n.get(k, 2) == 1 for k in range(nplurals))


def _encoding_from_header(data: bytes, path) -> str | None:
    m = re.search(rb"charset=([A-Za-z0-9._-]+)", data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    if name == "charset":  # the template's placeholder
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    line = data.count(b"\n", 0, m.start()) + 1
    return declared_encoding(data, name, path, line)


def load_po(path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None,
            encoding: str | None = None, doc: str | None = None) -> Corpus:
    data = read_bytes(path)
    if not encoding and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = _encoding_from_header(data, path)
    decoded = decode(data, path, encoding)
    if not decoded.text.strip():
        raise InputError(path, "file is empty")
    check_line_lengths(decoded.text, path)
    entries = parse_po(decoded.text, path)
    header = next((e for e in entries if e.msgid == "" and e.msgctxt is None and not e.obsolete), None)
    head = header.msgstr.get(0, "") if header else ""
    tgt = tgt_lang or _header_field(head, "Language") or None
    src = src_lang or DEFAULT_SRC_LANG
    plural_header = _header_field(head, "Plural-Forms")
    m = re.search(r"nplurals\s*=\s*(\d+)", plural_header or "")
    header_nplurals = int(m.group(1)) if m else 2
    if header_nplurals > MAX_PLURAL_FORMS:
        raise InputError(path, f"Plural-Forms says nplurals={header_nplurals}; more than {MAX_PLURAL_FORMS} "
                         "plural forms is not a language", header.line if header else None)
    doc_id = doc or Path(path).stem
    rows = new_rows()
    number = 0
    for e in entries:
        if e is header:
            continue
        number += 1
        if e.obsolete or _is_credits(e):
            continue
        notes = e.comments + e.extracted + ([f"msgctxt: {e.msgctxt}"] if e.msgctxt is not None else [])
        common = {DOC: doc_id, SRC_LANG: src, TGT_LANG: tgt, NOTE: "\n".join(notes) if notes else None,
                  STATE: "fuzzy" if "fuzzy" in e.flags else None}
        if e.msgid_plural is None:
            add_row(rows, **common, **{SOURCE: e.msgid, TARGET: e.msgstr.get(0, ""),
                                       LOCATOR: f"entry {number}"})
            continue
        nplurals = max(header_nplurals, (max(e.msgstr) + 1) if e.msgstr else 0)
        if nplurals > MAX_PLURAL_FORMS:
            raise InputError(path, f"msgstr[{max(e.msgstr)}]: more than {MAX_PLURAL_FORMS} plural forms",
                             e.line)
        singular = plural_sources(plural_header, nplurals)
        for k in range(nplurals):
            add_row(rows, **common, **{SOURCE: e.msgid if singular[k] else e.msgid_plural,
                                       TARGET: e.msgstr.get(k, ""), LOCATOR: f"entry {number}[{k}]"})
    return build(rows, path, "po", decoded.encoding, decoded.bom)
